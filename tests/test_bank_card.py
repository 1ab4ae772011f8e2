"""Bank card / account numbers: the plain functions and the zh recognizer, on synthetic numbers only."""

from __future__ import annotations

import pytest
from faker import Faker
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

from recognizers import bank_card, id_card
from recognizers.analyzer import LANGUAGE, ZhNlpEngine
from recognizers.bank_card import ENTITY, BankCardRecognizer
from recognizers.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from recognizers.id_card import IdCardRecognizer
from recognizers.normalize import halfwidth
from recognizers.uscc import UsccRecognizer


def with_check(body: str) -> str:
    return body + bank_card.calc_check_digit(body)


def id_number(first17: str) -> str:
    return first17 + id_card.calc_check_digit(first17)


ABC = with_check("622848001234567890")  # 农业银行, 19 digits
assert ABC == "6228480012345678903"
CCB = with_check("621700001234567890")
ICBC = with_check("622202001234567890")
BOC = with_check("621661001234567890")
PSBC = with_check("621799001234567890")
CMB = with_check("622588001234567")  # 16 digits
VISA = with_check("412345678901234")
MASTERCARD = with_check("523456789012345")
BOC_60 = with_check("601382001234567890")
ICBC_OLD = with_check("955800012345678901")
ABC_OLD = with_check("955990012345678901")
ICBC_18 = with_check("62020000123456789")  # 18 digits, yet no ID: 0001 is no birth year
UNKNOWN_VALID = with_check("812345678901234")
PROJECT_CODE = "3501002024000123"  # fails Luhn, no bank prefix
assert not bank_card.is_valid(PROJECT_CODE) and bank_card.issuer(PROJECT_CODE) is None

FAKE = Faker("zh_CN")
Faker.seed(20240105)
FAKER_IDS = [FAKE.ssn() for _ in range(3)]
ID_HENAN = id_number("41010219850612123")  # starts like a Visa card
ID_GANSU = id_number("62010219850612123")  # starts like a UnionPay card
ID_YUNNAN_TYPO = "530102198506121238"  # starts like a Mastercard; check digit should be 9
assert id_card.is_valid(ID_HENAN) and id_card.is_valid(ID_GANSU) and not id_card.is_valid(ID_YUNNAN_TYPO)


@pytest.fixture(scope="module")
def recognizer() -> BankCardRecognizer:
    return BankCardRecognizer()


def found(recognizer: BankCardRecognizer, text: str) -> list[tuple[str, float]]:
    return [(text[r.start : r.end], r.score) for r in recognizer.analyze(text, entities=[ENTITY], nlp_artifacts=None)]


POSITIVES = [
    pytest.param(f"银行卡号：{ABC}", ABC, 1.0, id="abc-labelled"),
    pytest.param("卡号6228 4800 1234 5678 903。", "6228 4800 1234 5678 903", 1.0, id="grouped-fours"),
    pytest.param("账号6228-4800-1234-5678-903，请核对", "6228-4800-1234-5678-903", 1.0, id="hyphens"),
    pytest.param("开户行：中国农业银行 622848 0012345678903", "622848 0012345678903", 1.0, id="bin-apart"),
    pytest.param(halfwidth("银行卡号：６２２８４８００１２３４５６７８９０３"), ABC, 1.0, id="full-width"),
    pytest.param(f"请将补助资金打入{CCB}。", CCB, 1.0, id="ccb-no-context"),
    pytest.param(f"工商银行卡{ICBC}已登记", ICBC, 1.0, id="icbc"),
    pytest.param(f"代发行：中国银行{BOC}", BOC, 1.0, id="boc"),
    pytest.param(f"{PSBC}（邮储）", PSBC, 1.0, id="psbc-bracket"),
    pytest.param(f"招商银行{CMB}", CMB, 1.0, id="cmb-16"),
    pytest.param("信用卡4123 4567 8901 2349", "4123 4567 8901 2349", 1.0, id="visa-grouped"),
    pytest.param(f"户主王*明，卡号{MASTERCARD}，金额580元", MASTERCARD, 1.0, id="mastercard"),
    pytest.param(f"账户{BOC_60}", BOC_60, 1.0, id="prefix-60"),
    pytest.param(f"存折号{ICBC_OLD}", ICBC_OLD, 1.0, id="icbc-9558"),
    pytest.param(f"金穗卡{ABC_OLD}", ABC_OLD, 1.0, id="abc-95599"),
    pytest.param(f"工行卡号{ICBC_18}", ICBC_18, 1.0, id="icbc-18-digits"),
    pytest.param("卡号6228480012345678900", "6228480012345678900", 0.6, id="bin-typo"),
    pytest.param("银联卡6299990012345678", "6299990012345678", 0.5, id="unionpay-typo"),
    pytest.param("4123456789012340", "4123456789012340", 0.5, id="visa-typo-no-context"),
    pytest.param(f"存折号：{PROJECT_CODE}", PROJECT_CODE, 0.3, id="passbook-no-luhn"),
    pytest.param(f"开户行：XX农商银行，账号：{PROJECT_CODE}", PROJECT_CODE, 0.3, id="account-after-bank"),
    pytest.param("社保卡银行账号 8888 0000 1234 5678", "8888 0000 1234 5678", 0.3, id="social-security-grouped"),
    pytest.param("存折号：0301001234567890", "0301001234567890", 0.3, id="passbook-leading-zero"),
    pytest.param(f"编号{UNKNOWN_VALID}", UNKNOWN_VALID, 0.3, id="luhn-valid-unknown-prefix"),
]


