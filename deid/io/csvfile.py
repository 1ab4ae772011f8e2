"""CSV and TXT rosters, streamed block by block so that memory does not grow with the file.

UTF-8 (with or without BOM) and GBK/GB18030 are told apart from the bytes, never guessed by the user; the
delimiter is sniffed; ragged rows are padded. Large files go through pandas' C parser in blocks; a file
whose rows are wider further down than in its first 64 KiB is read again with the csv module, which
measures the widest row first. The published copy keeps the encoding (plain UTF-8 gains a BOM so that
Excel opens it), the delimiter and the line ends.
"""

from __future__ import annotations

import codecs
import csv
import dataclasses
import hashlib
import io
import itertools
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from deid.errors import InputError
from deid.io.sheets import Block, Sheet, Workbook, block_frame
from deid.io.spool import Payload, append_payload

DELIMITERS = ",\t;|"
# Small enough that the last block's transform and check, which no other work overlaps, end soon after the
# others, and that a block's arrays are reused from the allocator rather than mapped anew; 1M rows: 50 blocks.
BLOCK_ROWS = 20_000
SNIFF_BYTES = 1 << 16
_READ_BYTES = 1 << 20
_SPLIT_READ_BYTES = 1 << 23
_CR, _LF = ord("\r"), ord("\n")


class RaggedRows(InputError):
    """A row further down is wider than the sample said; the caller reads the file again with ``robust=True``."""


def detect_encoding(data: bytes) -> str:
    """The encoding that decodes ``data`` without error: UTF-8 first, then GB18030 (a superset of GBK).

    >>> detect_encoding(codecs.BOM_UTF8 + '姓名'.encode()), detect_encoding('姓名'.encode('gbk'))
    ('utf-8-sig', 'gb18030')
    """
    return _detect(io.BytesIO(data))


_WIDER_ROW = "a row is wider than the header; reading it again row by row"


def _detect(handle) -> str:
    # A BOM says UTF-8, but the whole file must still decode: a bad byte far down is refused now, not midway.
    candidates = ("utf-8-sig",) if handle.read(3) == codecs.BOM_UTF8 else ("utf-8", "gb18030")
    for encoding in candidates:
        handle.seek(0)
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            for block in iter(lambda: handle.read(_READ_BYTES), b""):
                decoder.decode(block)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            continue
        return encoding
    raise ValueError("no supported encoding")


def _delimiter(text: str) -> str:
    try:
        return csv.Sniffer().sniff(text[:8192], delimiters=DELIMITERS).delimiter
    except csv.Error:
        counts = {d: text[:8192].count(d) for d in DELIMITERS}
        return max(counts, key=counts.get) if any(counts.values()) else ","


def _sample(path: Path, encoding: str) -> str:
    """The first 64 KiB as text, cut at the last complete line."""
    with open(path, "rb") as handle:
        data = handle.read(SNIFF_BYTES)
    text = data.decode(encoding, errors="ignore")
    return text if len(data) < SNIFF_BYTES else text[: text.rfind("\n") + 1] or text


def read_csv(path: Path, robust: bool = False) -> Workbook:
    """Open a CSV roster: its first block is read now, the rest streams through ``Sheet.chunks()``."""
    with open(path, "rb") as handle:
        try:
            encoding = _detect(handle)
        except ValueError:
            raise InputError(path, "the text is neither UTF-8 nor GBK; save it from Excel as 'CSV UTF-8'") from None
    sample = _sample(path, encoding)
    if not sample.strip():
        raise InputError(path, "the file has no text; export the roster again")
    shape = _shape(path, encoding, sample)
    newline = "\r\n" if "\r\n" in sample else "\n"
    if robust:
        blocks = _Blocks(path, lambda: _csv_blocks(path, encoding, shape.delimiter))
    elif _splits_at_newlines(path):
        blocks = _Blocks(path, lambda: _raw_blocks(path, shape))
    else:
        blocks = _Blocks(path, lambda: _pandas_blocks(path, shape))
    sheet = Sheet(None, blocks.first, rest=blocks.rest)
    return Workbook(path, "csv", [sheet], encoding=encoding, delimiter=shape.delimiter, newline=newline)


