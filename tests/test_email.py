"""recognizers.email: the plain functions, and EmailRecognizer next to Chinese characters. Synthetic addresses."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

from recognizers import email
from recognizers.analyzer import LANGUAGE, ZhNlpEngine
from recognizers.email import ENTITY, EmailRecognizer
from recognizers.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from recognizers.normalize import halfwidth

TOO_LONG_LOCAL = "a" * 65 + "@qq.com"  # RFC 5321 allows 64 characters before the @


@pytest.fixture(scope="module")
def recognizer() -> EmailRecognizer:
    return EmailRecognizer()


@pytest.fixture(scope="module")
def analyzer() -> AnalyzerEngine:
    nlp_engine = ZhNlpEngine()
    nlp_engine.load()
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    registry.add_recognizer(EmailRecognizer())
    return AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=[LANGUAGE])


def findings(recognizer: EmailRecognizer, text: str) -> list[tuple[str, float]]:
    results = recognizer.analyze(halfwidth(text), entities=[ENTITY], nlp_artifacts=None)
    return [(text[r.start : r.end], r.score) for r in sorted(results, key=lambda r: r.start)]


POSITIVES = [
    ("邮箱zhangsan@163.com。", "zhangsan@163.com", 1.0),
    ("电子邮箱：lisi_88@qq.com", "lisi_88@qq.com", 1.0),
    ("联系人王五wangwu@sina.com.cn，电话另附", "wangwu@sina.com.cn", 1.0),
    ("E-mail: zhao.liu@126.com", "zhao.liu@126.com", 1.0),
    ("材料请发送至mzj@changsha.gov.cn（民政局）", "mzj@changsha.gov.cn", 1.0),
    ("邮件地址为123456789@qq.com", "123456789@qq.com", 1.0),
    ("（邮箱：chen-xiaoming@foxmail.com）", "chen-xiaoming@foxmail.com", 1.0),
    ("邮箱ｚｈａｎｇｓａｎ＠１６３．ｃｏｍ", "ｚｈａｎｇｓａｎ＠１６３．ｃｏｍ", 1.0),
    ("联系方式：zhangsan+jiuzhu@gmail.com；", "zhangsan+jiuzhu@gmail.com", 1.0),
    ("Email：Li.Si@Example.ORG", "Li.Si@Example.ORG", 1.0),
    ("邮箱 a1b2c3@yeah.net 已核实", "a1b2c3@yeah.net", 1.0),
    ("申请材料寄送wang_fang2024@139.com", "wang_fang2024@139.com", 1.0),
    ("邮箱zhangsan@mail.hunan.gov.cn。", "zhangsan@mail.hunan.gov.cn", 1.0),
    ("QQ邮箱：10001@qq.com", "10001@qq.com", 1.0),
    ("邮箱zhang.san.feng@163.com，", "zhang.san.feng@163.com", 1.0),
    ("邮箱:user%dept@corp.com.cn", "user%dept@corp.com.cn", 1.0),
    ("邮箱ZHANGSAN@163.COM", "ZHANGSAN@163.COM", 1.0),
    ("备注：lw@xn--fiqs8s.cn", "lw@xn--fiqs8s.cn", 1.0),
    ("户主李四（li-si@my-domain.org.cn）", "li-si@my-domain.org.cn", 1.0),
    ("邮箱\u3000zs2024@outlook.com\u3000", "zs2024@outlook.com", 1.0),
    # Too long to deliver, still somebody's address: found at the pattern's score.
    (f"邮箱{TOO_LONG_LOCAL}", TOO_LONG_LOCAL, 0.5),
]


@pytest.mark.parametrize(("text", "span", "score"), POSITIVES)
def test_recognizer_finds_addresses_next_to_chinese(
    recognizer: EmailRecognizer, text: str, span: str, score: float
) -> None:
    assert findings(recognizer, text) == [(span, score)]


def test_recognizer_finds_every_address(recognizer: EmailRecognizer) -> None:
    assert findings(recognizer, "邮箱zhangsan@163.com、lisi@qq.com。") == [
        ("zhangsan@163.com", 1.0),
        ("lisi@qq.com", 1.0),
    ]


NEGATIVES = [
    "邮箱zhangsan@163",
    "邮箱@163.com",
    "邮箱zhangsan@",
    "统一社会信用代码：91350100M000100Y43",
    "依据闽民〔2023〕5号文件",
    "本月发放金额1234.56元",
    "发放日期20240105",
    "监督电话：12345",
    "网址www.163.com",
    "详见http://www.mca.gov.cn",
    "微信号zhangsan163",
    "QQ号123456789",
    "文件report@2024已归档",
    "@张三 请核实",
    "邮箱：暂无",
    "邮箱zhangsan＠163",
    "单价@5元",
    "a@b.c",
    "user@163.c0m",
    "user@localhost",
    "张三@双河村",
    "邮政编码350001",
    "zhang san @ 163 . com",
]


@pytest.mark.parametrize("text", NEGATIVES)
def test_recognizer_ignores_what_is_no_address(recognizer: EmailRecognizer, text: str) -> None:
    assert findings(recognizer, text) == []


@pytest.mark.parametrize(("text", "score"), [(f"邮箱{TOO_LONG_LOCAL}", 0.85), ("备注zhangsan@163.com", 1.0)])
def test_context_words_raise_the_score(analyzer: AnalyzerEngine, text: str, score: float) -> None:
    results = analyzer.analyze(text, language=LANGUAGE)
    assert [(r.entity_type, r.score) for r in results] == [(ENTITY, pytest.approx(score))]


# --- plain functions ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("zhangsan@163.com", "zhangsan@163.com"),
        (" ZhangSan@163.COM ", "ZhangSan@163.com"),
        ("ｚｈａｎｇｓａｎ＠１６３．ｃｏｍ", "zhangsan@163.com"),
        ("zhang san@163.com", "zhangsan@163.com"),
        ("no-at-sign", "no-at-sign"),
        (None, ""),
        (12345, "12345"),
    ],
)
def test_compact(value: object, expected: str) -> None:
    assert email.compact(value) == expected


@pytest.mark.parametrize(
    "value",
    ["zhangsan@163.com", "a@qq.com", "zhang.san+x@mail.hunan.gov.cn", "o'brien@example.org", "x@xn--fiqs8s.cn"],
)
def test_validate_accepts_well_formed_addresses(value: str) -> None:
    assert email.validate(value) == email.compact(value)
    assert email.is_valid(value)
    assert email.is_plausible(value)


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("zhangsan", InvalidFormat),
        ("a@b@c.com", InvalidFormat),
        ("zhang..san@163.com", InvalidFormat),
        (".zhangsan@163.com", InvalidFormat),
        ("zhangsan@163", InvalidFormat),
        ("zhangsan@-163.com", InvalidFormat),
        ("张三@163.com", InvalidFormat),
        ("@163.com", InvalidLength),
        (TOO_LONG_LOCAL, InvalidLength),
        ("a@" + ".".join(["b" * 60] * 5) + ".com", InvalidLength),
        ("zhangsan@163.c0m", InvalidComponent),
        ("zhangsan@163.c", InvalidComponent),
        (None, InvalidFormat),
    ],
)
def test_validate_rejects_with_the_reason_and_never_echoes_the_value(value: object, error: type) -> None:
    with pytest.raises(error) as caught:
        email.validate(value)
    message = str(caught.value)
    assert message
    assert all(shown not in message for shown in {str(value), email.compact(value)} - {"", "None"})
    assert not email.is_valid(value)


@pytest.mark.parametrize(
    ("value", "plausible"),
    [
        ("zhangsan@163.com", True),
        ("zhang..san@163.com", True),
        ("zhangsan@163.c0m", True),
        (TOO_LONG_LOCAL, True),
        ("张三@双河村.中国", True),
        ("zhangsan@163", False),
        ("zhangsan", False),
        ("a@b@c.com", False),
        ("x" * 250 + "@qq.com", False),
        ("", False),
    ],
)
def test_is_plausible(value: str, plausible: bool) -> None:
    assert email.is_plausible(value) is plausible


@pytest.mark.parametrize(
    ("value", "kwargs", "masked"),
    [
        ("zhangsan@163.com", {}, "z*******@163.com"),
        ("ZhangSan@163.COM", {}, "Z*******@163.com"),
        ("ｚｈａｎｇｓａｎ＠１６３．ｃｏｍ", {}, "z*******@163.com"),
        ("123456789@qq.com", {"keep_first": 0}, "*********@qq.com"),
        ("zhangsan@163.com", {"keep_first": 2, "char": "×"}, "zh××××××@163.com"),
        ("a@qq.com", {}, "*@qq.com"),
        ("no-at-sign", {}, "**********"),
        (None, {}, ""),
    ],
)
def test_mask(value: object, kwargs: dict, masked: str) -> None:
    assert email.mask(value, **kwargs) == masked


JUNK = [None, "", "①", "4.10102e17", "x" * 10_000, "@" * 10_000, 0, -1, 1.5, b"a@b.com", ["a@b.com"]]


@pytest.mark.parametrize("value", JUNK, ids=lambda v: repr(v)[:20])
def test_junk_never_raises(value: object) -> None:
    assert email.is_valid(value) is False
    assert isinstance(email.is_plausible(value), bool)
    assert isinstance(email.compact(value), str)
    assert isinstance(email.mask(value), str)
    with pytest.raises(ValidationError):
        email.validate(value)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=40))
def test_arbitrary_text_never_breaks_the_functions(text: str) -> None:
    try:
        email.validate(text)
    except ValidationError:
        assert not email.is_valid(text)
    else:
        assert email.is_plausible(text)
    assert len(email.mask(text)) == len(email.compact(text))
