"""recognizers.id_card: the plain functions, and IdCardRecognizer inside Chinese roster text.

All IDs are synthetic: check digits are computed here, independently of the module under test.
"""

from __future__ import annotations

import datetime

import pytest
from conftest import with_check
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

from recognizers import id_card
from recognizers.analyzer import LANGUAGE, ZhNlpEngine
from recognizers.exceptions import (
    InvalidChecksum,
    InvalidComponent,
    InvalidFormat,
    InvalidLength,
    ValidationError,
)
from recognizers.id_card import ENTITY, IdCardRecognizer
from recognizers.normalize import halfwidth

VALID = with_check("11010119900307777")  # 110101199003077774
WITH_X = with_check("11010519491231002")  # 11010519491231002X
BORN_1880 = with_check("44052418800101001")
CHILD = with_check("35010220150601123")
TYPO = VALID[:17] + "5"  # the check digit mistyped
LEGACY = "110105491231002"  # 15 digits, born 1949-12-31
USCC_ALL_DIGITS = "911101080000000007"  # a valid 统一社会信用代码 made of digits only


@pytest.fixture(scope="module")
def recognizer() -> IdCardRecognizer:
    return IdCardRecognizer()


@pytest.fixture(scope="module")
def analyzer() -> AnalyzerEngine:
    """The analyzer path deid uses (jieba tokens, context words), with this recognizer only."""
    nlp_engine = ZhNlpEngine()
    nlp_engine.load()
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.add_recognizer(IdCardRecognizer())
    return AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=[LANGUAGE])


def findings(recognizer: IdCardRecognizer, text: str) -> list[tuple[str, float]]:
    """(span in the original text, score) for each ID found in the half-width-normalised text."""
    results = recognizer.analyze(halfwidth(text), entities=[ENTITY], nlp_artifacts=None)
    return [(text[r.start : r.end], r.score) for r in sorted(results, key=lambda r: r.start)]


def test_synthetic_ids_are_what_they_claim() -> None:
    assert VALID == "110101199003077774"
    assert WITH_X == "11010519491231002X"


# --- the recognizer: positives -----------------------------------------------------------------------------

POSITIVES = [
    # (text, the span found, its score)
    (f"身份证号{VALID}，", VALID, 1.0),
    (f"公民身份号码：{WITH_X}", WITH_X, 1.0),
    (f"户主李建国，身份证号{WITH_X.lower()}，家庭人口3人", WITH_X.lower(), 1.0),
    (f"证件号码：{BORN_1880}（已故）", BORN_1880, 1.0),
    (f"孤儿张小明，身份证{CHILD}，就读于城关小学", CHILD, 1.0),
    (f"1 王秀英 {VALID} 3 580.00", VALID, 1.0),
    (f"（{VALID}）", VALID, 1.0),
    (f"ID: {VALID}", VALID, 1.0),
    (f"身份证号{VALID}的申请人于2024年1月5日提交申请", VALID, 1.0),
    ("身份证号１１０１０１１９９００３０７７７７４", "１１０１０１１９９００３０７７７７４", 1.0),
    ("身份证号：１１０１０５１９４９１２３１００２Ｘ。", "１１０１０５１９４９１２３１００２Ｘ", 1.0),
    ("身份证号 110101 19900307 7774 已核验", "110101 19900307 7774", 1.0),
    ("身份证号110101-19900307-7774，", "110101-19900307-7774", 1.0),
    ("身份证 110101 1990 0307 7774", "110101 1990 0307 7774", 1.0),
    ("身份证号１１０１０１　１９９００３０７　７７７４", "１１０１０１　１９９００３０７　７７７４", 1.0),
    (f"旧证号{LEGACY}，现已换发", LEGACY, 1.0),
    ("身份证号110105 491231002", "110105 491231002", 1.0),
    # A typo'd check digit is still a person's ID: found, at the pattern's lower score.
    (f"身份证号{TYPO}，", TYPO, 0.6),
    (f"救助对象赵六（{TYPO}）因病致贫", TYPO, 0.6),
    # Region 99 is no province, the rest is ID-shaped: found, not validated.
    ("身份证号990101199003077774", "990101199003077774", 0.6),
    # No real birth date (month 13): only the loose 18-digit pattern finds it.
    ("身份证号110101199013077774", "110101199013077774", 0.35),
    # Any grouping of 18 digits is found by the loose pattern; a valid checksum still scores 1.0.
    ("身份证号 110 101 1990 0307 7774", "110 101 1990 0307 7774", 1.0),
    ("身份证号11010119900307 777X", "11010119900307 777X", 0.6),
    # A legacy number whose region is no province still has the legacy shape.
    ("旧证号990105491231002", "990105491231002", 0.4),
]


@pytest.mark.parametrize(("text", "span", "score"), POSITIVES)
def test_recognizer_finds_ids_in_text(recognizer: IdCardRecognizer, text: str, span: str, score: float) -> None:
    assert findings(recognizer, text) == [(span, score)]


