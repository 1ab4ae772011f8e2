"""recognizers.person: name masking, name plausibility, and PERSON detection in roster text.

Names are synthetic: common surnames and given-name characters combined with a fixed seed.
"""

from __future__ import annotations

import contextlib
import random
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from presidio_analyzer import RecognizerResult

from recognizers import person
from recognizers.exceptions import InvalidComponent, InvalidFormat, InvalidLength, ValidationError
from recognizers.normalize import halfwidth
from recognizers.person import (
    COMPOUND_SURNAMES,
    CUE_WORDS,
    ENTITY,
    SURNAMES,
    PersonRecognizer,
    compact,
    find_names,
    is_plausible_name,
    mask_name,
    split_name,
    validate,
)

COMMON_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
)
TEST_COMPOUND_SURNAMES = (
    "欧阳",
    "司马",
    "诸葛",
    "上官",
    "皇甫",
    "尉迟",
    "公孙",
    "慕容",
    "宇文",
    "司徒",
    "夏侯",
    "令狐",
)
GIVEN_NAME_CHARACTERS = (
    "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国志文春梅林海波辉鹏斌宇浩凯健俊帆帅旭宁龙飞鑫婷"
    "雪琳晶燕莉慧颖倩佳嘉欣怡悦梓涵轩博晨阳宏亮成德福贵荣生金银山清永秋冬松云凤琴珍翠莲菊香淑贤巧彩爱美月"
)

# Roster and case-description sentences; {} is where the name stands.
CUE_TEMPLATES = (
    "户主{}因病致贫",
    "制表人：{}  联系电话：0591-87654321",
    "其子{}在读",
    "监护人为{}",
    "申请人{}，男，1956年生",
    "经办人：{} 审核人：林小红",
    "其妻{}患有慢性病",
    "其母{}年老体弱",
    "户主{}家庭困难",
    "领款人{}签字",
    "救助对象{}系本村村民",
    "负责人 {}（签字）",
    "受助人{}于2023年5月申请",
    "捐赠人{}捐款500元",
    "帮扶责任人{}每月走访",
    "其女{}今年8岁",
    "家属{}同意",
    "其父{}长期卧床",
    "填报人：{}",
    "代领人{}代为领取",
    "联系人是{}，电话13812345678",
    "户主{}、其妻李秀英",
    "法定代表人：{}",
    "村干部{}入户核查",
    "户主{}现年72岁",
    "姓名：{}，性别：女",
    "其夫{}于2022年去世",
    "户主{}身患残疾",
    "户主{}与妻子共同生活",
    "申请人{}承诺所填信息属实",
    "户主{}名下无房产",
    "户主{}常年在外务工",
    "监护人{}（祖父）",
    "领款人：{}（签章）",
    "户主{}的儿子在外打工",
    "申请人：{} 身份证号：110101199003077774",
    "户主{}，男，汉族，1962年5月生",
    "受助人{}领取救助金800元",
    "户主{}系低保户",
    "户主是{}，",
)


