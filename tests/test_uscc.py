"""统一社会信用代码: the plain functions and the zh recognizer, on synthetic codes only."""

from __future__ import annotations

import pytest
from faker import Faker

from recognizers import id_card, uscc
from recognizers.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from recognizers.normalize import halfwidth
from recognizers.uscc import ENTITY, UsccRecognizer

# GB 32100-2015 as written in the standard, to check calc_check_digit against.
REFERENCE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
REFERENCE_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]


def reference_check(body: str) -> str:
    remainder = sum(REFERENCE_CHARS.index(c) * w for c, w in zip(body, REFERENCE_WEIGHTS)) % 31
    return REFERENCE_CHARS[(31 - remainder) % 31]


def code(body: str) -> str:
    return body + reference_check(body)


COMPANY = code("91350100M000100Y4")
assert COMPANY == "91350100M000100Y43"
SOLE_TRADER = code("92350102MA2Y3K5L6")
COOPERATIVE = code("93350182MA2Y0001X")
GOVERNMENT_OFFICE = code("11350000003591206")
INSTITUTION = code("12350100488000012")
ALL_DIGITS = code("12350100488000000")
assert ALL_DIGITS.isdigit()
SOCIAL_GROUP = code("51350000MJ0000000")
PRIVATE_NON_PROFIT = code("52350102MJ1234567")
FOUNDATION = code("53100000500021676")
VILLAGE_COLLECTIVE = code("N2350181MF0000001")
GROUP_COLLECTIVE = code("N1350181MF0000002")
OTHER = code("Y1350100MC0000001")
LAW_FIRM = code("31350000MD0001234")
TEMPLE = code("71350102MC0001239")
TRADE_UNION = code("81350100MC0001236")
ARMY_INSTITUTION = code("A1100000MB0012345")
MASS_ORGANISATION = code("13100000400001234")
NOTARY = code("32350102MD0000013")
VALID_CODES = [
    COMPANY, SOLE_TRADER, COOPERATIVE, GOVERNMENT_OFFICE, INSTITUTION, ALL_DIGITS, SOCIAL_GROUP, PRIVATE_NON_PROFIT,
    FOUNDATION, VILLAGE_COLLECTIVE, GROUP_COLLECTIVE, OTHER, LAW_FIRM, TEMPLE, TRADE_UNION, ARMY_INSTITUTION,
    MASS_ORGANISATION, NOTARY,
]  # fmt: skip

# Residents of 凉山州 (5134…) and a few other prefectures have IDs that can also pass every USCC check.
ID_AND_USCC = "513401199003070066"
ID_X_AND_USCC = "51340119900307071X"
ID_TYPO_AND_USCC = "513401198506120011"  # its ID check digit would be 6
assert all(uscc.is_valid(v) for v in (ID_AND_USCC, ID_X_AND_USCC, ID_TYPO_AND_USCC))
assert id_card.is_valid(ID_AND_USCC) and id_card.is_valid(ID_X_AND_USCC) and not id_card.is_valid(ID_TYPO_AND_USCC)

FAKE = Faker("zh_CN")
Faker.seed(32100)
FAKER_IDS = [FAKE.ssn() for _ in range(3)]


@pytest.fixture(scope="module")
def recognizer() -> UsccRecognizer:
    return UsccRecognizer()


def found(recognizer: UsccRecognizer, text: str) -> list[tuple[str, float]]:
    return [(text[r.start : r.end], r.score) for r in recognizer.analyze(text, entities=[ENTITY], nlp_artifacts=None)]