def test_recognizer_finds_every_id_in_a_text(recognizer: IdCardRecognizer) -> None:
    text = f"户主{VALID}，配偶{WITH_X}，子女{CHILD}。"
    assert findings(recognizer, text) == [(VALID, 1.0), (WITH_X, 1.0), (CHILD, 1.0)]


def test_recognizer_finds_faker_ids_in_sentences(recognizer: IdCardRecognizer) -> None:
    fake = Faker("zh_CN")
    fake.seed_instance(20240105)
    for _ in range(200):
        number = fake.ssn(min_age=0, max_age=100)
        assert findings(recognizer, f"申请人{fake.name()}（身份证号{number}）申请临时救助") == [(number, 1.0)]


# --- the recognizer: hard negatives ------------------------------------------------------------------------

NEGATIVES = [
    "统一社会信用代码：91350100M000100Y43",
    "依据闽民〔2023〕5号文件",
    "根据〔2024〕12号文件精神",
    "民政发〔2019〕110101号",
    "本月发放金额1234.56元",
    "补助金￥580元",
    "发放日期20240105",
    "发放时间：2024-01-05 13:45:00",
    "监督电话：12345",
    "项目编码6222020200001234",
    "邮政编码350001",
    "订单号202401051234",
    "序号18",
    "2024年第3组",
    "户籍人口110101人",
    "联系电话13812345678",
    "联系电话0451-82345678",
    "累计发放1,234,567.89元",
    "银行卡号6228480402564890018",
    "17位编号11010119900307777",
    "19位编号1101011990030777741",
    # A 20-digit 残疾人证号 starts with the holder's ID; the lookarounds keep the ID pattern off it.
    f"残疾人证号{VALID}41，",
    f"残疾证号：{WITH_X}72",
    "增长19.90%，1990-2024年",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_recognizer_ignores_other_numbers(recognizer: IdCardRecognizer, text: str) -> None:
    assert findings(recognizer, text) == []


def test_all_digit_uscc_is_found_only_by_the_loose_pattern(recognizer: IdCardRecognizer) -> None:
    """An all-digit 统一社会信用代码 is 18 digits like an ID: the loose pattern finds it at its low score, and it
    does not validate (region 91, no birth date). The CN_USCC recognizer's 1.0 wins the overlap in deid.text."""
    assert not id_card.is_valid(USCC_ALL_DIGITS)
    assert findings(recognizer, f"统一社会信用代码{USCC_ALL_DIGITS}") == [(USCC_ALL_DIGITS, 0.35)]


def test_loose_pattern_is_fail_closed_on_any_18_digits(recognizer: IdCardRecognizer) -> None:
    """Documented over-match: a mobile and a 7-digit number after one space make 18 digits (low score)."""
    assert findings(recognizer, "电话13812345678 1234567") == [("13812345678 1234567", 0.35)]


# --- the recognizer with context words (jieba tokens) ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "score"),
    [
        (f"身份证号{TYPO}，", 0.95),
        (f"公民身份号码{TYPO}", 0.95),  # jieba: 公民/身份/号码
        (f"证件号码：{TYPO}", 0.95),
        (f"备注：{TYPO}", 0.6),
        (f"身份证号{VALID}", 1.0),
    ],
)
def test_context_words_raise_the_score(analyzer: AnalyzerEngine, text: str, score: float) -> None:
    results = analyzer.analyze(text, language=LANGUAGE)
    assert [(r.entity_type, r.score) for r in results] == [(ENTITY, pytest.approx(score))]


def test_column_header_as_context_raises_the_score(analyzer: AnalyzerEngine) -> None:
    results = analyzer.analyze(TYPO, language=LANGUAGE, context=["公民身份号码"])
    assert [r.score for r in results] == [pytest.approx(0.95)]


# --- plain functions ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("110101199003077774", "110101199003077774"),
        ("11010519491231002x", "11010519491231002X"),
        ("１１０１０１１９９００３０７７７７４", "110101199003077774"),
        ("110101 19900307 7774", "110101199003077774"),
        ("110101-19900307-7774", "110101199003077774"),
        (" 110101.19900307.7774\t", "110101199003077774"),
        (110101199003077774, "110101199003077774"),
        (None, ""),
        ("", ""),
    ],
)
def test_compact(value: object, expected: str) -> None:
    assert id_card.compact(value) == expected


@pytest.mark.parametrize("value", [VALID, WITH_X, WITH_X.lower(), BORN_1880, CHILD, LEGACY, "110101 19900307 7774"])
def test_validate_accepts_valid_ids(value: str) -> None:
    assert id_card.validate(value) == id_card.compact(value)
    assert id_card.is_valid(value)
    assert id_card.is_plausible(value)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("12345", InvalidLength),
        ("1101011990030777741", InvalidLength),
        ("", InvalidLength),
        (None, InvalidLength),
        ("1101011990030777A4", InvalidFormat),
        ("X10101199003077774", InvalidFormat),
        ("1101011990030777①4", InvalidFormat),  # '①'.isdigit() is True, int('①') is not a digit
        ("١١٠١٠١١٩٩٠٠٣٠٧٧٧٧٤", InvalidFormat),  # Arabic-Indic digits
        ("990101199003077774", InvalidComponent),  # no such province
        ("110101199013077774", InvalidComponent),  # month 13
        ("110101199002307774", InvalidComponent),  # 30 February
        (with_check("11010118790101001"), InvalidComponent),  # born before 1880
        (with_check("11010121000101001"), InvalidComponent),  # born in the future
        (TYPO, InvalidChecksum),
    ],
)
def test_validate_rejects_with_the_reason_and_never_echoes_the_value(value: object, error: type) -> None:
    with pytest.raises(error) as caught:
        id_card.validate(value)
    message = str(caught.value)
    assert message
    assert all(shown not in message for shown in {str(value), id_card.compact(value)} - {"", "None"})
    assert not id_card.is_valid(value)


