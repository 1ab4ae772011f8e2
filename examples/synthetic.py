"""Synthetic rosters: realistic in shape, fictitious in every value, deterministic for a seed.

Place names are real administrative units (public facts); people, IDs, phones, cards and house numbers are
generated. IDs carry real region codes and valid checksums unless a typo is wanted. Each roster comes with
its ground truth: the personal values that must not survive publication, and values that must.
"""

from __future__ import annotations

import csv
import datetime
import random
from dataclasses import dataclass, field
from pathlib import Path

from recognizers.id_card import calc_check_digit

# (province, city, county, 6-digit region code)
COUNTIES = [
    ("湖南省", "长沙市", "望城区", "430112"),
    ("黑龙江省", "哈尔滨市", "道里区", "230102"),
    ("河南省", "郑州市", "金水区", "410105"),
    ("四川省", "成都市", "双流区", "510116"),
    ("云南省", "昆明市", "官渡区", "530111"),
    ("安徽省", "合肥市", "肥西县", "340123"),
    ("江西省", "赣州市", "于都县", "360731"),
    ("福建省", "福州市", "闽侯县", "350121"),
    ("山东省", "临沂市", "沂水县", "371323"),
    ("河北省", "保定市", "阜平县", "130624"),
]
TOWNS = ["城关镇", "龙泉镇", "新华街道", "五星街道", "白沙镇", "石桥乡", "桃源乡", "青山镇", "双龙镇", "金鸡街道"]
VILLAGES = [
    "双河村", "新民村", "红星村", "光明村", "建设社区", "和平社区", "东风村", "胜利村", "永安村", "长岭村",
    "桂花村", "柳树村", "幸福社区", "团结村", "先锋村", "张家湾村", "李庄村", "王家坝村",
]  # fmt: skip
ROADS = ["解放路", "人民路", "建设路", "文化路", "中山路", "滨河路"]
SURNAMES = list(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
)
COMPOUND = ["欧阳", "司马", "诸葛", "上官", "东方"]
GIVEN = list("伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超兰霞平刚桂华建国红梅玉珍志文海燕德福顺春生荣凤琴")
MINORITY = ["买买提·艾力", "阿依古丽·吐尔逊", "热合曼·阿不都", "扎西顿珠", "次仁卓玛"]
CAUSES = ["因病致贫", "因残致贫", "缺乏劳动力", "因学致贫", "年老体弱", "突发意外", "房屋倒塌", "无固定收入"]
HOSPITALS = ["县人民医院", "县中医院", "市第一人民医院"]


@dataclass
class Roster:
    """Rows as a clerk's sheet has them (title, header, records, footer) and what must or must not survive."""

    kind: str
    title: str
    header: list[str]
    records: list[list[str]]
    footer: list[list[str]]
    secrets: set[str] = field(default_factory=set)  # full values that must not appear in the output
    kept: set[str] = field(default_factory=set)  # values that must appear unchanged

    @property
    def rows(self) -> list[list[str]]:
        width = len(self.header)
        pad = lambda row: row + [""] * (width - len(row))  # noqa: E731
        return [pad([self.title]), self.header, *self.records, *(pad(r) for r in self.footer)]