def synthetic_names(count: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    names = []
    for _ in range(count):
        surname = rng.choice(TEST_COMPOUND_SURNAMES) if rng.random() < 0.1 else rng.choice(COMMON_SURNAMES)
        given_length = 1 if rng.random() < 0.3 else 2
        names.append(surname + "".join(rng.choice(GIVEN_NAME_CHARACTERS) for _ in range(given_length)))
    return names


def cue_sentences() -> list[tuple[str, int, int]]:
    """(sentence, start, end of the name): every template with three synthetic names."""
    names = synthetic_names(3 * len(CUE_TEMPLATES), seed=20240105)
    sentences = []
    for index, name in enumerate(names):
        template = CUE_TEMPLATES[index % len(CUE_TEMPLATES)]
        start = template.index("{}")
        sentences.append((template.format(name), start, start + len(name)))
    return sentences


@pytest.fixture(scope="module")
def recognizer() -> PersonRecognizer:
    return PersonRecognizer()


def found_names(recognizer: PersonRecognizer, text: str) -> list[str]:
    return [
        text[result.start : result.end] for result in recognizer.analyze(text, entities=[ENTITY], nlp_artifacts=None)
    ]


# --- data ---------------------------------------------------------------------------------------------------


def test_surname_lists_are_large_and_well_formed() -> None:
    assert len(SURNAMES) >= 300 and all(len(surname) == 1 for surname in SURNAMES)
    assert len(COMPOUND_SURNAMES) >= 60 and all(len(surname) == 2 for surname in COMPOUND_SURNAMES)
    required = "欧阳 司马 诸葛 上官 东方 皇甫 尉迟 公孙 慕容 长孙 宇文 司徒 夏侯 轩辕 令狐 钟离".split()
    assert set(required) <= COMPOUND_SURNAMES
    assert set(COMMON_SURNAMES) <= SURNAMES


# --- split_name, compact, mask_name -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("张三丰", ("张", "三丰")),
        ("张三", ("张", "三")),
        ("欧阳小峰", ("欧阳", "小峰")),
        ("欧阳峰", ("欧阳", "峰")),
        ("欧阳", ("欧", "阳")),
        ("司马光", ("司马", "光")),
        ("诸葛明亮", ("诸葛", "明亮")),
        ("买买提·艾力", ("买买提", "艾力")),
        ("买买提•艾力", ("买买提", "艾力")),
        ("买买提.艾力", ("买买提", "艾力")),
        ("买买提．艾力", ("买买提", "艾力")),
        ("扎西顿珠", ("", "扎西顿珠")),
        (" 张  三 ", ("张", "三")),
        ("", ("", "")),
    ],
)
def test_split_name(name: str, expected: tuple[str, str]) -> None:
    assert split_name(name) == expected


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        (" 张　三 ", "张三"),
        ("买买提 • 艾力", "买买提·艾力"),
        ("阿依古丽．买买提", "阿依古丽·买买提"),
        (None, ""),
        (42, "42"),
    ],
)
def test_compact(name: object, expected: str) -> None:
    assert compact(name) == expected


@pytest.mark.parametrize(
    ("name", "adult", "child"),
    [
        ("张三丰", "张*丰", "张**"),
        ("张三", "张*", "张*"),
        ("欧阳小峰", "欧阳*峰", "欧阳**"),
        ("欧阳峰", "欧阳*", "欧阳*"),
        ("王秀英", "王*英", "王**"),
        ("司马光", "司马*", "司马*"),
        ("慕容雪村", "慕容*村", "慕容**"),
        ("张王秀英", "张**英", "张***"),
        ("爱新觉罗溥仪", "爱****仪", "爱*****"),
        ("买买提·艾力", "买*·艾*", "买*·*"),
        ("买买提•艾力", "买*·艾*", "买*·*"),
        ("买买提.艾力", "买*·艾*", "买*·*"),
        ("买买提．艾力", "买*·艾*", "买*·*"),
        ("阿依古丽·买买提", "阿*·买*", "阿*·*"),
        ("扎西顿珠", "扎**珠", "扎***"),
        ("阿依古丽", "阿**丽", "阿***"),
        ("次仁", "次*", "次*"),
        (" 张三丰 ", "张*丰", "张**"),
        ("张  三", "张*", "张*"),
        ("张\t三\n丰", "张*丰", "张**"),
        ("张", "*", "*"),
        ("", "", ""),
    ],
)
def test_mask_name(name: str, adult: str, child: str) -> None:
    assert mask_name(name) == adult
    assert mask_name(name, child=True) == child
    assert person.mask(name) == adult


def test_mask_name_with_another_mask_character() -> None:
    assert mask_name("欧阳小峰", char="×") == "欧阳×峰"


# --- validate, is_plausible_name ----------------------------------------------------------------------------

PLAUSIBLE_NAMES = (
    "张伟 王芳 李娜 刘洋 陈静 杨秀英 黄建国 赵桂兰 吴明 周小红 徐志强 孙丽 马超 朱红梅 胡军 郭建华 何平 高峰 罗玉珍 "
    "郑秀兰 谢春花 许国庆 曹丽娟 欧阳小峰 司马光 上官婉儿 慕容雪 尉迟恭 于小明 万强 王和平 李为民 张家豪 张王秀英 "
    "覃海 农秀英 买买提·艾力 阿依古丽·买买提 张三"
).split()

