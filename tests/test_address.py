"""recognizers.address: parse, generalize and the other plain functions, and AddressRecognizer in roster text.

Addresses are built here from lists of administrative names and synthetic 组/号/栋 details; no address
belongs to a person.
"""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

from recognizers import address
from recognizers.address import ENTITY, LEVELS, AddressRecognizer
from recognizers.analyzer import LANGUAGE, ZhNlpEngine
from recognizers.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from recognizers.normalize import halfwidth

# province, city, county, township, village (None where the level is skipped, as in municipalities)
CHAINS = [
    ("湖南省", "长沙市", "望城区", "乔口镇", "团头湖村"),
    ("福建省", "福州市", "闽侯县", "上街镇", "侯官村"),
    ("四川省", "成都市", "双流区", "黄甲街道", "牧华路社区"),
    ("河南省", "新乡市", "卫辉市", "太公镇", "吕村"),
    ("江西省", "萍乡市", "湘东区", "腊市镇", "白竺村"),
    ("云南省", "红河哈尼族彝族自治州", "元阳县", "新街镇", "大鱼塘村"),
    ("内蒙古自治区", "锡林郭勒盟", "正蓝旗", "上都镇", "宝日胡舒嘎查"),
    ("广西壮族自治区", "百色市", "那坡县", "城厢镇", "龙华村"),
    ("贵州省", "黔东南苗族侗族自治州", "凯里市", "三棵树镇", "南花村"),
    ("湖北省", "恩施土家族苗族自治州", "恩施市", "舞阳坝街道", "金桂大道社区"),
    ("黑龙江省", "大兴安岭地区", "漠河市", "北极镇", "北极村"),
    ("新疆维吾尔自治区", "伊犁哈萨克自治州", "伊宁县", "吉里于孜镇", "克伯克于孜村"),
    ("重庆市", None, "万州区", "龙都街道", "石峰社区"),
    ("北京市", None, "海淀区", "海淀街道", "稻香园社区"),
    ("湖北省", None, "神农架林区", "松柏镇", "八角庙村"),
    ("吉林省", "延边朝鲜族自治州", "延吉市", "依兰镇", "春兴村"),
    ("山东省", "济南市", "市中区", "党家街道", "西渴马村"),
    ("河北省", "石家庄市", "平山县", "西柏坡镇", "梁家沟村"),
    ("甘肃省", "临夏回族自治州", "东乡族自治县", "锁南镇", "红柳村"),
    ("宁夏回族自治区", "固原市", "西吉县", "将台堡镇", "明台村"),
    ("湖南省", "湘西土家族苗族自治州", "花垣县", "双龙镇", "十八洞村"),
    ("浙江省", "杭州市", "余杭区", "良渚街道", "良渚村"),
    ("广东省", "清远市", "连山壮族瑶族自治县", "吉田镇", "沙田村"),
    ("海南省", None, "琼中黎族苗族自治县", "营根镇", "新兴村"),
    ("安徽省", "六安市", "金寨县", "花石乡", "大湾村"),
]
DETAILS = ["3组12号", "五组", "十二组8号", "王家组", "2栋3单元501室"]


def joined(chain: tuple[str | None, ...], last: str = "village") -> str:
    return "".join(part for level, part in zip(LEVELS, chain) if part and LEVELS.index(level) <= LEVELS.index(last))


@pytest.fixture(scope="module")
def recognizer() -> AddressRecognizer:
    return AddressRecognizer()


@pytest.fixture(scope="module")
def analyzer() -> AnalyzerEngine:
    nlp_engine = ZhNlpEngine()
    nlp_engine.load()
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.add_recognizer(AddressRecognizer())
    return AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=[LANGUAGE])


def findings(recognizer: AddressRecognizer, text: str) -> list[tuple[str, float]]:
    results = recognizer.analyze(text, entities=[ENTITY], nlp_artifacts=None)
    return [(text[r.start : r.end], r.score) for r in sorted(results, key=lambda r: r.start)]


