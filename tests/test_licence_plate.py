"""recognizers.licence_plate: the plain functions, and LicencePlateRecognizer in Chinese text. Synthetic plates."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

from recognizers import licence_plate
from recognizers.analyzer import LANGUAGE, ZhNlpEngine
from recognizers.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from recognizers.licence_plate import ENTITY, PROVINCES, LicencePlateRecognizer
from recognizers.normalize import halfwidth

FOUR_LETTERS = "湘AABCD1"  # plate-shaped, but no ordinary serial has more than three letters


@pytest.fixture(scope="module")
def recognizer() -> LicencePlateRecognizer:
    return LicencePlateRecognizer()


@pytest.fixture(scope="module")
def analyzer() -> AnalyzerEngine:
    nlp_engine = ZhNlpEngine()
    nlp_engine.load()
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.add_recognizer(LicencePlateRecognizer())
    return AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=[LANGUAGE])


def findings(recognizer: LicencePlateRecognizer, text: str) -> list[tuple[str, float]]:
    results = recognizer.analyze(halfwidth(text), entities=[ENTITY], nlp_artifacts=None)
    return [(text[r.start : r.end], r.score) for r in sorted(results, key=lambda r: r.start)]


POSITIVES = [
    ("车牌号湘A12345。", "湘A12345", 1.0),
    ("车牌：湘A·12345", "湘A·12345", 1.0),
    ("名下车辆湘A 12345，已核查", "湘A 12345", 1.0),
    ("湘A-12345", "湘A-12345", 1.0),
    ("新能源车粤BD12345", "粤BD12345", 1.0),
    ("货车粤B12345D（新能源）", "粤B12345D", 1.0),
    ("渝AF12345", "渝AF12345", 1.0),
    ("教练车京A1234学", "京A1234学", 1.0),
    ("沪A1234警", "沪A1234警", 1.0),
    ("挂车浙A1234挂", "浙A1234挂", 1.0),
    ("沪A1234领", "沪A1234领", 1.0),
    ("粤Z1234港", "粤Z1234港", 1.0),
    ("粤Z1234澳", "粤Z1234澳", 1.0),
    ("川AB1234", "川AB1234", 1.0),
    ("京N8P8F8", "京N8P8F8", 1.0),
    ("车牌号湘Ａ１２３４５", "湘Ａ１２３４５", 1.0),
    ("车牌湘a12345", "湘a12345", 1.0),
    ("名下车辆：闽D12345（已报废）", "闽D12345", 1.0),
    ("蒙K12345", "蒙K12345", 1.0),
    ("新A12345", "新A12345", 1.0),
    ("琼B12345", "琼B12345", 1.0),
    ("车牌号湘A12345的车辆", "湘A12345", 1.0),
    # Plate-shaped but not an issuable serial: found at the pattern's score.
    (f"车牌{FOUR_LETTERS}", FOUR_LETTERS, 0.6),
]


@pytest.mark.parametrize(("text", "span", "score"), POSITIVES)
def test_recognizer_finds_plates_in_text(
    recognizer: LicencePlateRecognizer, text: str, span: str, score: float
) -> None:
    assert findings(recognizer, text) == [(span, score)]


def test_recognizer_finds_every_plate(recognizer: LicencePlateRecognizer) -> None:
    assert findings(recognizer, "湘A12345、粤BD12345") == [("湘A12345", 1.0), ("粤BD12345", 1.0)]


NEGATIVES = [
    "A12345",
    "车牌A12345",
    "统一社会信用代码：91350100M000100Y43",
    "E12345678",
    "护照E12345678",
    "闽E12345678",
    "湘A123456",
    "湘A1234",
    "湘A12345678",
    "湘AB",
    "依据湘政发〔2024〕12号文件",
    "本月发放金额1234.56元",
    "发放日期20240105",
    "2024年湘A工程",
    "湘ABCDEF",
    "湘AI1234",
    "湘AO1234",
    "鄂12345",
    "型号X12345",
    "项目编码6222020200001234",
    "邮政编码350001",
    "监督电话：12345",
    "京东A12345",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_recognizer_ignores_what_is_no_plate(recognizer: LicencePlateRecognizer, text: str) -> None:
    assert findings(recognizer, text) == []


def test_context_words_raise_the_score_of_odd_plates(analyzer: AnalyzerEngine) -> None:
    results = analyzer.analyze(f"车牌号码{FOUR_LETTERS}", language=LANGUAGE)
    assert [(r.entity_type, r.score) for r in results] == [(ENTITY, pytest.approx(0.95))]


# --- plain functions ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("湘A12345", "湘A12345"),
        ("湘a·12345", "湘A12345"),
        ("湘A 12345", "湘A12345"),
        ("湘Ａ－１２３４５", "湘A12345"),
        ("粤B•D12345", "粤BD12345"),
        (None, ""),
        (12345, "12345"),
    ],
)
def test_compact(value: object, expected: str) -> None:
    assert licence_plate.compact(value) == expected


@pytest.mark.parametrize(
    "value", ["湘A12345", "粤BD12345", "粤B12345D", "京A1234学", "沪A1234警", "川AB1234", "京N8P8F8"]
)
def test_validate_accepts_issuable_plates(value: str) -> None:
    assert licence_plate.validate(value) == value
    assert licence_plate.is_valid(value)
    assert licence_plate.is_plausible(value)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("A12345", InvalidLength),
        ("湘A123456789", InvalidLength),
        ("", InvalidLength),
        ("XA123456", InvalidComponent),
        ("湘112345", InvalidComponent),
        ("湘A1234I", InvalidFormat),
        ("湘AO1234", InvalidFormat),
        (FOUR_LETTERS, InvalidFormat),
        ("粤BX12345", InvalidFormat),
        ("湘A1234学X", InvalidFormat),
    ],
)
def test_validate_rejects_with_the_reason_and_never_echoes_the_value(value: object, error: type) -> None:
    with pytest.raises(error) as caught:
        licence_plate.validate(value)
    message = str(caught.value)
    assert message
    assert all(shown not in message for shown in {str(value), licence_plate.compact(value)} - {""})
    assert not licence_plate.is_valid(value)


@pytest.mark.parametrize(
    ("value", "plausible"),
    [
        ("湘A12345", True),
        ("湘A1234I", True),
        (FOUR_LETTERS, True),
        ("湘a·12345", True),
        ("A12345", False),
        ("91350100M000100Y43", False),
        ("E12345678", False),
        ("湘A123", False),
        ("", False),
    ],
)
def test_is_plausible(value: str, plausible: bool) -> None:
    assert licence_plate.is_plausible(value) is plausible


@pytest.mark.parametrize(
    ("value", "kwargs", "masked"),
    [
        ("湘A12345", {}, "湘A*****"),
        ("湘A·12345", {}, "湘A*****"),
        ("粤BD12345", {}, "粤B******"),
        ("京A1234学", {}, "京A*****"),
        ("湘Ａ１２３４５", {"char": "×"}, "湘A×××××"),
        ("A12345", {}, "******"),
        (None, {}, ""),
    ],
)
def test_mask(value: object, kwargs: dict, masked: str) -> None:
    assert licence_plate.mask(value, **kwargs) == masked


JUNK = [None, "", "①", "4.10102e17", "x" * 10_000, "湘" * 10_000, 0, -1, 1.5, b"A12345", ["湘A12345"]]


@pytest.mark.parametrize("value", JUNK, ids=lambda v: repr(v)[:20])
def test_junk_never_raises(value: object) -> None:
    assert licence_plate.is_valid(value) is False
    assert licence_plate.is_plausible(value) is False
    assert isinstance(licence_plate.compact(value), str)
    assert isinstance(licence_plate.mask(value), str)
    with pytest.raises(ValidationError):
        licence_plate.validate(value)


@settings(max_examples=200, deadline=None)
@given(
    province=st.sampled_from(PROVINCES),
    authority=st.sampled_from("ABCDEFGHJKLMN"),
    serial=st.integers(min_value=0, max_value=99_999),
    separator=st.sampled_from(["", "·", " "]),
)
def test_generated_plates_are_valid_found_and_masked(
    recognizer: LicencePlateRecognizer, province: str, authority: str, serial: int, separator: str
) -> None:
    plate = f"{province}{authority}{separator}{serial:05d}"
    assert licence_plate.validate(plate) == f"{province}{authority}{serial:05d}"
    assert licence_plate.mask(plate) == f"{province}{authority}*****"
    assert findings(recognizer, f"申请人名下车辆{plate}，已核查") == [(plate, 1.0)]
