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

from recognizers import uscc
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
DISEASES = ["尿毒症", "恶性肿瘤", "白血病", "肺癌", "乳腺癌", "脑梗死", "再生障碍性贫血", "慢性肾衰竭"]
ORG_WORDS = ["宏达", "鑫源", "恒通", "永盛", "金穗", "兴隆", "瑞丰", "天成", "广源", "众诚", "顺达", "百川"]
ORG_TRADES = ["建材有限公司", "商贸有限公司", "食品有限公司", "农业开发有限公司", "建筑工程有限公司", "药业有限公司"]
ASSOCIATIONS = ["爱心商会", "慈善协会", "企业家联合会", "老年体育协会"]


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

    def date(self, year: int = 2024, months: tuple[int, int] = (1, 12)) -> str:
        return f"{year}-{self.rng.randint(*months):02d}-{self.rng.randint(1, 28):02d}"

    def fresh_name(self, taken: set[str]) -> str:
        """A name that neither contains nor is contained in any name in ``taken`` (then added to it).

        Rosters that keep some names and hide others need this: a hidden 王芳 inside a kept 王芳娜 would
        look like a leak.
        """
        while True:
            name = self.name()
            if not any(name in other or other in name for other in taken):
                taken.add(name)
                return name

    def disability_cert(self, county: tuple, category: int, level: int) -> str:
        """残疾人证号: the holder's 身份证号, then the category (1-7) and level (1-4) digits."""
        return self.id_card(county) + f"{category}{level}"

    def credit_code(self, county: tuple, department: str = "9", category: str = "1") -> str:
        """A valid 统一社会信用代码 registered in ``county`` (MA… as codes issued since 2015 are).

        Department and category: 9 1 for a company (市场监管, 企业), 5 1 for an association (民政, 社会团体).
        """
        body = department + category + county[3] + "MA" + "".join(self.rng.choice(uscc.ALPHABET) for _ in range(7))
        return body + uscc.calc_check_digit(body)

    def organisation(self, county: tuple, taken: set[str], associations: bool = True) -> tuple[str, str]:
        """(name, 统一社会信用代码) of a company or association of ``county``; the name is added to ``taken``."""
        while True:
            if associations and self.rng.random() < 0.2:
                name, department = county[2] + self.rng.choice(ASSOCIATIONS), "5"
            else:
                name, department = county[1][:-1] + self.rng.choice(ORG_WORDS) + self.rng.choice(ORG_TRADES), "9"
            if name not in taken:
                taken.add(name)
                return name, self.credit_code(county, department)


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


def _add_footer(roster: Roster, people: People, role: str = "制表人", taken: set[str] | None = None) -> None:
    """The clerk's name and mobile and the supervision hotline below the table; headers and title are kept."""
    clerk, mobile = people.fresh_name(set() if taken is None else taken), people.phone()
    roster.footer = [[f"{role}：{clerk}    联系电话：{mobile}    制表日期：2024年12月5日"], ["监督电话：12345"]]
    roster.secrets |= {clerk, mobile}
    roster.kept |= {*roster.header, roster.title, "监督电话：12345", "制表日期：2024年12月5日"}


def _given_name(name: str) -> str:
    """The given name of a Han name (张建国 → 建国), or the parts after the first of a dotted one."""
    if "·" in name:
        return name.partition("·")[2]
    return name[2:] if name[:2] in COMPOUND else name[1:]


def tekun_roster(n: int = 30, seed: int = 3) -> Roster:
    """特困人员救助供养名单: 集中 or 分散 供养 and its monthly standard; the 备注 names carers and their phones."""
    people = People(seed)
    county = people.rng.choice(COUNTIES)
    header = ["序号", "姓名", "身份证号码", "家庭住址", "供养方式", "供养标准（元/月）", "联系电话", "银行卡号", "备注"]
    roster = Roster("tekun", f"{county[2]}2024年特困人员救助供养对象名单", header, [], [])
    for i in range(1, n + 1):
        name, id_card = people.name(), people.id_card(county, 1935, 1975, typo=i % 13 == 0)
        full, general, detail = people.address(county)
        phone, card = people.phone(), people.bank_card()
        way = "集中" if i % 3 == 0 else "分散"
        standard = people.amount(900, 1400)
        carer, mobile = people.name(), people.phone()
        notes = [
            "无劳动能力、无生活来源、无法定赡养抚养扶养义务人",
            f"生活不能自理，由其女{carer}照料，联系电话{mobile}",
            "",
            f"侄子{carer}代为照料，手机{mobile}",
        ]
        note = notes[i % len(notes)]
        roster.records.append([str(i), name, id_card, full, way, standard, phone, card, note])
        roster.secrets |= {name, id_card, full, detail, phone, card}
        roster.secrets |= {carer, mobile} if carer in note else set()
        roster.kept |= {way, standard, general} | ({note} if i % len(notes) == 0 else set())
    _add_footer(roster, people)
    return roster