def published(recognizer: AddressRecognizer, text: str) -> str:
    """``text`` with every address span replaced by its generalisation, as the engine does."""
    for result in sorted(recognizer.analyze(text, entities=[ENTITY]), key=lambda r: -r.start):
        text = text[: result.start] + address.generalize(text[result.start : result.end]) + text[result.end :]
    return text


# --- parse and generalize ----------------------------------------------------------------------------------


@pytest.mark.parametrize("chain", CHAINS, ids=lambda chain: joined(chain))
@pytest.mark.parametrize("detail", DETAILS)
def test_full_addresses_parse_into_their_levels(chain: tuple[str | None, ...], detail: str) -> None:
    value = joined(chain) + detail
    assert address.parse(value) == {**dict(zip(LEVELS, chain)), "detail": detail}
    assert address.generalize(value) == joined(chain)
    assert address.generalize(value, level="township") == joined(chain, "township")
    assert address.generalize(value, level="county") == joined(chain, "county")
    assert address.is_valid(value)
    assert address.has_detail(value)
    assert address.is_plausible(value)
    assert address.mask(value) == joined(chain) + "*" * len(detail)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("五星街道双河村3组12号", {"township": "五星街道", "village": "双河村", "detail": "3组12号"}),
        ("双河村五组", {"village": "双河村", "detail": "五组"}),
        ("城关镇解放路12号3栋2单元301室", {"township": "城关镇", "detail": "解放路12号3栋2单元301室"}),
        ("XX县XX乡XX村XX组", {"county": "XX县", "township": "XX乡", "village": "XX村", "detail": "XX组"}),
        ("双河村３组１２号", {"village": "双河村", "detail": "3组12号"}),
        ("双河村十二号", {"village": "双河村", "detail": "十二号"}),
        ("双河村 3组 12号", {"village": "双河村", "detail": "3组12号"}),
        ("住址：双河村3组", {"village": "双河村", "detail": "3组"}),
        ("长沙市岳麓区麓山南路932号", {"city": "长沙市", "county": "岳麓区", "detail": "麓山南路932号"}),
        ("浏阳市集里街道", {"city": "浏阳市", "township": "集里街道"}),
        ("北京朝阳区", {"province": "北京", "county": "朝阳区"}),
        ("湖南长沙市", {"province": "湖南", "city": "长沙市"}),
        ("香港特别行政区", {"province": "香港特别行政区"}),
        # 新乡 and 萍乡 end in 乡, 镇江 starts with 镇, 市中区 starts with 市: still cities and districts.
        ("新乡市红旗区", {"city": "新乡市", "county": "红旗区"}),
        ("萍乡市", {"city": "萍乡市"}),
        ("镇江市润州区", {"city": "镇江市", "county": "润州区"}),
        ("济南市市中区", {"city": "济南市", "county": "市中区"}),
        ("吉林市船营区", {"city": "吉林市", "county": "船营区"}),
        # 城关镇市场路 has no city 城关镇市; 阳光小区 is no district; 新村小区 no village.
        ("城关镇市场路5号", {"township": "城关镇", "detail": "市场路5号"}),
        ("阳光小区5栋", {"detail": "阳光小区5栋"}),
        ("城关镇新村小区3栋", {"township": "城关镇", "detail": "新村小区3栋"}),
        ("湖南村3组", {"village": "湖南村", "detail": "3组"}),
        (
            "内蒙古呼伦贝尔市鄂温克族自治旗巴彦托海镇巴彦嘎查3组",
            {
                "province": "内蒙古",
                "city": "呼伦贝尔市",
                "county": "鄂温克族自治旗",
                "township": "巴彦托海镇",
                "village": "巴彦嘎查",
                "detail": "3组",
            },
        ),
        ("双河社区居委会", {"village": "双河社区居委会"}),
        ("〔2024〕12号", {"detail": "〔2024〕12号"}),
        ("", {}),
    ],
)
def test_parse_handles_missing_levels(value: str, expected: dict[str, str]) -> None:
    assert address.parse(value) == {**dict.fromkeys(address.PARTS), **expected}


