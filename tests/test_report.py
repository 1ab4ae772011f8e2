"""The reviewer report (``report.html``): what it shows, what it must never show, and that it renders.

One dibao batch (an xlsx, a GBK CSV with ``<`` and ``&`` in its name, a corrupt workbook) and one linshi
workbook are published once per module; each test reads the report built from them.
"""

from __future__ import annotations

import html
import json
import re
import shutil
import struct
import subprocess
import zlib
from pathlib import Path

import pytest
from conftest import audit_records, published_rows
from typer.testing import CliRunner

from deid.cli import app
from deid.errors import DeidError
from deid.publish import run
from deid.report import SAMPLE_ROWS, build_report, read_audit
from examples.synthetic import dibao_roster, linshi_roster, write_csv, write_xlsx

CHROMIUM = Path("/usr/bin/chromium")
CSV_NAME = "低保<i>&名单.csv"
FIRST_DATA_ROW = 3  # the synthetic rosters have a title row and one header row


@pytest.fixture(scope="module")
def dibao(tmp_path_factory, key_file):
    folder = tmp_path_factory.mktemp("report-dibao")
    rosters = [dibao_roster(30, seed=7), dibao_roster(12, seed=8)]
    write_xlsx(rosters[0], folder / "in" / "roster.xlsx")
    write_csv(rosters[1], folder / "in" / CSV_NAME, encoding="gbk")
    (folder / "in" / "坏文件.xlsx").write_bytes(b"PK\x03\x04junk")
    out = folder / "out"
    run([folder / "in"], "dibao", out, key_file)
    path = build_report(out)
    return rosters, folder, out, path.read_text("utf-8")


@pytest.fixture(scope="module")
def linshi(tmp_path_factory, key_file):
    folder = tmp_path_factory.mktemp("report-linshi")
    roster = linshi_roster(30, seed=7)
    write_xlsx(roster, folder / "in" / "临时救助.xlsx")
    out = folder / "out"
    run([folder / "in"], "linshi", out, key_file)
    return [roster], folder, out, build_report(out).read_text("utf-8")


