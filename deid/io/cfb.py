"""The Compound File Binary container (MS-CFB) that holds .xls workbooks and encrypted .xlsx packages.

deid reads only its directory and checks its structure before calamine reads the workbook: calamine follows
sector chains without looking for loops and reserves memory for whatever length a corrupt header claims,
so one damaged .xls could otherwise take all memory. A container that fails a check is refused.

>>> check_container(b'')
Traceback (most recent call last):
ValueError: not a compound file
"""

from __future__ import annotations

import struct
from dataclasses import dataclass
from pathlib import Path

MAGIC = bytes.fromhex("d0cf11e0a1b11ae1")
HEADER_BYTES = 512
ENTRY_BYTES = 128
MINI_SECTOR = 64
MINI_STREAM_CUTOFF = 4096
MAX_SECTOR = 0xFFFFFFFA  # above: markers
END_OF_CHAIN = 0xFFFFFFFE
FREE = 0xFFFFFFFF
_HEADER_FAT_SECTORS = 109


@dataclass(frozen=True)
class Entry:
    name: str
    kind: int  # 1 storage, 2 stream, 5 root
    start: int
    size: int


def directory_names(path: Path) -> set[str]:
    """The names of the storages and streams in the container's directory (no other check)."""
    return {entry.name for entry in _Container(path.read_bytes()).entries(strict=False)}


def check(path: Path) -> None:
    """Raise ValueError (a short reason) unless every chain a reader follows is finite and inside the file."""
    check_container(path.read_bytes())


def check_container(data: bytes) -> None:
    container = _Container(data)
    entries = container.entries(strict=True)
    if not entries or entries[0].kind != 5:
        raise ValueError("no root entry")
    root = entries[0]
    mini_sectors = -(-root.size // MINI_SECTOR)
    if root.size > len(data):
        raise ValueError("the mini stream is larger than the file")
    if root.size:
        container.chain(root.start, container.fat, container.sectors)
    mini_fat = container.mini_fat()
    for entry in entries[1:]:
        if entry.kind != 2 or entry.size == 0:
            continue
        if entry.size > len(data):
            raise ValueError("a stream is larger than the file")
        if entry.size < MINI_STREAM_CUTOFF:
            container.chain(entry.start, mini_fat, mini_sectors)
        else:
            container.chain(entry.start, container.fat, container.sectors)


class _Container:
    def __init__(self, data: bytes) -> None:
        if len(data) < HEADER_BYTES or not data.startswith(MAGIC):
            raise ValueError("not a compound file")
        self.data = data
        shift, mini_shift = struct.unpack_from("<HH", data, 0x1E)
        if shift not in (9, 12) or mini_shift != 6:
            raise ValueError("unknown sector size")
        self.size = 1 << shift
        self.sectors = max(0, -(-(len(data) - self.size) // self.size))
        (self.directory_count, fat_count, self.directory_start, _, _, self.mini_fat_start, mini_fat_count,
         self.difat_start, difat_count) = struct.unpack_from("<9I", data, 0x28)  # fmt: skip
        if max(self.directory_count, fat_count, mini_fat_count, difat_count) > self.sectors:
            raise ValueError("the header counts more sectors than the file holds")
        self.fat = self._fat(fat_count, difat_count)

    def sector(self, number: int) -> bytes:
        if number >= self.sectors:
            raise ValueError("a sector number points beyond the end of the file")
        offset = (number + 1) * self.size
        return self.data[offset : offset + self.size].ljust(self.size, b"\0")

    def _fat(self, fat_count: int, difat_count: int) -> list[int]:
        numbers = list(struct.unpack_from(f"<{_HEADER_FAT_SECTORS}I", self.data, 0x4C))
        difat, seen = self.difat_start, set()
        while difat not in (END_OF_CHAIN, FREE):
            if difat in seen or len(seen) > difat_count:
                raise ValueError("the DIFAT chain loops")
            seen.add(difat)
            *more, difat = struct.unpack(f"<{self.size // 4}I", self.sector(difat))
            numbers += more
        fat: list[int] = []
        for number in numbers:
            if number != FREE:
                fat += struct.unpack(f"<{self.size // 4}I", self.sector(number))
        return fat

    def chain(self, start: int, table: list[int], limit: int) -> list[int]:
        """The sector numbers of a chain; ValueError if it loops, leaves the table or stops without an end."""
        sectors, seen, current = [], set(), start
        while current != END_OF_CHAIN:
            if current > MAX_SECTOR or current >= min(len(table), limit) or current in seen:
                raise ValueError("a sector chain is broken or loops")
            seen.add(current)
            sectors.append(current)
            current = table[current]
        return sectors

    def entries(self, strict: bool) -> list[Entry]:
        try:
            numbers = self.chain(self.directory_start, self.fat, self.sectors)
        except ValueError:
            if strict:
                raise
            numbers = self._directory_prefix()
        found = []
        for number in numbers:
            block = self.sector(number)
            for offset in range(0, self.size, ENTRY_BYTES):
                found.append(self._entry(block[offset : offset + ENTRY_BYTES]))
        return [entry for entry in found if entry.kind]

    def _directory_prefix(self) -> list[int]:
        """As much of a damaged directory chain as can be followed, for naming what the file holds."""
        numbers, current = [], self.directory_start
        while current < min(len(self.fat), self.sectors) and current not in numbers:
            numbers.append(current)
            current = self.fat[current]
        return numbers

    def _entry(self, raw: bytes) -> Entry:
        length, kind = struct.unpack_from("<HB", raw, 64)
        name = raw[: length - 2].decode("utf-16-le", errors="replace") if 2 <= length <= 64 and not length % 2 else ""
        start = struct.unpack_from("<I", raw, 116)[0]
        size_low, size_high = struct.unpack_from("<II", raw, 120)
        # Version 3 files may carry garbage in the high half of the size; readers ignore it.
        size = size_low if self.size == HEADER_BYTES else size_low | size_high << 32
        return Entry(name, kind if kind in (1, 2, 5) else 0, start, size)

    def mini_fat(self) -> list[int]:
        if self.mini_fat_start in (END_OF_CHAIN, FREE):
            return []
        table: list[int] = []
        for number in self.chain(self.mini_fat_start, self.fat, self.sectors):
            table += struct.unpack(f"<{self.size // 4}I", self.sector(number))
        return table