@pytest.mark.parametrize(
    ("value", "level", "general"),
    [
        ("湖南省长沙市望城区五星街道双河村3组12号", "village", "湖南省长沙市望城区五星街道双河村"),
        ("湖南省长沙市望城区五星街道双河村3组12号", "township", "湖南省长沙市望城区五星街道"),
        ("湖南省长沙市望城区五星街道双河村3组12号", "county", "湖南省长沙市望城区"),
        ("湖南省长沙市望城区五星街道双河村3组12号", "city", "湖南省长沙市"),
        ("湖南省长沙市望城区五星街道双河村3组12号", "province", "湖南省"),
        ("湖南省长沙市望城区五星街道双河村３组１２号", "village", "湖南省长沙市望城区五星街道双河村"),
        ("五星街道双河村3组12号", "village", "五星街道双河村"),
        ("双河村五组", "village", "双河村"),
        ("双河村五组", "township", ""),
        ("城关镇解放路12号3栋2单元301室", "village", "城关镇"),
        ("城关镇解放路12号3栋2单元301室", "township", "城关镇"),
        ("长沙市岳麓区麓山南路932号", "village", "长沙市岳麓区"),
        ("广西壮族自治区百色市那坡县城厢镇龙华村那坡屯", "village", "广西壮族自治区百色市那坡县城厢镇龙华村"),
        ("住址：湖南省长沙市望城区五星街道双河村", "village", "湖南省长沙市望城区五星街道双河村"),
        ("双河村", "village", "双河村"),
        ("3栋2单元301室", "village", ""),
        ("解放路12号", "village", ""),
        ("阳光小区5栋", "village", ""),
        ("〔2024〕12号", "village", ""),
        ("湖南省长沙市望城区五星街道双河村3组12号", "room", ""),
    ],
)
def test_generalize(value: str, level: str, general: str) -> None:
    assert address.generalize(value, level=level) == general


@pytest.mark.parametrize(
    ("value", "detail", "plausible", "valid"),
    [
        ("湖南省长沙市望城区五星街道双河村3组12号", True, True, True),
        ("五星街道双河村3组12号", True, True, True),
        ("双河村3组12号", True, True, False),
        ("双河村十二组", True, True, False),
        ("双河村王家组", True, True, False),
        ("城关镇解放路12号", True, True, False),
        ("城关镇解放路", True, True, False),
        ("3组12号", True, True, False),
        ("解放路12号", True, True, False),
        ("3栋2单元301室", True, True, False),
        ("五星街道双河村", False, True, True),
        ("湖南省长沙市望城区五星街道", False, True, True),
        ("长沙市望城区", False, False, True),
        ("长沙市望城区民政局", False, False, True),
        ("双河村", False, False, False),
        ("双河村村民委员会", False, False, False),
        ("双河村卫生室", False, False, False),
        ("双河村村民小组", False, False, False),
        ("〔2024〕12号", False, False, False),
        ("第3号", True, False, False),
        ("2024年3月5日", False, False, False),
        ("1234.56元", False, False, False),
    ],
)
def test_has_detail_is_plausible_is_valid(value: str, detail: bool, plausible: bool, valid: bool) -> None:
    assert address.has_detail(value) is detail
    assert address.is_plausible(value) is plausible
    assert address.is_valid(value) is valid


def test_validate_returns_the_compact_address() -> None:
    assert address.validate(" 五星街道 双河村３组 ") == "五星街道双河村3组"


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("", InvalidFormat),
        (None, InvalidFormat),
        ("湖南省长沙市望城区五星街道双河村" * 10, InvalidLength),
        ("双河村3组12号", InvalidComponent),
        ("3栋2单元301室", InvalidComponent),
        ("〔2024〕12号", InvalidComponent),
    ],
)
def test_validate_rejects_with_the_reason_and_never_echoes_the_value(value: object, error: type) -> None:
    with pytest.raises(error) as caught:
        address.validate(value)
    message = str(caught.value)
    assert message
    assert all(shown not in message for shown in {str(value), address.compact(value)} - {"", "None"})