def summary_row(page: str, name: str) -> list[str]:
    """The cells of one file's row in the summary table, unescaped."""
    table = re.search(r'<table id="summary">.*?</table>', page, re.S)[0]
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", table, re.S):
        cells = [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", row, re.S)]
        if cells and cells[0] == name:
            return cells
    raise AssertionError(f"no summary row for {name}")


def test_page_is_self_contained_chinese_html(dibao):
    *_, page = dibao
    assert page.startswith('<!DOCTYPE html>\n<html lang="zh-CN">\n<head>\n<meta charset="utf-8">')
    assert "<style>" in page and "<script" not in page.lower()
    for forbidden in ("http://", "https://", "<link", "src=", "url(", "@import"):
        assert forbidden not in page


def test_header_names_run_policy_and_key(dibao):
    _, _, out, page = dibao
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    for label in ("工具版本", "策略", "策略指纹", "密钥编号", "说明", "汇总", "审核人：", "日期："):
        assert label in page
    assert f"deid {manifest['version']}" in page
    assert "dibao（城乡最低生活保障对象名单）" in page
    assert manifest["policy_hash"][:12] in page and manifest["policy_hash"] not in page
    assert manifest["key_id"] in page
    assert "已公开 2 个，失败 1 个" in page


def test_summary_counts_come_from_the_audit_log(dibao):
    _, _, out, page = dibao
    records = audit_records(out / "roster.audit.jsonl")

    def count(*actions):
        return str(sum(1 for r in records if set(r["action"].split("+")) & set(actions)))

    hygiene = sum(1 for r in records if not set(r["action"].split("+")) <= {"mask", "generalize", "replace",
                                                                             "pseudonymize", "drop_column"})  # fmt: skip
    expected = ["roster.xlsx", "已公开", str(len(records)), count("mask"), count("generalize")]
    expected += [count("replace", "pseudonymize"), count("drop_column"), str(hygiene), "通过", "公开版：roster.xlsx"]
    assert summary_row(page, "roster.xlsx") == expected
    assert count("drop_column") == "2"  # phone and bank card columns


def test_every_file_is_named_and_escaped(dibao):
    *_, page = dibao
    assert html.escape(CSV_NAME) in page and CSV_NAME not in page
    assert summary_row(page, CSV_NAME)[1] == "已公开"
    assert "roster.xlsx" in page and "坏文件.xlsx" in page


def test_failed_file_is_shown_with_its_reason(dibao):
    *_, page = dibao
    cells = summary_row(page, "坏文件.xlsx")
    assert cells[1] == "失败"
    assert cells[-1].startswith("坏文件.xlsx: not a readable Excel workbook")
    assert '<tr class="failed"><td>坏文件.xlsx</td>' in page
    assert page.count('<section class="file"') == 2  # failed files get no section


def test_column_profile_and_warnings(dibao):
    *_, page = dibao
    for text in ("列的判定与处理", "判定类型", "判断依据", "处理方式", "身份证号（按表头和值）"):
        assert text in page
    assert "保留前 6 位和后 4 位，其余用 * 遮蔽" in page  # the pipeline's own wording
    assert "dibao:columns.id_card" in page
    assert "列「联系电话」</td><td>联系电话：整列删除，未公开" in page
    assert "列「银行卡号」</td><td>银行卡号/账号：整列删除，未公开" in page


def test_sample_shows_published_rows_and_their_audit_records(dibao):
    _, _, out, page = dibao
    rows = published_rows(out / "roster.xlsx")
    sampled = range(FIRST_DATA_ROW, FIRST_DATA_ROW + SAMPLE_ROWS)
    for number in sampled:
        cells = "".join(f"<td>{html.escape(c) if c else '—'}</td>" for c in rows[number - 1])
        assert f'<tr class="published"><td>{number}</td>{cells}</tr>' in page
    records = [r for r in audit_records(out / "roster.audit.jsonl") if r["fingerprint"]]
    inside = [r for r in records if r["row"] in sampled]
    assert len(inside) >= 3 * SAMPLE_ROWS  # name, ID and address in every row
    for record in inside:
        assert f"<td>{record['fingerprint']}</td><td>{html.escape(record['published'])}</td>" in page
    beyond = [r for r in records if r["row"] == FIRST_DATA_ROW + SAMPLE_ROWS and r["entity"] == "CN_ID_CARD"]
    assert beyond and beyond[0]["fingerprint"] not in page


@pytest.mark.parametrize("batch", ["dibao", "linshi"])
def test_no_original_value_in_report(batch, request):
    rosters, folder, _, page = request.getfixturevalue(batch)
    text = html.unescape(page)
    leaked = sorted(s for roster in rosters for s in roster.secrets if len(s) >= 2 and s in text)
    assert not leaked, f"{len(leaked)} personal values in the report"
    assert str(folder / "in") not in text  # input paths are reduced to file names
    assert f"{rosters[0].kind}（" in text


def test_check_results_and_hygiene_records_are_reported(dibao, tmp_path):
    _, _, out, _ = dibao
    copy = shutil.copytree(out, tmp_path / "out")
    manifest = json.loads((copy / "manifest.json").read_text("utf-8"))
    by_name = {Path(f["input"]).name: f for f in manifest["files"]}
    broken, xlsx, csv = by_name["坏文件.xlsx"], by_name["roster.xlsx"], by_name[CSV_NAME]
    leak = {"sheet": "名单", "place": "D7", "entity": "CN_ID_CARD", "masked": "410105********1234"}
    xlsx["check"] = {"passed": False, "error": None, "findings": [leak]}
    csv.pop("check")  # manifests written before the gate existed have none
    broken["check"] = {"passed": False, "findings": [{"sheet": None, "cell": "批注 B5", "entity": "CN_PHONE",
                                                     "masked": "138****1234"}]}  # fmt: skip
    xlsx["records"] += 1
    xlsx["counts"]["-"] = {**xlsx["counts"].get("-", {}), "remove_comment": 1}
    (copy / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False), "utf-8")
    comment = {"file": "roster.xlsx", "sheet": "名单", "row": None, "column": None, "cell": "C5", "entity": None,
               "action": "remove_comment", "rule": "hygiene:comment", "detector": "workbook", "score": 1.0,
               "fingerprint": "0123456789abcdef", "published": None}  # fmt: skip
    with open(copy / "roster.audit.jsonl", "a", encoding="utf-8") as log:
        log.write(json.dumps(comment, ensure_ascii=False) + "\n")
    page = build_report(copy).read_text("utf-8")
    assert summary_row(page, "roster.xlsx")[8] == "未通过（1 处）"
    assert summary_row(page, CSV_NAME)[8] == "—"
    assert summary_row(page, "坏文件.xlsx")[8] == "未通过（1 处）"
    assert "<td>名单</td><td>D7</td><td>身份证号</td><td>410105********1234</td>" in page
    assert "<td>—</td><td>批注 B5</td><td>电话号码</td><td>138****1234</td>" in page
    assert "<td>名单</td><td>C5</td><td>删除批注</td><td>hygiene:comment</td>" in page
    assert int(summary_row(page, "roster.xlsx")[7]) >= 1
    assert "日志可能在运行后被改动" not in page


def test_tampering_after_the_run_is_flagged(dibao, tmp_path):
    _, _, out, _ = dibao
    copy = shutil.copytree(out, tmp_path / "out")
    with open(copy / "roster.audit.jsonl", "a", encoding="utf-8") as log:
        log.write(json.dumps({"file": "roster.xlsx", "row": 99, "action": "mask"}) + "\n")
    (copy / CSV_NAME).write_bytes((copy / CSV_NAME).read_bytes() + b"\r\n")
    page = build_report(copy).read_text("utf-8")
    assert "日志可能在运行后被改动" in page
    assert "公开版文件在运行后被改动过" in page


