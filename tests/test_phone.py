"""recognizers.phone: the plain functions, PhoneRecognizer and PublicPhoneRecognizer inside Chinese text.

All numbers are synthetic.
"""

from __future__ import annotations

import pytest
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

from recognizers import phone
from recognizers.analyzer import LANGUAGE, ZhNlpEngine
from recognizers.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from recognizers.normalize import halfwidth
from recognizers.phone import ENTITY, PUBLIC_ENTITY, PhoneRecognizer, PublicPhoneRecognizer

ID = "110101199003077774"  # synthetic, valid check digit


@pytest.fixture(scope="module")
def recognizer() -> PhoneRecognizer:
    return PhoneRecognizer()


@pytest.fixture(scope="module")
def public() -> PublicPhoneRecognizer:
    return PublicPhoneRecognizer()


@pytest.fixture(scope="module")
def analyzer() -> AnalyzerEngine:
    """The analyzer path deid uses (jieba tokens, context words), with this module's recognizers only."""
    nlp_engine = ZhNlpEngine()
    nlp_engine.load()
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.add_recognizer(PhoneRecognizer())
    registry.add_recognizer(PublicPhoneRecognizer())
    return AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=[LANGUAGE])


def findings(recognizer: PhoneRecognizer | PublicPhoneRecognizer, text: str) -> list[tuple[str, float]]:
    """(span in the original text, score) for each number found in the half-width-normalised text."""
    entity = recognizer.supported_entities[0]
    results = recognizer.analyze(halfwidth(text), entities=[entity], nlp_artifacts=None)
    return [(text[r.start : r.end], r.score) for r in sorted(results, key=lambda r: r.start)]


# --- PhoneRecognizer: positives ----------------------------------------------------------------------------

POSITIVES = [
    # (text, the span found, its score)
    ("联系电话13812345678。", "13812345678", 1.0),
    ("电话：138 1234 5678", "138 1234 5678", 1.0),
    ("手机138-1234-5678，", "138-1234-5678", 1.0),
    ("户主手机号为15912345678", "15912345678", 1.0),
    ("手机：19912345678（本人）", "19912345678", 1.0),
    ("联系方式 14512345678", "14512345678", 1.0),
    ("+86 13812345678", "+86 13812345678", 1.0),
    ("电话0086-13812345678", "0086-13812345678", 1.0),
    ("电话86-13812345678", "86-13812345678", 1.0),
    ("(+86)16612345678", "(+86)16612345678", 1.0),
    ("全角手机号：１３８１２３４５６７８", "１３８１２３４５６７８", 1.0),
    ("联系人：张三（0451-82345678）", "0451-82345678", 1.0),
    ("制表人：王五 联系电话：0591-87654321", "0591-87654321", 1.0),
    ("办公室0451-82345678转801", "0451-82345678转801", 1.0),
    ("电话号码：020-83456789分机123", "020-83456789分机123", 1.0),
    ("Tel:0451-82345678 ext.12", "0451-82345678 ext.12", 1.0),
    ("电话(0451)82345678", "(0451)82345678", 1.0),
    ("电话（０４５１）８２３４５６７８", "（０４５１）８２３４５６７８", 1.0),
    ("(021) 6234 5678", "(021) 6234 5678", 1.0),
    ("家庭电话010 6552 9988。", "010 6552 9988", 1.0),
    ("电话：0451—82345678", "0451—82345678", 1.0),
    ("+86 10 6552 9988", "+86 10 6552 9988", 1.0),
    ("电话07558234567", "07558234567", 1.0),
    # Local numbers without area code only right after a phone word, and not validated.
    ("电话：82345678", "82345678", 0.6),
    ("座机 8234567", "8234567", 0.6),
    ("联系电话为8234-5678", "8234-5678", 0.6),
    # A typo'd mobile after a phone word is still somebody's number.
    ("电话：12812345678", "12812345678", 0.6),
]


