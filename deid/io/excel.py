"""Excel workbooks: read with python-calamine (fast, .xlsx/.xlsm/.xls), written fresh with xlsxwriter.

The published workbook holds values only: no formulas, comments, document properties, defined names or
hidden sheets from the input can reach it, because nothing is copied but cell values, merged ranges and
column widths.
"""

from __future__ import annotations

import datetime
import decimal
import struct
import zipfile
from pathlib import Path

import pandas as pd
import python_calamine
import xlsxwriter

from deid.errors import InputError
from deid.io import cfb
from deid.io.isolate import ReaderFailed, call_isolated
from deid.io.package import read_package
from deid.io.sheets import PublishedSheet, Sheet, Workbook
from deid.io.sniff import ENCRYPTED

UNREADABLE = "not a readable Excel workbook (corrupt or another format); open it in Excel and save it as .xlsx"
TRUNCATED = "not a readable Excel workbook: it is truncated (its ZIP directory is missing); copy or export it again"
OUT_OF_MEMORY = (
    "the reader ran out of memory or crashed (a corrupt file, or a cell far beyond the table such as XFD1048576); "
    "open it in Excel, delete the empty rows and columns after the table, save, and run again"
)
# Fixed document dates keep repeated runs byte-identical and say nothing about who made the file when.
FIXED_CREATED = datetime.datetime(2000, 1, 1)
_EXACT_FLOAT_LIMIT = 1e15  # beyond this Excel has kept only 15 significant digits


def cell_text(value: object) -> str:
    """The text a clerk sees in a cell, without ever passing an ID through float formatting.

    >>> cell_text(3.0), cell_text(1234.5), cell_text(4.10102199001011e17), cell_text(datetime.date(2024, 1, 5))
    ('3', '1234.5', '410102199001011000', '2024-01-05')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) >= _EXACT_FLOAT_LIMIT:
            return str(int(decimal.Decimal(format(value, ".15g"))))
        return str(int(value)) if value.is_integer() else format(value, ".15g")
    if isinstance(value, datetime.datetime):
        return value.strftime("%Y-%m-%d" if value.time() == datetime.time() else "%Y-%m-%d %H:%M:%S")
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    return str(value)


def read_excel(path: Path) -> Workbook:
    """An .xlsx/.xlsm/.xls workbook, whatever its file name says (calamine reads the format from the bytes).

    calamine runs in a child process (deid.io.isolate): a workbook that makes it abort or exhaust memory is
    refused alone. An .xls container is checked first, so that a corrupt one is refused at once.
    """
    _check_container(path)
    try:
        sheets = call_isolated(_read_sheets, path)
    except ReaderFailed:
        raise InputError(path, OUT_OF_MEMORY) from None
    if isinstance(sheets, str):
        raise InputError(path, sheets)
    try:
        package = read_package(path)
    except Exception:  # zipfile and ElementTree raise many types for broken packages; all mean the same here
        raise InputError(path, _unreadable_reason(path)) from None
    for sheet in sheets:
        if sheet.name in package.sheets:
            sheet.widths = package.sheets[sheet.name].widths
            sheet.hidden_columns = package.sheets[sheet.name].hidden_columns
    return Workbook(path, "excel", sheets, package=package)


def _check_container(path: Path) -> None:
    try:
        with open(path, "rb") as handle:
            if handle.read(len(cfb.MAGIC)) != cfb.MAGIC:
                return
        cfb.check(path)
    except (OSError, ValueError, struct.error):
        raise InputError(path, UNREADABLE) from None


def _read_sheets(path: Path) -> list[Sheet] | str:
    """The workbook's sheets, or the one-line reason it cannot be read (runs in the child)."""
    try:
        with open(path, "rb") as handle:
            book = python_calamine.CalamineWorkbook.from_filelike(handle)
            return [s for s in (_read_sheet(book, meta) for meta in book.sheets_metadata) if s is not None]
    except python_calamine.PasswordError:
        return ENCRYPTED
    except MemoryError:
        return OUT_OF_MEMORY
    except BaseException as error:
        if not _is_reader_fault(error):
            raise
        return _unreadable_reason(path)


def _is_reader_fault(error: BaseException) -> bool:
    """calamine raises many types for broken files, and its Rust code can panic (``PanicException`` derives
    from BaseException): all mean the file cannot be read."""
    return isinstance(error, Exception) or type(error).__name__ == "PanicException"


