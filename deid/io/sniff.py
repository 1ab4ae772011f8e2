"""What a file really is, from its first bytes: clerks' files often carry the wrong extension.

Web systems export HTML tables and XML spreadsheets named ``.xls``, a CSV gets saved as ``.xlsx``, an
``.xlsx`` gets renamed ``.csv``. The reader follows the content; the extension only decides which files
in a folder are rosters at all.

>>> sniff_bytes(b'PK\\x03\\x04...'), sniff_bytes('\\ufeff <table><tr><td>1'.encode()), sniff_bytes('姓名,金额'.encode('gbk'))
('xlsx', 'html', 'text')
>>> sniff_bytes(b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">')
'spreadsheetml'
>>> sniff_bytes(b'%PDF-1.7 ...')
Traceback (most recent call last):
ValueError: the file is a PDF document, not a table; export the roster as .xlsx or .csv
"""

from __future__ import annotations

import codecs
import re
import struct
from pathlib import Path

from deid.errors import InputError

HEAD_BYTES = 64 * 1024
OLE_MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
# An encrypted .xlsx is an OLE container holding these two streams instead of the ZIP package (MS-OFFCRYPTO).
ENCRYPTED_STREAMS = ("EncryptionInfo", "EncryptedPackage")
ENCRYPTED = (
    "the workbook is encrypted (password-protected); open it in Excel, remove the password "
    "(文件→信息→保护工作簿), save, and run again"
)
EXCEL_FORMATS = frozenset({"xlsx", "xls", "html", "spreadsheetml"})
SPREADSHEET_NAMESPACE = "urn:schemas-microsoft-com:office:spreadsheet"
_BINARY_MAGIC = {
    b"%PDF": "a PDF document",
    b"\x89PNG": "an image",
    b"\xff\xd8\xff": "an image",
    b"GIF8": "an image",
    b"\x1f\x8b": "a gzip archive",
    b"7z\xbc\xaf\x27\x1c": "a 7z archive",
    b"Rar!": "a RAR archive",
    b"{\\rtf": "an RTF document",
}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))
_WORKBOOK_ROOT = re.compile(r"<(?:[\w.-]+:)?Workbook[\s>]")
_HTML_START = re.compile(r"<(?:!doctype\s+html|html|head|body|meta|table|style|title)[\s>/]", re.IGNORECASE)
# FAT values at or above this are markers (free, end of chain, FAT sector), not sector numbers.
_MAX_SECTOR = 0xFFFFFFFA
_DIRECTORY_ENTRY = 128
_DIRECTORY_SECTORS = 4096  # a roster's container has a handful; more means a loop or garbage


