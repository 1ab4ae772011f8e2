"""CSV and TXT rosters: UTF-8 (with or without BOM) and GBK/GB18030 detected from the bytes, never guessed
by the user; the delimiter sniffed; ragged rows padded. The published copy keeps the encoding (plain UTF-8
becomes UTF-8 with BOM so that Excel opens it) and the delimiter.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import pandas as pd

from deid.errors import InputError
from deid.io.sheets import Sheet, Workbook

DELIMITERS = ",\t;|"


def detect_encoding(data: bytes) -> str:
    """The encoding that decodes ``data`` without error: UTF-8 first, then GB18030 (a superset of GBK).

    >>> detect_encoding(codecs.BOM_UTF8 + '姓名'.encode()), detect_encoding('姓名'.encode('gbk'))
    ('utf-8-sig', 'gb18030')
    """
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    for encoding in ("utf-8", "gb18030"):
        try:
            data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ValueError("no supported encoding")


def _delimiter(text: str) -> str:
    head = text[:8192]
    try:
        return csv.Sniffer().sniff(head, delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: head.count(d) for d in DELIMITERS}
        return max(counts, key=counts.get) if any(counts.values()) else ","


def read_csv(path: Path) -> Workbook:
    data = path.read_bytes()
    try:
        encoding = detect_encoding(data)
    except ValueError:
        raise InputError(path, "the text is neither UTF-8 nor GBK; save it from Excel as 'CSV UTF-8'") from None
    text = data.decode(encoding)
    if not text.strip():
        raise InputError(path, "the file has no text; export the roster again")
    delimiter = _delimiter(text)
    try:
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as error:
        raise InputError(path, f"the CSV is malformed ({error}); open it in Excel and save it again") from None
    width = max(len(row) for row in rows)
    grid = pd.DataFrame([row + [""] * (width - len(row)) for row in rows], dtype=object)
    newline = "\r\n" if "\r\n" in text[:65536] else "\n"
    return Workbook(path, "csv", [Sheet(None, grid)], encoding=encoding, delimiter=delimiter, newline=newline)


def write_csv(workbook: Workbook, grid: pd.DataFrame, target: Path) -> None:
    """Write ``grid`` as ``workbook``'s format: same encoding (UTF-8 gets a BOM), delimiter and newlines."""
    encoding = "utf-8-sig" if workbook.encoding in (None, "utf-8") else workbook.encoding
    with open(target, "w", encoding=encoding, newline="") as handle:
        writer = csv.writer(handle, delimiter=workbook.delimiter, lineterminator=workbook.newline)
        writer.writerows(grid.itertuples(index=False, name=None))
