"""Large CSVs stream block by block: the result does not depend on block size or on ``--jobs``."""

from __future__ import annotations

import os

import pytest
from conftest import audit_records, published_rows

import deid.io.csvfile as csvfile
from deid.io.spool import append_payload, spool
from deid.publish import run
from deid.transform import SheetTransformer
from examples.synthetic import People, dibao_roster, linshi_roster, write_csv


@pytest.fixture
def small_blocks(monkeypatch):
    monkeypatch.setattr(csvfile, "BLOCK_ROWS", 37)


@pytest.mark.parametrize("make", [dibao_roster, linshi_roster])
def test_blocks_and_jobs_do_not_change_the_output(make, small_blocks, tmp_path, key_file, monkeypatch):
    source = write_csv(make(150, seed=61), tmp_path / "in" / "big.csv", encoding="gbk")
    run([source], make.__name__.split("_")[0], tmp_path / "blocks1", key_file, jobs=1)
    run([source], make.__name__.split("_")[0], tmp_path / "blocks2", key_file, jobs=2)
    monkeypatch.setattr(csvfile, "BLOCK_ROWS", 100_000)
    run([source], make.__name__.split("_")[0], tmp_path / "whole", key_file, jobs=1)
    for name in ("big.csv", "big.audit.jsonl"):
        whole = (tmp_path / "whole" / name).read_bytes()
        assert (tmp_path / "blocks1" / name).read_bytes() == whole
        assert (tmp_path / "blocks2" / name).read_bytes() == whole
    rows = published_rows(tmp_path / "whole" / "big.csv")
    assert len(rows) == 2 + 150 + len(make(150, seed=61).footer)


def test_a_row_wider_further_down_is_read_again_row_by_row(tmp_path, key_file):
    people = People(8)
    county = ("湖南省", "长沙市", "望城区", "430112")
    lines = ["姓名,身份证号,金额"] + [f"王小明,{people.id_card(county)},{n}" for n in range(4000)]
    late_id = people.id_card(county)
    lines.append(f"李四光,{late_id},500,补充说明,联系电话13812345678")
    source = tmp_path / "in" / "ragged.csv"
    source.parent.mkdir()
    source.write_text("\n".join(lines) + "\n", "utf-8")
    report = run([source], "default", tmp_path / "out", key_file)
    assert report.files[0].status == "published", report.files[0].error
    rows = published_rows(tmp_path / "out" / "ragged.csv")
    assert len(rows) == 4002
    assert rows[-1][:4] == ["李*光", f"{late_id[:6]}********{late_id[-4:]}", "500", "补充说明"]
    assert "13812345678" not in ",".join(rows[-1]) and "138****5678" in rows[-1][4]
    assert any(r["cell"] == "E4002" for r in audit_records(tmp_path / "out" / "ragged.audit.jsonl"))


def test_a_wider_row_in_a_block_parsed_by_a_worker_is_read_again_row_by_row(small_blocks, tmp_path, key_file):
    people = People(9)
    county = ("湖南省", "长沙市", "望城区", "430112")
    lines = ["姓名,身份证号,金额"] + [f"王小明,{people.id_card(county)},{n}" for n in range(200)]
    lines.insert(150, "李四光,110101199003077774,500,补充说明")
    source = tmp_path / "in" / "ragged.csv"
    source.parent.mkdir()
    source.write_text("\n".join(lines) + "\n", "utf-8")
    report = run([source], "default", tmp_path / "out", key_file, jobs=2)
    assert report.files[0].status == "published", report.files[0].error
    rows = published_rows(tmp_path / "out" / "ragged.csv")
    assert len(rows) == 202 and rows[150][:4] == ["李*光", "110101********7774", "500", "补充说明"]


