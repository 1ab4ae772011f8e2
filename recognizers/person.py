"""PERSON — 姓名 of beneficiaries, their relatives and the officials who sign a roster.

A Han name is a surname (one character, or a compound such as 欧阳) and a given name of one or two
characters; minority and foreign names join their parts with a middle dot (``买买提·艾力``). Adults keep the
surname and the last given-name character, children keep the surname only; names without a known surname
(扎西顿珠) keep their first character instead.

>>> split_name('欧阳小峰')
('欧阳', '小峰')
>>> mask_name('张三丰'), mask_name('张三'), mask_name('欧阳小峰'), mask_name('欧阳峰')
('张*丰', '张*', '欧阳*峰', '欧阳*')
>>> mask_name('买买提•艾力'), mask_name('扎西顿珠'), mask_name(' 张  三 ')
('买*·艾*', '扎**珠', '张*')
>>> mask_name('张三丰', child=True), mask_name('欧阳小峰', child=True), mask_name('阿依古丽', child=True)
('张**', '欧阳**', '阿***')
>>> is_plausible_name('王秀英'), is_plausible_name('张家村'), is_plausible_name('孙女'), is_plausible_name('农村')
(True, False, False, False)
>>> validate('李庄镇')
Traceback (most recent call last):
    ...
recognizers.exceptions.InvalidComponent: the value names a place or an organisation
>>> text = '户主张三丰因病致贫，其子王小明在读。制表人：李四  联系电话：0591-87654321'
>>> [(text[span.start : span.end], span.score) for span in find_names(text)]
[('张三丰', 0.85), ('王小明', 0.85), ('李四', 0.85)]
>>> find_names('高新区公安局钟楼街道')
[]
"""

from __future__ import annotations

import functools
import itertools
import logging
import re
from importlib import resources
from types import ModuleType
from typing import NamedTuple

import jieba
from presidio_analyzer import AnalysisExplanation, EntityRecognizer, Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.base import any_word
from recognizers.exceptions import InvalidComponent, InvalidFormat, InvalidLength
from recognizers.normalize import halfwidth

ENTITY = "PERSON"

jieba.setLogLevel(logging.WARNING)

CUE_SCORE = 0.85
UNKNOWN_SURNAME_SCORE = 0.6
TAGGED_SCORE = 0.5


def _word_list(name: str) -> frozenset[str]:
    text = resources.files("recognizers").joinpath("data", f"{name}.txt").read_text(encoding="utf-8")
    return frozenset(line.strip() for line in text.splitlines() if line.strip())


SURNAMES = _word_list("surnames")
COMPOUND_SURNAMES = _word_list("compound_surnames")
# Kinship terms, roster vocabulary and common words that begin with a surname character.
NON_NAMES = _word_list("non_names")
# Characters that are usual in given names; a name without them after its surname is most likely a word.
GIVEN_NAME_CHARS = _word_list("given_name_chars")

# Surname characters that far more often are function words (于是, 向民政部门, 须如实): a name starting with one
# needs usual given-name characters that do not form an everyday word.
FUNCTION_WORD_SURNAMES = frozenset(
    "于和从都有后那能须相通家应向全时计成万公东双别终居步满广利越益盖年言福法代由但原门占官"
)