@pytest.mark.parametrize(("text", "span", "score"), POSITIVES)
def test_recognizer_finds_phones_in_text(recognizer: PhoneRecognizer, text: str, span: str, score: float) -> None:
    assert findings(recognizer, text) == [(span, score)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("联系方式：13812345678/0451-82345678", [("13812345678", 1.0), ("0451-82345678", 1.0)]),
        ("电话：0451-82345678、82345679", [("0451-82345678", 1.0), ("82345679", 0.6)]),
        # Glued to other digits by one separator: the lowest score deid masks, see below.
        ("联系电话：13812345678 0451-82345678", [("13812345678", 0.3), ("0451-82345678", 0.3)]),
        ("户主13812345678，配偶13912345678。", [("13812345678", 1.0), ("13912345678", 1.0)]),
    ],
)
def test_recognizer_finds_every_phone_in_a_text(
    recognizer: PhoneRecognizer, text: str, found: list[tuple[str, float]]
) -> None:
    assert findings(recognizer, text) == found


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("卡号6222 0591 2345 6789", [("0591 2345 6789", 0.3)]),
        ("账号1234-0591-2345-6789", [("0591-2345-6789", 0.3)]),
        ("电话0451-82345678-801", [("0451-82345678", 0.3)]),
        ("张三 13812345678 1200", [("13812345678", 0.3)]),
    ],
)
def test_a_phone_glued_to_other_digits_keeps_the_lowest_masked_score(
    recognizer: PhoneRecognizer, text: str, found: list[tuple[str, float]]
) -> None:
    """A longer card or account number claiming the same digits wins the overlap in deid.text; otherwise the
    phone is still masked (deid.text drops findings below 0.3)."""
    assert findings(recognizer, text) == found
    assert phone.GLUED_SCORE == 0.3


def test_recognizer_finds_faker_mobiles(recognizer: PhoneRecognizer) -> None:
    fake = Faker("zh_CN")
    fake.seed_instance(20240105)
    for _ in range(200):
        number = fake.phone_number()
        assert findings(recognizer, f"{fake.name()}，联系电话{number}，家住{fake.street_name()}") == [(number, 1.0)]


# --- PhoneRecognizer: hard negatives -----------------------------------------------------------------------

