"""The publication gate on a CSV runs while the copy is written: each block's bytes are read back from the file
and checked as soon as they are appended. It finds what the whole-file gate finds, and leaves the decision to
the whole-file gate wherever the two could differ."""

from __future__ import annotations

import hashlib
import itertools

import pandas as pd
import pytest

import deid.check as check
import deid.io.csvfile as csvfile
from deid.check import Checker, CsvGate
from deid.io.csvfile import CsvRows, CsvWriter
from deid.io.sheets import Workbook, is_filled
from deid.io.spool import spool
from deid.policy import load_pipeline
from deid.publish import run
from examples.synthetic import dibao_roster, write_csv

PHONE = "13812345678"  # a mobile number the publishing transform is made to leave in the 备注 column


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(csvfile, "BLOCK_ROWS", 37)


@pytest.fixture
def streamed(monkeypatch) -> list:
    """What the gate decided while writing, file by file (None: it left the decision to the whole-file gate)."""
    decided = []
    result = CsvGate.result

    def spy(self):
        decided.append(result(self))
        return decided[-1]

    monkeypatch.setattr(CsvGate, "result", spy)
    return decided


def leave_phone_in(monkeypatch, rows: set[int]) -> None:
    """Make publishing write a raw mobile number into the last column of ``rows`` (a fault the gate must catch);
    patched before the workers fork, so that they render with it too."""
    original = CsvRows.render

    def render(self, block: pd.DataFrame) -> bytes:  # named as the method it replaces: pickled by that name
        block = block.copy()
        for row in rows & set(block.index):
            block.loc[row, block.columns[-1]] = f"联系电话{PHONE}"
        return original(self, block)

    monkeypatch.setattr(CsvRows, "render", render)


def output_names(folder) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("jobs", [1, 2])
def test_an_identifier_left_in_a_late_block_fails_the_file_and_nothing_is_published(
    jobs, small_blocks, streamed, tmp_path, key_file, monkeypatch
):
    source = write_csv(dibao_roster(150, seed=71), tmp_path / "in" / "big.csv")
    leave_phone_in(monkeypatch, {140})  # the fourth of five blocks
    report = run([source], "dibao", tmp_path / "out", key_file, jobs=jobs)
    published = report.files[0]
    assert published.status == "failed"
    assert "failed deid check (1 finding(s), first: G141 CN_PHONE)" in published.error
    assert published.check["findings"] == [
        {"sheet": None, "place": "G141", "entity": "CN_PHONE", "masked": "联系电话138****5678"}
    ]
    assert PHONE not in str(published.check)
    assert streamed[0] is not None  # decided while writing
    # No published copy, audit log, temporary or spool file is left behind.
    assert output_names(tmp_path / "out") == ["manifest.json", "report.html"]


def test_checking_while_writing_finds_what_the_whole_file_gate_finds(
    small_blocks, streamed, tmp_path, key_file, monkeypatch
):
    source = write_csv(dibao_roster(150, seed=72), tmp_path / "in" / "big.csv", encoding="gbk")
    leave_phone_in(monkeypatch, {5, 36, 37, 90, 120, 121, 151})  # first, boundary, middle and last blocks
    monkeypatch.setattr(check, "MAX_LISTED", 4)  # lists are cut across blocks as in one pass
    while_writing = [run([source], "dibao", tmp_path / f"jobs{jobs}", key_file, jobs=jobs) for jobs in (1, 2)]
    assert all(streamed)
    monkeypatch.setattr(CsvGate, "result", lambda self: None)  # the finished file is checked instead
    whole = run([source], "dibao", tmp_path / "whole", key_file, jobs=2).files[0]
    assert whole.check["count"] == 7 and len(whole.check["findings"]) == 4
    for report in while_writing:
        assert report.files[0].check == whole.check
        assert report.files[0].error == whole.error


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_published_file_passes_while_written_as_it_does_whole(
    jobs, small_blocks, streamed, tmp_path, key_file, monkeypatch
):
    source = write_csv(dibao_roster(150, seed=73), tmp_path / "in" / "big.csv")
    report = run([source], "dibao", tmp_path / "out", key_file, jobs=jobs).files[0]
    assert report.status == "published" and report.check["passed"]
    assert streamed[0] is not None and streamed[0].passed
    whole = Checker().check(tmp_path / "out" / "big.csv", load_pipeline("dibao"))
    assert whole.summary() == report.check
    # The digest taken while writing is the finished file's.
    assert report.output_sha256 == hashlib.sha256((tmp_path / "out" / "big.csv").read_bytes()).hexdigest()


def test_a_fault_in_checking_while_writing_leaves_the_decision_to_the_whole_file_gate(
    small_blocks, streamed, tmp_path, key_file, monkeypatch
):
    source = write_csv(dibao_roster(150, seed=74), tmp_path / "in" / "big.csv")
    check_written = check.check_written

    def fail_late(transformer, gate, written):
        if written.begin > 0:
            raise RuntimeError("a fault while checking a later block")
        return check_written(transformer, gate, written)

    monkeypatch.setattr(check, "check_written", fail_late)
    leave_phone_in(monkeypatch, {100})
    report = run([source], "dibao", tmp_path / "out", key_file, jobs=1).files[0]
    assert streamed == [None]
    assert report.status == "failed" and report.check["count"] == 1
    assert report.check["findings"][0]["place"] == "G101"