# Words after which a name follows in rosters, footers and case descriptions, longest first for the regex.
CUE_WORDS = tuple(
    sorted(
        """户主 申请人 联系人 其子 其女 其妻 其夫 其父 其母 家属 监护人 制表人 审核人 经办人 负责人 领款人
        代领人 受助人 救助对象 捐赠人 法定代表人 填报人 村干部 帮扶责任人 帮扶人 帮扶干部 姓名 户名 持卡人
        收款人 领取人 签收人 审批人 复核人 经手人 代理人 委托人 承办人 责任人 本人 配偶 丈夫 妻子 儿子 女儿
        长子 次子 长女 次女 孙子 孙女 患者 学生 儿童 孤儿 老人 主任 书记 村长 组长 会计 网格员
        侄子 侄女 外甥 外甥女 外孙 外孙女 儿媳 女婿 之妻 之子 之女 之夫 之父 之母 母亲 父亲 哥哥 弟弟 姐姐 妹妹
        爷爷 奶奶 祖父 祖母 岳父 岳母 继子 继女 养子 养女
        消费者 举报人 投诉人 当事人 受害人 被害人 行为人 村民 居民 群众 业主 农户 驾驶员 司机 职工 员工 店主
        经营者 股东 病人 伤者 死者 遇难者 受灾户 贫困户 低保户 五保户 残疾人 党员 教师 医生 护士""".split(),
        key=len,
        reverse=True,
    )
)
# Words that are no name whatever jieba's dictionary says.
_ROSTER_WORDS = NON_NAMES | frozenset(CUE_WORDS)
_CUE_AT = re.compile("(?=(" + any_word(CUE_WORDS) + "))")
_AFTER_CUE = re.compile(r"(?:姓名|签字|签名|名字)?[\s:：]*(?:为|是|名叫|叫)?[\s:：]*")
_AFTER_CUE_STARTS = frozenset("姓签名为是叫:：")  # and whitespace: what _AFTER_CUE can start with

_HAN_CHARS = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_RUN = re.compile(f"[{_HAN_CHARS}]+")
_MASKED_NAME = re.compile(f"[{_HAN_CHARS}]{{1,2}}\\*+")
_DOTS = "·•・‧∙.．"
_DOT_SET = frozenset(_DOTS)
_DOT_TRANSLATION = {ord(dot): "·" for dot in _DOTS}
_WHITESPACE = re.compile(r"\s+")
_CLAUSE = re.compile(r"[^\s，。；：！？、,;:!?]+")
_LONGEST_CLAUSE = 200
_DOT_NAME = re.compile(f"[{_HAN_CHARS}]+(?:·[{_HAN_CHARS}]+)+")
# In running text only the real middle dots join names: a full stop between two words ends a sentence.
# Matches start where a run of Han characters starts, so that a long run without a dot is read once.
_TEXT_DOTS = "·•・‧∙"
_TEXT_DOT_SET = frozenset(_TEXT_DOTS)
_DOT_NAME_IN_TEXT = re.compile(f"(?<![{_HAN_CHARS}])[{_HAN_CHARS}]+(?:[{_TEXT_DOTS}][{_HAN_CHARS}]+)+")
_DOT_NAME_AFTER_CUE = re.compile(f"[{_HAN_CHARS}]{{1,8}}(?:[{re.escape(_DOTS)}][{_HAN_CHARS}]{{1,8}})+")

# What follows a name and can never be its last character: the name ends before it. The empty group matches
# where no Han character follows, at the end of the text too.
_STOP_WORDS = [
    *"""家庭 家中 家里 家住 家属 家人 家有 户籍 户口 年满 年龄 年近 今年 现年 现住 现居 身份证 身患 身体
    患有 联系 电话 手机 签字 签名 盖章 领取 代领 申请 负责 审核 经办 填报 同住 同意 同志 先生 女士
    老人 老汉 师傅 一家 一户 一人 一直 长期 常年 独自 单独 生前 去世 病故 死亡 享受 纳入 退出 夫妇
    夫妻 父子 父女 母子 母女 子女 之子 之女 之妻 之夫 之父 之母 为其 为户 为本
    生病 务农 务工 外出 就读 读书 上学 残疾 无劳动 住院 治疗 承诺 同户 等人 育有 名下 代为 抚养
    赡养 照顾 带领""".split(),
    *CUE_WORDS,
]
_STOP = re.compile(
    f"((?![{_HAN_CHARS}]))|"
    + any_word(_STOP_WORDS)
    + "|[的因在系等于是患住现今已无被把对从自及户岁共携将也都曾经向到去说称男女属所每后均]"
)
_STOP_WORD_STARTS = frozenset(word[0] for word in _STOP_WORDS)
# What _STOP makes of a character that starts no stop word (1: it ends a name, 0: not), once it has been seen:
# it depends on that character alone, and names are read a few characters at a time.
_STOP_BY_CHARACTER: dict[str, int] = {}
# Characters that often follow a name (李四和王五, 张三为户主) but also end real names (王永和, 李有为).
_SOFT_STOPS = frozenset("和为与家年同父母妻夫之")
# Characters no given name has: what follows them is no name (户主的, 其子于2020年).
_NEVER_GIVEN = frozenset("的系等患住被把从也都已及户岁")