NEGATIVES = [
    f"身份证号{ID}",  # a phone-like run inside an ID must not match
    f"身份证号{ID[:6]} {ID[6:14]} {ID[14:]}",
    f"身份证号{ID[:6]}-{ID[6:14]}-{ID[14:]}",
    f"残疾人证号{ID}41",
    "统一社会信用代码：91350100M000100Y43",
    "依据闽民〔2023〕5号文件",
    "根据〔2024〕12号文件精神",
    "本月发放金额1234.56元",
    "补助金￥580元",
    "发放日期20240105",
    "发放时间2024-01-05 13:45",
    "监督电话：12345",
    "请拨打12345热线",
    "拨打110报警",
    "服务热线：400-123-4567",
    "客服4008001234",
    "客服电话95588",
    "项目编码2024350100001234",
    "邮政编码350001",
    "订单号DD13812345678",
    "序号138",
    "2024年12月",
    "编号12345678901",
    "编号02012345",
    "银行卡号6228480402564890018",
    "面积130.5平方米",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_recognizer_ignores_other_numbers(recognizer: PhoneRecognizer, text: str) -> None:
    assert findings(recognizer, text) == []


# --- PublicPhoneRecognizer ---------------------------------------------------------------------------------

PUBLIC_POSITIVES = [
    ("监督电话：0451-12345678", "0451-12345678"),
    ("监督电话：0451-82345678", "0451-82345678"),
    ("监督电话为0451-8234 5678", "0451-8234 5678"),
    ("如有异议，请拨打监督举报电话：0591-87654321", "0591-87654321"),
    ("举报电话（0451）82345678", "（0451）82345678"),
    ("举报电话：12345", "12345"),
    ("举报电话：82345678", "82345678"),
    ("投诉电话：13812345678", "13812345678"),
    ("服务热线：400-123-4567", "400-123-4567"),
    ("热线：12320", "12320"),
    ("民政局监督电话：0451-12349", "0451-12349"),
    ("咨询电话：4001234567", "4001234567"),
    ("免费电话800-820-8820", "800-820-8820"),
    ("请拨打12345热线", "12345"),
    ("12345政务服务便民热线", "12345"),
    ("12349养老服务热线", "12349"),
    ("96110反诈热线", "96110"),
    ("95588客服", "95588"),
    ("拨打110报警", "110"),
    ("请拨打120急救电话", "120"),
    ("火警请拨119", "119"),
    ("消费者投诉请致电12315。", "12315"),
]


@pytest.mark.parametrize(("text", "span"), PUBLIC_POSITIVES)
def test_public_recognizer_finds_public_lines(public: PublicPhoneRecognizer, text: str, span: str) -> None:
    assert findings(public, text) == [(span, 1.0)]


def test_public_label_covers_a_list_of_numbers(public: PublicPhoneRecognizer) -> None:
    text = "热线电话：0451-82345678、0451-82345679"
    assert findings(public, text) == [("0451-82345678", 1.0), ("0451-82345679", 1.0)]


PUBLIC_NEGATIVES = [
    "联系电话13812345678",
    "联系电话：0451-82345678",
    "电话：82345678",
    "0451-12345678",  # 12345 inside a landline
    "138 12345 678",  # 12345 between digits of one number
    "电话12345678",
    "拨打13812345678",
    "补助12345元",
    "补助12345.67元",
    "救助12000元，医疗救助热线",
    "补助120元",
    "幸福路110号",
    "户籍人口12345人",
    "编号110",
    "12345",  # a bare 5-digit number may be an amount or a count
    f"身份证号{ID}",
    "统一社会信用代码91350100M000100Y43",
    "依据〔2024〕12号文件",
    "邮政编码350001",
    "发放日期20240105",
    "订单号4001234567890",
    "监督电话",
]


@pytest.mark.parametrize("text", PUBLIC_NEGATIVES)
def test_public_recognizer_ignores_personal_and_other_numbers(public: PublicPhoneRecognizer, text: str) -> None:
    assert findings(public, text) == []


@pytest.mark.parametrize("text", [text for text, _ in PUBLIC_POSITIVES] + ["热线电话：0451-82345678、0451-82345679"])
def test_a_public_line_covers_exactly_what_cn_phone_finds(
    recognizer: PhoneRecognizer, public: PublicPhoneRecognizer, text: str
) -> None:
    """deid.text resolves overlaps by score, then length, then keeps the kept entity: CN_PUBLIC_PHONE at 1.0 on
    the same span wins, and it never covers only part of a CN_PHONE finding."""
    public_spans = {span for span, score in findings(public, text) if score == 1.0}
    assert {span for span, _ in findings(recognizer, text)} <= public_spans


def test_public_and_personal_numbers_side_by_side(recognizer: PhoneRecognizer, public: PublicPhoneRecognizer) -> None:
    text = "联系人李四13812345678，监督电话：12345，举报电话：0451-82345678"
    assert findings(recognizer, text) == [("13812345678", 1.0), ("0451-82345678", 1.0)]
    assert findings(public, text) == [("12345", 1.0), ("0451-82345678", 1.0)]


# --- with the analyzer: context words ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("电话：82345678", [(ENTITY, 0.95)]),
        ("联系电话：12812345678", [(ENTITY, 0.95)]),
        ("备注：82345678", []),
        ("联系电话13812345678", [(ENTITY, 1.0)]),
        ("监督电话：12345", [(PUBLIC_ENTITY, 1.0)]),
    ],
)
def test_analyzer_scores(analyzer: AnalyzerEngine, text: str, found: list[tuple[str, float]]) -> None:
    results = analyzer.analyze(text, language=LANGUAGE)
    assert [(r.entity_type, r.score) for r in results] == [(e, pytest.approx(s)) for e, s in found]