@pytest.mark.parametrize(
    ("value", "kwargs", "masked"),
    [
        ("五星街道双河村3组12号", {}, "五星街道双河村*****"),
        ("城关镇解放路12号3栋2单元301室", {}, "城关镇" + "*" * 15),
        ("湖南省长沙市望城区五星街道双河村3组12号", {"level": "county"}, "湖南省长沙市望城区" + "*" * 12),
        ("双河村五组", {"char": "×"}, "双河村××"),
        ("3栋2单元301室", {}, "*********"),
        ("双河村", {}, "双河村"),
        (None, {}, ""),
    ],
)
def test_mask(value: object, kwargs: dict, masked: str) -> None:
    assert address.mask(value, **kwargs) == masked


@pytest.mark.parametrize(("value", "expected"), [(" 双河村 ３组\t", "双河村3组"), (None, ""), (12, "12")])
def test_compact(value: object, expected: str) -> None:
    assert address.compact(value) == expected


JUNK = [None, "", "①", "4.10102e17", "x" * 10_000, "村" * 10_000, "湖南省" * 3_000, 0, -1, 1.5, b"3zu", ["双河村3组"]]


@pytest.mark.parametrize("value", JUNK, ids=lambda v: repr(v)[:20])
def test_junk_never_raises(value: object) -> None:
    assert set(address.parse(value)) == set(address.PARTS)
    assert isinstance(address.generalize(value), str)
    assert isinstance(address.has_detail(value), bool)
    assert address.is_plausible(value) is False
    assert address.is_valid(value) is False
    assert isinstance(address.mask(value), str)
    with pytest.raises(ValidationError):
        address.validate(value)


_ALPHABET = st.sampled_from(
    list("湖南省长沙市望城区五星街道双河村社区组号栋单元室小区路镇乡县旗盟州0123456789一二十第〔〕- X")
)
_DETAIL_IN_OUTPUT = re.compile(r"\d|组|号|栋|幢|单元|室|小区")


@settings(max_examples=400, deadline=None)
@given(st.one_of(st.text(max_size=40), st.text(_ALPHABET, max_size=40)))
def test_generalize_never_returns_detail(value: str) -> None:
    for level in LEVELS:
        general = address.generalize(value, level=level)
        assert not _DETAIL_IN_OUTPUT.search(general)
        assert address.compact(value).find(general) >= 0
    masked = address.mask(value)
    assert len(masked) == len(address.compact(value))


# --- the recognizer ----------------------------------------------------------------------------------------