# Places and organisations that begin like a name (张家村, 李庄镇, 钟楼街道, 东风小学).
_PLACE_SUFFIX = re.compile(
    "(?:村|镇|乡|县|市|省|区|局|路|街|巷|弄|厂|站|委|厅|署|校|庄|屯|寨|街道|社区|小学|中学|大学|学校|学院|医院|"
    "卫生院|公司|银行|幼儿园|中心|政府|委会|派出所|公安|民政|集团)$"
)
# Words after a name-like token that make it part of a place (钟楼|街道, 黄山|路).
_PLACE_WORDS = re.compile(
    "村|镇|乡|县|市|省|区|局|路|街|巷|弄|厂|站|委|厅|署|校|庄|屯|寨|社区|小学|中学|大学|学校|学院|医院|公司|银行|"
    "幼儿园|中心|政府|大道|广场|小区|花园|公园|大厦|山|河|湖|江|桥|井|楼|寺|庙|宫|港|湾|岛"
)
_NAME_TAGS = frozenset({"nr", "nrfg", "nrt"})
# Tags of dictionary words that are also given to people: place and plain nouns (黄海, 时光), never verbs.
_CUED_WORD_TAGS = frozenset({"nr", "nrfg", "nrt", "ns", "nz", "n"})
# jieba's tags for Chinese persons (nrt marks transliterated foreign names).
_PERSON_TAGS = frozenset({"nr", "nrfg"})
# jieba tags many everyday words as names (张贴, 白银, 孙女); a frequent dictionary word is no unknown person.
_KNOWN_WORD_FREQUENCY = 20
# jieba's dictionary holds rare words that are also names (方军, 陆海); only frequent ones are everyday words.
_EVERYDAY_WORD_FREQUENCY = 200
# A word this frequent right after a cue word is the sentence going on, not a name without a surname.
_COMMON_WORD_FREQUENCY = 100


class NameSpan(NamedTuple):
    """A name found in text: ``text[start:end]``, its score and what found it."""

    start: int
    end: int
    score: float
    detector: str


class _Jieba(NamedTuple):
    frequencies: dict[str, int]
    tags: dict[str, str]
    posseg: ModuleType


@functools.cache
def _jieba() -> _Jieba:
    """jieba's word frequencies, POS tags and tagger, loaded on first use (about a second)."""
    import jieba.posseg

    jieba.initialize()
    return _Jieba(jieba.dt.FREQ, jieba.posseg.dt.word_tag_tab, jieba.posseg)


_Token = tuple[int, int, str, str]


def _tokens(text: str, hmm: bool = True) -> list[_Token]:
    """(start, end, word, POS tag) of every jieba token in ``text``; ``hmm=False`` keeps unknown words apart."""
    tokens, start = [], 0
    for word, tag in _jieba().posseg.cut(text, HMM=hmm):
        tokens.append((start, start + len(word), word, tag))
        start += len(word)
    return tokens


def _clause_tokens(text: str, skip: list[int] = ()) -> list[_Token]:
    """jieba's tokens of ``text``, clause by clause, leaving out clauses where a span of ``skip`` (their
    starts) starts; a clause longer than any real one is read without the HMM, which needs seconds for a few
    thousand characters that form no known word."""
    tokens = []
    for clause in _CLAUSE.finditer(text):
        clause_start, clause_end = clause.span()
        for start in skip:
            if clause_start <= start < clause_end:
                break
        else:
            hmm = clause_end - clause_start <= _LONGEST_CLAUSE
            tokens += [(clause_start + s, clause_start + e, w, t) for s, e, w, t in _tokens(clause.group(), hmm)]
    return tokens


def _is_han(text: str) -> bool:
    return _HAN_RUN.fullmatch(text) is not None


# The surnames are Han characters: a name after a cue word that starts with one needs no test that it is.
_HAN_SURNAMES = frozenset(filter(_is_han, SURNAMES | COMPOUND_SURNAMES))