@pytest.mark.parametrize("jobs", [1, 2])
@pytest.mark.parametrize("into_block", [0, 5])  # 0: the first line, which pandas would take for row labels
def test_a_wider_row_past_the_sample_is_read_again_in_any_process(small_blocks, tmp_path, key_file, jobs, into_block):
    people = People(10)
    county = ("湖南省", "长沙市", "望城区", "430112")
    lines = ["姓名,身份证号,金额"] + [f"王小明,{people.id_card(county)},{n}" for n in range(3000)]
    wider = 60 * csvfile.BLOCK_ROWS + into_block  # past the first 64 KiB, which set the width
    lines.insert(wider, "李四光,110101199003077774,500,补充说明")
    source = tmp_path / "in" / "ragged.csv"
    source.parent.mkdir()
    source.write_text("\n".join(lines) + "\n", "utf-8")
    assert len("\n".join(lines[:wider]).encode()) > csvfile.SNIFF_BYTES
    report = run([source], "default", tmp_path / "out", key_file, jobs=jobs)
    assert report.files[0].status == "published", report.files[0].error
    rows = published_rows(tmp_path / "out" / "ragged.csv")
    assert len(rows) == 3002 and rows[wider][:4] == ["李*光", "110101********7774", "500", "补充说明"]
    assert all(row[0] == "王*明" for row in rows[1:wider] + rows[wider + 1 :]), "no row shifts a column"


def test_parallel_runs_leave_no_spool_files_behind_even_when_a_file_fails(small_blocks, tmp_path, key_file, monkeypatch):
    source = write_csv(dibao_roster(150, seed=62), tmp_path / "in" / "big.csv")
    run([source], "dibao", tmp_path / "ok", key_file, jobs=2)
    assert sorted(p.name for p in (tmp_path / "ok").iterdir()) == [
        "big.audit.jsonl", "big.csv", "manifest.json", "report.html"
    ]  # fmt: skip
    original = SheetTransformer.transform_chunk

    def fail_late(self, plan, chunk):
        if chunk.index[0] > 100:
            raise RuntimeError("a fault in a later block")
        return original(self, plan, chunk)

    monkeypatch.setattr(SheetTransformer, "transform_chunk", fail_late)  # before the workers fork
    report = run([source], "dibao", tmp_path / "failed", key_file, jobs=2)
    assert report.files[0].status != "published"
    assert sorted(p.name for p in (tmp_path / "failed").iterdir()) == ["manifest.json", "report.html"]


def test_spooled_bytes_are_appended_without_an_in_kernel_copy_too(tmp_path, monkeypatch):
    target = tmp_path / "log"
    with open(target, "wb") as handle:
        handle.write(b"head\n")
        spool(b"first\n", tmp_path).append_to(handle)
        monkeypatch.setattr(os, "copy_file_range", lambda *args: (_ for _ in ()).throw(OSError("EXDEV")))
        spool(b"second\n", tmp_path).append_to(handle)
        handle.write(b"tail\n")
    assert target.read_bytes() == b"head\nfirst\nsecond\ntail\n"
    assert [p.name for p in tmp_path.iterdir()] == ["log"]


def test_bytes_in_pieces_are_spooled_and_appended_in_order(tmp_path):
    target = tmp_path / "log"
    with open(target, "wb") as handle:
        append_payload(handle, [b"a\n", b"", b"b\n"])
        spool([b"c\n", b"d\n"], tmp_path).append_to(handle)
        append_payload(handle, spool(b"e\n", tmp_path))
    assert target.read_bytes() == b"a\nb\nc\nd\ne\n"
    assert [p.name for p in tmp_path.iterdir()] == ["log"]


@pytest.mark.parametrize(
    ("data", "splits"),
    [
        (b"a,b\r\nc,d\r\n", True),
        (b"a,b\nc,d", True),
        (b"\r\n", True),
        (b"", True),
        (b"a,b\rc,d\r\n", False),  # pandas ends a row at a bare carriage return
        (b"a,b\r", False),
        (b"a\r\r\n", False),
        (b'a,"b\nc"\r\n', False),  # a quoted field may hold a line break
    ],
)
@pytest.mark.parametrize("read_bytes", [1, 2, 3, 1 << 23])
def test_lines_are_rows_only_without_quotes_or_bare_returns(tmp_path, monkeypatch, data, splits, read_bytes):
    monkeypatch.setattr(csvfile, "_SPLIT_READ_BYTES", read_bytes)  # a CR LF cut in two by the reads, or not
    path = tmp_path / "a.csv"
    path.write_bytes(data)
    assert csvfile._splits_at_newlines(path) is splits