def _shape(path: Path, encoding: str, sample: str) -> RawCsvBlock:
    delimiter = _delimiter(sample)
    return RawCsvBlock(path, encoding, delimiter, _width(sample, delimiter), b"", 0)


def lines_shape(path: Path, encoding: str) -> RawCsvBlock | None:
    """How :func:`read_csv` parses the lines of ``path`` (a file ``encoding`` decodes): the delimiter and width
    that it finds in the first 64 KiB, read now; None if those hold no text (the reader refuses the file)."""
    sample = _sample(path, encoding)
    return _shape(path, encoding, sample) if sample.strip() else None


def written_encoding(head: bytes) -> str | None:
    """The encoding :func:`read_csv` finds in a file that ``head`` (whole lines) begins, if ``head`` decides it
    and the rest decodes in it: a BOM says UTF-8, bytes that are no UTF-8 say GB18030. Otherwise (text
    that is UTF-8 so far) only the whole file can tell: None.

    >>> written_encoding(codecs.BOM_UTF8 + b'a'), written_encoding('姓名'.encode('gbk')), written_encoding(b'a')
    ('utf-8-sig', 'gb18030', None)
    """
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "gb18030"
    return None


class _Blocks:
    """A file's blocks: the first read now, the rest on demand; a second pass reads the file again."""

    def __init__(self, path: Path, make: Callable[[], Iterator[pd.DataFrame]]) -> None:
        self._path, self._make = path, make
        self._live: Iterator[Block] | None = make()
        first = self._next(self._live)
        if first is None:
            raise InputError(path, "the file has no rows; export the roster again")
        self.first = block_frame(first)

    def _next(self, blocks: Iterator[Block]) -> Block | None:
        try:
            return next(blocks, None)
        except csv.Error as error:
            raise InputError(
                self._path, f"the CSV is malformed ({error}); open it in Excel and save it again"
            ) from None
        except UnicodeDecodeError:
            raise InputError(
                self._path, "the text is neither UTF-8 nor GBK; save it from Excel as 'CSV UTF-8'"
            ) from None

    def rest(self) -> Iterator[Block]:
        live, self._live = self._live, None
        blocks = live if live is not None else itertools.islice(self._make(), 1, None)
        while (block := self._next(blocks)) is not None:
            yield block


def _width(sample: str, delimiter: str) -> int:
    lines = list(csv.reader(io.StringIO(sample, newline=""), delimiter=delimiter))
    return max((len(row) for row in lines), default=1)


def _pandas_blocks(path: Path, shape: RawCsvBlock) -> Iterator[pd.DataFrame]:
    reader = pd.read_csv(
        path,
        header=None,
        names=range(shape.width),
        dtype=object,  # not str: pandas' string dtype costs a conversion back to the objects transforms use
        na_filter=False,
        encoding=shape.encoding,
        sep=shape.delimiter,
        chunksize=BLOCK_ROWS,
        skip_blank_lines=False,
        engine="c",
    )
    try:
        yield from reader  # na_filter=False: short rows and empty cells are "" already
    except pd.errors.ParserError:
        raise RaggedRows(path, _WIDER_ROW) from None


def _splits_at_newlines(path: Path) -> bool:
    """Whether every line of the file is one row: no quotes (a quoted field may hold a line break) and no
    bare carriage return (pandas ends a row there). Neither byte occurs inside a UTF-8 or GB18030 character."""
    with open(path, "rb") as handle:
        open_return = False  # the last read ended with a carriage return: the next must start with its line feed
        for data in iter(lambda: handle.read(_SPLIT_READ_BYTES), b""):
            if (open_return and not data.startswith(b"\n")) or b'"' in data:
                return False
            codes = np.frombuffer(data, dtype=np.uint8)
            returns = np.flatnonzero(codes[:-1] == _CR)
            if not (codes[returns + 1] == _LF).all():
                return False
            open_return = data.endswith(b"\r")
        return not open_return