def compact(name: object) -> str:
    """The name without surrounding or inner whitespace, half-width, with every middle-dot variant as ``·``.

    >>> compact(' 买买提 ． 艾力 ')
    '买买提·艾力'
    """
    if type(name) is str and _is_han(name):
        return name  # the usual name: nothing to take out or to make half-width
    if name is None:
        return ""
    return _WHITESPACE.sub("", halfwidth(name)).translate(_DOT_TRANSLATION)


def split_name(name: object) -> tuple[str, str]:
    """(surname, given name), compound surnames first; ``('', name)`` when no known surname starts it.

    A dot-joined name is split at its first dot.

    >>> split_name('张三丰'), split_name('欧阳'), split_name('扎西顿珠'), split_name('买买提·艾力')
    (('张', '三丰'), ('欧', '阳'), ('', '扎西顿珠'), ('买买提', '艾力'))
    """
    return _split_compact(compact(name))


def _split_compact(name: str) -> tuple[str, str]:
    """:func:`split_name` of a name that is compact already."""
    if "·" in name:
        first, _, rest = name.partition("·")
        return first, rest
    if len(name) > 2 and name[:2] in COMPOUND_SURNAMES:
        return name[:2], name[2:]
    first = name[:1]
    if first in SURNAMES:
        return first, name[1:]
    return "", name


def _mask_given(given: str, child: bool, char: str) -> str:
    if child or len(given) < 2:
        return char * len(given)
    return char * (len(given) - 1) + given[-1]


def _mask_dotted(name: str, child: bool, char: str) -> str:
    """Each part's first character and one mask character (买*·艾*); children keep the first part's only."""
    parts = [part for part in name.split("·") if part] or [name]
    masked = [part[0] + char if len(part) > 1 else char for part in parts]
    if child:
        masked[1:] = [char] * (len(parts) - 1)
    return "·".join(masked)


def mask_name(name: object, child: bool = False, char: str = "*") -> str:
    """The published form of a name: ``张*丰`` / ``张*`` / ``欧阳*峰`` / ``买*·艾*``; children ``张**``.

    Adults keep the surname and the last given-name character; children keep the surname only. A name
    without a known surname keeps its first character in its place. Anything that is no name is masked
    the same way; nothing raises.

    >>> mask_name('爱新觉罗溥仪'), mask_name('张'), mask_name(None), mask_name(12345)
    ('爱****仪', '*', '', '1***5')
    >>> mask_name('买买提·艾力', child=True)
    '买*·*'
    """
    name = compact(name)
    if len(name) < 2:
        return char * len(name)
    if "·" in name:
        return _mask_dotted(name, child, char)
    # A name without a known surname keeps its first character, as a one-character surname does.
    surname = 2 if len(name) > 2 and name[:2] in COMPOUND_SURNAMES else 1
    return name[:surname] + _mask_given(name[surname:], child, char)


mask = mask_name


def _is_common_word(word: str) -> bool:
    """A roster word, kinship term or dictionary word that jieba does not take for a name.

    Rare dictionary words count only when no character after the first is a usual given-name character
    (修辞 is a word, 方军 a name).
    """
    if word in _ROSTER_WORDS:
        return True
    dictionary = _jieba()
    frequency = dictionary.frequencies.get(word, 0)
    # Most names are in no dictionary: their tag is not looked up (a miss in a big dictionary costs).
    if frequency <= 0 or dictionary.tags.get(word) in _NAME_TAGS:
        return False
    return frequency >= _EVERYDAY_WORD_FREQUENCY or GIVEN_NAME_CHARS.isdisjoint(word[1:])


def validate(name: object) -> str:
    """Return the compact name if it can be a person's name, else raise a ValidationError subclass.

    Han names have 2–4 characters and start with a known surname; dot-joined names need Han parts only.
    There is no checksum: this rejects what is certainly no name (places, kinship terms, roster words).
    """
    # The usual name, Han characters only, is compact already: it is not made compact to be tested again.
    if not (type(name) is str and _is_han(name)):
        name = compact(name)
        if not _is_han(name):
            if _DOT_NAME.fullmatch(name):
                return name
            raise InvalidFormat("a name has Han characters only, or parts joined by a middle dot")
    if not 2 <= len(name) <= 4:
        raise InvalidLength("a Han name has 2 to 4 characters")
    surname, given = _split_compact(name)
    if not surname or not given:
        raise InvalidComponent("the value does not start with a known surname")
    # Three given-name characters only where a wife's surname follows her husband's (张王秀英).
    if len(given) == 3 and given[0] not in SURNAMES:
        raise InvalidLength("a given name has 1 or 2 characters")
    if not _NEVER_GIVEN.isdisjoint(given):
        raise InvalidComponent("the value holds a character that never is part of a name")
    if _PLACE_SUFFIX.search(name):
        raise InvalidComponent("the value names a place or an organisation")
    if _is_common_word(name):
        raise InvalidComponent("the value is a common word, not a name")
    return name


