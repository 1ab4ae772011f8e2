"""End to end: ``deid run`` on dibao and linshi rosters (xlsx with title and footer, GBK CSV, UTF-8-BOM CSV).

What must disappear (every generated personal value), what must stay (amounts, dates, village-level
addresses, headers, 文号, hotlines), one audit record per changed cell, and no original in any log.
"""

from __future__ import annotations

import json
import re

import pytest
from conftest import audit_records, published_rows, published_text
from typer.testing import CliRunner

from deid.cli import app
from deid.publish import run
from examples.synthetic import dibao_roster, linshi_roster, write_csv, write_xlsx

CASES = [
    ("dibao", dibao_roster, "xlsx", None),
    ("dibao", dibao_roster, "csv", "gbk"),
    ("linshi", linshi_roster, "xlsx", None),
    ("linshi", linshi_roster, "csv", "utf-8-sig"),
]
FULL_ID = re.compile(r"(?<![0-9])[1-9]\d{16}[0-9Xx](?![0-9])")
MOBILE = re.compile(r"(?<![0-9])1[3-9]\d{9}(?![0-9])")
CARD = re.compile(r"(?<![0-9])\d{16,19}(?![0-9])")


@pytest.fixture(scope="module", params=CASES, ids=lambda c: f"{c[0]}-{c[2]}-{c[3] or 'utf8'}")
def published(request, tmp_path_factory, key_file):
    pipeline, make, kind, encoding = request.param
    folder = tmp_path_factory.mktemp(f"{pipeline}-{kind}")
    roster = make(30, seed=7)
    source = folder / "in" / f"roster.{kind}"
    if kind == "xlsx":
        write_xlsx(roster, source)
    else:
        write_csv(roster, source, encoding=encoding)
    out = folder / "out"
    report = run([source], pipeline, out, key_file)
    return roster, source, out, report


def test_file_is_published_with_audit_and_manifest(published):
    roster, source, out, report = published
    assert [f.status for f in report.files] == ["published"]
    assert (out / source.name).is_file()
    assert (out / "roster.audit.jsonl").is_file()
    manifest = json.loads((out / "manifest.json").read_text("utf-8"))
    assert manifest["pipeline"] == roster.kind and len(manifest["policy_hash"]) == 64
    assert manifest["files"][0]["input_sha256"] and manifest["files"][0]["output_sha256"]
    assert sum(sum(actions.values()) for actions in manifest["files"][0]["counts"].values()) == report.files[0].records


def test_no_personal_value_survives(published):
    roster, source, out, _ = published
    text = published_text(out / source.name)
    leaked = sorted(s for s in roster.secrets if s in text)
    assert not leaked, f"{len(leaked)} personal values survived"
    assert not FULL_ID.search(text)
    assert not MOBILE.search(text)
    assert not CARD.search(text)


def test_kept_values_stay(published):
    roster, source, out, _ = published
    cells = {cell for row in published_rows(out / source.name) for cell in row}
    text = published_text(out / source.name)
    kept_cells = {v for v in roster.kept if v in {c for row in roster.rows for c in row}}
    assert kept_cells - {h for h in roster.header if h in ("联系电话", "银行卡号")} <= cells | {""}
    for fragment in ("12345", roster.title):
        assert fragment in text


def test_header_found_below_the_title(published):
    _, _, _, report = published
    sheet = report.files[0].sheets[0]
    assert sheet.header_rows == [2]
    assert sheet.text_rows >= 1  # the footer


def test_rows_stay_where_they_were(published):
    roster, source, out, _ = published
    rows = published_rows(out / source.name)
    assert len(rows) == len(roster.rows)
    header_at = 1
    assert rows[header_at][0] == "序号"
    assert [r[0] for r in rows[2 : 2 + len(roster.records)]] == [r[0] for r in roster.records]


def test_phone_and_bank_columns_are_dropped(published):
    _, source, out, _ = published
    header = published_rows(out / source.name)[1]
    assert "联系电话" not in header and "银行卡号" not in header
    records = audit_records(out / "roster.audit.jsonl")
    dropped = {r["column"] for r in records if r["action"] == "drop_column"}
    assert "联系电话" in dropped and all(r["row"] is None for r in records if r["action"] == "drop_column")


def test_every_changed_cell_has_its_audit_record(published):
    roster, source, out, _ = published
    records = audit_records(out / "roster.audit.jsonl")
    by_cell = {(r["row"], r["column"]): r for r in records if r["row"] is not None}
    header = roster.header
    kept_columns = [c for c, h in enumerate(header) if h not in ("联系电话", "银行卡号")]
    before, after = roster.rows, published_rows(out / source.name)
    for r, (old, new) in enumerate(zip(before, after)):
        for position, c in enumerate(kept_columns):
            if old[c] != new[position]:
                column = header[c] if r >= 2 and r < 2 + len(roster.records) else None
                match = [
                    rec for (row, col), rec in by_cell.items() if row == r + 1 and (column is None or col == column)
                ]
                assert match, f"changed cell at row {r + 1}, column {c + 1} has no audit record"
                assert any(m["published"] == new[position] for m in match)


def test_audit_log_names_no_original(published):
    roster, _, out, _ = published
    log = (out / "roster.audit.jsonl").read_text("utf-8") + (out / "manifest.json").read_text("utf-8")
    assert not [s for s in roster.secrets if len(s) >= 2 and s in log]
    for record in audit_records(out / "roster.audit.jsonl"):
        assert set(record) >= {"file", "sheet", "row", "column", "entity", "action", "rule", "detector", "score"}
        assert set(record) >= {"fingerprint", "published"}


def test_same_key_same_fingerprints_across_runs(published, tmp_path, key_file):
    roster, source, out, _ = published
    again = tmp_path / "again"
    run([source], roster.kind, again, key_file)
    assert (again / "roster.audit.jsonl").read_bytes() == (out / "roster.audit.jsonl").read_bytes()
    assert (again / source.name).read_bytes() == (out / source.name).read_bytes()


def test_cli_run_exit_codes_and_one_line_errors(tmp_path, key_file):
    source = write_csv(dibao_roster(5, seed=3), tmp_path / "in" / "a.csv")
    (tmp_path / "in" / "broken.xlsx").write_bytes(b"PK\x03\x04 not really a workbook")
    runner = CliRunner()
    result = runner.invoke(app, ["run", str(source.parent), "--pipeline", "低保", "--out", str(tmp_path / "out"),
                                 "--key-file", str(key_file)])  # fmt: skip
    assert result.exit_code == 1
    assert "broken.xlsx" in result.output and "Traceback" not in result.output
    assert (tmp_path / "out" / "a.csv").is_file()
    assert not (tmp_path / "out" / "broken.xlsx").exists()
    usage = runner.invoke(app, ["run", str(source)])
    assert usage.exit_code == 2
    unknown = runner.invoke(app, ["run", str(source), "--pipeline", "nosuch", "--out", str(tmp_path / "o2")])
    assert unknown.exit_code == 1 and "unknown pipeline" in unknown.output
