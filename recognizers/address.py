"""CN_ADDRESS — 住址: parsed into administrative levels, generalised to the village or community.

Rosters may publish where a beneficiary lives down to the 村/社区, never below it (组、号、小区、栋、单元、
室 …). An address is read as up to five administrative levels, each a name and a suffix, then the detail:

======== ===================================================================================
province 省, 自治区, 直辖市, 特别行政区 (from the list of the 34, with or without the suffix)
city     市, 自治州, 地区, 盟
county   县, 区, 旗, 县级市, 自治县, 自治旗, 林区 (开发区 and 新区 end in 区)
township 乡, 镇, 街道, 苏木, 民族乡, 办事处, 开发区, 农场 …
village  村, 社区, 居委会, 村委会, 居民委员会, 嘎查
detail   everything after the last level: 组/队/社, 屯, 路/街 + 号, 小区, 栋/幢, 单元, 楼/层, 室 …
======== ===================================================================================

Any level may be missing. No gazetteer is shipped, so the parse is a best split of the text into names and
suffixes (scored so that ``新乡市`` is a city, not the township 新乡 followed by 市).

There is no checksum: :func:`validate` means "parses into at least two administrative levels".

>>> parse('湖南省长沙市望城区五星街道双河村3组12号')['village']
'双河村'
>>> parse('城关镇解放路12号3栋2单元301室')
{'province': None, 'city': None, 'county': None, 'township': '城关镇', 'village': None, 'detail': '解放路12号3栋2单元301室'}
>>> generalize('湖南省长沙市望城区五星街道双河村３组１２号')
'湖南省长沙市望城区五星街道双河村'
>>> generalize('湖南省长沙市望城区五星街道双河村3组12号', level='county')
'湖南省长沙市望城区'
>>> generalize('城关镇解放路12号3栋2单元301室')
'城关镇'
>>> generalize('3栋2单元301室')
''
>>> has_detail('双河村十二组'), has_detail('双河村')
(True, False)
>>> is_plausible('双河村3组12号'), is_plausible('双河村'), is_plausible('〔2024〕12号')
(True, False, False)
>>> validate('五星街道双河村')
'五星街道双河村'
>>> is_valid('双河村五组')
False
>>> mask('五星街道双河村3组12号')
'五星街道双河村*****'
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from typing import NamedTuple

from presidio_analyzer import AnalysisExplanation, Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.base import ZhPatternRecognizer
from recognizers.exceptions import InvalidComponent, InvalidFormat, InvalidLength
from recognizers.normalize import halfwidth

ENTITY = "CN_ADDRESS"

LEVELS = ("province", "city", "county", "township", "village")
PARTS = (*LEVELS, "detail")

# Short name → the suffixes its full name may have.
PROVINCES = {
    **dict.fromkeys("北京 天津 上海 重庆".split(), ("市",)),
    **dict.fromkeys(
        "河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 贵州 云南 陕西 "
        "甘肃 青海 台湾".split(),
        ("省",),
    ),
    "内蒙古": ("自治区",),
    "广西": ("壮族自治区", "自治区"),
    "西藏": ("自治区",),
    "宁夏": ("回族自治区", "自治区"),
    "新疆": ("维吾尔自治区", "自治区"),
    "香港": ("特别行政区",),
    "澳门": ("特别行政区",),
}
# Suffixes below the province, longest first so that 社区居委会 is tried before 社区.
SUFFIXES = {
    "city": ("自治州", "地区", "盟", "市"),
    "county": ("自治县", "自治旗", "林区", "特区", "县", "区", "旗", "市"),
    "township": (
        "街道办事处",
        "街道办",
        "工业园区",
        "民族苏木",
        "民族乡",
        "街道",
        "苏木",
        "办事处",
        "开发区",
        "管理区",
        "园区",
        "农场",
        "林场",
        "牧场",
        "镇",
        "乡",
    ),
    "village": (
        "社区居民委员会",
        "社区居委会",
        "村民委员会",
        "居民委员会",
        "村委会",
        "居委会",
        "嘎查村",
        "嘎查",
        "社区",
        "村",
    ),
}
# The suffixes of each level by their first character, in the order above: a name end is tried only against
# the suffixes that can start right after it.
_SUFFIXES_BY_FIRST = {
    level: {first: tuple(s for s in suffixes if s[0] == first) for first in dict.fromkeys(s[0] for s in suffixes)}
    for level, suffixes in SUFFIXES.items()
}
_NAME_LENGTH = {"city": (2, 10), "county": (1, 10), "township": (1, 10), "village": (1, 10)}
# Characters no place name holds: the detail units (and 省, which only ends a province).
_NOT_IN_NAMES = frozenset("号组队栋幢室弄省")
# Words that end an address's left edge in free text (家住|, 我家在|), so that a road name alone does not
# swallow them. Words that also occur in place names (于都县, 将乐县, 从江县) are not among them; were one of
# these in a name, the address would be found from the next level on, which is harmless: the text before a
# span is kept as is.
_SENTENCE_WORDS = frozenset("住址籍在的是了与及被该此等约我你他她系属为")
# Place names above the village never hold these; a village may be 东街村 or 上村村.
_NOT_IN_UPPER_NAMES = frozenset("村路巷")
# The longest run of name characters (as :func:`_is_name_char` tells them) from a position, for each level.
_NAME_RUN = {
    level: re.compile(rf"(?:[\u4e00-\u9fffXx×](?<![{''.join(sorted(excluded))}]))*")
    for level, excluded in {
        **dict.fromkeys(("city", "county", "township"), _NOT_IN_NAMES | _NOT_IN_UPPER_NAMES),
        "village": _NOT_IN_NAMES,
    }.items()
}
_ADMIN_SUFFIX_CHARS = frozenset("市县区旗州盟镇乡村")
# A suffix that is really the start of a word: 城关镇市场路 is no city 城关镇市, 阳光小区 no district.
_SUFFIX_NOT_AFTER = {"市": frozenset("超菜集门夜股早"), "区": frozenset("小社园景校")}
_SUFFIX_NOT_BEFORE = {
    "市": ("场", "民", "政", "委", "级", "直", "属", "辖"),
    "村": ("小区", "花园", "路", "街", "大道", "巷", "弄", "公寓", "大厦", "苑", "广场"),
}
_MAX_LENGTH = 120

_LABEL = re.compile(
    r"(?:家庭住址|现住址|户籍地址|居住地址|通讯地址|联系地址|户籍所在地|现居住地|户籍地|居住地|住址|地址|家住|现住|住所)[:：]?"
)

# Detail below the village. Chinese numerals count for 组/号/栋 (`三组`, `十二号`) but not for 楼/层/室,
# where they are ordinary words (两层楼房).
_CN_DIGITS = "零〇一二三四五六七八九十百"
_NOT_A_HOUSE_NUMBER = r"(?!文|令|字|函|公告|通知|决定|批|线|码|机|床|病床|选手|窗口)"
_NUMBERED = (
    rf"(?<![\d.A-Za-z\-])第?\d{{1,5}}\s?(?:号院|号楼|号{_NOT_A_HOUSE_NUMBER}|组|队|社(?!区)|弄|巷|栋|幢|座|单元|楼|层|室|房|排)"
    rf"|(?<![{_CN_DIGITS}])第?[{_CN_DIGITS}]{{1,4}}(?:号{_NOT_A_HOUSE_NUMBER}|组|队|社(?!区)|栋|幢|单元|排|巷|弄)"
    r"|(?<![A-Za-z\d])[A-Za-z]\s?(?:栋|座|幢|单元|区)"
    r"|(?<![\d.\-])\d{1,4}(?:-\d{1,4}){1,3}(?![\d\-])(?:号|室)?"
)
_NUMBERED_PART = re.compile(_NUMBERED)
_RUN = rf"(?:{_NUMBERED})(?:\s?(?:{_NUMBERED}))*"
_NAME_CHAR = rf"(?:[\u4e00-\u9fffXx×](?<![{''.join(sorted(_NOT_IN_NAMES))}]))"
# 芙蓉中路一段, 解放路三巷: a road, its section, its lane.
_ROAD = re.compile(rf"(?:{_NAME_CHAR}{{1,8}}(?:路|街|大道|巷|胡同|弄)(?:[{_CN_DIGITS}]段)?){{1,2}}")
_ESTATE_SUFFIX = "小区|花园|公寓|家园|山庄|大厦|宿舍|大院|苑"
_ESTATE = re.compile(rf"(?:{_ROAD.pattern})?{_NAME_CHAR}{{1,8}}")
_ESTATE_NAMED = re.compile(_ESTATE_SUFFIX)
_GROUP_NAME = re.compile(rf"{_NAME_CHAR}{{1,4}}")
# Words ending in 组 that are committees, not 村民小组 names: 评议小组, 工作组 …
_NOT_A_GROUP = re.compile(r".*(?:小|工作|领导|评议|调查|核查|专项|互助|帮扶|巡查|督导|验收|考察|专家|评审|审核)")
_DETAIL_MARK = re.compile(rf"{_NUMBERED}|{_ROAD.pattern}|{_ESTATE_SUFFIX}|{_NAME_CHAR}(?<!小)(?:组|屯)", re.IGNORECASE)
_NEVER_PUBLISHED = re.compile(r"\d|组|号|栋|幢|单元|室|小区")
_HAN_TEXT = re.compile(r"[\u4e00-\u9fff]")
# A detail tail with nothing but a road and numbered units (3组12号, 解放路12号3栋2单元301室).
_VILLAGE_THEN_DETAIL = re.compile(
    rf"(.*(?:村|社区|嘎查|居委会|委员会))((?:[\u4e00-\u9fff]{{1,8}}(?:路|街|大道|巷))?(?:[0-9{_CN_DIGITS}]+(?:组|队|号|栋|幢|单元|楼|层|室|户|弄))+)"
)
# What :func:`compact` changes: whitespace (``\s`` is what ``str.split`` splits at) and full-width forms.
_NOT_COMPACT = re.compile(r"[\s\uff01-\uff5e]")
_VILLAGE_END = re.compile(r"(?:村|社区|嘎查|居委会|村委会|委员会)$")


class _Component(NamedTuple):
    level: str
    start: int
    end: int
    name_length: int


class _Chain(NamedTuple):
    score: float
    components: tuple[_Component, ...]
    tail: int


def compact(address: object) -> str:
    """Half-width, without whitespace."""
    text = "" if address is None else str(address)
    # Most addresses have nothing to change: one scan tells, instead of normalising and splitting each.
    if _NOT_COMPACT.search(text) is None:
        return text
    return "".join(halfwidth(text).split())


def _is_name_char(ch: str, level: str) -> bool:
    if ch in _NOT_IN_NAMES or (level != "village" and ch in _NOT_IN_UPPER_NAMES):
        return False
    return "\u4e00" <= ch <= "\u9fff" or ch in "Xx×"


def _name_penalty(name: str, level: str) -> float:
    penalty = 0.8 if name[0] in _ADMIN_SUFFIX_CHARS else 0.0
    if level in ("city", "county"):
        # 镇平县 and 萍乡市 are real, 城关镇市场 is not a city: other levels' suffixes inside the name cost.
        if any(ch in name[1:] for ch in "市区镇村街"):
            penalty += 0.8
        elif "乡" in name[1:]:
            penalty += 0.4
    return penalty


def _suffix_fits(text: str, name_end: int, suffix: str) -> bool:
    if text[name_end - 1] in _SUFFIX_NOT_AFTER.get(suffix, ()):
        return False
    return not text.startswith(_SUFFIX_NOT_BEFORE.get(suffix, ()), name_end + len(suffix))


def _province_candidates(text: str, pos: int) -> list[tuple[_Component, float]]:
    for short, suffixes in PROVINCES.items():
        if text.startswith(short, pos):
            end = pos + len(short)
            # With its suffix written out, the suffix belongs to the province: 香港特别行政区 has no district.
            full = [suffix for suffix in suffixes if text.startswith(suffix, end)]
            return [
                (_Component("province", pos, end + len(suffix), len(short)), 1.0 + 0.1 * len(suffix)) for suffix in full
            ] or [(_Component("province", pos, end, len(short)), 1.0)]
    return []


def _candidates(text: str, pos: int, level: str) -> list[tuple[_Component, float]]:
    """Every way a component of ``level`` can start at ``pos``, with its score."""
    if level == "province":
        return _province_candidates(text, pos)
    shortest, longest = _NAME_LENGTH[level]
    suffixes_by_first = _SUFFIXES_BY_FIRST[level]
    # A name is a run of name characters with a suffix after it, not at the end of the text.
    last_name_end = min(_NAME_RUN[level].match(text, pos, pos + longest).end(), len(text) - 1)
    found = []
    for name_end in range(pos + shortest, last_name_end + 1):
        for suffix in suffixes_by_first.get(text[name_end], ()):
            if text.startswith(suffix, name_end) and _suffix_fits(text, name_end, suffix):
                score = 1.0 + 0.1 * len(suffix) - _name_penalty(text[pos:name_end], level)
                found.append((_Component(level, pos, name_end + len(suffix), name_end - pos), score))
    return found


_TailScore = Callable[[str, int], "float | None"]


def _best_chains(text: str, tail_score: _TailScore) -> Callable[[int], _Chain | None]:
    """A function giving, for a start position, the best split of ``text[start:]`` into levels and a tail.

    ``tail_score(text, pos)`` scores what is left after the last level (None: that tail is not allowed).
    Memoised per ``text``, so asking for every start position of a window costs one pass.
    """
    memo: dict[tuple[int, int], _Chain | None] = {}

    def best(pos: int, first_level: int) -> _Chain | None:
        if (pos, first_level) in memo:
            return memo[pos, first_level]
        tail = tail_score(text, pos)
        result = None if tail is None else _Chain(tail, (), pos)
        for index in range(first_level, len(LEVELS)):
            for component, score in _candidates(text, pos, LEVELS[index]):
                rest = best(component.end, index + 1)
                if rest is not None and (result is None or score + rest.score > result.score + 1e-9):
                    result = _Chain(score + rest.score, (component, *rest.components), rest.tail)
        memo[pos, first_level] = result
        return result

    return lambda start: best(start, 0)


def _starts_a_component(text: str, pos: int) -> bool:
    return pos >= len(text) or any(_candidates(text, pos, level) for level in LEVELS)


def _detail_score(text: str, pos: int) -> float:
    # A detail opening with a lone suffix (新乡|市, 萍乡|市安源区) means a name was cut in two.
    if pos < len(text) and text[pos] in _ADMIN_SUFFIX_CHARS and _starts_a_component(text, pos + 1):
        return -0.8
    return 0.0


# has_detail and is_plausible are asked of the same value one after the other (a column's profile).
@functools.lru_cache(maxsize=1 << 10)
def _chain(address: str) -> _Chain:
    label = _LABEL.match(address)
    start = label.end() if label else 0
    chain = _best_chains(address[:_MAX_LENGTH], _detail_score)(start)
    return chain if chain is not None else _Chain(0.0, (), start)


def parse(address: object) -> dict[str, str | None]:
    """Split an address into ``province, city, county, township, village, detail``; missing parts are None.

    A leading label (``住址：``) is skipped. Never raises.

    >>> parse('XX县XX乡XX村XX组')['detail']
    'XX组'
    >>> parse('湘西土家族苗族自治州吉首市')['city']
    '湘西土家族苗族自治州'
    """
    text = compact(address)
    chain = _chain(text)
    parsed: dict[str, str | None] = dict.fromkeys(PARTS)
    for component in chain.components:
        parsed[component.level] = text[component.start : component.end]
    parsed["detail"] = text[chain.tail :] or None
    return parsed


def generalize(address: object, level: str = "village") -> str:
    """The address cut after ``level`` (or the deepest level above it that it has); '' if none parses.

    Nothing below the village is ever returned; an unknown ``level`` gives ''. Never raises.

    >>> generalize('城关镇解放路12号', level='township'), generalize('双河村3组', level='county')
    ('城关镇', '')
    """
    if level not in LEVELS:
        return ""
    # Rosters repeat the same village over and over with a different house: parse the part above the
    # detail once (cached) instead of every full address. A detail holds no whitespace or full-width form,
    # so the text as written splits where its compact form does, and then only the part above needs compacting.
    text = "" if address is None else str(address)
    split = _VILLAGE_THEN_DETAIL.fullmatch(text)
    if split is None and _NOT_COMPACT.search(text):
        split = _VILLAGE_THEN_DETAIL.fullmatch(compact(text))
    return _generalize_above_detail(split.group(1) if split else text, level)


@functools.lru_cache(maxsize=1 << 16)
def _generalize_above_detail(text: str, level: str) -> str:
    text = compact(text)
    depth = LEVELS.index(level)
    kept = [c for c in _chain(text).components if LEVELS.index(c.level) <= depth]
    if not kept:
        return ""
    general = text[kept[0].start : kept[-1].end]
    # Names hold no digits or detail units by construction; should one ever slip through, publish nothing.
    return "" if _NEVER_PUBLISHED.search(general) else general


# 文号 (闽市监罚〔2024〕37号) end in 号 like house numbers; they are document references, never addresses.
_DOC_NUMBER = re.compile(r"[〔\[（(【]\s*(?:19|20)\d{2}\s*[〕\]）)】]\s*第?\s*\d+\s*号")


def _address_text(address: object) -> str:
    """The compact text with document numbers taken out; empty when no Han character is left (dates, amounts)."""
    text = _DOC_NUMBER.sub("", compact(address))
    return text if _HAN_TEXT.search(text) else ""


def has_detail(address: object) -> bool:
    """Whether the address goes below the village: a 组, 屯, road, 号, 小区, 栋, 单元, 室 …

    >>> has_detail('双河村3组12号'), has_detail('2024-11-07'), has_detail('闽市监罚〔2024〕37号')
    (True, False, False)
    """
    text = _address_text(address)
    return bool(text) and _DETAIL_MARK.search(text[_chain(text).tail :]) is not None


def _detail_weight(detail: str) -> int:
    named_place = _ROAD.search(detail) or _ESTATE_NAMED.search(detail)
    return len(_NUMBERED_PART.findall(detail)) + (1 if named_place else 0)


def is_plausible(address: object) -> bool:
    """Whether the value looks like an address: detail below the village under some administrative level
    (or two detail parts: ``3组12号``, ``解放路12号``), or a full address down to the township or village.
    """
    text = _address_text(address)
    if not text or len(text) > _MAX_LENGTH:
        return False
    chain = _chain(text)
    detail = text[chain.tail :]
    if _DETAIL_MARK.search(detail) and (chain.components or _detail_weight(detail) >= 2):
        return True
    return len(chain.components) >= 2 and chain.components[-1].level in ("township", "village")


def validate(address: object) -> str:
    """Return the compact address if it parses into at least two administrative levels, else raise.

    Addresses have no checksum; two levels (``五星街道双河村``) is what makes a string an address.
    """
    text = compact(address)
    if not text:
        raise InvalidFormat()
    if len(text) > _MAX_LENGTH:
        raise InvalidLength()
    if len(_chain(text).components) < 2:
        raise InvalidComponent("fewer than two administrative levels")
    return text


def is_valid(address: object) -> bool:
    """Whether ``address`` parses into at least two administrative levels (never raises)."""
    try:
        return bool(validate(address))
    except ValueError:
        return False


def mask(address: object, level: str = "village", char: str = "*") -> str:
    """Keep the address down to ``level`` (as :func:`generalize`), mask every character after it.

    >>> mask('3栋2单元301室')
    '*********'
    """
    text = compact(address)
    kept = generalize(text, level)
    return kept + char * (len(text) - len(kept))


# --- free text ----------------------------------------------------------------------------------------------

DETAIL_SCORE = 0.6
CUE_SCORE = 0.85
_WINDOW = 40
_CUE_BEFORE = re.compile(
    r"(?:家庭住址|现住址|户籍地址|居住地址|通讯地址|联系地址|户籍所在地|现居住地|户籍地|居住地|现居地|住址|地址|家住|现住|"
    r"住所|现居|居住在|住在|家在)(?:为|是|在|于)?\s*[:：]?\s*$"
)
# Where an address detail starts: a run of numbered parts, an estate name's suffix, or a named 组/屯.
ANCHOR = (
    rf"(?P<estate>{_ESTATE_SUFFIX})(?!物业|业委会|业主|居委会|社区|居民委员会|党)(?:\s?{_RUN})?"
    rf"|(?P<group>(?<![{_CN_DIGITS}\d])(?:组|屯))(?:{_RUN})?"
    rf"|(?P<run>{_RUN})"
)
_ANCHOR = re.compile(ANCHOR, re.IGNORECASE)


def _road_tail(text: str, pos: int) -> float | None:
    return 0.0 if pos == len(text) or _ROAD.fullmatch(text, pos) else None


def _estate_tail(text: str, pos: int) -> float | None:
    return 0.0 if _ESTATE.fullmatch(text, pos) else None


def _group_tail(text: str, pos: int) -> float | None:
    name = text[pos:]
    if _GROUP_NAME.fullmatch(name) and not _NOT_A_GROUP.fullmatch(name) and _VILLAGE_END.search(text[:pos]):
        return 0.0
    return None


class _Span(NamedTuple):
    start: int
    end: int
    score: float
    cue: bool


class AddressRecognizer(ZhPatternRecognizer):
    """Addresses with detail below the village in zh text, so the engine can generalise them.

    A span runs from the first administrative level before the detail to the end of the detail
    (``现住城关镇解放路12号3栋2单元301室`` → ``城关镇解放路12号3栋2单元301室``). A bare village, an
    organisation (``双河村村民委员会``), a 文号 (``〔2024〕12号``) or a date never makes a span. The score is
    0.6, or 0.85 right after a cue word (家住、现住、住址 …); such results are marked as already enhanced by
    context so that the cue is not counted twice.
    """

    ENTITY = ENTITY
    PATTERNS = [Pattern("CN_ADDRESS (detail below the village)", ANCHOR, DETAIL_SCORE)]
    CONTEXT = ["住址", "地址", "家住", "现住", "户籍地", "居住地", "住所", "家庭住址", "现住址"]

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        normalized = halfwidth(text)
        spans = [span for anchor in _ANCHOR.finditer(normalized) if (span := _address_span(normalized, anchor))]
        return [self._result(span) for span in _merge(spans)]

    def _result(self, span: _Span) -> RecognizerResult:
        explanation = AnalysisExplanation(
            recognizer=self.name,
            original_score=span.score,
            pattern_name=self.PATTERNS[0].name,
            pattern=self.PATTERNS[0].regex,
            textual_explanation="address detail below the village" + (" after a cue word" if span.cue else ""),
        )
        return RecognizerResult(
            entity_type=self.supported_entities[0],
            start=span.start,
            end=span.end,
            score=span.score,
            analysis_explanation=explanation,
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: span.cue,
            },
        )


def _in_window(ch: str) -> bool:
    return ch not in _SENTENCE_WORDS and (ch == "省" or _is_name_char(ch, "village"))


def _window_start(text: str, end: int) -> int:
    """Where the run of place-name characters ending at ``end`` starts (at most :data:`_WINDOW` back)."""
    start = end
    while start > max(0, end - _WINDOW) and _in_window(text[start - 1]):
        start -= 1
    return start


def _extension(window: str, tail_score: _TailScore) -> tuple[int, _Chain] | None:
    """Where in ``window`` the address starts, and its levels.

    The most levels first, then a road or estate name kept, then no one-character first name. Among equals
    the shortest span when it has levels (``张三双河村``: the name before the village stays outside, and the
    text outside a span is kept as it is, so nothing is lost), the longest when it has only a road or estate
    name, whose start is unknown: more words are removed, no part of the name is left.
    """
    best = _best_chains(window, tail_score)
    found = [(start, chain) for start in range(len(window) + 1) if (chain := best(start)) is not None]

    def preference(item: tuple[int, _Chain]) -> tuple[int, bool, bool, int]:
        start, chain = item
        first = chain.components[0] if chain.components else None
        one_char = first is not None and first.level != "province" and first.name_length == 1
        has_tail = chain.tail < len(window)
        return len(chain.components), has_tail, not one_char, start if chain.components else -start

    return max(found, key=preference, default=None)


def _address_span(text: str, anchor: re.Match[str]) -> _Span | None:
    window_start = _window_start(text, anchor.start())
    window = text[window_start : anchor.start()]
    tail_score = {"estate": _estate_tail, "group": _group_tail}.get(anchor.lastgroup, _road_tail)
    extension = _extension(window, tail_score)
    if extension is None:
        return None
    start, chain = extension
    start += window_start
    cue = _CUE_BEFORE.search(text, max(0, start - 12), start) is not None
    if not _enough_for_an_address(anchor, chain, has_tail=chain.tail < len(window), cue=cue):
        return None
    return _Span(start, anchor.end(), CUE_SCORE if cue else DETAIL_SCORE, cue)


def _enough_for_an_address(anchor: re.Match[str], chain: _Chain, has_tail: bool, cue: bool) -> bool:
    """Whether the detail has enough around it to be an address rather than a 文号, a date or a count."""
    if anchor.lastgroup == "group":
        return True  # _group_tail already required a village right before the name
    if chain.components or cue:
        return True
    if anchor.lastgroup == "estate":
        return anchor.end() > anchor.end("estate")  # 阳光小区5栋
    if has_tail:
        return True  # 解放路12号
    parts = _NUMBERED_PART.findall(anchor.group())
    return len(parts) >= 2 and not parts[0].startswith("第")  # 3栋2单元301室, not 第3号


def _merge(spans: list[_Span]) -> list[_Span]:
    """Join spans that touch (``…解放路12号`` + ``阳光小区5栋``): one address, one result."""
    merged: list[_Span] = []
    for span in sorted(spans):
        if merged and span.start <= merged[-1].end:
            last = merged[-1]
            merged[-1] = _Span(last.start, max(last.end, span.end), max(last.score, span.score), last.cue or span.cue)
        else:
            merged.append(span)
    return merged