POSITIVES = [
    pytest.param(f"统一社会信用代码：{COMPANY}", COMPANY, 1.0, id="company-labelled"),
    pytest.param(f"福州市某某有限公司（{COMPANY}）捐赠物资一批", COMPANY, 1.0, id="company-in-brackets"),
    pytest.param(f"{COMPANY}为准", COMPANY, 1.0, id="company-then-cjk"),
    pytest.param(f"个体工商户，信用代码{SOLE_TRADER}", SOLE_TRADER, 1.0, id="sole-trader"),
    pytest.param(f"某某种植专业合作社{COOPERATIVE}", COOPERATIVE, 1.0, id="cooperative"),
    pytest.param(f"主管部门代码{GOVERNMENT_OFFICE}", GOVERNMENT_OFFICE, 1.0, id="government-office"),
    pytest.param(f"某某中心小学 {INSTITUTION} 资助", INSTITUTION, 1.0, id="public-institution"),
    pytest.param(f"事业单位{ALL_DIGITS}", ALL_DIGITS, 1.0, id="all-digits"),
    pytest.param(f"某某慈善协会{SOCIAL_GROUP}", SOCIAL_GROUP, 1.0, id="social-group"),
    pytest.param(f"某某养老院（民办非企业）{PRIVATE_NON_PROFIT}", PRIVATE_NON_PROFIT, 1.0, id="private-non-profit"),
    pytest.param(f"基金会：{FOUNDATION}", FOUNDATION, 1.0, id="foundation-national"),
    pytest.param(f"某某村股份经济合作社{VILLAGE_COLLECTIVE}", VILLAGE_COLLECTIVE, 1.0, id="village-collective"),
    pytest.param(f"某某组{GROUP_COLLECTIVE}", GROUP_COLLECTIVE, 1.0, id="group-collective"),
    pytest.param(f"其他组织{OTHER}", OTHER, 1.0, id="other"),
    pytest.param(f"律师事务所{LAW_FIRM}", LAW_FIRM, 1.0, id="law-firm"),
    pytest.param(f"公证处{NOTARY}", NOTARY, 1.0, id="notary"),
    pytest.param(f"宗教活动场所{TEMPLE}", TEMPLE, 1.0, id="temple"),
    pytest.param(f"工会{TRADE_UNION}", TRADE_UNION, 1.0, id="trade-union"),
    pytest.param(f"{ARMY_INSTITUTION}", ARMY_INSTITUTION, 1.0, id="army-institution"),
    pytest.param(f"群众团体{MASS_ORGANISATION}。", MASS_ORGANISATION, 1.0, id="mass-organisation"),
    pytest.param(f"代码{COMPANY.lower()}", COMPANY.lower(), 1.0, id="lower-case"),
    pytest.param(halfwidth("统一社会信用代码：９１３５０１００Ｍ０００１００Ｙ４３"), COMPANY, 1.0, id="full-width"),
    pytest.param("统一社会信用代码：91350100M000100Y44", "91350100M000100Y44", 0.4, id="typo-with-letters"),
    pytest.param("代码94350100M000100Y4U", "94350100M000100Y4U", 0.4, id="unknown-category-with-letters"),
]


@pytest.mark.parametrize(("text", "span", "score"), POSITIVES)
def test_recognizer_finds(recognizer: UsccRecognizer, text: str, span: str, score: float) -> None:
    assert found(recognizer, text) == [(span, score)]