class People:
    """Generators for fictitious people and their identifiers."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def name(self) -> str:
        roll = self.rng.random()
        if roll < 0.03:
            return self.rng.choice(MINORITY)
        surname = self.rng.choice(COMPOUND) if roll < 0.08 else self.rng.choice(SURNAMES)
        return surname + "".join(self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2, 2))))

    def id_card(self, county: tuple, born_from: int = 1940, born_to: int = 2005, typo: bool = False) -> str:
        day = datetime.date(born_from, 1, 1) + datetime.timedelta(
            days=self.rng.randrange((datetime.date(born_to, 12, 31) - datetime.date(born_from, 1, 1)).days)
        )
        body = county[3] + day.strftime("%Y%m%d") + f"{self.rng.randrange(1000):03d}"
        check = calc_check_digit(body)
        if typo:
            check = "0" if check != "0" else "1"
        return body + check

    def phone(self) -> str:
        return self.rng.choice(["138", "139", "150", "158", "186", "177", "199"]) + f"{self.rng.randrange(10**8):08d}"

    def bank_card(self) -> str:
        digits = [int(d) for d in "622848" + f"{self.rng.randrange(10**12):012d}"]
        total = sum(d if i % 2 else (d * 2 - 9 if d * 2 > 9 else d * 2) for i, d in enumerate(reversed(digits)))
        return "".join(map(str, digits)) + str((10 - total % 10) % 10)

    def address(self, county: tuple) -> tuple[str, str, str]:
        """(full address, village-level address, detail below the village)."""
        town, village = self.rng.choice(TOWNS), self.rng.choice(VILLAGES)
        if village.endswith("社区"):
            detail = f"{self.rng.choice(ROADS)}{self.rng.randrange(1, 300)}号{self.rng.randrange(1, 20)}栋{self.rng.randrange(1, 6)}单元{self.rng.randrange(1, 30)}0{self.rng.randrange(1, 5)}室"
        else:
            detail = f"{self.rng.randrange(1, 12)}组{self.rng.randrange(1, 80)}号"
        general = f"{county[0]}{county[1]}{county[2]}{town}{village}"
        return general + detail, general, detail

    def amount(self, low: int, high: int) -> str:
        return f"{self.rng.randrange(low, high)}.00"


def dibao_roster(n: int = 40, seed: int = 1) -> Roster:
    """城乡低保对象名单: title, header, records, and a footer with the clerk's name and mobile."""
    people = People(seed)
    county = people.rng.choice(COUNTIES)
    header = [
        "序号",
        "户主姓名",
        "身份证号码",
        "家庭住址",
        "联系电话",
        "保障人数",
        "月保障金额（元）",
        "银行卡号",
        "备注",
    ]
    roster = Roster("dibao", f"{county[2]}2024年第四季度城乡最低生活保障对象名单", header, [], [])
    for i in range(1, n + 1):
        name, id_card = people.name(), people.id_card(county, typo=i % 17 == 0)
        full, general, detail = people.address(county)
        phone, card = people.phone(), people.bank_card()
        size, amount = str(people.rng.randrange(1, 6)), people.amount(300, 2000)
        note = people.rng.choice(CAUSES) if i % 3 else ""
        if i % 5 == 0:
            child, mobile = people.name(), people.phone()
            note = f"户主{name}{people.rng.choice(CAUSES)}，其子{child}在读，联系电话{mobile}"
            roster.secrets |= {child, mobile}
        roster.records.append([str(i), name, id_card, full, phone, size, amount, card, note])
        roster.secrets |= {name, id_card, full, phone, card, detail} - {""}
        roster.kept |= {amount, general}
    clerk, checker, mobile = people.name(), people.name(), people.phone()
    roster.footer = [
        [f"制表人：{clerk}    审核人：{checker}    联系电话：{mobile}"],
        ["监督电话：12345    依据〔2024〕12号文件公示，公示期7天"],
    ]
    roster.secrets |= {clerk, checker, mobile}
    roster.kept |= {*header, "12345", "〔2024〕12号", roster.title}
    return roster


def linshi_roster(n: int = 30, seed: int = 2) -> Roster:
    """临时救助对象公示: the 救助事由 free text carries IDs, phones, addresses and names."""
    people = People(seed)
    county = people.rng.choice(COUNTIES)
    header = ["序号", "姓名", "身份证号", "家庭住址", "救助事由", "救助金额（元）", "救助日期", "联系电话"]
    roster = Roster("linshi", f"{county[2]}民政局2024年11月临时救助对象公示", header, [], [])
    for i in range(1, n + 1):
        name, id_card = people.name(), people.id_card(county)
        full, general, detail = people.address(county)
        amount = people.amount(500, 5000)
        date = f"2024-11-{people.rng.randrange(1, 29):02d}"
        other_id, mobile = people.id_card(county), people.phone()
        reasons = [
            f"{people.rng.choice(CAUSES)}，在{people.rng.choice(HOSPITALS)}住院，自付费用较高",
            f"家住{general}{detail}，{people.rng.choice(CAUSES)}，申请人联系电话{mobile}",
            f"其妻{people.name()}（身份证号{other_id}）患病，家庭生活困难",
            f"火灾致房屋受损，依据〔2024〕12号文件给予救助，金额{amount}元",
        ]
        reason = reasons[i % len(reasons)]
        roster.records.append([str(i), name, id_card, full, reason, amount, date, people.phone()])
        roster.secrets |= {name, id_card, full, detail, other_id, mobile}
        roster.kept |= {amount, date, general, _hospital_in(reason)} - {""}
    clerk, mobile = people.name(), people.phone()
    roster.footer = [[f"经办人：{clerk}  联系电话：{mobile}  举报电话：12345"]]
    roster.secrets |= {clerk, mobile}
    roster.kept |= {*header, "12345", roster.title}
    return roster


