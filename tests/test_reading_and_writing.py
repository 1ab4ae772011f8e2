"""Reading every format clerks use, finding the table in the sheet, and writing the published copy back."""

from __future__ import annotations

import json
import os
import stat

import openpyxl
import pytest
import xlwt
from conftest import audit_records, published_rows, published_text
from typer.testing import CliRunner

from deid.cli import app
from deid.publish import run
from examples.synthetic import People, dibao_roster, write_csv, write_xlsx

COUNTY = ("湖南省", "长沙市", "望城区", "430112")


def _ids(n: int, seed: int = 3) -> list[str]:
    people = People(seed)
    return [people.id_card(COUNTY) for _ in range(n)]


def test_gbk_csv_is_detected_and_written_back_as_gbk(tmp_path, key_file):
    source = write_csv(dibao_roster(8, seed=4), tmp_path / "in" / "gbk.csv", encoding="gbk")
    run([source], "dibao", tmp_path / "out", key_file)
    data = (tmp_path / "out" / "gbk.csv").read_bytes()
    assert not data.startswith(b"\xef\xbb\xbf")
    assert "户主姓名".encode("gbk") in data
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")


def test_plain_utf8_csv_gets_a_bom_so_excel_opens_it(tmp_path, key_file):
    source = write_csv(dibao_roster(5, seed=4), tmp_path / "in" / "plain.csv", encoding="utf-8")
    run([source], "dibao", tmp_path / "out", key_file)
    assert (tmp_path / "out" / "plain.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_tab_separated_txt_keeps_its_delimiter(tmp_path, key_file):
    ids = _ids(3)
    lines = ["姓名\t身份证号\t金额"] + [f"张三丰\t{i}\t500" for i in ids]
    source = tmp_path / "in" / "export.txt"
    source.parent.mkdir()
    source.write_text("\n".join(lines) + "\n", "utf-8")
    run([source], "default", tmp_path / "out", key_file)
    text = (tmp_path / "out" / "export.txt").read_text("utf-8-sig")
    assert text.splitlines()[1] == f"张*丰\t{ids[0][:6]}********{ids[0][-4:]}\t500"


def test_odd_headers_are_recognised(tmp_path, key_file):
    ids = _ids(4)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["XX县2024年第四季度城乡低保对象名单"])
    sheet.append(["序号", "姓  名", "身份证\n号码", "金额（元）", "家庭\n住址"])
    for n, value in enumerate(ids, 1):
        sheet.append([n, "李四光", value, 300.5, "湖南省长沙市望城区五星街道双河村3组12号"])
    source = tmp_path / "in" / "odd.xlsx"
    source.parent.mkdir()
    book.save(source)
    report = run([source], "dibao", tmp_path / "out", key_file)
    types = {c.header: c.type for c in report.files[0].sheets[0].columns}
    assert types == {
        "序号": "serial",
        "姓  名": "person_name",
        "身份证\n号码": "id_card",
        "金额（元）": "amount",
        "家庭\n住址": "address",
    }
    rows = published_rows(tmp_path / "out" / "odd.xlsx")
    assert rows[2][1:] == ["李*光", f"{ids[0][:6]}********{ids[0][-4:]}", "300.5", "湖南省长沙市望城区五星街道双河村"]
    records = audit_records(tmp_path / "out" / "odd.audit.jsonl")
    assert {r["column"] for r in records} >= {"姓  名", "身份证\n号码", "家庭\n住址"}
    assert min(r["row"] for r in records if r["row"] is not None) == 3  # Excel row numbers, title row counted


