"""Write the shipped example rosters, one folder per pipeline, with fixed seeds (run: make examples)."""

from __future__ import annotations

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from examples.synthetic import dibao_roster, linshi_roster, write_csv, write_xlsx  # noqa: E402


def main() -> None:
    write_xlsx(dibao_roster(40, seed=1), HERE / "dibao" / "城乡低保对象名单.xlsx")
    write_csv(dibao_roster(25, seed=11), HERE / "dibao" / "低保对象名单-GBK.csv", encoding="gbk")
    write_xlsx(linshi_roster(30, seed=2), HERE / "linshi" / "临时救助对象公示.xlsx")
    write_csv(linshi_roster(20, seed=12), HERE / "linshi" / "临时救助公示-UTF8.csv", encoding="utf-8-sig")


if __name__ == "__main__":
    main()