@pytest.mark.parametrize(
    ("value", "plausible"),
    [
        (TYPO, True),
        ("990101199003077774", True),
        ("110101199013077774", True),
        (USCC_ALL_DIGITS, True),  # shape only
        ("１１０１０１ １９９００３０７ ７７７４", True),
        ("990105491231002", True),
        ("012345678901234567", False),
        ("91350100M000100Y43", False),
        (f"{VALID}41", False),
        ("13812345678", False),
        ("4.10102E+17", False),
        ("①", False),
    ],
)
def test_is_plausible(value: str, plausible: bool) -> None:
    assert id_card.is_plausible(value) is plausible


@pytest.mark.parametrize(
    ("value", "born"),
    [(VALID, datetime.date(1990, 3, 7)), (LEGACY, datetime.date(1949, 12, 31)), (BORN_1880, datetime.date(1880, 1, 1))],
)
def test_birth_date(value: str, born: datetime.date) -> None:
    assert id_card.birth_date(value) == born


@pytest.mark.parametrize(
    ("value", "error"),
    [("12345", InvalidLength), ("110101199013077774", InvalidComponent), ("11010119a0030777", InvalidLength)],
)
def test_birth_date_raises_validation_errors_only(value: str, error: type) -> None:
    with pytest.raises(error):
        id_card.birth_date(value)


@pytest.mark.parametrize(
    ("value", "check"),
    [("11010119900307777", "4"), ("11010519491231002", "X"), (VALID, "4"), ("1101011990030777", ""), (None, "")],
)
def test_calc_check_digit(value: object, check: str) -> None:
    assert id_card.calc_check_digit(value) == check


@pytest.mark.parametrize(
    ("value", "kwargs", "masked"),
    [
        (VALID, {}, "110101********7774"),
        (WITH_X.lower(), {}, "110105********002X"),
        ("１１０１０１ １９９００３０７ ７７７４", {}, "110101********7774"),
        (LEGACY, {}, "110105*****1002"),
        (CHILD, {"keep_first": 0, "keep_last": 0}, "******************"),
        (VALID, {"char": "×"}, "110101××××××××7774"),
        ("1234567890", {}, "**********"),
        (None, {}, ""),
    ],
)
def test_mask(value: object, kwargs: dict, masked: str) -> None:
    assert id_card.mask(value, **kwargs) == masked


JUNK = [None, "", "①", "4.10102e17", "4.10102E+17", "x" * 10_000, "1" * 10_000, 0, -1, 110101, 1.5, b"110101", ["1"]]


@pytest.mark.parametrize("value", JUNK, ids=lambda v: repr(v)[:20])
def test_junk_never_raises(value: object) -> None:
    assert id_card.is_valid(value) is False
    assert isinstance(id_card.is_plausible(value), bool)
    assert isinstance(id_card.compact(value), str)
    assert isinstance(id_card.mask(value), str)
    assert isinstance(id_card.calc_check_digit(value), str)
    with pytest.raises(ValidationError):
        id_card.validate(value)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_text_never_breaks_the_functions(text: str) -> None:
    try:
        id_card.validate(text)
    except ValidationError:
        assert not id_card.is_valid(text)
    assert isinstance(id_card.is_plausible(text), bool)
    masked = id_card.mask(text)
    assert len(masked) == len(id_card.compact(text))


@settings(max_examples=200, deadline=None)
@given(
    region=st.sampled_from(["110101", "350102", "230102", "510107", "650102"]),
    born=st.dates(min_value=datetime.date(1900, 1, 1), max_value=datetime.date(2023, 12, 31)),
    sequence=st.integers(min_value=0, max_value=999),
    prefix=st.sampled_from(["身份证号", "公民身份号码：", "户主王五，证件号码 ", "（"]),
)
def test_generated_ids_are_valid_found_and_masked(
    recognizer: IdCardRecognizer, region: str, born: datetime.date, sequence: int, prefix: str
) -> None:
    number = with_check(f"{region}{born:%Y%m%d}{sequence:03d}")
    assert id_card.validate(number) == number
    assert id_card.birth_date(number) == born
    assert id_card.mask(number) == number[:6] + "*" * 8 + number[-4:]
    assert findings(recognizer, f"{prefix}{number}，") == [(number, 1.0)]