def disability_roster(n: int = 30, seed: int = 4) -> Roster:
    """残疾人两项补贴发放名单: 残疾人证号 (ID + category + level digits), category and level columns."""
    people = People(seed)
    county = people.rng.choice(COUNTIES)
    header = ["序号", "姓名", "残疾人证号", "残疾类别", "残疾等级", "补贴类别", "金额（元）", "村（社区）", "联系电话"]
    roster = Roster("disability", f"{county[2]}2024年12月残疾人两项补贴发放名单", header, [], [])
    categories = ["视力残疾", "听力残疾", "言语残疾", "肢体残疾", "智力残疾", "精神残疾", "多重残疾"]
    levels = ["一级", "二级", "三级", "四级"]
    for i in range(1, n + 1):
        category, level = people.rng.randint(1, 7), people.rng.randint(1, 4)
        name, cert = people.name(), people.disability_cert(county, category, level)
        severe = level <= 2 and i % 2 == 0
        subsidy, amount = ("重度残疾人护理补贴", "100.00") if severe else ("困难残疾人生活补贴", "80.00")
        village, phone = f"{people.rng.choice(TOWNS)}{people.rng.choice(VILLAGES)}", people.phone()
        roster.records.append(
            [str(i), name, cert, categories[category - 1], levels[level - 1], subsidy, amount, village, phone]
        )
        roster.secrets |= {name, cert, cert[:18], phone, categories[category - 1]}
        roster.kept |= {subsidy, amount, village}
    _add_footer(roster, people, role="经办人")
    return roster


def orphan_roster(n: int = 30, seed: int = 5) -> Roster:
    """孤儿及事实无人抚养儿童基本生活费发放名单: children born 2012-2022 and their guardians."""
    people = People(seed)
    county = people.rng.choice(COUNTIES)
    header = [
        "序号", "儿童姓名", "儿童身份证号", "保障类别", "监护人姓名", "监护人身份证号", "监护人联系电话", "家庭住址",
        "发放金额（元）",
    ]  # fmt: skip
    roster = Roster("orphan", f"{county[2]}2024年12月孤儿及事实无人抚养儿童基本生活费发放名单", header, [], [])
    for i in range(1, n + 1):
        child, child_id = people.name(), people.id_card(county, 2012, 2022)
        kind = ["散居孤儿", "集中供养孤儿", "事实无人抚养儿童"][i % 3]
        guardian, guardian_id = people.name(), people.id_card(county, 1950, 1990)
        full, general, detail = people.address(county)
        phone, amount = people.phone(), "1500.00" if kind == "集中供养孤儿" else "1200.00"
        roster.records.append([str(i), child, child_id, kind, guardian, guardian_id, phone, full, amount])
        roster.secrets |= {child, child_id, guardian, guardian_id, phone, full, detail}
        roster.secrets |= {_given_name(child)} if len(_given_name(child)) >= 2 else set()
        roster.kept |= {kind, amount, general}
    _add_footer(roster, people)
    return roster


def _grade(age: int) -> tuple[str, str]:
    """(school level, grade) of a pupil aged ``age`` in the 2024 school year."""
    if age <= 12:
        return "小学", "一二三四五六"[max(age - 7, 0)] + "年级"
    if age <= 15:
        return "初中", "七八九"[age - 13] + "年级"
    return "高中", "高" + "一二三"[min(age - 16, 2)]


def student_aid_roster(n: int = 30, seed: int = 6) -> Roster:
    """学生资助名单: pupils born 2006-2016 with school, grade and aid; a parent's name and phone."""
    people = People(seed)
    county = people.rng.choice(COUNTIES)
    header = ["序号", "学生姓名", "身份证号", "学校", "年级", "资助项目", "金额（元）", "家长姓名", "联系电话"]
    roster = Roster("student-aid", f"{county[2]}2024年秋季学期学生资助名单", header, [], [])
    aid = {
        "小学": ("义务教育家庭经济困难学生生活补助", "625.00"),
        "初中": ("义务教育家庭经济困难学生生活补助", "750.00"),
        "高中": ("普通高中国家助学金", "1000.00"),
    }
    for i in range(1, n + 1):
        student, student_id = people.name(), people.id_card(county, 2006, 2016)
        stage, grade = _grade(2024 - int(student_id[6:10]))
        town = people.rng.choice(TOWNS)
        school = {
            "小学": f"{county[2]}{town}中心小学",
            "初中": f"{county[2]}第{people.rng.choice('一二三')}中学",
            "高中": f"{county[2]}第一中学",
        }[stage]
        project, amount = aid[stage]
        parent, phone = people.name(), people.phone()
        roster.records.append([str(i), student, student_id, school, grade, project, amount, parent, phone])
        roster.secrets |= {student, student_id, parent, phone}
        roster.secrets |= {_given_name(student)} if len(_given_name(student)) >= 2 else set()
        roster.kept |= {school, grade, project, amount}
    _add_footer(roster, people, role="经办人")
    return roster