def test_every_sheet_is_published_and_numbers_stay_numbers(tmp_path, key_file):
    ids = _ids(4)
    book = openpyxl.Workbook()
    first = book.active
    first.title = "一月"
    second = book.create_sheet("二月")
    for sheet, chunk in ((first, ids[:2]), (second, ids[2:])):
        sheet.append(["姓名", "身份证号", "金额"])
        for value in chunk:
            sheet.append(["王五", value, 620])
    source = tmp_path / "in" / "two.xlsx"
    source.parent.mkdir()
    book.save(source)
    run([source], "dibao", tmp_path / "out", key_file)
    published = openpyxl.load_workbook(tmp_path / "out" / "two.xlsx")
    assert published.sheetnames == ["一月", "二月"]
    assert published["二月"]["C2"].value == 620 and isinstance(published["二月"]["C2"].value, int)
    assert published["二月"]["B2"].value == f"{ids[2][:6]}********{ids[2][-4:]}"


def test_merged_title_survives_dropped_columns(tmp_path, key_file):
    source = write_xlsx(dibao_roster(6, seed=5), tmp_path / "in" / "title.xlsx")
    run([source], "dibao", tmp_path / "out", key_file)
    published = openpyxl.load_workbook(tmp_path / "out" / "title.xlsx").active
    assert "A1:G1" in {str(r) for r in published.merged_cells.ranges}  # 9 columns less phone and bank


def test_legacy_xls_is_read_and_published_as_xlsx(tmp_path, key_file):
    ids = _ids(3)
    book = xlwt.Workbook()
    sheet = book.add_sheet("Sheet1")
    for c, header in enumerate(["姓名", "身份证号码", "联系电话", "金额"]):
        sheet.write(0, c, header)
    for r, value in enumerate(ids, 1):
        for c, cell in enumerate(["赵六", value, "13812345678", 450]):
            sheet.write(r, c, cell)
    source = tmp_path / "in" / "old.xls"
    source.parent.mkdir()
    book.save(str(source))
    report = run([source], "dibao", tmp_path / "out", key_file)
    assert report.files[0].output == "old.xlsx"
    text = published_text(tmp_path / "out" / "old.xlsx")
    assert ids[0] not in text and "13812345678" not in text and "赵*" in text


def test_id_stored_as_a_number_is_masked_with_a_warning(tmp_path, key_file):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号码"])
    for value in (430112199003077774, 430112198506060012):
        sheet.append(["钱七", value])
    source = tmp_path / "in" / "float.xlsx"
    source.parent.mkdir()
    book.save(source)
    report = run([source], "dibao", tmp_path / "out", key_file)
    text = published_text(tmp_path / "out" / "float.xlsx")
    assert "4301121990030" not in text and "430112********" in text
    assert any("Excel" in w for w in report.files[0].warnings)


def test_misleading_and_missing_headers_are_typed_by_values(tmp_path, key_file):
    ids = _ids(5)
    lines = ["序号,备注,,金额"] + [f"{n},{value},1381234567{n},100" for n, value in enumerate(ids)]
    source = tmp_path / "in" / "misleading.csv"
    source.parent.mkdir()
    source.write_text("\n".join(lines) + "\n", "utf-8")
    report = run([source], "default", tmp_path / "out", key_file)
    columns = report.files[0].sheets[0].columns
    assert [(c.type, c.typed_by) for c in columns[1:3]] == [("id_card", "values"), ("phone", "values")]
    assert any("按值处理" in w for w in report.files[0].warnings)
    text = published_text(tmp_path / "out" / "misleading.csv")
    assert not any(value in text for value in ids) and "13812345670" not in text


def test_key_file_is_created_private(tmp_path):
    source = write_csv(dibao_roster(3, seed=6), tmp_path / "in" / "k.csv")
    key = tmp_path / "keys" / "new.key"
    run([source], "dibao", tmp_path / "out", key)
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert key.read_text().strip() not in (tmp_path / "out" / "k.audit.jsonl").read_text("utf-8")


def test_published_files_get_the_permissions_of_any_new_file(tmp_path, key_file):
    source = write_csv(dibao_roster(3, seed=6), tmp_path / "in" / "p.csv")
    previous = os.umask(0o027)
    try:
        run([source], "dibao", tmp_path / "out", key_file)
    finally:
        os.umask(previous)
    for name in ("p.csv", "p.audit.jsonl", "manifest.json", "report.html"):
        assert stat.S_IMODE(os.stat(tmp_path / "out" / name).st_mode) == 0o640, name