def is_plausible_name(name: object) -> bool:
    """Whether ``name`` can be a person's name (never raises); types a roster column by its values.

    >>> [is_plausible_name(v) for v in ('欧阳小峰', '买买提·艾力', '扎西顿珠', '户主', '1234.56', '李庄镇')]
    [True, True, False, False, False, False]
    """
    try:
        return bool(validate(name))
    except ValueError:
        return False


# A name has no checksum: being valid and looking like one are the same test.
is_valid = is_plausible = is_plausible_name


def _stop_length(text: str, pos: int) -> int:
    """How much of ``text`` at ``pos`` ends a name before it: 1 for the end of the text, a character that is
    no Han character or a single stop character, the word's length for a stop word (家庭, 户主), else 0."""
    character = text[pos : pos + 1]  # "" at the end of the text
    length = _STOP_BY_CHARACTER.get(character)
    if length is None:
        stop = _STOP.match(text, pos)
        length = (len(stop.group()) or 1) if stop else 0
        if character not in _STOP_WORD_STARTS:
            _STOP_BY_CHARACTER[character] = length
    return length


def _name_ends(text: str, given_start: int) -> list[int]:
    """Where a name whose given name starts at ``given_start`` may end, most likely first.

    Stop words decide first (张三丰因病, 李明家庭困难). A character that also ends real names (和, 为) ends
    the name unless a stop follows it (李四和王五, 张三为户主, but 王永和因病). Otherwise a second
    given-name character is taken if it is a usual one (王小明白天, but 史俊代为领取).
    """
    if _stop_length(text, given_start) == 1 or text[given_start] in _NEVER_GIVEN:
        return []
    short_end, long_end = given_start + 1, given_start + 2
    if _stop_length(text, short_end):
        return [short_end]
    stop_after_second = _stop_length(text, long_end)
    if text[short_end] in _SOFT_STOPS:
        return [long_end, short_end] if stop_after_second == 1 else [short_end]
    if stop_after_second or text[long_end] in _SOFT_STOPS or text[short_end] in GIVEN_NAME_CHARS:
        return [long_end, short_end]
    return [short_end]


def _jieba_agrees(text: str, start: int, end: int) -> bool:
    """Whether no word jieba sees from ``start`` on runs across the name's end (向民|政部门), unless jieba reads
    it as a name. Dictionary words only: jieba's guesses about unknown words would glue names to verbs.

    Only the word at the name's end counts, so only its block is segmented (jieba.posseg without the HMM cuts
    runs of Han characters and letters by the best route through its dictionary): a third of tagging all."""
    window, cut = text[start : start + 8], end - start
    blocks = _jieba().posseg.re_han_internal
    block = blocks.match(window)  # where the name starts, as names do
    if not (block and 0 < cut < block.end()):
        block = next((m for m in blocks.finditer(window) if m.start() < cut < m.end()), None)
    if block is None:  # the end is where blocks meet, or among other characters, which are one token each
        return window[cut - 1 : cut + 1] != "\r\n"
    return _route_agrees(block.group(), cut - block.start())