POSITIVES = [
    ("家住双河村3组12号", "双河村3组12号", 0.85),
    ("现住城关镇解放路12号3栋2单元301室", "城关镇解放路12号3栋2单元301室", 0.85),
    ("住址：湖南省长沙市望城区五星街道双河村3组12号", "湖南省长沙市望城区五星街道双河村3组12号", 0.85),
    ("户籍地：福建省福州市闽侯县上街镇侯官村5组", "福建省福州市闽侯县上街镇侯官村5组", 0.85),
    ("申请人居住地为城关镇阳光小区5栋2单元402室", "城关镇阳光小区5栋2单元402室", 0.85),
    ("该户住在五星街道双河村三组，家庭人口3人", "五星街道双河村三组", 0.85),
    ("地址：广西壮族自治区百色市那坡县城厢镇龙华村那坡屯", "广西壮族自治区百色市那坡县城厢镇龙华村那坡屯", 0.85),
    ("现住XX县XX乡XX村XX组", "XX县XX乡XX村XX组", 0.85),
    ("户籍地双河村十二组", "双河村十二组", 0.85),
    ("我家在湖南省长沙市望城区五星街道双河村3组12号", "湖南省长沙市望城区五星街道双河村3组12号", 0.85),
    ("家住阳光小区", "阳光小区", 0.85),
    ("家住城关镇解放路12号阳光小区5栋", "城关镇解放路12号阳光小区5栋", 0.85),
    ("住址：湖南省长沙市望城区五星街道双河村３组１２号", "湖南省长沙市望城区五星街道双河村３组１２号", 0.85),
    ("现住址：城关镇解放路12号 3栋2单元301室", "城关镇解放路12号 3栋2单元301室", 0.85),
    ("地址为长沙市开福区芙蓉中路一段109号", "长沙市开福区芙蓉中路一段109号", 0.85),
    ("现居城关镇人民路8-2-301", "城关镇人民路8-2-301", 0.85),
    ("长沙市岳麓区麓山南路932号", "长沙市岳麓区麓山南路932号", 0.6),
    ("3栋2单元301室", "3栋2单元301室", 0.6),
    ("解放路12号", "解放路12号", 0.6),
    ("双河村王家组村民", "双河村王家组", 0.6),
    ("双河村3组村民李某因病致贫", "双河村3组", 0.6),
    ("双河村五队", "双河村五队", 0.6),
    ("双河社区5栋", "双河社区5栋", 0.6),
    ("张三双河村3组12号", "双河村3组12号", 0.6),  # the name before the village stays outside the span
    ("内蒙古呼伦贝尔市鄂温克族自治旗巴彦托海镇巴彦嘎查3组", "内蒙古呼伦贝尔市鄂温克族自治旗巴彦托海镇巴彦嘎查3组", 0.6),
]


@pytest.mark.parametrize(("text", "span", "score"), POSITIVES)
def test_recognizer_finds_addresses_in_text(recognizer: AddressRecognizer, text: str, span: str, score: float) -> None:
    assert findings(recognizer, text) == [(span, score)]


NEGATIVES = [
    "根据〔2024〕12号文件精神",
    "依据闽民〔2023〕5号文件",
    "国发〔2024〕3号",
    "民政发〔2019〕110101号",
    "2024年第5号公告",
    "第3号",
    "12号文件",
    "2024年3月5日",
    "于2024年3月5号发放",
    "本月发放金额1234.56元",
    "补助金￥580元",
    "双河村",
    "湖南省长沙市望城区五星街道双河村",
    "住址：五星街道双河村",
    "双河村村民委员会",
    "双河村委会",
    "经双河村民主评议小组评议",
    "双河村村民小组",
    "驻双河村工作组",
    "五星街道办事处",
    "城关镇人民政府",
    "长沙市民政局",
    "长沙市第一人民医院",
    "双河村卫生室",
    "双河村小学",
    "阳光小区物业",
    "统一社会信用代码：91350100M000100Y43",
    "发放日期20240105",
    "2024-01-05",
    "监督电话：12345",
    "联系电话0731-88888888",
    "邮政编码350001",
    "订单号202401051234",
    "项目编码6222020200001234",
    "序号18",
    "2024年",
    "共3户12人",
    "分成3组，每组5人",
    "3组数据",
    "双河村共有3户",
    "双河村两层楼房倒塌",
    "地铁3号线",
    "1号、2号和3号",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_recognizer_ignores_what_is_no_address_detail(recognizer: AddressRecognizer, text: str) -> None:
    assert findings(recognizer, text) == []


def test_recognizer_finds_every_address_and_joins_touching_parts(recognizer: AddressRecognizer) -> None:
    text = "户主家住双河村3组12号，其子现住城关镇解放路12号阳光小区5栋。"
    assert findings(recognizer, text) == [("双河村3组12号", 0.85), ("城关镇解放路12号阳光小区5栋", 0.85)]


@pytest.mark.parametrize("chain", CHAINS, ids=lambda chain: joined(chain))
@pytest.mark.parametrize("detail", ["3组12号", "王家组", "2栋3单元501室"])
def test_published_text_keeps_the_village_and_drops_the_detail(
    recognizer: AddressRecognizer, chain: tuple[str | None, ...], detail: str
) -> None:
    text = f"申请人家住{joined(chain)}{detail}，家庭人口3人，月补助580元。"
    assert published(recognizer, text) == f"申请人家住{joined(chain)}，家庭人口3人，月补助580元。"


def test_published_text_without_a_village_keeps_the_township(recognizer: AddressRecognizer) -> None:
    text = "现住城关镇解放路12号3栋2单元301室，联系电话略。"
    assert published(recognizer, text) == "现住城关镇，联系电话略。"


def test_a_cue_word_is_not_counted_twice_but_a_header_raises_the_score(analyzer: AnalyzerEngine) -> None:
    cued = analyzer.analyze("家住双河村3组12号", language=LANGUAGE)
    assert [(r.entity_type, r.score) for r in cued] == [(ENTITY, pytest.approx(0.85))]
    with_header = analyzer.analyze("双河村3组12号", language=LANGUAGE, context=["家庭住址"])
    assert [(r.entity_type, r.score) for r in with_header] == [(ENTITY, pytest.approx(0.95))]


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), st.text(_ALPHABET, max_size=60)))
def test_spans_in_arbitrary_text_generalise_without_detail(recognizer: AddressRecognizer, text: str) -> None:
    for result in recognizer.analyze(text, entities=[ENTITY]):
        assert 0 <= result.start < result.end <= len(text)
        assert not _DETAIL_IN_OUTPUT.search(address.generalize(text[result.start : result.end]))