def _hospital_in(text: str) -> str:
    return next((h for h in HOSPITALS if h in text), "")


def write_xlsx(roster: Roster, path: Path) -> Path:
    """The roster as a clerk's workbook: merged title row, header, records, footer rows."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "名单"
    for row in roster.rows:
        sheet.append([cell if cell != "" else None for cell in row])
    width = len(roster.header)
    sheet.merge_cells(start_row=1, start_column=1, end_row=1, end_column=width)
    for offset in range(len(roster.footer)):
        row = 3 + len(roster.records) + offset
        sheet.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
    book.properties.creator = "synthetic"
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def write_csv(roster: Roster, path: Path, encoding: str = "utf-8-sig") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as handle:
        csv.writer(handle, lineterminator="\r\n").writerows(roster.rows)
    return path


CUES = ["户主", "申请人", "联系人", "其子", "其女", "其妻", "其夫", "家属", "监护人", "制表人", "审核人", "经办人"]
HARD_NEGATIVES = [
    "统一社会信用代码91350100M000100Y43",
    "依据闽民〔2024〕12号文件",
    "补助金额1234.56元",
    "发放日期20240105",
    "监督电话12345",
    "项目编号1234567812345678",
    "邮政编码350001",
    "共3人，月人均收入580元",
    "2024年第四季度",
]


@dataclass
class Note:
    """One 备注 cell: its text, the identifiers and names that must not survive, and phrases that must stay."""

    text: str
    secrets: list[str]
    names: list[str]
    kept: list[str]


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def free_text_notes(n: int, seed: int = 5) -> list[Note]:
    """备注 cells with identifiers written every way clerks write them, cue-word names and hard negatives."""
    people = People(seed)
    county = COUNTIES[0]
    notes = []
    for i in range(n):
        name, cue, negative = people.name(), CUES[i % len(CUES)], HARD_NEGATIVES[i % len(HARD_NEGATIVES)]
        id_card, mobile, card = people.id_card(county, typo=i % 11 == 0), people.phone(), people.bank_card()
        landline = f"0451-8{people.rng.randrange(10**6, 10**7)}"
        cert = (
            id_card[:17] + calc_check_digit(id_card) + str(people.rng.randrange(1, 8)) + str(people.rng.randrange(1, 5))
        )
        writings = [
            (f"身份证号{id_card}", id_card),
            (f"身份证号：{id_card[:6]} {id_card[6:14]} {id_card[14:]}", id_card),
            (f"证件号码{_fullwidth(id_card)}", id_card),
            (f"联系电话{mobile}", mobile),
            (f"手机+86 {mobile[:3]} {mobile[3:7]} {mobile[7:]}", mobile),
            (f"电话{mobile[:3]}-{mobile[3:7]}-{mobile[7:]}", mobile),
            (f"座机{landline}转801", landline.replace("-", "")),
            (f"开户行农业银行，卡号{' '.join(card[k : k + 4] for k in range(0, len(card), 4))}", card),
            (f"存折号{card}", card),
            (f"残疾人证号{cert}", cert),
        ]
        phrase, secret = writings[i % len(writings)]
        text = f"{cue}{name}{people.rng.choice(CAUSES)}，{phrase}，{negative}"
        notes.append(Note(text, [secret.upper()], [name], [negative]))
    return notes
