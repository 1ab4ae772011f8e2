"""recognizers.disability_cert: the plain functions, and DisabilityCertRecognizer inside Chinese roster text.

All numbers are synthetic: the ID part's check digit is computed here, independently of the modules under test.
"""

from __future__ import annotations

import datetime

import pytest
from conftest import with_check
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

from recognizers import disability_cert, id_card
from recognizers.analyzer import LANGUAGE, ZhNlpEngine
from recognizers.disability_cert import ENTITY, DisabilityCertRecognizer
from recognizers.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from recognizers.normalize import halfwidth

ID = with_check("11010119900307777")  # 110101199003077774
ID_X = with_check("11010519491231002")  # 11010519491231002X
CHILD_ID = with_check("35010220150601123")
TYPO_ID = ID[:17] + "5"
CERT = ID + "41"  # 肢体残疾 一级
CERT_X = ID_X + "72"  # 多重残疾 二级
CHILD_CERT = CHILD_ID + "53"  # 智力残疾 三级


@pytest.fixture(scope="module")
def recognizer() -> DisabilityCertRecognizer:
    return DisabilityCertRecognizer()


@pytest.fixture(scope="module")
def analyzer() -> AnalyzerEngine:
    """The analyzer path deid uses (jieba tokens, context words), with this recognizer only."""
    nlp_engine = ZhNlpEngine()
    nlp_engine.load()
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.add_recognizer(DisabilityCertRecognizer())
    return AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=[LANGUAGE])


def findings(recognizer: DisabilityCertRecognizer, text: str) -> list[tuple[str, float]]:
    """(span in the original text, score) for each cert found in the half-width-normalised text."""
    results = recognizer.analyze(halfwidth(text), entities=[ENTITY], nlp_artifacts=None)
    return [(text[r.start : r.end], r.score) for r in sorted(results, key=lambda r: r.start)]


# --- the recognizer: positives -----------------------------------------------------------------------------

POSITIVES = [
    # (text, the span found, its score)
    (f"残疾人证号{CERT}，", CERT, 1.0),
    (f"残疾证号：{CERT_X}", CERT_X, 1.0),
    (f"持证人李四，残疾人证{CERT_X.lower()}，二级", CERT_X.lower(), 1.0),
    (f"孤儿王小红（残疾证号{CHILD_CERT}）每月领取护理补贴", CHILD_CERT, 1.0),
    (f"3 张三 {CERT} 肢体 一级 100.00", CERT, 1.0),
    (f"【{CERT}】", CERT, 1.0),
    ("残疾人证号１１０１０１１９９００３０７７７７４４１", "１１０１０１１９９００３０７７７７４４１", 1.0),
    ("残疾证号 110101 19900307 7774 41", "110101 19900307 7774 41", 1.0),
    ("残疾证号110101-19900307-7774-41。", "110101-19900307-7774-41", 1.0),
    (f"残疾证号{ID}-41", f"{ID}-41", 1.0),
    ("残疾证号 110101 19900307 777441", "110101 19900307 777441", 1.0),
    (f"残疾人证号{ID}11（视力一级）", f"{ID}11", 1.0),
    (f"残疾人证号{ID}24", f"{ID}24", 1.0),
    (f"残疾人证号{ID}33", f"{ID}33", 1.0),
    (f"残疾人证号{ID}64", f"{ID}64", 1.0),
    # A typo in the ID part: still somebody's cert, found at the pattern's score.
    (f"残疾人证号{TYPO_ID}41", f"{TYPO_ID}41", 0.6),
    (f"新办残疾人证{ID[:6]}19990101001441", f"{ID[:6]}19990101001441", 0.6),
    # A category or level that does not exist, or no real birth date: only the loose 20-char pattern finds it.
    (f"残疾人证号{ID}81", f"{ID}81", 0.3),
    (f"残疾人证号{ID}45", f"{ID}45", 0.3),
    (f"残疾人证号{ID}00", f"{ID}00", 0.3),
    ("残疾人证号11010119901307777441", "11010119901307777441", 0.3),
    ("残疾人证号9901011990030777744１", "9901011990030777744１", 0.6),
]


@pytest.mark.parametrize(("text", "span", "score"), POSITIVES)
def test_recognizer_finds_certs_in_text(
    recognizer: DisabilityCertRecognizer, text: str, span: str, score: float
) -> None:
    assert findings(recognizer, text) == [(span, score)]


def test_recognizer_finds_every_cert_in_a_text(recognizer: DisabilityCertRecognizer) -> None:
    text = f"户主{CERT}；子女{CHILD_CERT}。"
    assert findings(recognizer, text) == [(CERT, 1.0), (CHILD_CERT, 1.0)]


def test_recognizer_finds_certs_made_from_faker_ids(recognizer: DisabilityCertRecognizer) -> None:
    fake = Faker("zh_CN")
    fake.seed_instance(20240105)
    for index in range(100):
        cert = fake.ssn(min_age=0, max_age=100) + str(index % 7 + 1) + str(index % 4 + 1)
        assert findings(recognizer, f"{fake.name()}，残疾人证号{cert}，享受两项补贴") == [(cert, 1.0)]