def _route_agrees(block: str, cut: int) -> bool:
    """Whether jieba.posseg, cutting ``block`` without the HMM, sees no word across ``cut`` but a name's."""
    single_letter = _jieba().posseg.re_eng1
    letters_meet = single_letter.match(block[cut - 1]) and single_letter.match(block[cut])
    if not letters_meet and not _dictionary_word_across(block, cut):
        return True  # every route through the dictionary has a word end at the cut (the usual name)
    tokenizer = jieba.dt
    route: dict[int, tuple[float, int]] = {}
    tokenizer.calc(block, tokenizer.get_DAG(block), route)
    word_start = word_end = 0
    while word_end < cut:
        word_start, word_end = word_end, route[word_end][1] + 1
    if word_end > cut:
        return _jieba().tags.get(block[word_start:word_end], "x") in _NAME_TAGS
    # A word ends at the cut; but single letters and digits in a row make one word, tagged eng.
    return not (letters_meet and word_start == cut - 1 and route[cut][1] == cut)


def _dictionary_word_across(block: str, cut: int) -> bool:
    """Whether a word of jieba's dictionary (as its DAG has them) starts before ``cut`` and ends after it."""
    frequencies = _jieba().frequencies  # every prefix of a word is a key, with 0 unless it is a word too
    for start in range(cut):
        end = start + 1
        while end <= len(block) and (frequency := frequencies.get(block[start:end])) is not None:
            if frequency and end > cut:
                return True
            end += 1
    return False


def _is_name_at(text: str, start: int, end: int, surname: str) -> bool:
    """Whether ``text[start:end]`` reads as a name: no place, no everyday word, and not cut out of a word.
    ``surname`` is how split_name splits the text at ``start``, and so the name too (its ends are past it)."""
    name = text[start:end]
    given = name[len(surname) :]
    if surname in FUNCTION_WORD_SURNAMES and (
        not all(char in GIVEN_NAME_CHARS for char in given) or (len(given) > 1 and _is_common_word(given))
    ):
        return False
    if _PLACE_SUFFIX.search(name) or _is_common_word(name):
        return False
    # A stop word after the name settles it (唐成|长期), and so does a stop character after a usual given-name
    # character (范健|在读, although 健在 is a word); after another character it may end a word (刘浩入|户).
    stop = _stop_length(text, end)
    before_stop = stop == 1 or (end < len(text) and text[end] in _SOFT_STOPS)
    if stop > 1 or (before_stop and text[end - 1] in GIVEN_NAME_CHARS):
        return True
    return _jieba_agrees(text, start, end)


def _han_name_end(text: str, start: int, surname: str) -> int | None:
    """Where the name that starts at ``start`` with ``surname`` (how split_name splits the text there) ends."""
    ends = _name_ends(text, start + len(surname))
    for end in ends:
        if _is_name_at(text, start, end, surname):
            return end
    # Right after a cue word a name that is also a word (其子黄海在读) is still a name when a stop closes it.
    return next((end for end in ends if _stop_length(text, end) and _is_cued_word_name(text[start:end])), None)


def _is_cued_word_name(name: str) -> bool:
    """A word that also names people (黄海, 时光, 叶子): one noun-like dictionary word, no function-word surname."""
    if not 2 <= len(name) <= 3 or name in NON_NAMES or _PLACE_SUFFIX.search(name):
        return False
    if split_name(name)[0] in FUNCTION_WORD_SURNAMES:
        return False
    tokens = _tokens(name, hmm=False)
    return len(tokens) == 1 and tokens[0][3] in _CUED_WORD_TAGS


def _last_part_end(text: str, start: int) -> int | None:
    """The end of a dot-joined name's last part starting at ``start``: up to a stop, at most 4 characters
    as jieba segments them (艾力因病 → 艾力, 艾力低保户 → 艾力)."""
    end = start
    while end - start < 6 and not _stop_length(text, end):
        end += 1
    if end == start:
        return None
    tokens = _tokens(text[start:end])
    kept = [token_end for _, token_end, _, _ in tokens if token_end <= 4]
    return start + (kept[-1] if kept else tokens[0][1])


def _dotted_name_end(text: str, start: int) -> int | None:
    match = _DOT_NAME_AFTER_CUE.match(text, start)
    if not match:
        return None
    first_dot = min(pos for pos in (text.find(dot, start, match.end()) for dot in _DOTS) if pos >= 0)
    if first_dot - start > 6 or any(_stop_length(text, pos) for pos in range(start + 1, first_dot)):
        return None
    last_dot = max(text.rfind(dot, start, match.end()) for dot in _DOTS)
    return _last_part_end(text, last_dot + 1)