@pytest.mark.parametrize(("text", "span", "score"), POSITIVES)
def test_recognizer_finds(recognizer: BankCardRecognizer, text: str, span: str, score: float) -> None:
    assert found(recognizer, text) == [(span, score)]


NEGATIVES = [
    pytest.param("统一社会信用代码：91350100M000100Y43", id="uscc"),
    pytest.param("根据〔2024〕12号文件发放", id="doc-number"),
    pytest.param("闽民〔2023〕5号", id="doc-number-province"),
    pytest.param("本月发放金额1234.56元", id="amount"),
    pytest.param("补助￥580元", id="amount-yen"),
    pytest.param("发放日期20240105", id="date"),
    pytest.param("监督电话12345", id="hotline"),
    pytest.param(f"项目编码{PROJECT_CODE}", id="project-code"),
    pytest.param(f"银行账号已核实，项目编号{PROJECT_CODE}。", id="context-in-earlier-clause"),
    pytest.param("邮政编码350001", id="postcode"),
    pytest.param("订单号2024010512345678", id="order-number"),
    pytest.param("流水号0123456789012345678", id="serial-leading-zero"),
    pytest.param("序号15 张*明", id="serial"),
    pytest.param("2024年第一季度", id="year"),
    pytest.param("申请日期20240105123045", id="timestamp"),
    pytest.param("金额 1200 1300 1400 1500 元", id="amounts-in-fours"),
    pytest.param(f"身份证号{FAKER_IDS[0]}", id="faker-id-0"),
    pytest.param(f"公民身份号码：{FAKER_IDS[1]}", id="faker-id-1"),
    pytest.param(f"证件号码{FAKER_IDS[2]}", id="faker-id-2"),
    pytest.param(f"身份证号{ID_HENAN}", id="id-visa-prefix"),
    pytest.param(f"社保卡号：{ID_GANSU}", id="id-unionpay-prefix-with-context"),
    pytest.param(f"身份证{ID_YUNNAN_TYPO}", id="id-typo-mastercard-prefix"),
    pytest.param("卡号6228480012345678903123", id="too-long"),
    pytest.param("卡号622848001234567", id="too-short"),
    pytest.param("联系电话13812345678", id="mobile"),
    pytest.param("电话0591-87654321", id="landline"),
    pytest.param("设备SN6228480012345678903X", id="inside-alphanumeric"),
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_recognizer_ignores(recognizer: BankCardRecognizer, text: str) -> None:
    assert found(recognizer, text) == []


def test_several_cards_in_one_text(recognizer: BankCardRecognizer) -> None:
    text = f"张*明 农行{ABC}；李*华 账号：{PROJECT_CODE}；项目编号3201002024000128"
    assert found(recognizer, text) == [(ABC, 1.0), (PROJECT_CODE, 0.3)]


def test_a_label_covers_a_list_in_its_clause(recognizer: BankCardRecognizer) -> None:
    # Fail closed: a code listed after an account in the same clause is masked along with it.
    text = f"账号：{PROJECT_CODE}、3201002024000128"
    assert found(recognizer, text) == [(PROJECT_CODE, 0.3), ("3201002024000128", 0.3)]


@pytest.fixture(scope="module")
def analyzer() -> AnalyzerEngine:
    nlp_engine = ZhNlpEngine()
    nlp_engine.load()
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    for cls in (BankCardRecognizer, IdCardRecognizer, UsccRecognizer):
        registry.add_recognizer(cls())
    return AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=[LANGUAGE])


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (f"存折号{PROJECT_CODE}", [(PROJECT_CODE, ENTITY, 0.65)]),
        ("卡号6228480012345678900", [("6228480012345678900", ENTITY, 0.95)]),
        (f"项目编码{PROJECT_CODE}", []),
        (
            "统一社会信用代码91350100M000100Y43，卡号6228480012345678900",
            [("91350100M000100Y43", "CN_USCC", 1.0), ("6228480012345678900", ENTITY, 0.95)],
        ),
        (f"身份证号{ID_HENAN}", [(ID_HENAN, "CN_ID_CARD", 1.0)]),
    ],
)
def test_context_words_raise_scores_in_the_engine(
    analyzer: AnalyzerEngine, text: str, expected: list[tuple[str, str, float]]
) -> None:
    results = sorted(analyzer.analyze(text, language=LANGUAGE), key=lambda r: r.start)
    assert [(text[r.start : r.end], r.entity_type, round(r.score, 2)) for r in results] == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("６２２８ ４８００ １２３４ ５６７８ ９０３", ABC),
        ("6228-4800-1234-5678-903", ABC),
        ("6228\u30004800\u30001234\u30005678\u3000903", ABC),
        (" 6228.4800.1234.5678.903\n", ABC),
        (6228480012345678903, ABC),
        (None, ""),
    ],
)
def test_compact(value: object, expected: str) -> None:
    assert bank_card.compact(value) == expected


