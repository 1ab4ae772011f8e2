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
from deid.io import cfb

HEAD_BYTES = 64 * 1024
OLE_MAGIC = cfb.MAGIC
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
    if encoding == "utf-8-sig" and not _decodes(head, encoding):
        raise ValueError("the text is neither UTF-8 nor GBK; save it from Excel as 'CSV UTF-8'")
    return "text"


def _decodes(head: bytes, encoding: str) -> bool:
    """Whether ``head`` decodes, a character cut at its end aside."""
    try:
        codecs.getincrementaldecoder(encoding)().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return True


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
        return set(ENCRYPTED_STREAMS) <= cfb.directory_names(path)
    except (OSError, ValueError, struct.error):
        return False
