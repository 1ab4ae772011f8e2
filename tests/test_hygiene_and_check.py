"""Issue 5: what hid outside the visible cells does not survive, each removal is logged, and the gate works.

The leaky workbook has a hidden ID column, a hidden raw-data sheet, a comment holding a phone number, a
footer with the clerk's mobile, the clerk's name in its properties, a formula with a cached value, a defined
name and an image.
"""

from __future__ import annotations

import zipfile

import openpyxl
import pytest
import xlsxwriter
from conftest import audit_records
from typer.testing import CliRunner

from deid.check import Checker
from deid.cli import app
from deid.publish import run
from examples.synthetic import People, dibao_roster, linshi_roster, write_csv, write_xlsx

COUNTY = ("湖南省", "长沙市", "望城区", "430112")
# A 1×1 PNG: enough for Excel to hold an embedded image.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


@pytest.fixture(scope="module")
def leaky(tmp_path_factory):
    folder = tmp_path_factory.mktemp("leaky")
    people = People(31)
    ids = [people.id_card(COUNTY) for _ in range(6)]
    names = [people.name() for _ in range(6)]
    clerk, clerk_mobile, comment_mobile = "周建国", people.phone(), people.phone()
    (folder / "dot.png").write_bytes(PNG)
    path = folder / "in" / "leaky.xlsx"
    path.parent.mkdir()
    book = xlsxwriter.Workbook(str(path))
    book.set_properties({"author": clerk, "company": "望城区民政局", "title": "低保名单（周建国制）"})
    sheet = book.add_worksheet("名单")
    sheet.write_row(0, 0, ["望城区2024年第四季度城乡低保对象名单"])
    sheet.write_row(1, 0, ["序号", "户主姓名", "月保障金额（元）", "身份证号"])
    for n, (name, id_card) in enumerate(zip(names, ids), 1):
        sheet.write_row(1 + n, 0, [str(n), name, 500 + n])
        sheet.write_string(1 + n, 3, id_card)
    sheet.set_column(3, 3, None, None, {"hidden": True})
    sheet.write_formula(8, 2, "=SUM(C3:C8)", None, 3021)
    sheet.write_string(9, 0, f"制表人：{clerk}  联系电话：{clerk_mobile}")
    sheet.write_comment("B3", f"本人电话{comment_mobile}，已核实")
    sheet.insert_image("F2", str(folder / "dot.png"))
    book.define_name("名单区域", "=名单!$A$2:$D$8")
    raw = book.add_worksheet("原始数据")
    raw.write_row(0, 0, ["姓名", "身份证号", "银行卡号"])
    for n, (name, id_card) in enumerate(zip(names, ids), 1):
        raw.write_row(n, 0, [name, id_card, people.bank_card()])
    raw.hide()
    book.close()
    secrets = {*ids, *names, clerk, clerk_mobile, comment_mobile}
    return path, secrets, folder


@pytest.fixture(scope="module")
def published_leaky(leaky, key_file):
    path, _, folder = leaky
    report = run([path], "dibao", folder / "out", key_file)
    return report, folder / "out"


def test_nothing_hidden_survives(leaky, published_leaky):
    _, secrets, _ = leaky
    report, out = published_leaky
    assert report.files[0].status == "published", report.files[0].error
    book = openpyxl.load_workbook(out / "leaky.xlsx")
    assert book.sheetnames == ["名单"]
    assert not book.defined_names
    assert book.properties.creator in (None, "") and book.properties.title in (None, "")
    sheet = book["名单"]
    assert [c.value for c in sheet[2]] == ["序号", "户主姓名", "月保障金额（元）"]
    assert sheet["C9"].value == 3021  # the formula's value stays, the formula does not
    with zipfile.ZipFile(out / "leaky.xlsx") as archive:
        names = archive.namelist()
        package_text = "".join(archive.read(n).decode("utf-8", "ignore") for n in names)
    assert not [n for n in names if "comments" in n or "media" in n or "drawing" in n]
    assert not [s for s in secrets if s in package_text]
    assert "SUM(" not in package_text


def test_every_removal_is_logged(published_leaky):
    _, out = published_leaky
    records = audit_records(out / "leaky.audit.jsonl")
    actions = [r["action"] for r in records]
    assert actions.count("remove_sheet") == 1
    assert actions.count("remove_hidden_column") == 1
    assert actions.count("remove_comment") == 1
    assert actions.count("remove_formula") == 1
    assert actions.count("remove_defined_name") == 1
    assert actions.count("remove_image") == 1
    assert {r["rule"] for r in records if r["action"] == "clear_metadata"} >= {
        "hygiene:property.creator", "hygiene:property.title", "hygiene:property.Company"
    }  # fmt: skip
    comment = next(r for r in records if r["action"] == "remove_comment")
    assert (comment["sheet"], comment["cell"], comment["row"]) == ("名单", "B3", 3) and comment["fingerprint"]
    footer = [r for r in records if r["row"] == 10]
    assert footer and "PERSON" in footer[0]["entity"] and "CN_PHONE" in footer[0]["entity"]