def test_generalize_shortcut_agrees_with_the_full_parse():
    """generalize() parses only the part above a plain detail tail (and caches it): same answer as parsing all."""
    from examples.synthetic import COUNTIES, People

    people = People(404)
    for _ in range(1500):
        full, general, _ = people.address(people.rng.choice(COUNTIES))
        for text in (full, general + "三组", general + "12号", full.replace("组", "组 ")):
            assert address.generalize(text) == address._generalize_above_detail.__wrapped__(
                address.compact(text), "village"
            )


# --- the fast paths agree with the plain algorithm ---------------------------------------------------------


def _plain_candidates(text: str, pos: int, level: str) -> list[tuple[address._Component, float]]:
    """The components of ``level`` at ``pos`` found the plain way: every name end against every suffix."""
    if level == "province":
        return address._province_candidates(text, pos)
    shortest, longest = address._NAME_LENGTH[level]
    found = []
    for name_end in range(pos + 1, min(len(text), pos + longest + 1)):
        if not address._is_name_char(text[name_end - 1], level):
            break
        if name_end - pos < shortest:
            continue
        for suffix in address.SUFFIXES[level]:
            if text.startswith(suffix, name_end) and address._suffix_fits(text, name_end, suffix):
                score = 1.0 + 0.1 * len(suffix) - address._name_penalty(text[pos:name_end], level)
                found.append((address._Component(level, pos, name_end + len(suffix), name_end - pos), score))
    return found


def _plain_compact(value: object) -> str:
    return "".join(halfwidth(value).split())


def _plain_generalize(value: object, level: str) -> str:
    """generalize as first written: compact the whole value, then split off a plain detail tail."""
    text = _plain_compact(value)
    split = address._VILLAGE_THEN_DETAIL.fullmatch(text)
    return address._generalize_above_detail.__wrapped__(split.group(1) if split else text, level)


