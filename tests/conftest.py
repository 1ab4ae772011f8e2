"""Shared fixtures: a fingerprint key per test session and independent readers of published files."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import openpyxl
import pytest

from deid.io.csvfile import detect_encoding


@pytest.fixture(scope="session")
def key_file(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("key") / "fingerprint.key"


def published_rows(path: Path) -> list[list[str]]:
    """Every cell of a published file as text, read without deid's own reader (openpyxl / csv)."""
    if path.suffix.lower() == ".xlsx":
        book = openpyxl.load_workbook(path)
        rows = []
        for sheet in book.worksheets:
            rows += [["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)]
        return rows
    data = path.read_bytes()
    return list(csv.reader(io.StringIO(data.decode(detect_encoding(data)), newline="")))


def published_text(path: Path) -> str:
    return "\n".join("\t".join(row) for row in published_rows(path))


def audit_records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def with_check(body: str) -> str:
    """``body`` (17 digits) and its GB 11643 MOD 11-2 check character, computed here rather than by the
    module under test."""
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, _ID_WEIGHTS)) % 11]