def gbk_roster_with_an_ascii_first_block(path) -> None:
    lines = ["no,name,id card,amount"] + [f"{n},Li Lei,none,{100 + n}" for n in range(60)]
    lines += [f"{n},王小明,无,{100 + n}" for n in range(60, 120)]
    path.parent.mkdir(parents=True)
    path.write_bytes("\r\n".join(lines).encode("gbk") + b"\r\n")


def quoted_roster_with_a_block_opening_with_u_feff(path) -> None:
    rows = ["序号,姓名,金额", '"1",王小明,100'] + [f"{n},王小明,{100 + n}" for n in range(2, 120)]
    rows[37] = "\ufeff" + rows[37]  # the first line of the second block
    path.parent.mkdir(parents=True)
    path.write_text("\r\n".join(rows) + "\r\n", "utf-8-sig")


@pytest.mark.parametrize("make", [gbk_roster_with_an_ascii_first_block, quoted_roster_with_a_block_opening_with_u_feff])
def test_where_only_the_whole_file_can_tell_the_finished_file_is_checked(
    make, small_blocks, streamed, tmp_path, key_file
):
    source = tmp_path / "in" / "roster.csv"
    make(source)
    report = run([source], "default", tmp_path / "out", key_file, jobs=2).files[0]
    assert streamed == [None]
    assert report.status == "published", report.error
    assert report.check == Checker().check(tmp_path / "out" / "roster.csv", load_pipeline("default")).summary()


def write_blocks(workbook: Workbook, target, spool_folder) -> tuple[CsvWriter, list[tuple[int, int]]]:
    """Three blocks of two, two and one rows: rendered here, spooled by a worker, and bytes handed over."""
    writer = CsvWriter(workbook, target)
    frame = pd.DataFrame([["序号", "姓名"], ["1", "张*"]])
    spans = [writer.write(frame), writer.write_rendered(spool("2,李*\r\n3,赵*\r\n".encode(), spool_folder))]
    spans.append(writer.write_rendered("4,王*\r\n".encode()))
    return writer, spans


def test_the_writer_gives_byte_ranges_that_tile_the_file_and_its_digest_as_written(tmp_path):
    workbook = Workbook(tmp_path / "in.csv", "csv", [], encoding="utf-8-sig", newline="\r\n")
    writer, spans = write_blocks(workbook, tmp_path / "out.csv", tmp_path)
    writer.close()
    data = (tmp_path / "out.csv").read_bytes()
    assert spans[0][0] == 0 and spans[-1][1] == len(data)
    assert all(first[1] == second[0] for first, second in itertools.pairwise(spans))
    assert data[spans[1][0] : spans[1][1]] == "2,李*\r\n3,赵*\r\n".encode()
    assert writer.sha256 == hashlib.sha256(data).hexdigest()


def test_the_gate_leaves_the_decision_to_the_whole_file_gate_when_the_file_is_not_what_it_checked(
    tmp_path, monkeypatch
):
    monkeypatch.setattr(csvfile, "SNIFF_BYTES", 20)  # plan as soon as the first block is written
    monkeypatch.setattr(csvfile, "BLOCK_ROWS", 2)
    workbook = Workbook(tmp_path / "in.csv", "csv", [], encoding="utf-8-sig", newline="\r\n")
    checker = Checker()

    def gate_over(name: str, report: slice) -> CsvGate:
        target = tmp_path / name
        writer, spans = write_blocks(workbook, target, tmp_path)
        writer.close()
        gate = CsvGate(checker, target, target, load_pipeline("default"))
        for (begin, end), rows in list(zip(spans, (2, 2, 1)))[report]:
            gate.appended(begin, end, rows)
        return gate

    assert gate_over("whole.csv", slice(None)).result().passed
    assert gate_over("unreported.csv", slice(0, 2)).result() is None  # the last range was never checked
    behind_its_back = gate_over("appended.csv", slice(None))
    with open(tmp_path / "appended.csv", "ab") as handle:
        handle.write("5,王小明\r\n".encode())
    assert behind_its_back.result() is None


def test_filled_cells_are_those_holding_more_than_whitespace_whatever_the_mix():
    cells = ["", " ", "\u3000", "\t\r\n", "\xa0", "\u200b", "0", "张三", " 1 ", "　张三　", "*"]
    values = pd.Series([cells[(n * 7) % len(cells)] for n in range(200)], index=range(5, 205), dtype=object)
    expected = [bool(v.strip()) for v in values]  # str.strip() strips what str.isspace() calls whitespace
    assert is_filled(values).tolist() == expected
    assert is_filled(values).index.equals(values.index)
    assert is_filled(values.iloc[:0]).tolist() == []
