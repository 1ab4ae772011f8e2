"""The column types deid knows: header synonyms, the entity a column holds, and how to recognise its values.

A pipeline's ``columns:`` rules are keyed by these names; the profile assigns one to every column.

>>> header_type('户主姓名')
'person_name'
>>> header_type('身份证\\n号码')
'id_card'
>>> header_type('监护人身份证号')
'guardian_id_card'
>>> header_type('出生日期')
'birth_date'
>>> header_type('本次发放金额（元）')
'amount'
>>> header_type('家庭成员身份证号')
'id_card'
>>> header_type('XYZ') is None
True
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from recognizers import address, bank_card, disability_cert, id_card, person, phone, uscc
from recognizers.normalize import halfwidth


@dataclass(frozen=True)
class ColumnType:
    name: str
    title: str  # Chinese, for the report and `deid pipelines NAME`
    entity: str | None  # what a cell of this column is, for audit records; None for non-personal columns
    headers: tuple[str, ...] = ()
    values: Callable[[str], bool] | None = None  # recognises a single value, for typing by values


_AMOUNT = re.compile(r"[-+]?(?:[¥￥]\s*)?\d{1,3}(?:,\d{3})*(?:\.\d+)?\s*元?|[-+]?\d+(?:\.\d+)?\s*元?")
_DATE = re.compile(
    r"(?:19|20)\d{2}(?:[-/.年]\s*\d{1,2}(?:[-/.月]\s*\d{1,2}日?)?月?|(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01]))"
    r"(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?"
)
SCIENTIFIC_ID = re.compile(r"[1-9](?:\.\d+)?[eE]\+?1[4-8]")


def is_amount(value: str) -> bool:
    """Whether a cell is a sum of money as rosters write it.

    >>> is_amount('1,234.50'), is_amount('580元'), is_amount('张三')
    (True, True, False)
    """
    return _AMOUNT.fullmatch(halfwidth(value).strip()) is not None


def is_date(value: str) -> bool:
    """Whether a cell is a date as rosters write it.

    >>> is_date('2024-01-05'), is_date('2024年3月'), is_date('20240105'), is_date('110101')
    (True, True, True, False)
    """
    return _DATE.fullmatch(halfwidth(value).strip()) is not None


def is_scientific_id(value: str) -> bool:
    """An 18- or 15-digit number that Excel turned into a float (``4.10102E+17``): its digits are already lost.

    >>> is_scientific_id('4.10102E+17'), is_scientific_id('1.5e3')
    (True, False)
    """
    return SCIENTIFIC_ID.fullmatch(halfwidth(value).strip()) is not None


_ORGANISATION = re.compile(
    r".{2,}(有限公司|公司|集团|协会|学会|商会|基金会|委员会|联合会|促进会|研究会|医院|卫生院|学校|学院|大学|中学|小学|"
    r"幼儿园|银行|信用社|合作社|事务所|中心|工厂|厂|商店|超市|商行|药店|酒店|局|研究所|办事处|支部|村委会|居委会|车队|俱乐部)$"
)
_CONSENT = re.compile(r"(是|同意|愿意|同意公开|愿意公开|公开|Y|YES|√|✓)", re.IGNORECASE)


def is_organisation(value: str) -> bool:
    """Whether a name is an organisation's (company, association, hospital …), not a person's.

    >>> is_organisation('长沙市望城区爱心商会'), is_organisation('湖南某某建材有限公司'), is_organisation('张会')
    (True, True, False)
    """
    return _ORGANISATION.fullmatch(halfwidth(value).strip()) is not None


def is_consent(value: str) -> bool:
    """Only an explicit yes counts as consent: blank, 否, 不同意 and anything unclear do not.

    >>> is_consent('是'), is_consent(' 同意 '), is_consent('否'), is_consent('不同意'), is_consent('')
    (True, True, False, False, False)
    """
    return _CONSENT.fullmatch(halfwidth(value).strip()) is not None


def _is_free_text(value: str) -> bool:
    return len(value) >= 12 and re.search(r"[\u4e00-\u9fff]", value) is not None


_DETAIL_HINT = re.compile(r"[0-9０-９一二三四五六七八九十]\s*(?:组|号|栋|幢|单元|室|弄|队|楼|层|户)|路|街|巷|小区")


def _is_address(value: str) -> bool:
    # Detail below the village, and no sentence: a note that mentions an address is free text. The hint
    # regex spares the parser every value that cannot be an address (names, amounts).
    if not _DETAIL_HINT.search(value) or re.search(r"[，。；！？,;]", value):
        return False
    return address.has_detail(value) and address.is_plausible(value)


def _is_id_like(value: str) -> bool:
    return id_card.is_plausible(value) or is_scientific_id(value)


COLUMN_TYPES: dict[str, ColumnType] = {
    t.name: t
    for t in [
        ColumnType("person_name", "姓名", "PERSON",
                   ("姓名", "户主姓名", "户主", "申请人", "申请人姓名", "对象姓名", "救助对象", "救助对象姓名",
                    "受助人", "受助人姓名", "领款人", "持证人", "残疾人姓名", "姓名名称", "名字", "家庭成员",
                    "家庭成员姓名", "共同生活家庭成员", "供养对象", "供养人员姓名", "特困人员姓名", "患者姓名",
                    "贫困户姓名", "户主名", "联系人", "当事人", "当事人姓名", "被处罚人", "受灾人员", "受灾户主"),
                   person.is_plausible_name),
        ColumnType("child_name", "儿童姓名", "PERSON",
                   ("儿童姓名", "孤儿姓名", "学生姓名", "学生", "幼儿姓名", "子女姓名", "未成年人姓名",
                    "受助学生", "受助学生姓名", "事实无人抚养儿童姓名")),
        ColumnType("guardian_name", "监护人姓名", "PERSON",
                   ("监护人", "监护人姓名", "家长姓名", "家长", "父亲姓名", "母亲姓名", "抚养人", "抚养人姓名",
                    "委托人", "代领人", "代领人姓名")),
        ColumnType("legal_rep_name", "法定代表人", "PERSON",
                   ("法定代表人", "法定代表人姓名", "法人代表", "法定代表人（负责人）", "负责人")),
        ColumnType("donor_name", "捐赠人", "PERSON",
                   ("捐赠人", "捐赠者", "捐款人", "捐赠人姓名", "捐赠单位或个人", "捐赠方", "捐赠人（单位）")),
        ColumnType("id_card", "身份证号", "CN_ID_CARD",
                   ("身份证号", "身份证号码", "公民身份号码", "证件号码", "身份证", "证件号", "身份号码",
                    "户主身份证号", "户主身份证号码", "申请人身份证号", "身份证件号码", "公民身份证号码"),
                   _is_id_like),
        ColumnType("child_id_card", "儿童身份证号", "CN_ID_CARD",
                   ("儿童身份证号", "孤儿身份证号", "学生身份证号", "学生身份证号码", "儿童身份证号码",
                    "孤儿身份证号码", "学籍号", "子女身份证号")),
        ColumnType("guardian_id_card", "监护人身份证号", "CN_ID_CARD",
                   ("监护人身份证号", "监护人身份证号码", "家长身份证号", "家长身份证号码", "监护人证件号码",
                    "代领人身份证号")),
        ColumnType("disability_cert", "残疾人证号", "CN_DISABILITY_CERT",
                   ("残疾人证号", "残疾证号", "残疾人证号码", "残疾人证编号", "残疾证编号", "残疾证号码"),
                   disability_cert.is_plausible),
        ColumnType("disability_category", "残疾类别/等级", "DISABILITY",
                   ("残疾类别", "残疾等级", "残疾类别及等级", "残疾程度", "残疾类型", "残疾级别", "残疾类别等级")),
        ColumnType("diagnosis", "疾病名称/诊断", "DIAGNOSIS",
                   ("疾病名称", "诊断", "诊断结果", "病种", "患病情况", "疾病诊断", "所患疾病", "病名", "病情",
                    "疾病类型", "主要病种", "重特大疾病名称", "慢性病种")),
        ColumnType("phone", "联系电话", "CN_PHONE",
                   ("联系电话", "手机", "手机号", "手机号码", "联系方式", "电话", "电话号码", "固定电话",
                    "联系人电话", "家庭电话", "户主电话", "监护人电话", "监护人联系电话", "家长电话"),
                   phone.is_plausible),
        ColumnType("bank_card", "银行卡号/账号", "BANK_CARD",
                   ("银行卡号", "账号", "帐号", "存折号", "社保卡号", "银行账号", "卡号", "一卡通账号",
                    "一卡通号", "代发账号", "银行帐号", "存折账号", "收款账号", "开户账号", "社会保障卡号",
                    "惠民惠农一卡通", "银行卡号（存折号）"),
                   bank_card.is_plausible),
        ColumnType("bank_name", "开户银行", None, ("开户行", "开户银行", "开户行名称", "银行名称")),
        ColumnType("address", "住址", "CN_ADDRESS",
                   ("家庭住址", "现住址", "户籍地址", "住址", "地址", "居住地址", "家庭地址", "通讯地址",
                    "户籍所在地", "居住地", "现居住地", "详细地址", "家庭详细住址", "联系地址", "户籍地"),
                   _is_address),
        ColumnType("birth_date", "出生日期", "BIRTH_DATE", ("出生日期", "出生年月", "出生年月日", "生日")),
        ColumnType("free_text", "说明文字", None,
                   ("备注", "救助事由", "受灾情况", "致贫原因", "情况说明", "说明", "申请理由", "困难情况",
                    "事由", "处罚事由", "违法事实", "主要违法事实", "家庭情况", "帮扶措施", "救助原因",
                    "审核意见", "备 注", "返贫致贫风险", "主要困难", "处罚依据", "失信行为"),
                   _is_free_text),
        ColumnType("serial", "序号", None, ("序号", "顺序号", "编号", "NO", "No.", "排序")),
        ColumnType("amount", "金额", None,
                   ("金额", "补助金额", "救助金额", "保障金额", "月保障金", "发放金额", "补贴金额", "资助金额",
                    "捐赠金额", "月人均收入", "家庭月收入", "标准", "补助标准", "罚款金额", "元", "合计金额",
                    "金额（元）", "救助金", "补助资金", "捐款金额", "赔偿金额"),
                   is_amount),
        ColumnType("count", "人数", None,
                   ("人数", "保障人数", "家庭人口", "户人口", "家庭人数", "供养人数", "受灾人数", "人口数")),
        ColumnType("date", "日期", None,
                   ("日期", "时间", "发放时间", "批准时间", "发放日期", "审批日期", "起始时间", "救助时间",
                    "受灾时间", "捐赠日期", "处罚日期", "决定日期", "纳入时间", "享受时间", "公示日期"),
                   is_date),
        ColumnType("village", "村/社区", None,
                   ("村", "社区", "村（社区）", "村/社区", "所在村", "所属村", "乡镇", "乡镇（街道）", "街道",
                    "所属社区", "村居", "村（居）", "所在乡镇", "乡镇街道", "行政村", "村委会")),
        ColumnType("organisation", "单位/机构", None,
                   ("单位", "单位名称", "企业名称", "机构名称", "当事人名称", "企业", "组织名称", "经营者名称",
                    "行政相对人名称", "捐赠单位")),
        ColumnType("school", "学校", None, ("学校", "就读学校", "学校名称", "所在学校", "院校", "年级", "班级")),
        ColumnType("hospital", "医院", None, ("医院", "就诊医院", "医疗机构", "定点医院", "救治医院", "就医机构")),
        ColumnType("uscc", "统一社会信用代码", "CN_USCC",
                   ("统一社会信用代码", "信用代码", "社会信用代码", "统一信用代码"), uscc.is_valid),
        ColumnType("doc_number", "文号", None,
                   ("文号", "决定书文号", "处罚决定书文号", "行政处罚决定书文号", "批准文号", "决定文号")),
        ColumnType("consent", "是否同意公开", None,
                   ("是否同意公开", "同意公开", "是否公开", "是否同意公示", "同意公示", "公开意愿")),
        ColumnType("category", "类别", None,
                   ("类别", "救助类别", "保障类别", "户类别", "保障类型", "救助类型", "性别", "民族", "年龄",
                    "与户主关系", "关系", "家庭类别", "供养方式", "人员类别", "学段", "资助项目", "资助类型",
                    "受灾类型", "物资名称", "数量", "单位（个）", "处罚类型", "处罚种类", "失信类别")),
        ColumnType("other", "其他", None),
    ]
}  # fmt: skip

# Longest synonym first, so that 监护人身份证号 beats 身份证号 and 出生日期 beats 日期; on a tie the number
# wins over the name (家庭成员身份证号 is an ID column), since masking the wrong way must fail closed.
_TIE_ORDER = ["CN_ID_CARD", "CN_DISABILITY_CERT", "BANK_CARD", "CN_PHONE", "CN_ADDRESS", "DIAGNOSIS"]
_SYNONYMS = sorted(
    ((_syn, t.name, t.entity) for t in COLUMN_TYPES.values() for _syn in t.headers),
    key=lambda item: (-len(item[0]), _TIE_ORDER.index(item[2]) if item[2] in _TIE_ORDER else len(_TIE_ORDER)),
)


def normalize_header(header: object) -> str:
    """The header as compared with synonyms: half-width, no white space, brackets unified.

    >>> normalize_header(' 姓  名\\n')
    '姓名'
    >>> normalize_header('金额(元)')
    '金额（元）'
    """
    text = re.sub(r"\s+", "", halfwidth(header))
    return text.replace("(", "（").replace(")", "）")


def header_type(header: object) -> str | None:
    """The column type a header names, by exact synonym or the longest synonym it contains."""
    text = normalize_header(header)
    if not text:
        return None
    for synonym, name, _ in _NORMALIZED_SYNONYMS:
        if text == synonym:
            return name
    for synonym, name, long_enough in _NORMALIZED_SYNONYMS:
        if long_enough and synonym in text:
            return name
    return None


# Normalised once: every cell of a sheet's first rows is compared with all of them.
_NORMALIZED_SYNONYMS = [(normalize_header(synonym), name, len(synonym) >= 2) for synonym, name, _ in _SYNONYMS]