NOT_NAMES = (
    "张家村 李庄镇 男 女 户主 配偶 长子 孙女 孙子 合计 小计 低保 无 正常 城镇 农村 汉族 已婚 张家村委会 向阳村委会 "
    "黄山村民委员会 城关小学 东风小学 李庄镇中心小学 1234.56 ￥580元 2024年 王府井 高新区 公安局 民政局 钟楼街道 "
    "马鞍山市 黄山路 国家 万元 金额 关系 周岁 林业 江苏 方便 于是 张贴 何时 常住 明确 程序 文件 白银 申请人 经办人 "
    "祖母 岳父 高中 智力残疾 张三丰的 扎西顿珠 John 350001"
).split()


@pytest.mark.parametrize("name", PLAUSIBLE_NAMES)
def test_plausible_names(name: str) -> None:
    assert is_plausible_name(name) is True
    assert person.is_valid(name) is True
    assert person.is_plausible(name) is True


@pytest.mark.parametrize("value", NOT_NAMES)
def test_not_names(value: str) -> None:
    assert is_plausible_name(value) is False


@pytest.mark.parametrize(
    ("value", "error"),
    [
        ("张家村", InvalidComponent),
        ("孙女", InvalidComponent),
        ("农村", InvalidComponent),
        ("扎西顿珠", InvalidComponent),
        ("张", InvalidLength),
        ("张三丰四五", InvalidLength),
        ("智力残疾", InvalidLength),
        ("1234.56", InvalidFormat),
        ("张3", InvalidFormat),
        ("", InvalidFormat),
    ],
)
def test_validate_errors_never_echo_the_value(value: str, error: type[ValidationError]) -> None:
    with pytest.raises(error) as raised:
        validate(value)
    assert value not in str(raised.value) or not value


def test_validate_returns_the_compact_name() -> None:
    assert validate(" 王 秀英 ") == "王秀英"
    assert validate("买买提•艾力") == "买买提·艾力"


JUNK = [None, "", "①", "4.10102e17", "张" * 10_000, 12345, 4.5, b"\xe5\xbc\xa0", "·", "··", "张·", "\u3000"]


@pytest.mark.parametrize("junk", JUNK, ids=lambda junk: f"{type(junk).__name__}-{len(str(junk))}")
def test_public_functions_never_raise_on_junk(junk: object) -> None:
    assert isinstance(compact(junk), str)
    assert isinstance(split_name(junk), tuple)
    assert isinstance(mask_name(junk), str) and isinstance(mask_name(junk, child=True), str)
    assert isinstance(is_plausible_name(junk), bool)
    assert isinstance(find_names(junk), list)
    with contextlib.suppress(ValidationError):
        assert isinstance(validate(junk), str)


def test_find_names_on_long_text_stays_exact() -> None:
    text = "户主张三丰因病致贫，" * 1000
    spans = find_names(text)
    assert len(spans) == 1000
    assert {text[span.start : span.end] for span in spans} == {"张三丰"}


# --- the shortcut for plain Han names ------------------------------------------------------------------------
# A name of Han characters only is neither made compact nor half-width: the long way must give the same, which a
# space inside the name forces.

_NAME_CHARS = st.sampled_from(
    sorted(COMMON_SURNAMES + "".join(TEST_COMPOUND_SURNAMES) + "秀英明华丰峰小村镇街户的和为子女农𠀀㐀豈々〇")
)
_DIRTY = st.sampled_from([" ", "\u3000", "\t", "·", "•", ".", "．", "Ａ", "１", "a", "1"])


@settings(max_examples=500, deadline=None)
@given(st.text(_NAME_CHARS, min_size=1, max_size=5))
def test_a_plain_han_name_is_read_as_the_long_way_reads_it(name: str) -> None:
    spaced = f" {name[:1]} {name[1:]}\u3000"
    assert compact(name) == compact(spaced) == name
    assert split_name(name) == split_name(spaced)
    assert mask_name(name) == mask_name(spaced) and mask_name(name, child=True) == mask_name(spaced, child=True)
    assert _outcome(validate, name) == _outcome(validate, spaced)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_NAME_CHARS, _DIRTY), min_size=0, max_size=6).map("".join))
