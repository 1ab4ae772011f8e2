"""What a reader hands on: a workbook of sheets, each a grid of cell texts."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd


@dataclass
class Sheet:
    name: str | None  # None for CSV
    grid: pd.DataFrame  # every cell as text; columns 0..n-1; grid row 0 is the sheet's row 1
    native: list[list[object]] | None = None  # Excel's typed values, row by row
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, first col, last row, last col
    widths: dict[int, float] = field(default_factory=dict)
    hidden: bool = False
    rounded: dict[int, int] = field(default_factory=dict)  # column → numbers Excel stored with ≥ 16 digits (rounded)


@dataclass
class Workbook:
    path: Path
    kind: str  # "excel" | "csv"
    sheets: list[Sheet]
    encoding: str | None = None  # CSV only
    delimiter: str = ","
    newline: str = "\r\n"


@dataclass
class PublishedSheet:
    source: Sheet
    grid: pd.DataFrame  # published cell texts; its column labels are the input column numbers it keeps