@dataclass(frozen=True)
class RawCsvBlock:
    """Lines of a CSV that splits at newlines, as bytes: parsing them is left to the process that transforms
    them, so that a parallel run does not parse and ship every row through one process."""

    path: Path
    encoding: str
    delimiter: str
    width: int
    data: bytes
    start: int  # sheet row (0-based) of the first line

    def frame(self) -> pd.DataFrame:
        # Lines that do not open with U+FEFF (see ``opens_with_bom``) parse the same in UTF-8 as in UTF-8-SIG, and a
        # quarter faster: pandas decodes UTF-8 itself. Only a file's first lines open with its BOM.
        plain = self.encoding == "utf-8-sig" and not self.opens_with_bom()
        try:
            frame = pd.read_csv(
                io.BytesIO(self.data),
                header=None,
                names=range(self.width),
                dtype=object,
                na_filter=False,
                encoding="utf-8" if plain else self.encoding,
                sep=self.delimiter,
                skip_blank_lines=False,
                engine="c",
            )
        except pd.errors.ParserError:
            raise RaggedRows(self.path, _WIDER_ROW) from None
        if not isinstance(frame.index, pd.RangeIndex):
            # The first line was wider than the rest of the file's: pandas took its first cells for the rows' labels
            # rather than refusing the row, and every row of the block would shift a column.
            raise RaggedRows(self.path, _WIDER_ROW)
        frame.index = range(self.start, self.start + len(frame))
        return frame

    def opens_with_bom(self) -> bool:
        """Whether the lines start with U+FEFF, which pandas drops at the start of whatever it parses."""
        plain = "utf-8" if self.encoding == "utf-8-sig" else self.encoding
        return self.data[:4].decode(plain, errors="ignore").startswith("\ufeff")


@dataclass(frozen=True)
class CsvRange:
    """Lines of a CSV between two byte offsets, read from the file only by whoever parses them: the publication
    gate's worker reads back what the writing process appended."""

    lines: RawCsvBlock  # how to parse them (and their first row); the bytes are read from ``lines.path``
    begin: int
    end: int

    def read(self) -> RawCsvBlock:
        """The bytes in the file now (fewer than asked if the file is shorter)."""
        with open(self.lines.path, "rb") as handle:
            data = os.pread(handle.fileno(), self.end - self.begin, self.begin)
        return dataclasses.replace(self.lines, data=data)


def _raw_blocks(path: Path, shape: RawCsvBlock) -> Iterator[RawCsvBlock]:
    """The file's lines, ``BLOCK_ROWS`` to a block."""
    with open(path, "rb") as handle:
        pending, start = b"", 0
        for data in iter(lambda: handle.read(_SPLIT_READ_BYTES), b""):
            pending += data
            ends = np.flatnonzero(np.frombuffer(pending, dtype=np.uint8) == _LF)
            cuts = [int(ends[n]) + 1 for n in range(BLOCK_ROWS - 1, len(ends), BLOCK_ROWS)]
            for begin, end in itertools.pairwise([0, *cuts]):
                yield dataclasses.replace(shape, data=pending[begin:end], start=start)
                start += BLOCK_ROWS
            pending = pending[cuts[-1] :] if cuts else pending
        if pending:
            yield dataclasses.replace(shape, data=pending, start=start)


def _csv_rows(path: Path, encoding: str, delimiter: str) -> Iterator[list[str]]:
    with open(path, encoding=encoding, newline="") as handle:
        yield from csv.reader(handle, delimiter=delimiter)


def _csv_blocks(path: Path, encoding: str, delimiter: str) -> Iterator[pd.DataFrame]:
    """Ragged files: one pass for the widest row, then blocks padded to it."""
    width = max((len(row) for row in _csv_rows(path, encoding, delimiter)), default=1)
    rows = _csv_rows(path, encoding, delimiter)
    start = 0
    while block := list(itertools.islice(rows, BLOCK_ROWS)):
        frame = pd.DataFrame([row + [""] * (width - len(row)) for row in block], dtype=object)
        frame.index = range(start, start + len(block))
        start += len(block)
        yield frame