def test_compact_is_half_width_without_whitespace_and_with_one_middle_dot(value: str) -> None:
    expected = re.sub(r"\s+", "", halfwidth(value)).translate({ord(dot): "·" for dot in "·•・‧∙.．"})
    assert compact(value) == expected


def _outcome(function, value: object) -> tuple[str, object]:
    try:
        return "ok", function(value)
    except ValidationError as error:
        return type(error).__name__, str(error)


# --- detection in text --------------------------------------------------------------------------------------


def test_recall_of_names_after_cue_words(recognizer: PersonRecognizer) -> None:
    sentences = cue_sentences()
    assert len(sentences) >= 60
    missed = []
    for text, start, end in sentences:
        results = recognizer.analyze(text, entities=[ENTITY], nlp_artifacts=None)
        if not any((r.start, r.end, r.score) == (start, end, 0.85) for r in results):
            missed.append((text, text[start:end], [text[r.start : r.end] for r in results]))
    assert len(missed) / len(sentences) <= 0.02, missed


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("户主张三丰因病致贫", ["张三丰"]),
        ("制表人：李四  联系电话：13812345678", ["李四"]),
        ("其子王小明在读", ["王小明"]),
        ("监护人为欧阳小峰", ["欧阳小峰"]),
        ("户主李建国家庭困难，其妻王芳患尿毒症", ["李建国", "王芳"]),
        ("经办人：赵六 审核人：钱七 负责人：孙八", ["赵六", "钱七", "孙八"]),
        ("家属张三、李四和王五均同意", ["张三", "李四", "王五"]),
        ("申请人买买提·艾力因病住院", ["买买提·艾力"]),
        ("代领人：阿依古丽.买买提", ["阿依古丽.买买提"]),
        ("户主扎西顿珠家住五星村", ["扎西顿珠"]),
        ("户主姓名：陈秀英，身份证号：110101199003077774", ["陈秀英"]),
        ("法定代表人：王建国", ["王建国"]),
        ("其女李红今年8岁", ["李红"]),
        ("户主王永和因病去世", ["王永和"]),
        ("联系人是欧阳建华，电话0591-87654321", ["欧阳建华"]),
        ("其妻于秀兰长期患病", ["于秀兰"]),
        ("受助人万强于2023年5月申请", ["万强"]),
        ("代领人史俊代为领取", ["史俊"]),
        ("村干部刘浩入户核查", ["刘浩"]),
        ("户主黄明华同志", ["黄明华"]),
        ("户主：张三丰（身份证号110101199003077774）", ["张三丰"]),
        ("户主肖顺娜突发意外，其子黄海在读", ["肖顺娜", "黄海"]),
        ("洪水冲毁农田5亩，户主之妻许海受伤住院", ["许海"]),
        ("侄子何兰德代为照料", ["何兰德"]),
        ("侄子扎西顿珠代为照料", ["扎西顿珠"]),
        ("外甥女张三丰在读", ["张三丰"]),
        ("其母亲刘桂兰卧床", ["刘桂兰"]),
        ("户主任凤突发意外，其子诸葛丽芳在读", ["任凤", "诸葛丽芳"]),
        ("其女儿王小红就读于城关小学", ["王小红"]),
        ("户主孙女王小红在读", ["王小红"]),
        ("本人李秀兰郑重承诺", ["李秀兰"]),
        ("帮扶责任人：皇甫德明", ["皇甫德明"]),
    ],
)
def test_names_after_cue_words(recognizer: PersonRecognizer, text: str, names: list[str]) -> None:
    assert found_names(recognizer, text) == names


def test_scores_and_metadata(recognizer: PersonRecognizer) -> None:
    text = "户主张三丰因病致贫，王秀英今年80岁，户主扎西顿珠家住五星村"
    results = recognizer.analyze(text, entities=[ENTITY], nlp_artifacts=None)
    assert [(text[r.start : r.end], r.score) for r in results] == [("张三丰", 0.85), ("王秀英", 0.5), ("扎西顿珠", 0.6)]
    assert all(r.entity_type == "PERSON" for r in results)
    cued = results[0].recognition_metadata
    assert cued[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] is True
    assert cued[RecognizerResult.RECOGNIZER_IDENTIFIER_KEY] == recognizer.id
    assert results[1].recognition_metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] is False


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("张伟和李娜是邻居，王秀英今年80岁", ["张伟", "王秀英"]),
        ("钟明丽因病致贫", ["钟明丽"]),
        ("经评议，范龙银符合条件", ["范龙银"]),
        ("由阿依古丽·买买提代领", ["阿依古丽·买买提"]),
    ],
)
def test_names_jieba_tags_without_cue_word(recognizer: PersonRecognizer, text: str, names: list[str]) -> None:
    assert found_names(recognizer, text) == names


