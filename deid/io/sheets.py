"""What a reader hands on: a workbook of sheets, each a grid of cell texts; Excel cell references."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

import numpy as np
import pandas as pd

from deid.io.package import Package


class DeferredBlock(Protocol):
    """Rows not parsed yet (raw CSV lines): parsed by whoever transforms them, a worker process in parallel runs."""

    def frame(self) -> pd.DataFrame: ...


Block = pd.DataFrame | DeferredBlock


def block_frame(block: Block) -> pd.DataFrame:
    """The rows of ``block`` as a frame, parsing them if need be."""
    return block if isinstance(block, pd.DataFrame) else block.frame()


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
    rest: Callable[[], Iterator[Block]] | None = None  # the rows after ``grid``, block by block (large CSV)

    def blocks(self) -> Iterator[Block]:
        """The sheet's rows block by block, later blocks possibly unparsed: ``grid`` first, then whatever the
        reader streams after it."""
        yield self.grid
        if self.rest is not None:
            yield from self.rest()

    def chunks(self) -> Iterator[pd.DataFrame]:
        """The sheet's rows block by block, parsed."""
        return map(block_frame, self.blocks())


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


def is_filled(values: pd.Series) -> pd.Series:
    """Which cells hold more than whitespace.

    >>> is_filled(pd.Series(['张三', '', ' \u3000', ' 1 '])).tolist()
    [True, False, False, True]
    >>> is_filled(pd.Series([None, '', 'x'], dtype=object)).tolist()
    [False, False, True]
    """
    # Two loops in C over the texts: pandas' .str.strip() != "" takes several times as long, on every column
    # of every block. A column holding anything but text (None) takes the plain loop.
    cells = values.to_numpy(dtype=object)
    try:
        filled = cells.astype(bool) & ~np.fromiter(map(str.isspace, cells), dtype=bool, count=len(cells))
    except TypeError:
        filled = [bool(v) and not v.isspace() for v in cells.tolist()]
    return pd.Series(filled, index=values.index, dtype=bool)


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