def sniff(path: Path) -> str:
    """The format of ``path`` by content: xlsx, xls, html, spreadsheetml or text; InputError when unusable."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(HEAD_BYTES)
    except OSError as error:
        raise InputError(path, f"cannot open the file ({error.strerror})") from None
    if not head:
        raise InputError(path, "the file is empty; export the roster again")
    try:
        found = sniff_bytes(head)
    except ValueError as error:
        raise InputError(path, str(error)) from None
    if found == "xls" and is_encrypted_package(path, head):
        raise InputError(path, ENCRYPTED)
    return found


def sniff_bytes(head: bytes) -> str:
    """The format the first bytes of a file show; ValueError (a one-line reason) for what is no roster."""
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return "xlsx"
    if head.startswith(OLE_MAGIC):
        return "xls"
    for magic, what in _BINARY_MAGIC.items():
        if head.startswith(magic):
            raise ValueError(f"the file is {what}, not a table; export the roster as .xlsx or .csv")
    encoding = text_encoding(head)
    text = head.decode(encoding or "utf-8", errors="replace").lstrip("\ufeff \t\r\n")
    if text.startswith("<"):
        markup = _markup(text)
        if markup:
            return markup
    if encoding and encoding.startswith("utf-16"):
        raise ValueError("the file is UTF-16 text ('Unicode text'); save it from Excel as 'CSV UTF-8' and run again")
    if b"\x00" in head:
        raise ValueError("the file is binary, not a table; export the roster as .xlsx or .csv")
    return "text"


def text_encoding(head: bytes) -> str | None:
    """The encoding a byte-order mark names, or UTF-16 for BOM-less text with NULs on one side only.

    Digits, commas and line ends are ASCII: in UTF-16 each carries a NUL byte, always in the same half.

    >>> text_encoding('姓名'.encode('utf-16')), text_encoding('张三,500'.encode('utf-16-be')), text_encoding(b'a,b')
    ('utf-16', 'utf-16-be', None)
    """
    for bom, encoding in _BOMS:
        if head.startswith(bom):
            return encoding
    sample = head[:4096]
    half = len(sample) // 2
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if half >= 2 and odd >= 0.2 * half and even <= 0.02 * half:
        return "utf-16-le" if _is_text(sample, "utf-16-le") else None
    if half >= 2 and even >= 0.2 * half and odd <= 0.02 * half:
        return "utf-16-be" if _is_text(sample, "utf-16-be") else None
    return None


def _is_text(sample: bytes, encoding: str) -> bool:
    text = sample[: len(sample) // 2 * 2].decode(encoding, errors="replace")
    return sum(c.isprintable() or c in "\t\r\n" for c in text) >= 0.95 * len(text)


def _markup(text: str) -> str | None:
    if _WORKBOOK_ROOT.search(text) and SPREADSHEET_NAMESPACE in text:
        return "spreadsheetml"
    if _HTML_START.search(text):
        return "html"
    return None


def is_encrypted_package(path: Path, head: bytes) -> bool:
    """Whether an OLE file is an encrypted Office package: its directory names both encryption streams.

    Small containers have their directory in the first bytes; in large ones it may sit at the end, so the
    directory is also read the way the Compound File format lays it out.
    """
    if all(name.encode("utf-16-le") in head for name in ENCRYPTED_STREAMS):
        return True
    try:
        return set(ENCRYPTED_STREAMS) <= compound_file_names(path)
    except (OSError, ValueError, struct.error):
        return False


def compound_file_names(path: Path) -> set[str]:
    """The names of the storages and streams in a Compound File Binary's directory (MS-CFB)."""
    with open(path, "rb") as handle:
        header = handle.read(512)
        if len(header) < 512 or not header.startswith(OLE_MAGIC):
            raise ValueError("not a compound file")
        shift = struct.unpack_from("<H", header, 0x1E)[0]
        if shift not in (9, 12):
            raise ValueError("unknown sector size")
        size = 1 << shift
        fat_sectors = struct.unpack_from("<109I", header, 0x4C)
        sector, seen, names = struct.unpack_from("<I", header, 0x30)[0], set(), set()
        while sector <= _MAX_SECTOR and sector not in seen and len(seen) < _DIRECTORY_SECTORS:
            seen.add(sector)
            handle.seek((sector + 1) * size)
            data = handle.read(size)
            if len(data) < size:
                break
            names |= _directory_names(data)
            sector = _next_sector(handle, fat_sectors, size, sector)
    return names


def _directory_names(data: bytes) -> set[str]:
    names = set()
    for offset in range(0, len(data), _DIRECTORY_ENTRY):
        length = struct.unpack_from("<H", data, offset + 64)[0]  # in bytes, with the terminating NUL
        if 2 <= length <= 64 and length % 2 == 0:
            names.add(data[offset : offset + length - 2].decode("utf-16-le", errors="replace"))
    return names


def _next_sector(handle, fat_sectors: tuple[int, ...], size: int, sector: int) -> int:
    per_sector = size // 4
    index, position = divmod(sector, per_sector)
    if index >= len(fat_sectors) or fat_sectors[index] > _MAX_SECTOR:
        return _MAX_SECTOR + 1  # beyond the header's FAT list: the names read so far are all there is
    handle.seek((fat_sectors[index] + 1) * size + position * 4)
    entry = handle.read(4)
    return struct.unpack("<I", entry)[0] if len(entry) == 4 else _MAX_SECTOR + 1