def test_the_id_recognizer_leaves_the_cert_to_this_one(recognizer: DisabilityCertRecognizer) -> None:
    text = f"残疾人证号{CERT}"
    assert id_card.IdCardRecognizer().analyze(text, entities=[id_card.ENTITY]) == []
    assert findings(recognizer, text) == [(CERT, 1.0)]


# --- the recognizer: hard negatives ------------------------------------------------------------------------

NEGATIVES = [
    f"身份证号{ID}",  # an ID alone is no cert
    f"身份证号{ID_X}，",
    f"身份证号{ID} 41岁",  # an ID and an age
    f"身份证号{ID} 3人 580元",
    f"19位{ID}4",
    f"21位{CERT}1",
    f"22位{CERT}12",
    "统一社会信用代码：91350100M000100Y43",
    "统一社会信用代码91350100M000100Y4312",
    "依据闽民〔2023〕5号文件",
    "根据〔2024〕12号文件精神",
    "本月发放金额1234.56元",
    "补助金￥580元",
    "发放日期20240105",
    "监督电话：12345",
    "项目编码6222020200001234",
    "邮政编码350001",
    "订单号2024010512345678",
    "序号20",
    "2024年第3季度",
    "联系电话13812345678",
    "银行卡号6228480402564890018",
    f"编号A{CERT}",  # inside a longer alphanumeric code
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_recognizer_ignores_other_numbers(recognizer: DisabilityCertRecognizer, text: str) -> None:
    assert findings(recognizer, text) == []


def test_any_20_digits_are_found_at_the_loose_score(recognizer: DisabilityCertRecognizer) -> None:
    """Documented over-match (fail closed): a 20-digit account number has a cert's shape. The bank card
    recognizer's Luhn-validated 1.0 wins that overlap in deid.text."""
    assert findings(recognizer, "账号62284804025648900181") == [("62284804025648900181", 0.3)]


# --- the recognizer with context words (jieba tokens) ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "score"),
    [
        (f"残疾人证号{ID}81", 0.65),  # jieba: 残疾人/证号
        (f"残疾证号：{ID}81", 0.65),  # jieba: 残疾证/号
        (f"持有残疾人证{ID}81", 0.65),
        (f"编号：{ID}81", 0.3),
        (f"残疾人证号{TYPO_ID}41", 0.95),
        (f"残疾人证号{CERT}", 1.0),
    ],
)
def test_context_words_raise_the_score(analyzer: AnalyzerEngine, text: str, score: float) -> None:
    results = analyzer.analyze(text, language=LANGUAGE)
    assert [(r.entity_type, r.score) for r in results] == [(ENTITY, pytest.approx(score))]


@pytest.mark.parametrize("header", ["残疾人证号", "残疾证号码", "残疾人证编号"])
def test_column_header_as_context_raises_the_score(analyzer: AnalyzerEngine, header: str) -> None:
    results = analyzer.analyze(f"{ID}81", language=LANGUAGE, context=[header])
    assert [r.score for r in results] == [pytest.approx(0.65)]


# --- plain functions ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (CERT, CERT),
        (CERT_X.lower(), CERT_X),
        ("１１０１０１１９９００３０７７７７４４１", CERT),
        ("110101 19900307 7774 41", CERT),
        ("110101-19900307-7774-41", CERT),
        (int(CERT), CERT),
        (None, ""),
    ],
)
def test_compact(value: object, expected: str) -> None:
    assert disability_cert.compact(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        CERT,
        CERT_X,
        CERT_X.lower(),
        CHILD_CERT,
        "110101 19900307 7774 41",
        *(f"{ID}{c}{lv}" for c in "1234567" for lv in "1234"),
    ],
)
def test_validate_accepts_every_category_and_level(value: str) -> None:
    assert disability_cert.validate(value) == disability_cert.compact(value)
    assert disability_cert.is_valid(value)
    assert disability_cert.is_plausible(value)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        (ID, InvalidLength),
        (f"{ID}4", InvalidLength),
        (f"{CERT}1", InvalidLength),
        ("", InvalidLength),
        (None, InvalidLength),
        (f"{ID}4A", InvalidFormat),
        (f"{ID}4①", InvalidFormat),
        (f"{ID[:17]}A41", InvalidFormat),  # the ID part's own errors come through
        (f"{TYPO_ID}41", InvalidChecksum),
        ("99010119900307777441", InvalidComponent),
        ("11010119901307777441", InvalidComponent),
        (f"{ID}01", InvalidComponent),
        (f"{ID}81", InvalidComponent),
        (f"{ID}90", InvalidComponent),
        (f"{ID}40", InvalidComponent),
        (f"{ID}45", InvalidComponent),
    ],
)
def test_validate_rejects_with_the_reason_and_never_echoes_the_value(value: object, error: type) -> None:
    with pytest.raises(error) as caught:
        disability_cert.validate(value)
    message = str(caught.value)
    assert message
    assert all(shown not in message for shown in {str(value), disability_cert.compact(value), ID} - {"", "None"})
    assert not disability_cert.is_valid(value)