def test_a_header_alone_does_not_make_a_bare_local_number_a_phone(analyzer: AnalyzerEngine) -> None:
    """Phone columns are typed by their header and dropped; in text a bare 8-digit number could be a date."""
    assert analyzer.analyze("82345678", language=LANGUAGE, context=["联系电话"]) == []


# --- plain functions ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("13812345678", "13812345678"),
        ("138 1234 5678", "13812345678"),
        ("138-1234-5678", "13812345678"),
        ("１３８１２３４５６７８", "13812345678"),
        ("+86 138 1234 5678", "13812345678"),
        ("0086-13812345678", "13812345678"),
        ("86-13812345678", "13812345678"),
        ("(+86)13812345678", "13812345678"),
        ("0451-82345678", "045182345678"),
        ("（０４５１）８２３４５６７８", "045182345678"),
        ("0451-82345678 转 801", "045182345678转801"),
        ("020-83456789分机123", "02083456789转123"),
        ("0451-82345678 EXT. 12", "045182345678转12"),
        ("+86 10 6552 9988", "01065529988"),
        ("0086-451-82345678", "045182345678"),
        ("86123456", "86123456"),  # a bare 86 before no mobile is no country code
        (13812345678, "13812345678"),
        (None, ""),
    ],
)
def test_compact(value: object, expected: str) -> None:
    assert phone.compact(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        "13012345678",
        "14512345678",
        "16612345678",
        "17712345678",
        "19912345678",
        "+86 138 1234 5678",
        "010-65529988",
        "020-8345678",
        "0451-82345678",
        "(0591)87654321",
        "0451-82345678转801",
        "+86 21 6234 5678",
    ],
)
def test_validate_accepts_mobiles_and_landlines(value: str) -> None:
    assert phone.validate(value) == phone.compact(value)
    assert phone.is_valid(value)
    assert phone.is_plausible(value)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("12812345678", InvalidComponent),  # 12x is no mobile prefix
        ("11012345678", InvalidComponent),
        ("1381234567", InvalidLength),
        ("138123456789", InvalidLength),
        ("13812345678转1", InvalidFormat),  # mobiles have no extension
        ("01112345678", InvalidComponent),  # 011 is no area code
        ("00451823456", InvalidComponent),
        ("0451-123456", InvalidLength),
        ("0451-823456789", InvalidLength),
        ("0451-12345678", InvalidComponent),  # a local number never starts with 1
        ("0451-82345678转", InvalidFormat),
        ("0451-82345678转1234567", InvalidFormat),
        ("0451-8234567①", InvalidFormat),
        ("82345678", InvalidComponent),  # no area code
        ("12345", InvalidLength),
        ("400-123-4567", InvalidComponent),
        ("abc", InvalidFormat),
        ("", InvalidFormat),
        (None, InvalidFormat),
    ],
)
def test_validate_rejects_with_the_reason_and_never_echoes_the_value(value: object, error: type) -> None:
    with pytest.raises(error) as caught:
        phone.validate(value)
    message = str(caught.value)
    assert message
    assert all(shown not in message for shown in {str(value), phone.compact(value)} - {"", "None"})
    assert not phone.is_valid(value)


@pytest.mark.parametrize(
    ("value", "plausible"),
    [
        ("13812345678", True),
        ("12812345678", True),  # shape only
        ("0451-82345678", True),
        ("0451-12345678", True),
        ("01112345678", True),
        ("0451-82345678转801", True),
        ("+86 138 1234 5678", True),
        ("82345678", False),  # would make every 8-digit date a phone
        ("20240105", False),
        ("12345", False),
        ("400-123-4567", False),
        ("95588", False),
        (ID, False),
        ("6228480402564890018", False),
        ("1381234567", False),
        ("①", False),
    ],
)
def test_is_plausible(value: str, plausible: bool) -> None:
    assert phone.is_plausible(value) is plausible