_COUNTIES = "阜平县 望城区 卫辉市 正蓝旗 东乡族自治县 神农架林区 新区 高新开发区 城区".split()
_TOWNSHIPS = "白沙镇 五星街道 花石乡 城关镇 上都镇 锁南镇 新乡 东城街道办事处 乡镇 工业园区".split()
_VILLAGES = "幸福社区 双河村 宝日胡舒嘎查 上村村 东街村 吕村 滨河社区居委会 红星村村民委员会 村".split()
_DETAIL_PARTS = "3组 十二组 12号 滨河路96号 解放路 1栋 2单元 404室 王家组 那坡屯 阳光小区 5幢 3-2-401 A座 第3号 三层 1户 ８号 １２组".split()
_JUNK = [
    *" \u3000\t\n\xa0",
    *"住址： 家庭住址 （ 〔2024〕12号 闽市监罚〔2024〕37号 2024-11-07 无 ， X x× 市场 超市 新乡市 萍乡市 小区 ｓ 省".split(),
]


def _varied_addresses(count: int, seed: int) -> list[str]:
    """Synthetic addresses built from parts, levels left out at random, with junk, spaces and full-width forms."""
    rng = random.Random(seed)
    texts = []
    for _ in range(count):
        province, city, *_ = rng.choice(CHAINS)
        parts = [
            rng.choice([province, province[:2], ""]),
            rng.choice([city or "", "新乡市", "萍乡市", "保定市", ""]),
            rng.choice([*_COUNTIES, ""]),
            rng.choice([*_TOWNSHIPS, ""]),
            rng.choice([*_VILLAGES, ""]),
            *rng.choices(_DETAIL_PARTS, k=rng.randrange(4)),
        ]
        for _ in range(rng.randrange(3)):
            parts.insert(rng.randrange(len(parts) + 1), rng.choice(_JUNK))
        text = "".join(parts)
        if rng.random() < 0.2:
            position = rng.randrange(len(text) + 1)
            text = text[:position] + rng.choice(" \u3000\t１Ａ") + text[position:]
        texts.append(text)
    return texts


def _every_answer(values: list[object]) -> list[tuple]:
    return [
        (address.parse(v), address.has_detail(v), address.is_plausible(v), address.is_valid(v), address.mask(v))
        for v in values
    ]


_ODD = [None, float("nan"), 0, 1.5, "", " ", "\u3000", "村", "社区", "３组", "双河村 ３组", "双河村\n3组", "双河 村3组"]


def test_fast_paths_give_what_the_plain_algorithm_gives(monkeypatch: pytest.MonkeyPatch) -> None:
    values = [*_ODD, *_varied_addresses(3000, seed=6)]
    answers = _every_answer(values)
    general = [address.generalize(v, level) for v in values for level in LEVELS]
    with monkeypatch.context() as plain:
        plain.setattr(address, "_candidates", _plain_candidates)
        address._chain.cache_clear()
        assert _every_answer(values) == answers
        assert [_plain_generalize(v, level) for v in values for level in LEVELS] == general
    address._chain.cache_clear()


# Every suffix's characters, so that suffixes sharing a first character (社区, 社区居委会) meet at one name end.
_SUFFIX_TEXT = st.text(
    st.sampled_from(sorted({ch for s in address.SUFFIXES.values() for ch in "".join(s)} | set("新萍保3号")))
)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=30), st.text(_ALPHABET, max_size=30), _SUFFIX_TEXT), st.sampled_from(LEVELS))
def test_candidates_are_those_of_the_plain_search(text: str, level: str) -> None:
    for pos in range(len(text) + 1):
        assert address._candidates(text, pos, level) == _plain_candidates(text, pos, level)


def test_candidates_of_varied_addresses_come_in_the_plain_order() -> None:
    # The order decides ties between equally good parses, so it is compared, not just the set.
    for text in _varied_addresses(500, seed=7):
        for pos in range(len(text) + 1):
            for level in LEVELS:
                assert address._candidates(text, pos, level) == _plain_candidates(text, pos, level)


def test_compact_skips_only_text_it_would_not_change() -> None:
    # Every character of the basic plane, alone and between Han characters: \s and str.split agree on whitespace.
    for code in range(0x10000):
        ch = chr(code)
        assert address.compact(ch) == _plain_compact(ch)
        assert address.compact(f"村{ch}3组") == _plain_compact(f"村{ch}3组")