def medical_aid_roster(n: int = 30, seed: int = 7) -> Roster:
    """医疗救助对象名单: diagnosis, hospital, total cost and the aid paid."""
    people = People(seed)
    county = people.rng.choice(COUNTIES)
    header = [
        "序号", "姓名", "身份证号", "疾病名称", "就诊医院", "医疗总费用（元）", "救助金额（元）", "救助日期", "联系电话",
    ]  # fmt: skip
    roster = Roster("medical-aid", f"{county[2]}2024年第三季度重特大疾病医疗救助对象名单", header, [], [])
    hospitals = [f"{county[2]}人民医院", f"{county[2]}中医医院", f"{county[1]}第一人民医院"]
    for i in range(1, n + 1):
        name, id_card = people.name(), people.id_card(county)
        disease, hospital = people.rng.choice(DISEASES), people.rng.choice(hospitals)
        cost = people.rng.randrange(20000, 300000)
        cost_text, aid = f"{cost}.00", f"{cost * people.rng.choice((20, 30, 40)) // 100}.00"
        date, phone = people.date(months=(7, 9)), people.phone()
        roster.records.append([str(i), name, id_card, disease, hospital, cost_text, aid, date, phone])
        roster.secrets |= {name, id_card, disease, phone}
        roster.kept |= {hospital, cost_text, aid, date}
    _add_footer(roster, people)
    return roster


def disaster_roster(n: int = 30, seed: int = 8) -> Roster:
    """自然灾害救助资金物资发放名单: 受灾情况 free text carries house numbers, phones, relatives and IDs."""
    people = People(seed)
    county = people.rng.choice(COUNTIES)
    header = ["序号", "户主姓名", "身份证号", "受灾情况", "救助物资", "救助金额（元）", "一卡通账号", "联系电话"]
    roster = Roster("disaster", f"{county[2]}2024年“7·15”洪涝灾害救助资金物资发放名单", header, [], [])
    goods = ["棉被2床", "大米50斤、食用油5升", "帐篷1顶", "棉衣2件、棉被1床", "矿泉水2箱、方便面3箱"]
    for i in range(1, n + 1):
        name, id_card = people.name(), people.id_card(county)
        town, village = people.rng.choice(TOWNS), people.rng.choice(VILLAGES)
        group, house, rooms = people.rng.randrange(1, 12), people.rng.randrange(1, 80), people.rng.randrange(1, 4)
        relative, relative_id, mobile = people.name(), people.id_card(county), people.phone()
        situations = [
            (f"7月暴雨致房屋倒塌{rooms}间，家住{village}{group}组{house}号，联系电话{mobile}",
             {f"{group}组{house}号", mobile}, f"7月暴雨致房屋倒塌{rooms}间"),
            (f"洪水冲毁农田{rooms + 2}亩，户主之妻{relative}受伤住院", {relative}, f"洪水冲毁农田{rooms + 2}亩"),
            (f"山体滑坡致房屋严重受损，现借住{town}{village}亲戚家", set(), f"现借住{town}{village}亲戚家"),
            (f"房屋进水受损，由其子{relative}（身份证号{relative_id}）代领", {relative, relative_id}, "房屋进水受损"),
        ]  # fmt: skip
        situation, hidden, kept = situations[i % len(situations)]
        item, amount = people.rng.choice(goods), people.amount(500, 3000)
        card, phone = people.bank_card(), people.phone()
        roster.records.append([str(i), name, id_card, situation, item, amount, card, phone])
        roster.secrets |= {name, id_card, card, phone, *hidden}
        roster.kept |= {kept, item, amount}
    _add_footer(roster, people, role="经办人")
    return roster


def donation_roster(n: int = 30, seed: int = 9) -> Roster:
    """捐赠情况公示: individuals (named only with consent) and organisations with their credit codes."""
    people = People(seed)
    county = people.rng.choice(COUNTIES)
    header = ["序号", "捐赠人", "统一社会信用代码", "是否同意公开", "捐赠金额（元）", "捐赠日期", "用途", "联系电话"]
    roster = Roster("donation", f"{county[2]}文化体育事业2024年度接受社会捐赠情况公示", header, [], [])
    uses = ["购置图书", "全民健身器材", "修缮村文化广场", "乡村少年宫建设", "非遗传承活动"]
    names: set[str] = set()
    organisations: set[str] = set()
    for i in range(1, n + 1):
        amount, date, use = people.amount(200, 50000), people.date(), people.rng.choice(uses)
        if i % 3 == 0:
            (donor, code), consent = people.organisation(county, organisations), "是"
            roster.kept |= {donor, code}
        else:
            donor, code, consent = people.fresh_name(names), "", ["是", "否", "", "同意", "否"][i % 5]
            roster.kept |= {donor} if consent in ("是", "同意") else {"爱心人士"}
            roster.secrets |= set() if consent in ("是", "同意") else {donor}
        phone = people.phone()
        roster.records.append([str(i), donor, code, consent, amount, date, use, phone])
        roster.secrets.add(phone)
        roster.kept |= {amount, date, use}
    _add_footer(roster, people, role="经办人", taken=names)
    return roster