@dataclass(frozen=True)
class CsvRows:
    """How a published CSV's rows are written; picklable, so that the worker process that transformed a block
    renders it too and the writing process only appends bytes."""

    delimiter: str
    newline: str
    encoding: str  # of the rows: a UTF-8 file's BOM is written once, by the writer

    def render(self, block: pd.DataFrame) -> bytes:
        text = self._joined(block)
        if text is None:
            buffer = io.StringIO(newline="")
            writer = csv.writer(buffer, delimiter=self.delimiter, lineterminator=self.newline)
            writer.writerows(block.itertuples(index=False, name=None))
            text = buffer.getvalue()
        return text.encode(self.encoding)

    def _joined(self, block: pd.DataFrame) -> str | None:
        """The rows as the csv module writes them where no cell needs quotes, joined at once (several times as
        fast): every cell text, none holding a delimiter, quote or line break. None where that does not hold."""
        rows, width = block.shape
        # A row of one empty cell is written as "", and only the sniffed delimiters are known to need no quotes.
        if width < 2 or self.delimiter not in tuple(DELIMITERS) or self.newline not in ("\r\n", "\n"):
            return None
        pieces = np.empty((rows, 2 * width), dtype=object)
        for position, (_, column) in enumerate(block.items()):
            pieces[:, 2 * position] = column.to_numpy(dtype=object)
        pieces[:, 1::2] = self.delimiter
        pieces[:, -1] = self.newline
        try:
            text = "".join(pieces.ravel().tolist())
        except TypeError:  # not only text
            return None
        separators = self.delimiter * (width - 1) + self.newline
        # A cell holding one of these shows as more of it in the text than the delimiters and line ends put there.
        if '"' in text or any(text.count(c) != rows * separators.count(c) for c in {self.delimiter, "\r", "\n"}):
            return None
        return text


class CsvWriter:
    """Writes a published CSV block by block: same encoding (UTF-8 gets a BOM), delimiter and line ends.

    Each block's bytes are read back from the file once appended and hashed, so that ``sha256`` is the digest of
    the file as written without reading it again afterwards."""

    def __init__(self, workbook: Workbook, target: Path) -> None:
        utf8 = workbook.encoding in (None, "utf-8", "utf-8-sig")
        self.rows = CsvRows(workbook.delimiter, workbook.newline, "utf-8" if utf8 else workbook.encoding)
        self._handle = open(target, "w+b")  # noqa: SIM115 - closed in close(); read back for the digest
        self._digest = hashlib.sha256()  # None once a read-back came up short: the caller hashes the file
        self._end = 0  # bytes written and hashed
        self.sha256: str | None = None  # set by close(): the whole file's, when every byte of it was hashed
        if utf8:
            self._handle.write(codecs.BOM_UTF8)

    def start_sheet(self, sheet: Sheet) -> None:
        """A CSV holds one sheet: nothing to start."""

    def write(self, block: pd.DataFrame) -> tuple[int, int]:
        return self.write_rendered(self.rows.render(block))

    def write_rendered(self, rows: Payload) -> tuple[int, int]:
        """Append ``rows``; return the byte range in the file that they (the first also the BOM) now fill."""
        append_payload(self._handle, rows)
        self._handle.flush()
        begin, self._end = self._end, self._handle.tell()
        written = os.pread(self._handle.fileno(), self._end - begin, begin)
        if self._digest is not None and len(written) == self._end - begin:
            self._digest.update(written)
        else:
            self._digest = None
        return begin, self._end

    def close(self) -> None:
        self._handle.flush()
        if self._digest is not None and os.fstat(self._handle.fileno()).st_size == self._end:
            self.sha256 = self._digest.hexdigest()
        self._handle.close()