def test_jobs_two_gives_identical_files(tmp_path, key_file):
    folder = tmp_path / "in"
    for n in range(3):
        write_csv(dibao_roster(6, seed=20 + n), folder / f"r{n}.csv")
    run([folder], "dibao", tmp_path / "one", key_file, jobs=1)
    run([folder], "dibao", tmp_path / "two", key_file, jobs=2)
    for name in ("r0.csv", "r1.csv", "r2.csv", "r0.audit.jsonl", "r2.audit.jsonl"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()


def test_scan_prints_the_profile_and_writes_nothing(tmp_path):
    source = write_csv(dibao_roster(6, seed=8), tmp_path / "in" / "scan.csv")
    before = sorted(p.name for p in tmp_path.rglob("*"))
    result = CliRunner().invoke(app, ["scan", str(source), "--json"])
    assert result.exit_code == 0
    sheets = json.loads(result.output)
    columns = {c["header"]: c for c in sheets[0]["columns"]}
    assert columns["身份证号码"]["type"] == "id_card" and columns["身份证号码"]["findings"]["CN_ID_CARD"] == 6
    assert columns["备注"]["type"] == "free_text"
    assert sorted(p.name for p in tmp_path.rglob("*")) == before
    plain = CliRunner().invoke(app, ["scan", str(source)])
    assert plain.exit_code == 0 and "身份证号" in plain.output


def test_pipelines_command_lists_and_explains(tmp_path):
    listing = CliRunner().invoke(app, ["pipelines"])
    assert listing.exit_code == 0 and "dibao" in listing.output and "城乡最低生活保障对象名单" in listing.output
    detail = CliRunner().invoke(app, ["pipelines", "低保"])
    assert detail.exit_code == 0 and "保留前 6 位和后 4 位" in detail.output and "整列删除" in detail.output


def test_user_policy_pseudonymizes_stably_across_files_and_replaces(tmp_path, key_file):
    policy = tmp_path / "mine.yaml"
    policy.write_text(
        "name: mine\nextends: dibao\ncolumns:\n  person_name: pseudonymize\n  address: {action: replace, value: 本村}\n",
        "utf-8",
    )
    roster = dibao_roster(6, seed=12)
    first = write_csv(roster, tmp_path / "in" / "a.csv")
    second = write_csv(roster, tmp_path / "in" / "b.csv")
    run([first, second], str(policy), tmp_path / "out", key_file)
    rows_a, rows_b = published_rows(tmp_path / "out" / "a.csv"), published_rows(tmp_path / "out" / "b.csv")
    names_a = [r[1] for r in rows_a[2:8]]
    assert names_a == [r[1] for r in rows_b[2:8]]
    assert all(n.startswith("P-") and len(n) == 10 for n in names_a)
    assert {r[3] for r in rows_a[2:8]} == {"本村"}
    actions = {r["action"] for r in audit_records(tmp_path / "out" / "a.audit.jsonl")}
    assert {"pseudonymize", "replace"} <= actions
    other_key = tmp_path / "other.key"
    run([first], str(policy), tmp_path / "other", other_key)
    assert [r[1] for r in published_rows(tmp_path / "other" / "a.csv")[2:8]] != names_a


def test_column_widths_are_kept(tmp_path, key_file):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "金额", "备注"])
    sheet.append(["孙悟", 100, "无"])
    sheet.column_dimensions["A"].width = 14
    sheet.column_dimensions["C"].width = 40
    source = tmp_path / "in" / "widths.xlsx"
    source.parent.mkdir()
    book.save(source)
    run([source], "default", tmp_path / "out", key_file)
    published = openpyxl.load_workbook(tmp_path / "out" / "widths.xlsx").active
    assert abs(published.column_dimensions["A"].width - 14) < 0.01
    assert abs(published.column_dimensions["C"].width - 40) < 0.01