@pytest.mark.parametrize(
    ("body", "check"), [("7992739871", "3"), ("411111111111111", "1"), ("555555555555444", "4"), ("6x", "")]
)
def test_calc_check_digit(body: str, check: str) -> None:
    assert bank_card.calc_check_digit(body) == check


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("62284800123456789O3", InvalidFormat),
        ("①228480012345678903", InvalidFormat),
        ("622848001234567", InvalidLength),
        ("62284800123456789030", InvalidLength),
        (with_check("012345678901234"), InvalidComponent),
        ("6228480012345678900", InvalidChecksum),
    ],
)
def test_validate_rejects_without_echoing_the_value(value: str, error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        bank_card.validate(value)
    assert bank_card.compact(value) not in str(caught.value)
    assert value[-6:] not in str(caught.value)


@pytest.mark.parametrize("value", [ABC, CCB, CMB, VISA, MASTERCARD, ICBC_18, UNKNOWN_VALID, "4111111111111111"])
def test_validate_accepts(value: str) -> None:
    assert bank_card.validate(value) == value
    assert bank_card.is_valid(value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (ABC, "中国农业银行"),
        (CCB, "中国建设银行"),
        (ICBC, "中国工商银行"),
        (BOC, "中国银行"),
        (PSBC, "中国邮政储蓄银行"),
        (CMB, "招商银行"),
        (ICBC_OLD, "中国工商银行"),
        (ABC_OLD, "中国农业银行"),
        ("6228 4800 1234 5678 900", "中国农业银行"),
        ("6299990012345678", "中国银联"),
        (VISA, "Visa"),
        (MASTERCARD, "Mastercard"),
        ("5634567890123456", None),
        (PROJECT_CODE, None),
        ("622848", None),
    ],
)
def test_issuer(value: str, expected: str | None) -> None:
    assert bank_card.issuer(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("6228480012345678900", True),
        ("6228 4800 1234 5678 900", True),
        (PROJECT_CODE, True),
        ("0301001234567890", False),
        ("622848001234567", False),
        ("62284800123456789012", False),
        ("91350100M000100Y43", False),
    ],
)
def test_is_plausible(value: str, expected: bool) -> None:
    assert bank_card.is_plausible(value) is expected


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (ABC, {}, "622848*********8903"),
        ("6228 4800 1234 5678 903", {}, "622848*********8903"),
        ("６２２８-４８００-１２３４-５６７８-９０３", {}, "622848*********8903"),
        (CMB, {}, "622588******5675"),
        (ABC, {"keep_first": 0, "keep_last": 0}, "*******************"),
        (ABC, {"keep_first": 4, "keep_last": 4, "char": "X"}, "6228XXXXXXXXXXX8903"),
        ("1234567890", {}, "**********"),
    ],
)
def test_mask(value: str, kwargs: dict, expected: str) -> None:
    assert bank_card.mask(value, **kwargs) == expected


def test_ids_are_left_to_the_id_recognizer() -> None:
    assert id_card.is_valid_but_for_checksum(ID_HENAN)
    assert id_card.is_valid_but_for_checksum(ID_YUNNAN_TYPO)
    assert not id_card.is_valid_but_for_checksum(ICBC_18)
    assert not id_card.is_valid_but_for_checksum(ABC)


JUNK = [None, "", "①", "4.10102e17", "6" * 10_000, 12345, 4.10102e17, b"62284800", "卡号", [ABC]]


@pytest.mark.parametrize("junk", JUNK)
def test_public_functions_survive_junk(junk: object) -> None:
    assert bank_card.is_valid(junk) is False
    assert bank_card.is_plausible(junk) is False
    assert bank_card.issuer(junk) is None
    assert id_card.is_valid_but_for_checksum(junk) is False
    assert isinstance(bank_card.compact(junk), str)
    assert isinstance(bank_card.calc_check_digit(junk), str)
    assert isinstance(bank_card.mask(junk), str)
    with pytest.raises(ValueError):
        bank_card.validate(junk)


def test_recognizer_survives_long_text(recognizer: BankCardRecognizer) -> None:
    text = "备注" * 5_000 + f"卡号{ABC}。" + "9" * 10_000
    assert found(recognizer, text) == [(ABC, 1.0)]


def test_recognizer_follows_the_house_constructor() -> None:
    custom = BankCardRecognizer(supported_language="zh", supported_entity="ACCOUNT")
    assert custom.supported_entities == ["ACCOUNT"]
    assert custom.supported_language == "zh"
    assert custom.context == BankCardRecognizer.CONTEXT