def test_audit_log_reader_picks_hygiene_and_sampled_rows(tmp_path):
    log = tmp_path / "a.audit.jsonl"
    lines = [
        {"sheet": "名单", "row": None, "action": "drop_column"},
        {"sheet": "名单", "row": 3, "action": "mask", "published": '"row":4,'},
        {"sheet": "名单", "row": 13, "action": "mask"},
        {"sheet": "其他", "row": 3, "action": "generalize"},
        {"sheet": None, "row": None, "action": "clear_metadata"},
    ]
    text = (
        json.dumps(lines[0])
        + "\n"
        + "\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in lines[1:])
    )
    log.write_text(text, "utf-8")  # no final newline; spaced and compact JSON alike
    audit = read_audit(log, {("名单", 3), ("名单", 4)})
    assert (audit.lines, audit.problem) == (5, None)
    assert audit.sample == [lines[1]] and audit.hygiene == [lines[4]]
    log.write_text(text + '\n{"row":3, broken', "utf-8")
    assert read_audit(log, {("名单", 3)}).problem
    assert read_audit(None, set()).problem


def test_cli_rebuilds_the_same_bytes(dibao):
    _, _, out, _ = dibao
    before = (out / "report.html").read_bytes()
    (out / "report.html").unlink()
    result = CliRunner().invoke(app, ["report", str(out)])
    assert result.exit_code == 0, result.output
    assert (out / "report.html").read_bytes() == before
    assert not [p.name for p in out.iterdir() if p.name.endswith(".part")]


def test_folder_without_manifest_is_one_line_error(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "empty").mkdir()
    result = CliRunner().invoke(app, ["report", "empty"])
    assert result.exit_code == 1
    assert result.output.strip() == "deid: empty: no readable manifest.json; run `deid run … --out empty` first"
    assert not (tmp_path / "empty" / "report.html").exists()
    (tmp_path / "empty" / "manifest.json").write_text("{not json", "utf-8")
    with pytest.raises(DeidError, match=r"no readable manifest\.json") as error:
        build_report(tmp_path / "empty")
    assert "\n" not in str(error.value)


def chromium(report: Path, profile: Path, *arguments: str) -> subprocess.CompletedProcess:
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={profile}", "--window-size=1280,900"]  # fmt: skip
    return subprocess.run(
        [str(CHROMIUM), *flags, *arguments, report.as_uri()], capture_output=True, text=True, timeout=60, check=False
    )


def png_rows(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the (still filtered) scanlines of an 8-bit PNG, with the stdlib only."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    position, chunks = 8, {}
    while position < len(data):
        length, kind = struct.unpack(">I4s", data[position : position + 8])
        chunks.setdefault(kind, []).append(data[position + 8 : position + 8 + length])
        position += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][0][:10])
    assert depth == 8
    stride = 1 + width * {0: 1, 2: 3, 4: 2, 6: 4}[colour]
    pixels = zlib.decompress(b"".join(chunks[b"IDAT"]))
    return width, height, [pixels[i : i + stride] for i in range(0, len(pixels), stride)]


def test_report_renders_in_headless_chromium(dibao, tmp_path):
    if not CHROMIUM.is_file():
        pytest.skip("/usr/bin/chromium is not installed (make test installs Debian's chromium package)")
    _, _, out, _ = dibao
    report = out / "report.html"
    dom = chromium(report, tmp_path / "profile-dom", "--dump-dom")
    assert dom.returncode == 0, dom.stderr[-500:]
    table = re.search(r'<table id="summary">.*?</table>', dom.stdout, re.S)
    assert table, "the rendered DOM has no summary table"
    for name in ("roster.xlsx", html.escape(CSV_NAME), "坏文件.xlsx"):
        assert name in table[0]
    screenshot = tmp_path / "report.png"
    shot = chromium(report, tmp_path / "profile-shot", f"--screenshot={screenshot}")
    assert shot.returncode == 0 and screenshot.is_file(), shot.stderr[-500:]
    width, height, rows = png_rows(screenshot.read_bytes())
    assert (width, height) == (1280, 900) and len(rows) == height
    assert len(set(rows)) > 100, "the screenshot is (nearly) blank"


def test_audit_log_read_the_same_whatever_the_block_size(tmp_path, monkeypatch):
    import deid.report as report

    lines = [{"sheet": None, "row": None, "action": "clear_metadata"}, {"sheet": None, "row": 300, "action": "remove_comment", "detector": "workbook"}]
    lines += [{"sheet": None, "row": row, "action": "mask", "published": "张*" * (row % 7)} for row in range(2, 400)]
    log = tmp_path / "a.audit.jsonl"
    log.write_text("\n".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) for r in lines), "utf-8")
    wanted = {(None, 3), (None, 4), (None, 250)}
    expected = read_audit(log, wanted)
    assert (expected.lines, len(expected.sample), len(expected.hygiene)) == (400, 3, 2)
    for size in (1, 7, 64, 1000, 4096):  # lines cut by reads anywhere, blocks of one line or of many
        monkeypatch.setattr(report, "_BLOCK_BYTES", size)
        assert read_audit(log, wanted) == expected