HARD_NEGATIVES = (
    "与户主关系：孙女",
    "户主本人签字确认",
    "该户居住在张家村三组",
    "李庄镇人民政府民政办公室",
    "王府井大街168号",
    "高新区社会事业局",
    "县公安局出具证明",
    "县民政局审核通过",
    "钟楼街道办事处",
    "马鞍山市民政局",
    "黄山路社区居委会",
    "国家规定的救助标准",
    "每月发放救助金0.12万元",
    "救助金额合计1234.56元",
    "发放金额：￥580元",
    "家庭成员关系：配偶",
    "就读于县第一高中",
    "年满60周岁的老年人",
    "从事林业生产",
    "江苏省南京市",
    "为方便群众办理",
    "于是申请临时救助",
    "张贴公示七天",
    "何时发放救助金",
    "常住人口3人",
    "明确救助标准",
    "按照程序审批",
    "根据文件精神",
    "甘肃省白银市",
    "统一社会信用代码91350100M000100Y43",
    "闽民〔2023〕5号文件",
    "根据〔2024〕12号通知",
    "监督电话12345",
    "邮政编码350001",
    "公示期为20240105至20240112",
    "项目编号1234567890123456",
    "订单号2024010512345678",
    "序号12，保障人数3人",
    "2024年第一季度城乡低保名单",
    "申请人向民政部门提出书面申请",
    "救助对象全部纳入低保",
    "申请人符合救助条件",
    "其子高中毕业后外出务工",
    "户主和配偶均无劳动能力",
    "其子女均在外地工作",
    "申请人须如实填写家庭收入",
    "救助对象范围包括城乡困难群众",
    "户主户籍所在地",
    "联系人电话：13812345678",
    "监护人签字：",
    "捐赠单位：福州市慈善总会",
    "成都市武侯区民政局",
    "其女于2020年考入大学",
)


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_hard_negatives(recognizer: PersonRecognizer, text: str) -> None:
    assert found_names(recognizer, text) == []


def test_paragraph_without_names(recognizer: PersonRecognizer) -> None:
    text = (
        "根据《社会救助暂行办法》有关规定，经户主申请、乡镇人民政府审核、县民政局审批，现将2024年第一季度城乡最低生活"
        "保障对象名单予以公示。本次新增低保对象共计35户82人，保障金按月发放。该户家庭人口4人，户主长期患有高血压，"
        "配偶残疾，长子在读高中，次女在读小学，家庭年人均收入低于当地低保标准。高新区管委会、钟楼街道钟楼社区、"
        "马尾区民政局、城关中学、实验小学。"
    )
    assert found_names(recognizer, text) == []


# --- the Presidio recognizer --------------------------------------------------------------------------------


def test_recognizer_shape(recognizer: PersonRecognizer) -> None:
    assert recognizer.supported_entities == ["PERSON"]
    assert recognizer.supported_language == "zh"
    assert {"户主", "申请人", "制表人", "其子", "法定代表人", "帮扶责任人"} <= set(PersonRecognizer.CONTEXT)
    assert set(PersonRecognizer.CONTEXT) == set(CUE_WORDS)
    assert [pattern.score for pattern in PersonRecognizer.PATTERNS] == [0.85, 0.5]


def test_recognizer_answers_only_for_its_entity(recognizer: PersonRecognizer) -> None:
    assert recognizer.analyze("户主张三丰因病致贫", entities=["CN_ID_CARD"], nlp_artifacts=None) == []


def test_recognizer_reads_full_width_text(recognizer: PersonRecognizer) -> None:
    text = "制表人：李四　联系电话：１３８１２３４５６７８"
    assert found_names(recognizer, text) == ["李四"]