def _unreadable_reason(path: Path) -> str:
    try:
        with open(path, "rb") as handle:
            truncated = handle.read(4) == b"PK\x03\x04" and not zipfile.is_zipfile(path)
    except OSError:
        truncated = False
    return TRUNCATED if truncated else UNREADABLE


def _read_sheet(book: python_calamine.CalamineWorkbook, meta: python_calamine.SheetMetadata) -> Sheet | None:
    if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
        return None  # chart sheets hold no cells
    sheet = book.get_sheet_by_name(meta.name)
    rows = sheet.to_python(skip_empty_area=False)
    width = max((len(row) for row in rows), default=0)
    native = [list(row) + [None] * (width - len(row)) for row in rows]
    grid = pd.DataFrame([[cell_text(v) for v in row] for row in native], dtype=object)
    if grid.empty:
        grid = pd.DataFrame(dtype=object)
    merged = [(r1, c1, r2, c2) for (r1, c1), (r2, c2) in (sheet.merged_cell_ranges or [])]
    hidden = meta.visible != python_calamine.SheetVisibleEnum.Visible
    return Sheet(meta.name, grid, native=native, merged=merged, hidden=hidden, rounded=_rounded_numbers(native))


def _rounded_numbers(native: list[list[object]]) -> dict[int, int]:
    """Per column, how many cells hold a number too long for Excel to store exactly (an ID typed as a number)."""
    counts: dict[int, int] = {}
    for row in native:
        for c, value in enumerate(row):
            if isinstance(value, float) and abs(value) >= _EXACT_FLOAT_LIMIT:
                counts[c] = counts.get(c, 0) + 1
    return counts


def write_excel(sheets: list[PublishedSheet], target: Path) -> None:
    """Write the published sheets as a fresh .xlsx at ``target``."""
    options = {"strings_to_numbers": False, "strings_to_formulas": False, "strings_to_urls": False}
    book = xlsxwriter.Workbook(str(target), options)
    book.set_properties({"created": FIXED_CREATED})
    date_format = book.add_format({"num_format": "yyyy-mm-dd"})
    for published in sheets:
        _write_sheet(book.add_worksheet(published.source.name), published, date_format)
    if not sheets:
        book.add_worksheet()
    book.close()


def _write_sheet(worksheet, published: PublishedSheet, date_format) -> None:
    source, grid = published.source, published.grid
    kept = list(grid.columns)
    for r, row in enumerate(grid.itertuples(index=False, name=None)):
        for c, text in enumerate(row):
            if text == "":
                continue
            original = source.native[r][kept[c]] if source.native else None
            if original is not None and text == source.grid.iat[r, kept[c]]:
                _write_native(worksheet, r, c, original, date_format)
            else:
                worksheet.write_string(r, c, str(text))
    for first_row, first_col, last_row, last_col in _remap_merged(source.merged, kept):
        if (first_row, first_col) != (last_row, last_col):
            worksheet.merge_range(first_row, first_col, last_row, last_col, grid.iat[first_row, first_col])
    for c, column in enumerate(kept):
        if column in source.widths:
            worksheet.set_column(c, c, _character_width(source.widths[column]))


def _character_width(stored: float) -> float:
    """The width to give xlsxwriter so that it stores ``stored`` again: it adds the default font's padding.

    >>> round(_character_width(14.7109375), 2)
    14.0
    """
    return max(0.0, stored - 5 / 7) if stored > 1 + 5 / 7 else stored / (1 + 5 / 7)


def _write_native(worksheet, r: int, c: int, value: object, date_format) -> None:
    if isinstance(value, bool):
        worksheet.write_boolean(r, c, value)
    elif isinstance(value, int | float):
        worksheet.write_number(r, c, value)
    elif isinstance(value, datetime.date | datetime.datetime):
        worksheet.write_datetime(r, c, value, date_format)
    else:
        worksheet.write_string(r, c, str(value) if not isinstance(value, str) else value)


def _remap_merged(merged: list[tuple[int, int, int, int]], kept: list[int]) -> list[tuple[int, int, int, int]]:
    """Merged ranges in output column numbers; a range losing all its columns disappears.

    >>> _remap_merged([(0, 0, 0, 8)], [0, 1, 2, 5, 6])
    [(0, 0, 0, 4)]
    """
    remapped = []
    for first_row, first_col, last_row, last_col in merged:
        inside = [i for i, column in enumerate(kept) if first_col <= column <= last_col]
        if inside:
            remapped.append((first_row, inside[0], last_row, inside[-1]))
    return remapped