def _unknown_surname_name_end(text: str, start: int) -> int | None:
    """The end of a name without a known surname (扎西顿珠, 阿依古丽): the 2–4 characters up to a stop word,
    unless they or jieba's first word are everyday words (户主本人, 申请人提交材料)."""
    end = start
    while end - start <= 4 and not _stop_length(text, end):
        end += 1
    name = text[start:end]
    if not 2 <= len(name) <= 4 or _PLACE_SUFFIX.search(name) or _is_common_word(name):
        return None
    _, _, first_word, first_tag = _tokens(name)[0]
    if first_tag not in _NAME_TAGS and _jieba().frequencies.get(first_word, 0) >= _COMMON_WORD_FREQUENCY:
        return None
    return end


def _name_after_cue(text: str, start: int, dotted: bool = True) -> tuple[int, float] | None:
    """(end, score) of the name that starts at ``start`` right after a cue word, or None if there is none;
    ``dotted=False`` says that ``text`` has no dot, so no dot-joined name."""
    dotted_end = dotted and _dotted_name_end(text, start)
    if dotted_end:
        return dotted_end, CUE_SCORE
    surname, _ = split_name(text[start : start + 4])
    if surname in _HAN_SURNAMES or (surname and _is_han(surname)):
        end = _han_name_end(text, start, surname)
        return (end, CUE_SCORE) if end else None
    end = _unknown_surname_name_end(text, start)
    return (end, UNKNOWN_SURNAME_SCORE) if end else None


def _cued_names(text: str) -> list[NameSpan]:
    """Names right after a cue word (户主张三丰), and the names listed after them (家属张三、李四)."""
    spans: list[NameSpan] = []
    dotted = not _DOT_SET.isdisjoint(text)
    for cue in _CUE_AT.finditer(text):
        # A cue inside a name already found is part of that name (户主任凤: 主任 is no cue here).
        if spans and cue.start(1) < spans[-1].end:
            continue
        start = cue.end(1)
        following = text[start : start + 1]
        if following in _AFTER_CUE_STARTS or following.isspace():  # mostly the name follows at once
            start = _AFTER_CUE.match(text, start).end()
        found = _name_after_cue(text, start, dotted)
        while found:
            end, score = found
            spans.append(NameSpan(start, end, score, "cue word"))
            if end >= len(text) or text[end] not in "、和及与":
                break
            start = end + 1
            found = _name_after_cue(text, start, dotted)
    return spans


def _is_person_token(word: str, tag: str) -> bool:
    """Whether jieba's token starts a name: tagged as a person, beginning with a known surname, and no
    frequent dictionary word (jieba tags 张贴, 白银 and 钟楼 as persons too)."""
    surname, given = split_name(word)
    if tag not in _PERSON_TAGS or not surname or (surname in FUNCTION_WORD_SURNAMES and not given):
        return False
    return not given or _jieba().frequencies.get(word, 0) < _KNOWN_WORD_FREQUENCY


def _tagged_name_end(text: str, start: int, word_at: dict[int, str]) -> int | None:
    """Where a name that jieba saw starting at ``start`` ends, if it is a usual name and no place."""
    surname, _ = split_name(text[start : start + 4])
    end = _han_name_end(text, start, surname)
    if not end or _PLACE_WORDS.match(word_at.get(end, "")):
        return None
    name = text[start:end]
    if not all(char in GIVEN_NAME_CHARS for char in name[len(surname) :]) or not is_plausible_name(name):
        return None
    return end if _jieba().frequencies.get(name, 0) < _KNOWN_WORD_FREQUENCY else None


def _tagged_names(text: str, found: list[NameSpan]) -> list[tuple[int, int]]:
    """Names where jieba tags a person (王秀英, or 王/秀英) and the name's characters are usual ones.

    Clauses that already have a name after a cue word are not tagged again: jieba's HMM is by far the
    costliest step, and a clause rarely names a second person without a cue.
    """
    tokens = _clause_tokens(text, skip=[span.start for span in found])
    if not tokens:
        return []
    word_at = {start: word for start, _, word, _ in tokens}
    spans = []
    for start, _, word, tag in tokens:
        end = _is_person_token(word, tag) and _tagged_name_end(text, start, word_at)
        if end:
            spans.append((start, end))
    return spans