def test_audit_log_holds_no_hidden_original(leaky, published_leaky):
    _, secrets, _ = leaky
    _, out = published_leaky
    log = (out / "leaky.audit.jsonl").read_text("utf-8")
    assert not [s for s in secrets if s in log]


def test_check_fails_the_original_and_a_hand_masked_copy(leaky, tmp_path):
    path, _, _ = leaky
    checker = Checker()
    original = checker.check(path)
    assert not original.passed
    places = {f.place for f in original.findings}
    assert any(p.startswith("文件部件 xl/comments") for p in places)  # the comment's phone
    assert any(f.sheet == "原始数据" for f in original.findings)  # the hidden sheet
    assert any(f.place.startswith("D") and f.entity == "CN_ID_CARD" for f in original.findings)  # the hidden column
    assert any(f.place.startswith("文档属性") for f in original.findings)  # the clerk's name
    for finding in original.findings:
        assert "*" in finding.masked  # values are shown masked
    book = openpyxl.load_workbook(path)
    for row in book["名单"].iter_rows(min_row=3, max_row=8, min_col=4, max_col=4):
        row[0].value = row[0].value[:6] + "*" * 8 + row[0].value[-4:]
    hand_masked = tmp_path / "hand.xlsx"
    book.save(hand_masked)
    assert not checker.check(hand_masked).passed


@pytest.mark.parametrize("make", [dibao_roster, linshi_roster])
def test_check_passes_published_outputs_and_fails_originals(make, tmp_path, key_file):
    roster = make(15, seed=41)
    sources = [write_xlsx(roster, tmp_path / "in" / "r1.xlsx"), write_csv(roster, tmp_path / "in" / "r2.csv", "gbk")]
    run(sources, roster.kind, tmp_path / "out", key_file)
    runner = CliRunner()
    for source in sources:
        assert runner.invoke(app, ["check", str(source)]).exit_code == 1
        published = runner.invoke(app, ["check", str(tmp_path / "out" / source.name)])
        assert published.exit_code == 0, published.output


def test_check_passes_clean_files(tmp_path):
    notice = tmp_path / "公告.txt"
    notice.write_text(
        "关于2024年第四季度城乡低保资金发放情况的公告\n"
        "根据《社会救助暂行办法》和望民发〔2024〕12号文件，本季度共发放保障金1234.56万元，惠及3021户。\n"
        "公示期为7天，监督电话：12345，统一社会信用代码11430112MB1234567X的单位负责解释。\n",
        "utf-8",
    )
    amounts = tmp_path / "amounts.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["乡镇（街道）", "户数", "金额（元）", "发放日期"])
    book.active.append(["五星街道", 120, 65432.5, "2024-12-05"])
    book.active.append(["白沙镇", 98, 50211.0, "2024-12-05"])
    book.save(amounts)
    result = CliRunner().invoke(app, ["check", str(notice), str(amounts)])
    assert result.exit_code == 0, result.output


def test_check_names_the_place_with_the_value_masked(tmp_path):
    people = People(5)
    id_card = people.id_card(COUNTY)
    path = tmp_path / "one.csv"
    path.write_text(f"姓名,身份证号\n王小明,{id_card}\n", "utf-8")
    result = CliRunner().invoke(app, ["check", str(path)])
    assert result.exit_code == 1
    assert "B2" in result.output and "CN_ID_CARD" in result.output and id_card not in result.output
    assert f"{id_card[:6]}********{id_card[-4:]}" in result.output


def test_pivot_caches_external_links_and_embeddings_are_removed_and_checked(tmp_path, key_file):
    people = People(77)
    id_card = people.id_card(COUNTY)
    source = write_xlsx(dibao_roster(4, seed=77), tmp_path / "plain.xlsx")
    leaky = tmp_path / "in" / "pivot.xlsx"
    leaky.parent.mkdir()
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(leaky, "w") as copy:
        for item in original.infolist():
            copy.writestr(item, original.read(item))
        records = f'<pivotCacheRecords xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><r><s v="{id_card}"/></r></pivotCacheRecords>'
        copy.writestr(
            "xl/pivotCache/pivotCacheDefinition1.xml",
            '<pivotCacheDefinition xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
        )
        copy.writestr("xl/pivotCache/pivotCacheRecords1.xml", records)
        copy.writestr(
            "xl/externalLinks/externalLink1.xml",
            '<externalLink xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"/>',
        )
        copy.writestr("xl/embeddings/oleObject1.bin", b"\xd0\xcf\x11\xe0")
    found = Checker().check(leaky)
    assert any(
        f.place == "文件部件 xl/pivotCache/pivotCacheRecords1.xml" and f.entity == "CN_ID_CARD" for f in found.findings
    )
    report = run([leaky], "dibao", tmp_path / "out", key_file)
    assert report.files[0].status == "published"
    actions = [r["action"] for r in audit_records(tmp_path / "out" / "pivot.audit.jsonl")]
    assert actions.count("remove_pivot_cache") == 1
    assert actions.count("remove_external_link") == 1
    assert actions.count("remove_embedded_object") == 1
    with zipfile.ZipFile(tmp_path / "out" / "pivot.xlsx") as archive:
        assert not [n for n in archive.namelist() if "pivot" in n or "external" in n or "embeddings" in n]