@pytest.mark.parametrize(
    ("value", "service"),
    [
        ("110", True),
        ("119", True),
        ("120", True),
        ("122", True),
        ("12345", True),
        ("12349", True),
        ("12315", True),
        ("12320", True),
        ("12110", True),
        ("95588", True),
        ("96110", True),
        ("400-123-4567", True),
        ("800 820 8820", True),
        ("4008001234", True),
        ("0451-12345", True),
        ("(010)12345", True),
        ("１２３４５", True),
        ("13812345678", False),
        ("0451-82345678", False),
        ("82345678", False),
        ("123456", False),
        ("1234", False),
        ("11", False),
        ("97123", False),
        ("40012345678", False),
        ("300-123-4567", False),
        (None, False),
    ],
)
def test_is_service_number(value: object, service: bool) -> None:
    assert phone.is_service_number(value) is service


@pytest.mark.parametrize(
    ("value", "kwargs", "masked"),
    [
        ("13812345678", {}, "138****5678"),
        ("138 1234 5678", {}, "138****5678"),
        ("+86 138-1234-5678", {}, "138****5678"),
        ("１３８１２３４５６７８", {}, "138****5678"),
        ("12812345678", {}, "128****5678"),
        ("0451-82345678", {}, "0451-****5678"),
        ("(0451)8234567", {}, "0451-***4567"),
        ("0451-82345678转801", {}, "0451-****5678转***"),
        ("010 6552 9988", {}, "010-****9988"),
        ("+86 21 6234 5678", {}, "021-****5678"),
        ("82345678", {}, "****5678"),
        ("13812345678", {"char": "×"}, "138××××5678"),
        ("12345", {}, "*****"),
        ("0451-123", {}, "*******"),
        (None, {}, ""),
    ],
)
def test_mask(value: object, kwargs: dict, masked: str) -> None:
    assert phone.mask(value, **kwargs) == masked


JUNK = [None, "", "①", "4.10102e17", "x" * 10_000, "1" * 10_000, "转" * 100, 0, -1, 1.5, b"138", ["1"]]


@pytest.mark.parametrize("value", JUNK, ids=lambda v: repr(v)[:20])
def test_junk_never_raises(value: object) -> None:
    assert phone.is_valid(value) is False
    assert phone.is_plausible(value) is False
    assert phone.is_service_number(value) is False
    assert isinstance(phone.compact(value), str)
    assert isinstance(phone.mask(value), str)
    with pytest.raises(ValidationError):
        phone.validate(value)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_text_never_breaks_the_functions(text: str) -> None:
    try:
        phone.validate(text)
    except ValidationError:
        assert not phone.is_valid(text)
    assert isinstance(phone.is_plausible(text), bool)
    assert isinstance(phone.is_service_number(text), bool)
    assert len(phone.mask(text)) >= len(phone.compact(text))


@settings(max_examples=200, deadline=None)
@given(
    prefix=st.sampled_from("3456789"),
    rest=st.text(alphabet="0123456789", min_size=9, max_size=9),
    layout=st.sampled_from(["{}", "{} {} {}", "{}-{}-{}", "+86 {}", "0086{}"]),
    before=st.sampled_from(["联系电话", "手机：", "户主王五（", "，电话 ", ""]),
)
def test_generated_mobiles_are_valid_found_and_masked(
    recognizer: PhoneRecognizer, prefix: str, rest: str, layout: str, before: str
) -> None:
    number = "1" + prefix + rest
    written = layout.format(number[:3], number[3:7], number[7:]) if layout.count("{}") == 3 else layout.format(number)
    assert phone.validate(written) == number
    assert phone.mask(written) == number[:3] + "****" + number[7:]
    assert findings(recognizer, f"{before}{written}。") == [(written, 1.0)]


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("0123456789"), min_size=2, max_size=16))
def test_compact_digits_as_the_long_way_has_them(digits: str) -> None:
    # A separator inside the number sends it the long way, which takes it out again.
    assert phone.compact(digits) == phone.compact(f"{digits[:1]} {digits[1:]}")
    assert phone.mask(digits) == phone.mask(f"{digits[:1]}-{digits[1:]}")
