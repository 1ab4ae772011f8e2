"""Reading rosters into text grids and writing published copies (temp file, then rename).

Every cell is read as text: an 18-digit ID must never pass through a float. Excel workbooks also keep their
typed values, so cells that are published unchanged keep their number or date type.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import pandas as pd

from deid.errors import InputError
from deid.io.csvfile import CsvWriter, RaggedRows, read_csv
from deid.io.excel import read_excel, write_excel
from deid.io.sheets import PublishedSheet, Sheet, Workbook
from deid.io.sniff import EXCEL_FORMATS, sniff
from deid.io.webexport import read_html, read_spreadsheetml

T = TypeVar("T")

__all__ = [
    "SUFFIXES", "PublishedSheet", "RaggedRows", "Sheet", "Workbook", "atomic_output", "open_writer", "output_name",
    "read_workbook", "sha256_file", "use_workbook", "write_atomically",
]  # fmt: skip

EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
CSV_SUFFIXES = (".csv", ".txt")
SUFFIXES = EXCEL_SUFFIXES + CSV_SUFFIXES


def output_name(path: Path) -> str:
    """The published file's name: the input's, with the suffix of the format written.

    Whatever Excel opens as a workbook (xlsx, xls, an HTML or XML "xls" export) is written as .xlsx; text is
    written as text, keeping a .csv/.txt name. The content decides, not the extension: a CSV saved as
    ``a.xlsx`` is published as ``a.csv``, an .xlsx renamed ``a.csv`` as ``a.xlsx``. A file that cannot be
    read keeps the name its extension implies (it fails later with its reason).

    >>> output_name(Path('名单.xls')), output_name(Path('a.CSV'))
    ('名单.xlsx', 'a.CSV')
    """
    try:
        excel = sniff(path) in EXCEL_FORMATS
    except InputError:
        excel = path.suffix.lower() in EXCEL_SUFFIXES
    if excel:
        return path.stem + ".xlsx"
    return path.name if path.suffix.lower() in CSV_SUFFIXES else path.stem + ".csv"


def read_workbook(path: Path, robust: bool = False) -> Workbook:
    """Read a roster by its content (see deid.io.sniff); raise InputError with a one-line reason otherwise.

    A large CSV streams; if it turns out ragged further down, :class:`RaggedRows` is raised while its
    blocks are read, and the caller starts again with ``robust=True``.
    """
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        raise InputError(path, f"not a roster file ({', '.join(SUFFIXES)}); convert it to .xlsx or .csv")
    found = sniff(path)
    if found in ("xlsx", "xls"):
        return read_excel(path)
    if found in ("html", "spreadsheetml"):
        try:
            data = path.read_bytes()
        except OSError as error:
            raise InputError(path, f"cannot open the file ({error.strerror})") from None
        return read_html(path, data) if found == "html" else read_spreadsheetml(path, data)
    return read_csv(path, robust)


class ExcelWriter:
    """Collects the published sheets of a workbook and writes them as one fresh .xlsx when closed."""

    rows = None  # an xlsx is written whole, not rendered block by block
    sha256 = None  # nor hashed while written

    def __init__(self, target: Path) -> None:
        self._target = target
        self._sheets: list[tuple[Sheet, list[pd.DataFrame]]] = []

    def start_sheet(self, sheet: Sheet) -> None:
        self._sheets.append((sheet, []))

    def write(self, block: pd.DataFrame) -> None:
        self._sheets[-1][1].append(block)

    def close(self) -> None:
        published = [
            PublishedSheet(sheet, pd.concat(blocks) if len(blocks) > 1 else blocks[0]) for sheet, blocks in self._sheets
        ]
        write_excel(published, self._target)


def open_writer(workbook: Workbook, target: Path) -> ExcelWriter | CsvWriter:
    """The writer of ``workbook``'s published copy at ``target`` (a temporary path), in the input's format."""
    return CsvWriter(workbook, target) if workbook.kind == "csv" else ExcelWriter(target)


def use_workbook(path: Path, use: Callable[[Workbook], T]) -> T:
    """``use(read_workbook(path))``, reading a CSV again row by row if it proves ragged while streaming."""
    try:
        return use(read_workbook(path))
    except RaggedRows:
        return use(read_workbook(path, robust=True))


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
        # mkstemp makes the file private (0600); a published copy gets the permissions any new file would.
        os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, target)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def sha256_file(path: Path) -> str:
    """The file's SHA-256, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_atomically(target: Path, write: Callable[[Path], None]) -> None:
    """Run ``write(temp_path)`` and rename the result to ``target``."""
    with atomic_output(target) as temporary:
        write(temporary)