# --- the shortcuts of name finding -----------------------------------------------------------------------------
# Each equals the long way it replaces: jieba.posseg tagging the window, the _STOP regex at every position, the
# overlap sweep, the regex after a cue word.

_WINDOW_PIECES = st.one_of(
    st.sampled_from(sorted(COMMON_SURNAMES[:40] + GIVEN_NAME_CHARACTERS[:40])),
    st.sampled_from(["向民政部门", "年老体弱", "在读", "中华人民共和国", "白天", "黄海", "其子", "户主", "因病致贫"]),
    st.sampled_from(["a", "b1", "2", "x9y", " ", "\r\n", "\n", "，", ",", ".", "#", "_", "&", "+", "·"]),
)


def _posseg_agrees(text: str, start: int, end: int) -> bool:
    """The long way: tag the window with jieba.posseg (no HMM) and look for a word across the name's end."""
    tokens = person._tokens(text[start : start + 8], hmm=False)
    return all(not s < end - start < e or tag in person._NAME_TAGS for s, e, _, tag in tokens)


@settings(max_examples=400, deadline=None)
@given(st.lists(_WINDOW_PIECES, min_size=1, max_size=6).map("".join), st.data())
def test_jieba_word_at_a_names_end_is_the_word_posseg_sees(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    for end in range(start, min(len(text), start + 9) + 1):
        assert person._jieba_agrees(text, start, end) == _posseg_agrees(text, start, end), (text, start, end)


def test_jieba_word_at_a_names_end_in_notes() -> None:
    for text in [t.format(name) for t in CUE_TEMPLATES for name in ("张三丰", "王小明", "向民", "黄海", "李四")]:
        for start in range(len(text)):
            for end in range(start, min(len(text), start + 9) + 1):
                assert person._jieba_agrees(text, start, end) == _posseg_agrees(text, start, end), (text, start)


def _stop_by_regex(text: str, pos: int) -> int:
    stop = person._STOP.match(text, pos)
    return (len(stop.group()) or 1) if stop else 0


@settings(max_examples=300, deadline=None)
@given(st.lists(_WINDOW_PIECES, min_size=0, max_size=6).map("".join))
def test_remembered_stops_are_the_regexs(text: str) -> None:
    for pos in range(len(text) + 2):
        assert person._stop_length(text, pos) == _stop_by_regex(text, pos), (text, pos)
        assert person._stop_length(text, pos) == _stop_by_regex(text, pos)  # remembered now, if it can be


def _overlap_sweep(spans: list[person.NameSpan]) -> list[person.NameSpan]:
    kept, taken = [], set()
    for span in sorted(spans, key=lambda span: (-span.score, span.start - span.end, span.start)):
        if taken.isdisjoint(range(span.start, span.end)):
            kept.append(span)
            taken.update(range(span.start, span.end))
    return sorted(kept)


_SPANS = st.lists(
    st.builds(
        lambda start, length, score: person.NameSpan(start, start + length, score, "cue word"),
        st.integers(0, 12),
        st.integers(0, 4),
        st.sampled_from([0.0, 0.5, 0.6, 0.85]),
    ),
    max_size=5,
)


@settings(max_examples=500, deadline=None)
@given(_SPANS)
def test_spans_without_overlaps_as_the_sweep_keeps_them(spans: list[person.NameSpan]) -> None:
    assert person._without_overlaps(spans) == _overlap_sweep(spans)


def test_after_cue_starts_hold_every_first_character_of_the_regex() -> None:
    for char in map(chr, range(0x10000)):
        if person._AFTER_CUE.match(char + "张").end():
            assert char in person._AFTER_CUE_STARTS or char.isspace(), repr(char)
    assert all(re.fullmatch(r"\s", char) for char in map(chr, range(0x10000)) if char.isspace())


@pytest.mark.parametrize(
    ("text", "name"),
    [("户主 张三丰因病致贫", "张三丰"), ("户主：\u3000张三丰", "张三丰"), ("申请人姓名:王小明", "王小明"),
     ("其子名叫李四", "李四"), ("户主为张三", "张三"), ("户主张三", "张三")],
)  # fmt: skip
def test_names_after_cue_words_and_what_may_stand_between(recognizer: PersonRecognizer, text: str, name: str) -> None:
    assert found_names(recognizer, text) == [name]
