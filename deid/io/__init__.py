"""Reading rosters into text grids and writing published copies (temp file, then rename).

Every cell is read as text: an 18-digit ID must never pass through a float. Excel workbooks also keep their
typed values, so cells that are published unchanged keep their number or date type.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path

from deid.errors import InputError
from deid.io.csvfile import read_csv, write_csv
from deid.io.excel import read_excel, write_excel
from deid.io.sheets import PublishedSheet, Sheet, Workbook

__all__ = ["PublishedSheet", "Sheet", "Workbook", "output_name", "read_workbook", "write_atomically", "write_published"]

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
CSV_SUFFIXES = (".csv", ".txt")
SUFFIXES = EXCEL_SUFFIXES + CSV_SUFFIXES


def output_name(path: Path) -> str:
    """The published file's name: same as the input's, Excel formats written as .xlsx.

    >>> output_name(Path('名单.xls')), output_name(Path('a.CSV'))
    ('名单.xlsx', 'a.CSV')
    """
    return path.stem + ".xlsx" if path.suffix.lower() in EXCEL_SUFFIXES else path.name


def read_workbook(path: Path) -> Workbook:
    """Read an Excel workbook or a CSV/TXT file; raise InputError with a one-line reason otherwise."""
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(path, f"not a roster file ({', '.join(SUFFIXES)}); convert it to .xlsx or .csv")
    try:
        if path.stat().st_size == 0:
            raise InputError(path, "the file is empty; export the roster again")
    except OSError as error:
        raise InputError(path, f"cannot open the file ({error.strerror})") from None
    return read_excel(path) if suffix in EXCEL_SUFFIXES else read_csv(path)


def write_published(workbook: Workbook, sheets: list[PublishedSheet], target: Path) -> None:
    """Write the published copy of ``workbook`` to ``target`` atomically, in the input's format."""
    if workbook.kind == "csv":
        write_atomically(target, lambda temporary: write_csv(workbook, sheets[0].grid, temporary))
    else:
        write_atomically(target, lambda temporary: write_excel(sheets, temporary))


@contextmanager
def atomic_output(target: Path):
    """Yield a temporary path beside ``target``; rename it over ``target`` only if the block succeeds.

    An interrupted or failed write never leaves a partial file under the published name.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    descriptor, temporary = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".part", dir=target.parent)
    os.close(descriptor)
    try:
        yield Path(temporary)
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Run ``write(temp_path)`` and rename the result to ``target``."""
    with atomic_output(target) as temporary:
        write(temporary)