def _dotted_names(text: str) -> list[tuple[int, int]]:
    """Middle-dot names (买买提·艾力) in running text, the first part cut to the jieba word before the dot."""
    spans = []
    if _TEXT_DOT_SET.isdisjoint(text):
        return spans
    for match in _DOT_NAME_IN_TEXT.finditer(text):
        first_dot = min(pos for pos in (text.find(dot, match.start(), match.end()) for dot in _TEXT_DOTS) if pos >= 0)
        before_dot = max(match.start(), first_dot - 8)
        start = _tokens(text[before_dot:first_dot])[-1][0] + before_dot
        end = _dotted_name_end(text, start)
        if end:
            spans.append((start, end))
    return spans


def _without_overlaps(spans: list[NameSpan]) -> list[NameSpan]:
    """The best-scored, then longest, of overlapping spans, in text order."""
    in_order = sorted(spans)
    if all(a.end <= b.start for a, b in itertools.pairwise(in_order)):
        return in_order  # no character in two spans: all are kept
    kept, taken = [], set()
    for span in sorted(spans, key=lambda span: (-span.score, span.start - span.end, span.start)):
        if taken.isdisjoint(range(span.start, span.end)):
            kept.append(span)
            taken.update(range(span.start, span.end))
    return sorted(kept)


def find_names(text: object) -> list[NameSpan]:
    """Every person's name in ``text``, as spans of ``text`` itself.

    Scores: 0.85 for a name with a known surname after a cue word, 0.6 for one without (户主扎西顿珠),
    0.5 where jieba alone tags a person, or a middle-dot name stands alone.

    >>> find_names('户主扎西顿珠家住五星村，王秀英今年80岁')
    [NameSpan(start=2, end=6, score=0.6, detector='cue word'), NameSpan(start=12, end=15, score=0.5, detector='jieba person tag')]
    """
    if not isinstance(text, str) or not text:
        return []
    text = halfwidth(text)
    spans = _cued_names(text)
    spans += [NameSpan(start, end, TAGGED_SCORE, "middle dot") for start, end in _dotted_names(text)]
    if not SURNAMES.isdisjoint(text):
        # A name deid already masked (张*丰) is as good as a found one: its clause needs no tagging.
        masked = (
            [NameSpan(m.start(), m.end(), 0.0, "masked") for m in _MASKED_NAME.finditer(text)] if "*" in text else []
        )
        tagged = _tagged_names(text, spans + masked)
        spans += [NameSpan(start, end, TAGGED_SCORE, "jieba person tag") for start, end in tagged]
    return _without_overlaps(spans)


class PersonRecognizer(EntityRecognizer):
    """Names after cue words (户主、申请人、其子、制表人 …) at 0.85; names jieba tags as persons at 0.5."""

    # Where candidates start; where a name ends is decided by stop words and jieba (see find_names).
    PATTERNS = [
        Pattern("PERSON (cue word + name)", _CUE_AT.pattern, CUE_SCORE),
        Pattern("PERSON (middle-dot name)", _DOT_NAME_IN_TEXT.pattern, TAGGED_SCORE),
    ]
    CONTEXT = list(CUE_WORDS)

    def __init__(self, supported_language: str = "zh", supported_entity: str = ENTITY) -> None:
        super().__init__(
            supported_entities=[supported_entity], supported_language=supported_language, context=self.CONTEXT
        )

    def load(self) -> None:
        # jieba's dictionary and tags load now rather than while the first cell is analysed.
        _jieba()

    def analyze(
        self, text: str, entities: list[str] | None, nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if entities and self.supported_entities[0] not in entities:
            return []
        return [self._result(span) for span in find_names(text)]

    def _result(self, span: NameSpan) -> RecognizerResult:
        start, end, score, detector = span
        explanation = AnalysisExplanation(self.name, score, None, None, None, "Detected by " + detector)
        metadata = {
            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            # The cue word already is the context: Presidio must not raise the score again.
            RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY: detector == "cue word",
        }
        return RecognizerResult(self.supported_entities[0], start, end, score, explanation, metadata)
