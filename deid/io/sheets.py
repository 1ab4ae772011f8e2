"""What a reader hands on: a workbook of sheets, each a grid of cell texts; Excel cell references."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from deid.io.package import Package


@dataclass
class Sheet:
    name: str | None  # None for CSV
    grid: pd.DataFrame  # every cell as text; columns 0..n-1; grid row 0 is the sheet's row 1
    native: list[list[object]] | None = None  # Excel's typed values, row by row
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)  # first row, first col, last row, last col
    widths: dict[int, float] = field(default_factory=dict)
    hidden: bool = False
    rounded: dict[int, int] = field(default_factory=dict)  # column → numbers Excel stored with ≥ 16 digits (rounded)
    hidden_columns: set[int] = field(default_factory=set)
    rest: Callable[[], Iterator[pd.DataFrame]] | None = None  # the rows after ``grid``, block by block (large CSV)

    def chunks(self) -> Iterator[pd.DataFrame]:
        """The sheet's rows block by block: ``grid`` first, then whatever the reader streams after it."""
        yield self.grid
        if self.rest is not None:
            yield from self.rest()


@dataclass
class Workbook:
    path: Path
    kind: str  # "excel" | "csv"
    sheets: list[Sheet]
    encoding: str | None = None  # CSV only
    delimiter: str = ","
    newline: str = "\r\n"
    package: Package = field(default_factory=Package)  # what an Excel package carries besides cell values


@dataclass
class PublishedSheet:
    source: Sheet
    grid: pd.DataFrame  # published cell texts; its column labels are the input column numbers it keeps


def column_letter(index: int) -> str:
    """Excel's letters for a 0-based column number.

    >>> column_letter(0), column_letter(25), column_letter(27)
    ('A', 'Z', 'AB')
    """
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def column_number(reference: str) -> int:
    """The 0-based column number of a cell reference or column letters.

    >>> column_number('A'), column_number('AB12')
    (0, 27)
    """
    number = 0
    for letter in reference:
        if not letter.isalpha():
            break
        number = number * 26 + ord(letter.upper()) - 64
    return number - 1
