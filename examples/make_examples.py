"""Write the shipped example rosters, one folder per pipeline, with fixed seeds (run: make examples).

A folder is named after its pipeline, so that ``make run`` publishes ``examples/<name>/`` with ``--pipeline
<name>``. Every folder has a clerk's workbook (title and footer rows); some also a CSV as clerks export it.
"""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from examples.synthetic import (  # noqa: E402
    blacklist_roster,
    dibao_roster,
    disability_roster,
    disaster_roster,
    donation_roster,
    linshi_roster,
    medical_aid_roster,
    orphan_roster,
    poverty_roster,
    student_aid_roster,
    tekun_roster,
    write_csv,
    write_xlsx,
)


def main() -> None:
    write_xlsx(dibao_roster(40, seed=1), HERE / "dibao" / "城乡低保对象名单.xlsx")
    write_csv(dibao_roster(25, seed=11), HERE / "dibao" / "低保对象名单-GBK.csv", encoding="gbk")
    write_xlsx(linshi_roster(30, seed=2), HERE / "linshi" / "临时救助对象公示.xlsx")
    write_csv(linshi_roster(20, seed=12), HERE / "linshi" / "临时救助公示-UTF8.csv", encoding="utf-8-sig")
    write_xlsx(tekun_roster(30, seed=3), HERE / "tekun" / "特困人员救助供养名单.xlsx")
    write_csv(tekun_roster(20, seed=13), HERE / "tekun" / "特困供养名单-GBK.csv", encoding="gbk")
    write_xlsx(disability_roster(30, seed=4), HERE / "disability" / "残疾人两项补贴发放名单.xlsx")
    write_xlsx(orphan_roster(25, seed=5), HERE / "orphan" / "孤儿基本生活费发放名单.xlsx")
    write_xlsx(student_aid_roster(30, seed=6), HERE / "student-aid" / "学生资助名单.xlsx")
    write_xlsx(medical_aid_roster(30, seed=7), HERE / "medical-aid" / "医疗救助对象名单.xlsx")
    write_xlsx(disaster_roster(30, seed=8), HERE / "disaster" / "自然灾害救助发放名单.xlsx")
    write_csv(disaster_roster(20, seed=18), HERE / "disaster" / "救灾资金发放-GBK.csv", encoding="gbk")
    write_xlsx(donation_roster(30, seed=9), HERE / "donation" / "社会捐赠情况公示.xlsx")
    write_xlsx(poverty_roster(30, seed=10), HERE / "poverty" / "建档立卡户帮扶名册.xlsx")
    write_xlsx(blacklist_roster(25, seed=11), HERE / "blacklist" / "行政处罚信息公示.xlsx")


if __name__ == "__main__":
    main()