NEGATIVES = [
    pytest.param(f"身份证号{FAKER_IDS[0]}", id="faker-id-0"),
    pytest.param(f"公民身份号码{FAKER_IDS[1]}", id="faker-id-1"),
    pytest.param(f"证件号码：{FAKER_IDS[2]}", id="faker-id-2"),
    pytest.param(f"户主身份证号{ID_AND_USCC}", id="id-that-passes-uscc"),
    pytest.param(f"统一社会信用代码{ID_X_AND_USCC}", id="id-with-x-that-passes-uscc-even-labelled"),
    pytest.param(f"身份证{ID_TYPO_AND_USCC}", id="mistyped-id-that-passes-uscc"),
    pytest.param("银行卡号6228480012345678903", id="bank-card-19"),
    pytest.param("卡号6225880012345675", id="bank-card-16"),
    pytest.param("编号123501004880000120", id="all-digits-bad-check"),
    pytest.param("根据〔2024〕12号文件", id="doc-number"),
    pytest.param("闽民〔2023〕5号", id="doc-number-province"),
    pytest.param("金额1234.56元", id="amount"),
    pytest.param("￥580元", id="amount-yen"),
    pytest.param("发放日期20240105", id="date"),
    pytest.param("监督电话12345", id="hotline"),
    pytest.param("邮政编码350001", id="postcode"),
    pytest.param("2024年 序号15", id="year-serial"),
    pytest.param("代码91350100M000100Y4", id="17-chars"),
    pytest.param("代码91350100M000100Y431", id="19-chars"),
    pytest.param("代码91350100MI00100Y43", id="letter-i"),
    pytest.param("代码91350100MO00100Y43", id="letter-o"),
    pytest.param("代码01350100M000100Y43", id="department-0"),
    pytest.param("代码90350100M000100Y43", id="category-0"),
    pytest.param("代码9135A100M000100Y43", id="letter-in-region"),
    pytest.param("组织机构代码M000100Y-4", id="old-organisation-code"),
    pytest.param("注册号350100100012345", id="old-registration-number"),
    pytest.param("批号X91350100M000100Y43", id="inside-alphanumeric"),
    pytest.param("车牌闽A12345，护照E12345678", id="plate-passport"),
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_recognizer_ignores(recognizer: UsccRecognizer, text: str) -> None:
    assert found(recognizer, text) == []


def test_code_and_id_in_one_text(recognizer: UsccRecognizer) -> None:
    text = f"捐赠单位{COMPANY}，经办人身份证号{ID_AND_USCC}，联系人{SOCIAL_GROUP}"
    assert found(recognizer, text) == [(COMPANY, 1.0), (SOCIAL_GROUP, 1.0)]


@pytest.mark.parametrize("body", [c[:17] for c in VALID_CODES])
def test_calc_check_digit_follows_the_standard(body: str) -> None:
    assert uscc.calc_check_digit(body) == reference_check(body)


@pytest.mark.parametrize(
    ("value", "expected"),
    [("91350100M000100Y4", "3"), ("12350100488000000", "6"), ("9135", ""), ("9135010OM000100Y4", "")],
)
def test_calc_check_digit(value: str, expected: str) -> None:
    assert uscc.calc_check_digit(value) == expected


@pytest.mark.parametrize("value", VALID_CODES)
def test_validate_accepts(value: str) -> None:
    assert uscc.validate(value) == value
    assert uscc.is_valid(value.lower())
    assert uscc.is_plausible(value)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("91350100M000100Y4", InvalidLength),
        ("91350100M000100Y431", InvalidLength),
        ("91350100MI00100Y43", InvalidFormat),
        ("9135A100M000100Y43", InvalidFormat),
        ("94350100M000100Y43", InvalidComponent),
        ("B1350100M000100Y43", InvalidComponent),
        ("91990100M000100Y43", InvalidComponent),
        ("91350100M000100Y44", InvalidChecksum),
    ],
)
def test_validate_rejects_without_echoing_the_value(value: str, error: type[Exception]) -> None:
    with pytest.raises(error) as caught:
        uscc.validate(value)
    assert value not in str(caught.value)
    assert value[-6:] not in str(caught.value)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (" ９１３５０１００－Ｍ０００１００Ｙ４３ ", COMPANY),
        ("9135 0100 M000 100Y 43", COMPANY),
        ("91350100m000100y43", COMPANY),
        (None, ""),
        (12350100488000000, "12350100488000000"),
    ],
)
def test_compact(value: object, expected: str) -> None:
    assert uscc.compact(value) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("91350100M000100Y44", True),
        ("94350100M000100Y4U", True),
        (ID_AND_USCC, True),
        ("91350100M000100Y4", False),
        ("01350100M000100Y43", False),
        ("9135A100M000100Y43", False),
        ("91350100MS00100Y43", False),
    ],
)
def test_is_plausible(value: str, expected: bool) -> None:
    assert uscc.is_plausible(value) is expected


@pytest.mark.parametrize(
    ("value", "kwargs", "expected"),
    [
        (COMPANY, {}, "91350100********43"),
        ("91350100m000100y43", {}, "91350100********43"),
        (COMPANY, {"keep_first": 2, "keep_last": 0}, "91****************"),
        ("9135", {}, "****"),
    ],
)
def test_mask(value: str, kwargs: dict, expected: str) -> None:
    assert uscc.mask(value, **kwargs) == expected


JUNK = [None, "", "①", "4.10102e17", "9" * 10_000, 12345, 4.10102e17, b"91350100", "统一社会信用代码", [COMPANY]]


@pytest.mark.parametrize("junk", JUNK)
def test_public_functions_survive_junk(junk: object) -> None:
    assert uscc.is_valid(junk) is False
    assert uscc.is_plausible(junk) is False
    assert isinstance(uscc.compact(junk), str)
    assert isinstance(uscc.calc_check_digit(junk), str)
    assert isinstance(uscc.mask(junk), str)
    with pytest.raises(ValueError):
        uscc.validate(junk)


def test_recognizer_follows_the_house_constructor() -> None:
    custom = UsccRecognizer(supported_language="zh", supported_entity="ORG_CODE")
    assert custom.supported_entities == ["ORG_CODE"]
    assert custom.context == UsccRecognizer.CONTEXT