@pytest.mark.parametrize(
    ("value", "plausible"),
    [
        (CERT, True),
        (f"{TYPO_ID}41", True),
        (f"{ID}99", True),  # category and level aside
        ("11010119901307777441", True),  # birth date aside
        ("1101011990030777７４４１", True),
        (f"{ID_X}00", True),
        (ID, False),  # an ID is not a cert
        (f"{ID}4", False),
        (f"{CERT}1", False),
        (f"{ID}4A", False),
        ("01010119900307777441", False),
        ("91350100M000100Y4312", False),
        ("①", False),
    ],
)
def test_is_plausible(value: str, plausible: bool) -> None:
    assert disability_cert.is_plausible(value) is plausible


CATEGORIES = ["视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾"]
LEVELS = ["一级", "二级", "三级", "四级"]


@pytest.mark.parametrize(("digit", "name"), [(str(i + 1), name) for i, name in enumerate(CATEGORIES)])
def test_category(digit: str, name: str) -> None:
    assert disability_cert.category(f"{ID}{digit}1") == name


@pytest.mark.parametrize(("digit", "name"), [(str(i + 1), name) for i, name in enumerate(LEVELS)])
def test_level(digit: str, name: str) -> None:
    assert disability_cert.level(f"{ID}1{digit}") == name


@pytest.mark.parametrize(
    ("value", "category", "level"),
    [
        (f"{ID}81", None, "一级"),
        (f"{ID}45", "肢体残疾", None),
        (f"{ID}05", None, None),
        (ID, None, None),
        ("12345", None, None),
        (None, None, None),
    ],
)
def test_unknown_digits_have_no_name(value: object, category: str | None, level: str | None) -> None:
    assert disability_cert.category(value) == category
    assert disability_cert.level(value) == level


def test_category_and_level_read_full_width_and_spaced_numbers() -> None:
    assert disability_cert.category("１１０１０１ １９９００３０７ ７７７４ ６２") == "精神残疾"
    assert disability_cert.level("１１０１０１ １９９００３０７ ７７７４ ６２") == "二级"


@pytest.mark.parametrize(
    ("value", "kwargs", "masked"),
    [
        (CERT, {}, "110101**************"),
        (CERT_X.lower(), {}, "110105**************"),
        ("１１０１０１ １９９００３０７ ７７７４ ４１", {}, "110101**************"),
        (CHILD_CERT, {"keep_first": 0}, "********************"),
        (CERT, {"keep_first": 3, "char": "×"}, "110×××××××××××××××××"),
        ("12345", {}, "*****"),
        (None, {}, ""),
    ],
)
def test_mask(value: object, kwargs: dict, masked: str) -> None:
    assert disability_cert.mask(value, **kwargs) == masked


JUNK = [None, "", "①", "4.10102e17", "x" * 10_000, "1" * 10_000, 0, -1, 1.5, b"110101", ["1"]]


@pytest.mark.parametrize("value", JUNK, ids=lambda v: repr(v)[:20])
def test_junk_never_raises(value: object) -> None:
    assert disability_cert.is_valid(value) is False
    assert disability_cert.is_plausible(value) is False
    assert disability_cert.category(value) is None
    assert disability_cert.level(value) is None
    assert isinstance(disability_cert.compact(value), str)
    assert isinstance(disability_cert.mask(value), str)
    with pytest.raises(ValidationError):
        disability_cert.validate(value)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_text_never_breaks_the_functions(text: str) -> None:
    try:
        disability_cert.validate(text)
    except ValidationError:
        assert not disability_cert.is_valid(text)
    plausible = disability_cert.is_plausible(text)
    assert (disability_cert.category(text) is not None) <= plausible
    assert len(disability_cert.mask(text)) == len(disability_cert.compact(text))


@settings(max_examples=200, deadline=None)
@given(
    region=st.sampled_from(["110101", "350102", "230102", "510107", "650102"]),
    born=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2023, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
    kind=st.sampled_from("1234567"),
    grade=st.sampled_from("1234"),
)
def test_generated_certs_are_valid_found_and_masked(
    recognizer: DisabilityCertRecognizer, region: str, born: datetime.date, sequence: int, kind: str, grade: str
) -> None:
    cert = with_check(f"{region}{born:%Y%m%d}{sequence:03d}") + kind + grade
    assert disability_cert.validate(cert) == cert
    assert disability_cert.category(cert) == CATEGORIES[int(kind) - 1]
    assert disability_cert.level(cert) == LEVELS[int(grade) - 1]
    assert disability_cert.mask(cert) == region + "*" * 14
    assert findings(recognizer, f"残疾人证号{cert}，") == [(cert, 1.0)]
