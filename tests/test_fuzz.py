"""Issue 7, fuzz: random bytes and mutated real files (xlsx, xls, csv, HTML "xls", XML "xls", an encrypted
container) fed to every reader and to ``deid run``: only clean one-line errors, never another exception.

Every case comes from a fixed seed, so a failure names the case that reproduces it.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from pathlib import Path

import pytest
import xlwt
from test_bad_input import encrypted_workbook, html_export, persons, spreadsheetml_export

from deid.errors import InputError
from deid.io import read_workbook
from deid.io.csvfile import RaggedRows
from deid.publish import run
from examples.synthetic import dibao_roster, write_csv, write_xlsx

MUTATIONS_PER_FILE = 150
RANDOM_FILES = 300
PREFIXES = [b"", b"PK\x03\x04", bytes.fromhex("d0cf11e0a1b11ae1"), b"<table><tr><td>", b"\xef\xbb\xbf", b"\xff\xfe",
            b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet">']  # fmt: skip


def _xls(path: Path) -> Path:
    book = xlwt.Workbook()
    sheet = book.add_sheet("名单")
    for r, row in enumerate(dibao_roster(5, seed=301).rows):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    book.save(str(path))
    return path


SEEDS: dict[str, Callable[[Path], object]] = {
    "roster.xlsx": lambda p: write_xlsx(dibao_roster(5, seed=300), p),
    "roster.xls": _xls,
    "roster.csv": lambda p: write_csv(dibao_roster(5, seed=302), p, encoding="gbk"),
    "web.xls": lambda p: html_export(p, persons(3, seed=303)),
    "xml.xls": lambda p: spreadsheetml_export(p, persons(3, seed=304)),
    "locked.xlsx": encrypted_workbook,
}


def mutate(data: bytes, rng: random.Random) -> tuple[str, bytes]:
    """One random change of ``data``: flipped bytes, a cut, inserted or removed bytes, a repeated chunk."""
    kind = rng.choice(["flip", "truncate", "insert", "delete", "repeat"])
    at = rng.randrange(len(data) + 1)
    if kind == "flip":
        mutated = bytearray(data)
        for _ in range(rng.randint(1, 16)):
            mutated[rng.randrange(len(mutated))] ^= rng.randint(1, 255)
        return kind, bytes(mutated)
    if kind == "truncate":
        return kind, data[:at]
    if kind == "insert":
        return kind, data[:at] + rng.randbytes(rng.randint(1, 64)) + data[at:]
    if kind == "delete":
        return kind, data[:at] + data[at + rng.randint(1, 256) :]
    chunk = data[at : at + rng.randint(1, 512)]
    return kind, data[:at] + chunk * rng.randint(2, 20) + data[at:]


@pytest.fixture(scope="module")
def seeds(tmp_path_factory) -> dict[str, bytes]:
    folder = tmp_path_factory.mktemp("seeds")
    originals = {}
    for name, make in SEEDS.items():
        make(folder / name)
        originals[name] = (folder / name).read_bytes()
    return originals


def cases(seeds: dict[str, bytes]) -> list[tuple[str, bytes]]:
    """(file name, content): every seed mutated, and random bytes behind the prefixes the sniffer knows."""
    rng = random.Random(7)
    found = []
    for name, data in seeds.items():
        stem, suffix = name.rsplit(".", 1)
        for n in range(MUTATIONS_PER_FILE):
            kind, mutated = mutate(data, rng)
            found.append((f"{stem}-{kind}-{n}.{suffix}", mutated))
    for n in range(RANDOM_FILES):
        suffix = rng.choice(["xlsx", "xls", "csv", "txt"])
        found.append((f"random-{n}.{suffix}", rng.choice(PREFIXES) + rng.randbytes(rng.randint(0, 4096))))
    return found


def read_everything(path: Path) -> None:
    """Read a file the way ``deid run`` does, every block of every sheet."""
    try:
        workbook = read_workbook(path)
        for sheet in workbook.sheets:
            for _ in sheet.chunks():
                pass
    except RaggedRows:
        for sheet in read_workbook(path, robust=True).sheets:
            for _ in sheet.chunks():
                pass


def test_readers_raise_only_one_line_input_errors(seeds, tmp_path):
    for name, content in cases(seeds):
        path = tmp_path / name
        path.write_bytes(content)
        try:
            read_everything(path)
        except InputError as error:
            assert "\n" not in str(error) and str(error).startswith(f"{name}: "), str(error)
        except Exception as error:
            pytest.fail(f"{name}: {type(error).__name__} escaped the reader: {error}")
        path.unlink()


def test_a_run_over_mutated_files_fails_them_cleanly(seeds, tmp_path, key_file):
    rng = random.Random(11)
    folder = tmp_path / "in"
    folder.mkdir()
    chosen = rng.sample(cases(seeds), 100)
    for name, content in chosen:
        (folder / name).write_bytes(content)
    report = run([folder], "dibao", tmp_path / "out", key_file)
    assert len(report.files) == len(chosen)
    for file in report.files:
        if file.status == "published":
            continue
        name = Path(file.input).name
        assert file.error and "\n" not in file.error and file.error.startswith(f"{name}: "), file.error
        assert "could not be processed" not in file.error, f"an unexpected exception: {file.error}"
    assert not [p.name for p in (tmp_path / "out").iterdir() if p.name.startswith(".")]