def poverty_roster(n: int = 30, seed: int = 10) -> Roster:
    """建档立卡贫困户名册: causes, the cadre in charge and 帮扶措施 free text with names, phones and cards."""
    people = People(seed)
    county = people.rng.choice(COUNTIES)
    header = ["序号", "户主姓名", "身份证号", "家庭人口", "致贫原因", "帮扶责任人", "帮扶措施", "所在村"]
    roster = Roster("poverty", f"{county[2]}建档立卡脱贫户帮扶情况名册（2024年）", header, [], [])
    for i in range(1, n + 1):
        name, id_card = people.name(), people.id_card(county)
        size, cause, cadre = str(people.rng.randrange(1, 7)), people.rng.choice(CAUSES), people.name()
        village = f"{people.rng.choice(TOWNS)}{people.rng.choice(VILLAGES)}"
        child, mobile, card = people.name(), people.phone(), people.bank_card()
        chicks, wage = people.rng.randrange(30, 200), people.amount(600, 1200)
        measures = [
            (f"产业帮扶：发放鸡苗{chicks}只，开展养殖技术培训", set(), f"产业帮扶：发放鸡苗{chicks}只，开展养殖技术培训"),
            (f"安排公益性岗位（护林员），月工资{wage}元", set(), f"安排公益性岗位（护林员），月工资{wage}元"),
            (f"帮扶责任人每月走访一次，户主联系电话{mobile}", {mobile}, "帮扶责任人每月走访一次"),
            (f"教育帮扶：其子{child}就读于{county[2]}第一中学，享受国家助学金", {child}, f"{county[2]}第一中学"),
            (f"危房改造补助{wage}元，已打入户主账号{card}", {card}, f"危房改造补助{wage}元"),
        ]  # fmt: skip
        measure, hidden, kept = measures[i % len(measures)]
        roster.records.append([str(i), name, id_card, size, cause, cadre, measure, village])
        roster.secrets |= {name, id_card, cadre, *hidden}
        roster.kept |= {size, cause, village, kept}
    _add_footer(roster, people)
    return roster


def blacklist_roster(n: int = 25, seed: int = 11) -> Roster:
    """行政处罚公示 (惩戒公示): organisations, credit codes, legal representatives (named) and their IDs."""
    people = People(seed)
    county = people.rng.choice(COUNTIES)
    header = [
        "序号", "当事人名称", "统一社会信用代码", "法定代表人", "身份证号", "处罚决定书文号", "违法事实", "处罚内容",
        "处罚日期",
    ]  # fmt: skip
    roster = Roster("blacklist", f"{county[2]}市场监督管理局2024年行政处罚信息公示", header, [], [])
    names: set[str] = set()
    organisations: set[str] = set()
    for i in range(1, n + 1):
        organisation, code = people.organisation(county, organisations, associations=False)
        representative, id_card = people.fresh_name(names), people.id_card(county, 1960, 1995)
        number = f"{county[2][0]}市监罚〔2024〕{people.rng.randrange(1, 200)}号"
        complainant, mobile, fine = people.fresh_name(names), people.phone(), people.rng.randrange(2, 50) * 1000
        facts = [
            (f"销售不合格建材，涉案货值{fine // 2}元", set(), f"销售不合格建材，涉案货值{fine // 2}元"),
            (f"经消费者{complainant}投诉（联系电话{mobile}），查实销售过期食品", {complainant, mobile}, "查实销售过期食品"),
            ("未按规定公示年度报告，经责令限期改正逾期未改正", set(), "未按规定公示年度报告，经责令限期改正逾期未改正"),
        ]  # fmt: skip
        fact, hidden, kept = facts[i % len(facts)]
        penalty, date = f"警告，罚款人民币{fine}元", people.date()
        roster.records.append([str(i), organisation, code, representative, id_card, number, fact, penalty, date])
        roster.secrets |= {id_card, *hidden}
        roster.kept |= {organisation, code, representative, number, kept, penalty, date}
    _add_footer(roster, people, role="经办人", taken=names)
    return roster


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
