"""recognizers.passport: passports and travel permits, the plain functions and both recognizers.

All numbers are synthetic.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

from recognizers import passport
from recognizers.analyzer import LANGUAGE, ZhNlpEngine
from recognizers.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from recognizers.normalize import halfwidth
from recognizers.passport import ENTITY, TRAVEL_PERMIT_ENTITY, PassportRecognizer, TravelPermitRecognizer


@pytest.fixture(scope="module")
def passports() -> PassportRecognizer:
    return PassportRecognizer()


@pytest.fixture(scope="module")
def permits() -> TravelPermitRecognizer:
    return TravelPermitRecognizer()


@pytest.fixture(scope="module")
def analyzer() -> AnalyzerEngine:
    nlp_engine = ZhNlpEngine()
    nlp_engine.load()
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.add_recognizer(PassportRecognizer())
    registry.add_recognizer(TravelPermitRecognizer())
    return AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=[LANGUAGE])


def findings(recognizer: PassportRecognizer | TravelPermitRecognizer, text: str) -> list[tuple[str, float]]:
    entity = recognizer.supported_entities[0]
    results = recognizer.analyze(halfwidth(text), entities=[entity], nlp_artifacts=None)
    return [(text[r.start : r.end], r.score) for r in sorted(results, key=lambda r: r.start)]


# --- passports ---------------------------------------------------------------------------------------------

PASSPORT_POSITIVES = [
    ("护照号E12345678。", "E12345678", 0.5),
    ("护照号码：EA1234567", "EA1234567", 0.5),
    ("持G12345678号护照出境", "G12345678", 0.5),
    ("护照E98765432，有效期至2030年", "E98765432", 0.5),
    ("出国护照：EB7654321", "EB7654321", 0.5),
    ("（护照号 G87654321）", "G87654321", 0.5),
    ("护照号码EH0000001", "EH0000001", 0.5),
    ("护照EJ1234567已收回", "EJ1234567", 0.5),
    ("Passport No. E12345678", "E12345678", 0.5),
    ("出境证件E23456789已登记", "E23456789", 0.5),
    ("护照号Ｅ１２３４５６７８", "Ｅ１２３４５６７８", 0.5),
    ("护照号码：ｅａ１２３４５６７", "ｅａ１２３４５６７", 0.5),
    ("护照e12345678", "e12345678", 0.5),
    ("申请人张三E12345678", "E12345678", 0.5),
    ("外交护照DE1234567", "DE1234567", 0.3),
    ("公务护照SE1234567", "SE1234567", 0.3),
    ("公务普通护照PE1234567", "PE1234567", 0.3),
    ("外交护照D12345678", "D12345678", 0.3),
    ("公务护照S12345678", "S12345678", 0.3),
    ("公务普通护照P12345678", "P12345678", 0.3),
]


@pytest.mark.parametrize(("text", "span", "score"), PASSPORT_POSITIVES)
def test_passport_recognizer_finds_passports(passports: PassportRecognizer, text: str, span: str, score: float) -> None:
    assert findings(passports, text) == [(span, score)]


def test_passport_recognizer_finds_every_passport(passports: PassportRecognizer) -> None:
    assert findings(passports, "E12345678/EA1234567") == [("E12345678", 0.5), ("EA1234567", 0.5)]


PASSPORT_NEGATIVES = [
    "E1234567",
    "E123456789",
    "EI1234567",
    "EO1234567",
    "K12345678",
    "A12345678",
    "统一社会信用代码：91350100M000100Y43",
    "车牌湘A12345",
    "依据闽民〔2023〕5号文件",
    "发放日期20240105",
    "往来港澳通行证C12345678",
    "回乡证H12345678",
    "往来台湾通行证L12345678",
    "订单号E2024010512",
    "型号ABE12345678",
    "E12345678X",
    "乘坐G1234次列车",
    "编号E-12345678",
    "本月发放金额1234.56元",
    "监督电话：12345",
    "邮政编码350001",
]


@pytest.mark.parametrize("text", PASSPORT_NEGATIVES)
def test_passport_recognizer_ignores_other_codes(passports: PassportRecognizer, text: str) -> None:
    assert findings(passports, text) == []


# --- travel permits ----------------------------------------------------------------------------------------

PERMIT_POSITIVES = [
    ("往来港澳通行证C12345678", "C12345678", 0.5),
    ("港澳通行证号CA1234567", "CA1234567", 0.5),
    ("通行证号CB7654321，", "CB7654321", 0.5),
    ("往来港澳通行证：C98765432，有效期五年", "C98765432", 0.5),
    ("往来港澳通行证Ｃ１２３４５６７８", "Ｃ１２３４５６７８", 0.5),
    ("c12345678", "c12345678", 0.5),
    ("往来台湾通行证L12345678", "L12345678", 0.5),
    ("台湾通行证L87654321", "L87654321", 0.5),
    ("回乡证H12345678", "H12345678", 0.5),
    ("（回乡证：H87654321）", "H87654321", 0.5),
    ("回乡证H1234567800", "H1234567800", 0.5),
    ("港澳居民来往内地通行证M12345678", "M12345678", 0.5),
    ("回乡证号码M1234567801", "M1234567801", 0.5),
    ("台胞证号码：12345678", "12345678", 0.6),
    ("台胞证12345678", "12345678", 0.6),
    ("台胞证号：87654321，", "87654321", 0.6),
    ("台胞证 12345678", "12345678", 0.6),
    ("台湾居民来往大陆通行证号码 12345678", "12345678", 0.6),
    ("台胞证号码：１２３４５６７８", "１２３４５６７８", 0.6),
    ("台胞证证号12345678", "12345678", 0.6),
]


@pytest.mark.parametrize(("text", "span", "score"), PERMIT_POSITIVES)
def test_permit_recognizer_finds_permits(permits: TravelPermitRecognizer, text: str, span: str, score: float) -> None:
    assert findings(permits, text) == [(span, score)]


PERMIT_NEGATIVES = [
    "发放日期20240105",
    "20240105",
    "订单号12345678",
    "序号12345678",
    "C1234567",
    "CI1234567",
    "L1234567",
    "H123456789",
    "H123456",
    "L12345678901",
    "C12345678X",
    "护照E12345678",
    "统一社会信用代码：91350100M000100Y43",
    "台胞证123456789",
    "台胞证号码：1234567",
    "台胞12345678",
    "依据闽民〔2023〕5号文件",
    "本月发放金额1234.56元",
    "邮政编码350001",
    "监督电话：12345",
    "车牌湘A12345",
]


@pytest.mark.parametrize("text", PERMIT_NEGATIVES)
def test_permit_recognizer_ignores_other_numbers(permits: TravelPermitRecognizer, text: str) -> None:
    assert findings(permits, text) == []


@pytest.mark.parametrize(
    ("text", "entity", "score"),
    [
        ("护照号码E12345678", ENTITY, 0.85),
        ("外交护照DE1234567", ENTITY, 0.65),
        ("备注：E12345678", ENTITY, 0.5),
        ("往来港澳通行证C12345678", TRAVEL_PERMIT_ENTITY, 0.85),
        ("回乡证H12345678", TRAVEL_PERMIT_ENTITY, 0.85),
        ("台胞证号码12345678", TRAVEL_PERMIT_ENTITY, 0.95),
    ],
)
def test_context_words_raise_the_score(analyzer: AnalyzerEngine, text: str, entity: str, score: float) -> None:
    results = analyzer.analyze(text, language=LANGUAGE)
    assert [(r.entity_type, r.score) for r in results] == [(entity, pytest.approx(score))]


def test_column_header_as_context_raises_the_score(analyzer: AnalyzerEngine) -> None:
    results = analyzer.analyze("E12345678", language=LANGUAGE, context=["护照号码"])
    assert [(r.entity_type, r.score) for r in results] == [(ENTITY, pytest.approx(0.85))]


# --- plain functions ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("E12345678", "E12345678"),
        (" ｅ1234 5678 ", "E12345678"),
        ("ea-1234567", "EA1234567"),
        ("H12345678.00", "H1234567800"),
        (None, ""),
        (12345678, "12345678"),
    ],
)
def test_compact(value: object, expected: str) -> None:
    assert passport.compact(value) == expected


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("E12345678", "普通护照"),
        ("EA1234567", "普通护照"),
        ("G12345678", "普通护照"),
        ("DE1234567", "外交、公务、公务普通护照"),
        ("P12345678", "外交、公务、公务普通护照"),
    ],
)
def test_validate_accepts_passports(value: str, kind: str) -> None:
    assert passport.validate(value) == value
    assert passport.is_valid(value)
    assert passport.is_plausible(value)
    assert passport.document_type(value) == kind
    assert not passport.is_valid_travel_permit(value)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("C12345678", "往来港澳通行证"),
        ("CA1234567", "往来港澳通行证"),
        ("L12345678", "往来台湾通行证"),
        ("H12345678", "港澳居民来往内地通行证"),
        ("M1234567801", "港澳居民来往内地通行证"),
        ("12345678", "台湾居民来往大陆通行证"),
    ],
)
def test_validate_travel_permit_accepts_permits(value: str, kind: str) -> None:
    assert passport.validate_travel_permit(value) == value
    assert passport.is_valid_travel_permit(value)
    assert passport.is_plausible_travel_permit(value)
    assert passport.document_type(value) == kind
    assert not passport.is_valid(value)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("E1234567", InvalidLength),
        ("E123456789", InvalidLength),
        ("", InvalidLength),
        (None, InvalidLength),
        ("E1234567X", InvalidFormat),
        ("123456789", InvalidFormat),
        ("E١٢٣٤٥٦٧٨", InvalidFormat),  # Arabic-Indic digits
        ("K12345678", InvalidComponent),
        ("EI1234567", InvalidComponent),
        ("GA1234567", InvalidComponent),
        ("C12345678", InvalidComponent),
    ],
)
def test_validate_rejects_with_the_reason_and_never_echoes_the_value(value: object, error: type) -> None:
    with pytest.raises(error) as caught:
        passport.validate(value)
    message = str(caught.value)
    assert message
    assert all(shown not in message for shown in {str(value), passport.compact(value)} - {"", "None"})
    assert not passport.is_valid(value)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("C1234567", InvalidComponent),
        ("1234567", InvalidLength),
        ("H123456789", InvalidLength),
        ("C1234567X", InvalidFormat),
        ("K12345678", InvalidComponent),
        ("E12345678", InvalidComponent),
        ("H12345678901", InvalidLength),
    ],
)
def test_validate_travel_permit_rejects(value: str, error: type) -> None:
    with pytest.raises(error) as caught:
        passport.validate_travel_permit(value)
    assert value not in str(caught.value)
    assert not passport.is_valid_travel_permit(value)


@pytest.mark.parametrize(
    ("value", "plausible", "plausible_permit"),
    [
        ("E12345678", True, True),
        ("K12345678", True, True),
        ("EI1234567", True, True),
        ("12345678", False, True),
        ("H1234567800", False, True),
        ("E1234567", False, True),
        ("91350100M000100Y43", False, False),
        ("湘A12345", False, False),
        ("", False, False),
    ],
)
def test_is_plausible(value: str, plausible: bool, plausible_permit: bool) -> None:
    assert passport.is_plausible(value) is plausible
    assert passport.is_plausible_travel_permit(value) is plausible_permit


@pytest.mark.parametrize(
    ("value", "kwargs", "masked"),
    [
        ("E12345678", {}, "E******78"),
        ("EA1234567", {}, "EA*****67"),
        ("ｅ１２３４５６７８", {}, "E******78"),
        ("C12345678", {}, "C******78"),
        ("H1234567800", {}, "H********00"),
        ("12345678", {}, "******78"),
        ("E12345678", {"keep_last": 0, "char": "×"}, "E××××××××"),
        ("E1234", {}, "*****"),
        (None, {}, ""),
    ],
)
def test_mask(value: object, kwargs: dict, masked: str) -> None:
    assert passport.mask(value, **kwargs) == masked


JUNK = [None, "", "①", "4.10102e17", "x" * 10_000, "E" * 10_000, 0, -1, 1.5, b"E12345678", ["E12345678"]]


@pytest.mark.parametrize("value", JUNK, ids=lambda v: repr(v)[:20])
def test_junk_never_raises(value: object) -> None:
    assert passport.is_valid(value) is False
    assert passport.is_valid_travel_permit(value) is False
    assert isinstance(passport.is_plausible(value), bool)
    assert isinstance(passport.is_plausible_travel_permit(value), bool)
    assert isinstance(passport.compact(value), str)
    assert isinstance(passport.mask(value), str)
    assert passport.document_type(value) is None
    with pytest.raises(ValidationError):
        passport.validate(value)
    with pytest.raises(ValidationError):
        passport.validate_travel_permit(value)


@settings(max_examples=200, deadline=None)
@given(
    series=st.sampled_from(["E", "EA", "EB", "G"]),
    number=st.integers(min_value=0, max_value=99_999_999),
    prefix=st.sampled_from(["护照号", "护照号码：", "持", "（"]),
)
def test_generated_passports_are_valid_found_and_masked(
    passports: PassportRecognizer, series: str, number: int, prefix: str
) -> None:
    value = f"{series}{number:08d}"[:9]
    assert passport.validate(value) == value
    assert passport.mask(value) == series + "*" * (7 - len(series)) + value[-2:]
    assert findings(passports, f"{prefix}{value}，") == [(value, 0.5)]
