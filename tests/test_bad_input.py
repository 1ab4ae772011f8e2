"""Issue 7: every bad input clerks feed deid is read, or refused with one line naming the file and what to do.

The batch test is the issue's "done when": one folder holding each bad input and two good rosters, run once
through the CLI (and once as a real process): the good ones are published and pass ``deid check``, every
bad one is named with its reason, exit code 1, no traceback, no partial file in ``--out``. The focused
tests below pin each input's exact behaviour.
"""

from __future__ import annotations

import os
import re
import struct
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
import pytest
import xlwt
from conftest import audit_records, published_rows, published_text
from typer.testing import CliRunner

from deid.cli import app
from deid.errors import InputError
from deid.io import cfb, read_workbook
from deid.io.excel import OUT_OF_MEMORY, cell_text
from deid.io.sniff import ENCRYPTED, OLE_MAGIC
from deid.publish import run
from examples.synthetic import People, dibao_roster, linshi_roster, write_csv, write_xlsx
from recognizers.analyzer import build_analyzer

COUNTY = ("湖南省", "长沙市", "望城区", "430112")
DEID = Path(sys.executable).parent / "deid"
TRUNCATED = "not a readable Excel workbook: it is truncated (its ZIP directory is missing); copy or export it again"
CORRUPT = "not a readable Excel workbook (corrupt or another format); open it in Excel and save it as .xlsx"
EMPTY = "the file is empty; export the roster again"
UNDECODABLE = "the text is neither UTF-8 nor GBK; save it from Excel as 'CSV UTF-8'"
LOST_DIGITS = "列「身份证号码」有 2 个身份证号被 Excel 存成了数字，后几位已丢失；仍按身份证号遮蔽"


def masked_id(value: str) -> str:
    return f"{value[:6]}********{value[-4:]}"


class Person:
    """One fictitious beneficiary with the identifiers a roster row carries."""

    def __init__(self, people: People) -> None:
        self.name, self.id_card, self.phone = people.name(), people.id_card(COUNTY), people.phone()
        self.card = people.bank_card()


def persons(n: int, seed: int) -> list[Person]:
    people = People(seed)
    return [Person(people) for _ in range(n)]


# --- builders: each writes one input and returns the identifiers that must not survive -----------------


def html_export(path: Path, rows: list[Person], encoding: str = "gbk") -> list[str]:
    """A web system's "xls": an HTML table with Excel's namespaces, a colspan title and a footer row."""
    body = "".join(
        f"<tr><td>{n}</td><td>{p.name}</td><td style=\"mso-number-format:'\\@'\">{p.id_card}</td>"
        f"<td>{p.phone}</td><td>湖南省长沙市望城区五星街道双河村{n}组{n + 10}号</td><td>{500 + n}.00</td></tr>\n"
        for n, p in enumerate(rows, 1)
    )
    page = (
        '<html xmlns:o="urn:schemas-microsoft-com:office:office" xmlns:x="urn:schemas-microsoft-com:office:excel">\n'
        f'<head><meta http-equiv="Content-Type" content="text/html; charset={"gb2312" if encoding == "gbk" else encoding}">\n'
        "<!--[if gte mso 9]><xml><x:ExcelWorkbook><x:ExcelWorksheets><x:ExcelWorksheet><x:Name>低保名单</x:Name>"
        "</x:ExcelWorksheet></x:ExcelWorksheets></x:ExcelWorkbook></xml><![endif]-->\n"
        "<style>td { mso-number-format:'\\@'; }</style></head>\n<body>\n<table border=1>\n"
        '<tr><td colspan="6" align="center"><b>望城区2024年第四季度城乡低保对象名单</b></td></tr>\n'
        "<tr><th>序号</th><th>姓名</th><th>身份证号</th><th>联系电话</th><th>家庭住址</th><th>金额（元）</th></tr>\n"
        f"{body}"
        '<tr><td colspan="6">制表人：王建国&nbsp;&nbsp;联系电话：13907310001&nbsp;监督电话：12345</td></tr>\n'
        "</table>\n</body></html>\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(page.encode(encoding))
    return [p.id_card for p in rows] + [p.phone for p in rows] + ["13907310001"]


def spreadsheetml_export(path: Path, rows: list[Person]) -> list[str]:
    """An XML Spreadsheet 2003 "xls" (GB2312-declared): merged title, an ID stored as a Number, a comment."""

    def cell(value: str, kind: str = "String", extra: str = "") -> str:
        return f'<Cell{extra}><Data ss:Type="{kind}">{value}</Data></Cell>'

    records = "".join(
        "<Row>"
        + cell(str(n), "Number")
        + cell(p.name)
        + cell(p.id_card)
        + cell(p.phone)
        + cell(f"{600 + n}", "Number")
        + cell("2024-11-05T00:00:00.000", "DateTime")
        + "</Row>\n"
        for n, p in enumerate(rows, 1)
    )
    text = (
        '<?xml version="1.0" encoding="gb2312"?>\n<?mso-application progid="Excel.Sheet"?>\n'
        '<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" xmlns:o="urn:schemas-microsoft-com:office:office"'
        ' xmlns:x="urn:schemas-microsoft-com:office:excel" xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet"'
        ' xmlns:html="http://www.w3.org/TR/REC-html40">\n'
        '<DocumentProperties xmlns="urn:schemas-microsoft-com:office:office"><Author>王建国</Author>'
        "<Created>2024-11-05T08:00:00Z</Created></DocumentProperties>\n"
        '<Worksheet ss:Name="临时救助"><Table ss:ExpandedColumnCount="6">\n'
        '<Row><Cell ss:MergeAcross="5"><Data ss:Type="String">望城区临时救助对象公示</Data></Cell></Row>\n'
        "<Row>"
        + "".join(cell(h) for h in ("序号", "姓名", "身份证号", "联系电话", "救助金额（元）", "救助日期"))
        + "</Row>\n"
        + records
        + '<Row ss:Index="20"><Cell ss:Index="2"><Data ss:Type="String">经办人：李明</Data>'
        "<Comment><Data>核对电话13907310002</Data></Comment></Cell></Row>\n"
        "</Table></Worksheet></Workbook>\n"
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("gb18030"))
    return [p.id_card for p in rows] + [p.phone for p in rows]


def compound_file(path: Path, streams: dict[str, bytes | None]) -> None:
    """A Compound File Binary (MS-CFB v3, 512-byte sectors) holding ``streams`` under its root: bytes for a
    stream (4096 bytes or more, so that it lives in regular sectors, not the mini stream), None for a storage.

    Stream data comes first and the directory last, as in large files Excel writes, so a reader has to follow
    the header to find the names.
    """
    size, free, end, fat_marker = 512, 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    fat, data, placed = [fat_marker, fat_marker], b"", {}  # sectors 0 and 1 hold the FAT itself
    for name, payload in streams.items():
        if payload is None:
            continue
        assert len(payload) >= 4096, "small streams belong in the mini stream, which this builder does not write"
        count, start = -(-len(payload) // size), len(fat)
        fat += [start + k + 1 for k in range(count - 1)] + [end]
        data += payload.ljust(count * size, b"\0")
        placed[name] = (start, len(payload))
    names = ["Root Entry", *streams]
    first_directory, directory_sectors = len(fat), -(-len(names) // 4)
    fat += [first_directory + k + 1 for k in range(directory_sectors - 1)] + [end]
    assert len(fat) <= 2 * size // 4, "the test container outgrew its two FAT sectors"
    fat += [free] * (2 * size // 4 - len(fat))
    entries = b""
    for index, name in enumerate(names):
        encoded = name.encode("utf-16-le") + b"\0\0"
        kind = 5 if index == 0 else 2 if name in placed else 1
        right = index + 1 if 0 < index < len(names) - 1 else free
        start, length = placed.get(name, (end, 0))
        entries += (
            encoded.ljust(64, b"\0")
            + struct.pack("<HBB3I", len(encoded), kind, 1, free, right, 1 if index == 0 else free)
            + bytes(16 + 4 + 16)
            + struct.pack("<IQ", start, length)
        )
    header = (
        OLE_MAGIC
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<9I", 0, 2, first_directory, 0, 4096, end, 0, end, 0)
        + struct.pack("<109I", 0, 1, *[free] * 107)
    )
    assert len(header) == size
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(
        header + struct.pack(f"<{len(fat)}I", *fat) + data + entries.ljust(directory_sectors * size, b"\0")
    )


def encrypted_workbook(path: Path) -> None:
    """A password-protected .xlsx as Excel stores it: no ZIP, an OLE container with the encrypted package
    (here 80 KiB of noise, so the directory naming the streams lies beyond the first 64 KiB)."""
    noise = bytes((n * 7919 + 13) % 251 for n in range(80 * 1024))
    compound_file(
        path, {"EncryptedPackage": noise, "\x06DataSpaces": None, "EncryptionInfo": b"\x04\x00\x04\x00" * 1024}
    )


def truncated_xlsx(path: Path) -> None:
    whole = write_xlsx(dibao_roster(6, seed=41), path).read_bytes()
    path.write_bytes(whole[: len(whole) * 2 // 3])


def corrupt_xlsx(path: Path) -> None:
    """A complete ZIP whose sheet XML is garbage: the directory is fine, the workbook is not."""
    import zipfile

    source = write_xlsx(dibao_roster(6, seed=42), path.with_name("corrupt-source.tmp"))
    with zipfile.ZipFile(source) as original, zipfile.ZipFile(path, "w") as broken:
        for item in original.infolist():
            content = original.read(item)
            broken.writestr(item, b"<worksheet><sheetData><row r=" if item.filename.endswith("sheet1.xml") else content)
    source.unlink()


def no_header_csv(path: Path, rows: list[Person]) -> list[str]:
    lines = [f"{n},{p.name},{p.id_card},{900 + n}.00" for n, p in enumerate(rows, 1)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return [p.id_card for p in rows]


def header_only_xlsx(path: Path) -> list[str]:
    header = ["序号", "户主姓名", "身份证号码", "保障人数", "月保障金额（元）"]
    book = openpyxl.Workbook()
    book.active.append(header)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return header


def ragged_csv(path: Path, rows: list[Person]) -> list[str]:
    """Rows shorter and longer than the header; an ID sits in a column the header does not name."""
    lines = ["序号,姓名,身份证号码,金额"]
    for n, p in enumerate(rows, 1):
        lines.append(f"{n},{p.name},{p.id_card},300,备注,电话{p.phone}" if n % 2 else f"{n},{p.name}")
    lines.append(f"99,{rows[0].name},{rows[0].id_card}")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n", "utf-8")
    return [p.id_card for p in rows] + [p.phone for n, p in enumerate(rows, 1) if n % 2]


def long_cell_csv(path: Path, rows: list[Person]) -> list[str]:
    """A 备注 of 50,000 characters with IDs and a mobile at its start, middle and end."""
    filler = "该户家庭成员长期患病，收入微薄，经村民代表评议，符合低保条件。"
    first, middle, last = rows[0], rows[1], rows[2]
    note = f"申请人身份证号{first.id_card}，"
    note += filler * (24_000 // len(filler)) + f"其妻身份证号{middle.id_card}，联系电话{middle.phone}，"
    note += filler * (50_000 // len(filler))
    note = note[: 50_000 - 40] + f"，其子身份证号{last.id_card}。"
    note = note.ljust(50_000, "。")
    assert len(note) == 50_000
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"序号,姓名,备注\n1,{first.name},{note}\n", "utf-8")
    return [first.id_card, middle.id_card, middle.phone, last.id_card]


def error_cells_xlsx(path: Path, rows: list[Person]) -> list[str]:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号码", "金额", "人均"])
    for n, p in enumerate(rows, 1):
        sheet.append([p.name, p.id_card, 400 + n, "#DIV/0!"])
    sheet["C2"] = "#REF!"
    sheet["B3"] = "#N/A"
    sheet["D4"] = "=C4/0"
    sheet["D5"].value, sheet["D5"].data_type = "#VALUE!", "s"  # typed by hand as text
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return [p.id_card for n, p in enumerate(rows, 1) if n != 2]


def merged_body_xlsx(path: Path, rows: list[Person]) -> list[str]:
    """Household members share a merged 家庭住址 and a merged 备注 holding the household's phone."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "姓名", "身份证号码", "家庭住址", "金额", "备注"])
    for n, p in enumerate(rows, 1):
        sheet.append([n, p.name, p.id_card, "湖南省长沙市望城区五星街道双河村3组12号", 500, f"户主电话{rows[0].phone}"])
    sheet.merge_cells(start_row=2, start_column=4, end_row=1 + len(rows), end_column=4)
    sheet.merge_cells(start_row=2, start_column=6, end_row=1 + len(rows), end_column=6)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return [p.id_card for p in rows] + [rows[0].phone, "3组12号"]


def scientific_ids_csv(path: Path) -> list[str]:
    """IDs Excel turned into numbers and then saved as CSV: 4.30112E+17."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("姓名,身份证号码,金额\n张建国,4.30112E+17,300\n李秀英,4.30112E+17,450\n", "utf-8")
    return ["4.30112E+17"]


def numeric_ids_xlsx(path: Path, rows: list[Person]) -> list[str]:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["姓名", "身份证号码", "金额"])
    for p in rows[:2]:
        sheet.append([p.name, int(p.id_card[:17] + "0"), 500])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return [p.id_card[:13] for p in rows[:2]]


def undecodable_csv(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes("姓名,身份证号码\n".encode() + b"\xff\xfe\x80\x81\xfe\xff" * 40 + b"\n")


# --- the batch -------------------------------------------------------------------------------------------

PUBLISHED = {  # input name → published name
    "dibao.xlsx": "dibao.xlsx",
    "linshi.csv": "linshi.csv",
    "web-export.xls": "web-export.xlsx",
    "xml-export.xls": "xml-export.xlsx",
    "saved-as-xlsx.xlsx": "saved-as-xlsx.csv",  # really a CSV
    "renamed-to-csv.csv": "renamed-to-csv.xlsx",  # really an xlsx
    "no-header.csv": "no-header.csv",
    "header-only.xlsx": "header-only.xlsx",
    "ragged.csv": "ragged.csv",
    "long-cell.csv": "long-cell.csv",
    "error-cells.xlsx": "error-cells.xlsx",
    "merged-body.xlsx": "merged-body.xlsx",
    "scientific-ids.csv": "scientific-ids.csv",
    "numeric-ids.xlsx": "numeric-ids.xlsx",
}
REFUSED = {  # input name → reason
    "truncated.xlsx": TRUNCATED,
    "corrupt.xlsx": CORRUPT,
    "encrypted.xlsx": ENCRYPTED,
    "empty.csv": EMPTY,
    "undecodable.csv": UNDECODABLE,
}


@pytest.fixture(scope="module")
def batch(tmp_path_factory) -> tuple[Path, dict[str, list[str]]]:
    """The folder of bad inputs and good rosters, and per input the identifiers that must not survive."""
    folder = tmp_path_factory.mktemp("batch") / "in"
    rows = persons(8, seed=70)
    good_dibao, good_linshi = dibao_roster(12, seed=71), linshi_roster(12, seed=72)
    write_xlsx(good_dibao, folder / "dibao.xlsx")
    write_csv(good_linshi, folder / "linshi.csv", encoding="gbk")
    secrets = {
        "dibao.xlsx": sorted(s for s in good_dibao.secrets if re.fullmatch(r"[0-9X]{11,}", s)),
        "linshi.csv": sorted(s for s in good_linshi.secrets if re.fullmatch(r"[0-9X]{11,}", s)),
        "web-export.xls": html_export(folder / "web-export.xls", rows[:4]),
        "xml-export.xls": spreadsheetml_export(folder / "xml-export.xls", rows[4:]),
        "no-header.csv": no_header_csv(folder / "no-header.csv", rows[:5]),
        "ragged.csv": ragged_csv(folder / "ragged.csv", rows[2:7]),
        "long-cell.csv": long_cell_csv(folder / "long-cell.csv", rows),
        "error-cells.xlsx": error_cells_xlsx(folder / "error-cells.xlsx", rows[:5]),
        "merged-body.xlsx": merged_body_xlsx(folder / "merged-body.xlsx", rows[3:6]),
        "scientific-ids.csv": scientific_ids_csv(folder / "scientific-ids.csv"),
        "numeric-ids.xlsx": numeric_ids_xlsx(folder / "numeric-ids.xlsx", rows),
    }
    header_only_xlsx(folder / "header-only.xlsx")
    (folder / "saved-as-xlsx.xlsx").write_bytes(write_csv(good_dibao, folder / "x.tmp").read_bytes())
    (folder / "renamed-to-csv.csv").write_bytes(write_xlsx(good_linshi, folder / "y.tmp").read_bytes())
    (folder / "x.tmp").unlink(), (folder / "y.tmp").unlink()
    secrets["saved-as-xlsx.xlsx"], secrets["renamed-to-csv.csv"] = secrets["dibao.xlsx"], secrets["linshi.csv"]
    truncated_xlsx(folder / "truncated.xlsx")
    corrupt_xlsx(folder / "corrupt.xlsx")
    encrypted_workbook(folder / "encrypted.xlsx")
    (folder / "empty.csv").write_bytes(b"")
    undecodable_csv(folder / "undecodable.csv")
    assert sorted(p.name for p in folder.iterdir()) == sorted([*PUBLISHED, *REFUSED])
    return folder, secrets


def _squeezed(text: str) -> str:
    """Rich wraps long lines on a narrow terminal; compare messages without the whitespace it moves."""
    return re.sub(r"\s+", "", text)


def test_one_batch_of_bad_inputs_and_good_rosters(batch, tmp_path, key_file):
    folder, secrets = batch
    out = tmp_path / "out"
    started = time.monotonic()
    result = CliRunner().invoke(
        app, ["run", str(folder), "--pipeline", "dibao", "--out", str(out), "--key-file", str(key_file)]
    )
    elapsed = time.monotonic() - started
    assert result.exit_code == 1, result.output
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    output = _squeezed(result.output)
    for name, reason in REFUSED.items():
        assert _squeezed(f"✗ {name}: {reason}") in output
        assert _squeezed(f"失败 {name}: {reason}") in output  # the summary lists it again
    assert _squeezed(f"完成：{len(PUBLISHED)} 个文件已公开到 {out}，{len(REFUSED)} 个失败。") in output
    expected = {*PUBLISHED.values(), *(Path(n).stem + ".audit.jsonl" for n in PUBLISHED), "manifest.json"}
    assert {p.name for p in out.iterdir()} == expected | {"report.html"}, "a partial or refused file was left"
    for name, published in PUBLISHED.items():
        cells = published_text(out / published)
        digits = re.sub(r"\s", "", cells)
        log = (out / (Path(name).stem + ".audit.jsonl")).read_text("utf-8")
        for secret in secrets.get(name, []):
            assert secret not in digits and secret not in log, f"{name}: a personal number survived"
    check = CliRunner().invoke(app, ["check", str(out / "dibao.xlsx"), str(out / "linshi.csv")])
    assert check.exit_code == 0, check.output
    everything = CliRunner().invoke(app, ["check", *(str(out / p) for p in PUBLISHED.values())])
    assert everything.exit_code == 0, everything.output
    assert elapsed < 60


def test_the_batch_as_a_real_process_shows_no_traceback(batch, tmp_path, key_file):
    folder, _ = batch
    out = tmp_path / "out"
    done = subprocess.run(
        [str(DEID), "run", str(folder), "--pipeline", "dibao", "--out", str(out), "--key-file", str(key_file)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert "Traceback" not in done.stdout + done.stderr
    for name in REFUSED:
        assert f"✗ {name}: " in done.stderr
    assert not [p.name for p in out.rglob("*") if p.name.startswith(".") or p.suffix == ".part"]


def test_each_refusal_is_one_line_in_a_log_file(batch, tmp_path, key_file):
    folder, _ = batch
    refused = tmp_path / "refused"
    refused.mkdir()
    for name in REFUSED:
        (refused / name).write_bytes((folder / name).read_bytes())
    environment = {k: v for k, v in os.environ.items() if k not in ("COLUMNS", "LINES")}
    command = [str(DEID), "run", str(refused), "-p", "dibao", "-o", str(tmp_path / "o"), "--key-file", str(key_file)]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, env=environment)
    lines = done.stderr.splitlines()
    for name, reason in REFUSED.items():
        assert f"✗ {name}: {reason}" in lines


# --- focused: each input's exact behaviour ---------------------------------------------------------------


def _refusal(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        for sheet in read_workbook(path).sheets:
            for _ in sheet.chunks():  # a CSV streams: its later blocks are read here
                pass
    assert "\n" not in str(caught.value)
    return str(caught.value)


def test_encrypted_workbook_is_named_as_such(tmp_path):
    encrypted_workbook(tmp_path / "layout.xlsx")
    assert (tmp_path / "layout.xlsx").stat().st_size > 64 * 1024
    head = (tmp_path / "layout.xlsx").read_bytes()[: 64 * 1024]
    assert "EncryptionInfo".encode("utf-16-le") not in head, "the directory must lie beyond the sniffed bytes"
    assert _refusal(tmp_path / "layout.xlsx") == f"layout.xlsx: {ENCRYPTED}"
    cfb.check(tmp_path / "layout.xlsx")  # a well-formed container: the test builds what Excel builds
    assert cfb.directory_names(tmp_path / "layout.xlsx") == {
        "Root Entry", "EncryptedPackage", "\x06DataSpaces", "EncryptionInfo",
    }  # fmt: skip
    minimal = tmp_path / "名单.xlsx"
    minimal.write_bytes(
        OLE_MAGIC
        + bytes(600)
        + "EncryptionInfo".encode("utf-16-le")
        + bytes(40)
        + "EncryptedPackage".encode("utf-16-le")
    )
    assert _refusal(minimal) == f"名单.xlsx: {ENCRYPTED}"


def test_other_ole_files_are_not_called_encrypted(tmp_path):
    compound_file(tmp_path / "doc.xls", {"WordDocument": bytes(4096), "1Table": bytes(8192)})
    cfb.check(tmp_path / "doc.xls")
    assert _refusal(tmp_path / "doc.xls") == f"doc.xls: {CORRUPT}"


def test_a_workbook_that_exhausts_the_reader_fails_alone(tmp_path, key_file):
    far = openpyxl.Workbook()
    far.active["A1"], far.active["XFD1048576"] = "姓名", "x"  # calamine would ask for 17 billion cells
    (tmp_path / "in").mkdir()
    far.save(tmp_path / "in" / "far.xlsx")
    write_csv(dibao_roster(3, seed=43), tmp_path / "in" / "good.csv")
    report = run([tmp_path / "in"], "dibao", tmp_path / "out", key_file)
    assert [(f.status, f.error) for f in report.files] == [
        ("failed", f"far.xlsx: {OUT_OF_MEMORY}"),
        ("published", None),
    ]


def test_a_looping_xls_is_refused_at_once(tmp_path):
    book = xlwt.Workbook()
    book.add_sheet("名单").write(0, 0, "姓名")
    book.save(str(tmp_path / "ok.xls"))
    data = bytearray((tmp_path / "ok.xls").read_bytes())
    directory, first_fat = struct.unpack_from("<I", data, 0x30)[0], struct.unpack_from("<I", data, 0x4C)[0]
    struct.pack_into("<I", data, (first_fat + 1) * 512 + directory * 4, directory)  # the directory chain loops
    (tmp_path / "loop.xls").write_bytes(bytes(data))
    assert read_workbook(tmp_path / "ok.xls").sheets[0].grid.iat[0, 0] == "姓名"
    started = time.monotonic()
    assert _refusal(tmp_path / "loop.xls") == f"loop.xls: {CORRUPT}"
    assert time.monotonic() - started < 5


def test_a_bom_marked_csv_with_bad_bytes_far_down_is_refused(tmp_path):
    lines = "姓名,金额\n" + "张三,100\n" * 20_000  # > 64 KiB of good UTF-8 first
    (tmp_path / "late.csv").write_bytes(b"\xef\xbb\xbf" + lines.encode() + b"\xff\xfe,1\n")
    assert _refusal(tmp_path / "late.csv") == f"late.csv: {UNDECODABLE}"


def test_truncated_corrupt_empty_and_undecodable_files_are_refused(tmp_path):
    truncated_xlsx(tmp_path / "t.xlsx")
    corrupt_xlsx(tmp_path / "c.xlsx")
    (tmp_path / "e.xlsx").write_bytes(b"")
    undecodable_csv(tmp_path / "u.csv")
    assert _refusal(tmp_path / "t.xlsx") == f"t.xlsx: {TRUNCATED}"
    assert _refusal(tmp_path / "c.xlsx") == f"c.xlsx: {CORRUPT}"
    assert _refusal(tmp_path / "e.xlsx") == f"e.xlsx: {EMPTY}"
    assert _refusal(tmp_path / "u.csv") == f"u.csv: {UNDECODABLE}"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("scan.xlsx", b"%PDF-1.7\n%\xe2\xe3", "the file is a PDF document, not a table; export the roster as .xlsx or .csv"),
        ("photo.xls", bytes.fromhex("89504e470d0a1a0a") + bytes(40), "the file is an image, not a table; export the roster as .xlsx or .csv"),
        ("blob.csv", b"\x00\x01\x02\x03" * 100, "the file is binary, not a table; export the roster as .xlsx or .csv"),
        ("unicode.txt", "姓名\t身份证号\r\n张三\t430112199003077774\r\n".encode("utf-16"),
         "the file is UTF-16 text ('Unicode text'); save it from Excel as 'CSV UTF-8' and run again"),
        ("page.xls", b"<html><body><p>\xe6\x97\xa0</p></body></html>",
         "an HTML page with no table in it; export the roster as .xlsx or .csv"),
        ("report.xls", b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"><Worksheet>',
         "the XML spreadsheet is malformed (line 1); open it in Excel and save it as .xlsx"),
        ("notes.docx", b"hello", "not a roster file (.xlsx, .xlsm, .xls, .csv, .txt); convert it to .xlsx or .csv"),
    ],
)  # fmt: skip
def test_what_is_no_roster_is_refused_in_one_line(tmp_path, name, content, reason):
    path = tmp_path / name
    path.write_bytes(content)
    assert _refusal(path) == f"{name}: {reason}"


def test_html_table_export_is_read_as_a_workbook(tmp_path):
    rows = persons(3, seed=80)
    html_export(tmp_path / "web.xls", rows)
    book = read_workbook(tmp_path / "web.xls")
    assert book.kind == "excel" and [s.name for s in book.sheets] == ["Sheet1"]
    grid = book.sheets[0].grid
    assert grid.shape == (6, 6)
    assert grid.iloc[0].tolist() == ["望城区2024年第四季度城乡低保对象名单", "", "", "", "", ""]
    assert grid.iloc[2].tolist() == ["1", rows[0].name, rows[0].id_card, rows[0].phone,
                                     "湖南省长沙市望城区五星街道双河村1组11号", "501.00"]  # fmt: skip
    assert grid.iat[5, 0] == "制表人：王建国 联系电话：13907310001 监督电话：12345"  # &nbsp; runs read as one space
    assert book.sheets[0].merged == [(0, 0, 0, 5), (5, 0, 5, 5)]


def test_html_spans_nested_tables_and_encodings(tmp_path):
    page = (
        "<table><caption>名单</caption>"
        "<tr><td rowspan=2>户1<td>张三<td>430112199003077774"
        "<tr><td colspan=2>李四<br>（其妻）"
        "<tr><td>a<td rowspan=2>b<td>c"
        "<tr><td colspan=3>d"
        "<tr><td>3</td><td><table><tr><td>内表</td></tr></table>外</td></tr></table>"
    )
    (tmp_path / "a.xls").write_bytes(("\ufeff" + page).encode("utf-16-le"))
    (tmp_path / "b.xls").write_bytes(page.encode("gbk") + b"\xff\xfe")  # neither UTF-8 nor GB18030
    book = read_workbook(tmp_path / "a.xls")
    outer, inner = (s.grid.values.tolist() for s in book.sheets)
    assert outer == [
        ["名单", "", ""],
        ["户1", "张三", "430112199003077774"],
        ["", "李四\n（其妻）", ""],  # the cell spanning down from above comes first
        ["a", "b", "c"],
        ["d", "", ""],  # the colspan stops at the cell spanning down from above: merged ranges never overlap
        ["3", "外", ""],
    ]
    assert inner == [["内表"]]
    assert book.sheets[0].merged == [(1, 0, 2, 0), (2, 1, 2, 2), (3, 1, 4, 1)]
    assert (
        _refusal(tmp_path / "b.xls")
        == "b.xls: the text is neither UTF-8 nor GBK; open it in Excel and save it as .xlsx"
    )


def test_xml_spreadsheet_2003_is_read_with_its_hygiene(tmp_path):
    rows = persons(3, seed=81)
    spreadsheetml_export(tmp_path / "x.xls", rows)
    book = read_workbook(tmp_path / "x.xls")
    sheet = book.sheets[0]
    assert sheet.name == "临时救助" and sheet.merged == [(0, 0, 0, 5)]
    assert sheet.grid.iloc[2].tolist() == ["1", rows[0].name, rows[0].id_card, rows[0].phone, "601", "2024-11-05"]
    assert sheet.grid.iat[19, 1] == "经办人：李明" and sheet.grid.shape == (20, 6)
    removals = [(r.action, r.rule, r.cell) for r in book.package.removals]
    assert removals == [
        ("remove_comment", "hygiene:comments", "B20"),
        ("clear_metadata", "hygiene:property.creator", None),
    ]


def test_xml_spreadsheet_hidden_sheets_and_columns_do_not_survive(tmp_path, key_file):
    ids = [p.id_card for p in persons(2, seed=82)]
    text = (
        '<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet" '
        'xmlns:ss="urn:schemas-microsoft-com:office:spreadsheet" xmlns:x="urn:schemas-microsoft-com:office:excel">'
        '<Worksheet ss:Name="名单"><Table><Column ss:Index="3" ss:Hidden="1"/>'
        '<Row><Cell><Data ss:Type="String">姓名</Data></Cell><Cell><Data ss:Type="String">金额</Data></Cell>'
        '<Cell><Data ss:Type="String">备用</Data></Cell></Row>'
        f'<Row><Cell><Data ss:Type="String">王建国</Data></Cell><Cell><Data ss:Type="Number">300</Data></Cell>'
        f'<Cell><Data ss:Type="String">{ids[0]}</Data></Cell></Row></Table></Worksheet>'
        '<Worksheet ss:Name="原始"><Table><Row><Cell><Data ss:Type="String">'
        f"{ids[1]}</Data></Cell></Row></Table>"
        '<WorksheetOptions xmlns="urn:schemas-microsoft-com:office:excel"><Visible>SheetHidden</Visible>'
        "</WorksheetOptions></Worksheet></Workbook>"
    )
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "h.xls").write_text(text, "utf-8")
    report = run([tmp_path / "in" / "h.xls"], "dibao", tmp_path / "out", key_file)
    assert report.files[0].status == "published"
    published = openpyxl.load_workbook(tmp_path / "out" / "h.xlsx")
    assert published.sheetnames == ["名单"]
    assert [list(r) for r in published["名单"].iter_rows(values_only=True)] == [["姓名", "金额"], ["王*国", "300"]]
    actions = {r["action"] for r in audit_records(tmp_path / "out" / "h.audit.jsonl")}
    assert {"remove_sheet", "remove_hidden_column"} <= actions


def test_wrong_extension_is_read_by_content_and_named_by_format(tmp_path, key_file):
    roster = dibao_roster(6, seed=83)
    folder = tmp_path / "in"
    csv_bytes = write_csv(roster, folder / "c.tmp", encoding="gbk").read_bytes()
    (folder / "c.tmp").unlink()
    (folder / "really-csv.xlsx").write_bytes(csv_bytes)
    (folder / "really-xlsx.csv").write_bytes(write_xlsx(roster, folder / "x.tmp").read_bytes())
    (folder / "x.tmp").unlink()
    report = run([folder], "dibao", tmp_path / "out", key_file)
    assert [(Path(f.input).name, f.output) for f in report.files] == [
        ("really-csv.xlsx", "really-csv.csv"),
        ("really-xlsx.csv", "really-xlsx.xlsx"),
    ]
    as_csv = (tmp_path / "out" / "really-csv.csv").read_bytes()
    assert as_csv.decode("gb18030").startswith(roster.title) and not as_csv.startswith(b"\xef\xbb\xbf")
    assert openpyxl.load_workbook(tmp_path / "out" / "really-xlsx.xlsx").sheetnames == ["名单"]


def test_two_inputs_published_under_one_name_are_refused(tmp_path, key_file):
    folder = tmp_path / "in"
    write_csv(dibao_roster(3, seed=84), folder / "a.csv")
    (folder / "a.xlsx").write_bytes((folder / "a.csv").read_bytes())  # a CSV saved as .xlsx: published as a.csv
    report = run([folder], "dibao", tmp_path / "out", key_file)
    assert [(f.status, f.error) for f in report.files] == [
        ("failed", "a.xlsx: another input also writes a.csv; rename one of them"),
        ("published", None),
    ]


def test_two_inputs_sharing_an_audit_log_name_are_refused(tmp_path, key_file):
    folder = tmp_path / "in"
    write_csv(dibao_roster(3, seed=99), folder / "a.csv")
    write_xlsx(dibao_roster(3, seed=100), folder / "a.xlsx")
    report = run([folder], "dibao", tmp_path / "out", key_file)
    assert [f.status for f in report.files].count("published") == 1
    assert {r["file"] for r in audit_records(tmp_path / "out" / "a.audit.jsonl")} == {"a.csv"}


def test_sheet_without_a_header_is_typed_by_its_values(tmp_path, key_file):
    rows = persons(5, seed=85)
    no_header_csv(tmp_path / "in" / "n.csv", rows)
    report = run([tmp_path / "in" / "n.csv"], "dibao", tmp_path / "out", key_file)
    column = report.files[0].sheets[0].columns[2]
    assert (column.type, column.typed_by) == ("id_card", "values")
    published = published_rows(tmp_path / "out" / "n.csv")
    assert [r[2] for r in published] == [masked_id(p.id_card) for p in rows]


def test_header_without_rows_is_published_as_is(tmp_path, key_file):
    header = header_only_xlsx(tmp_path / "in" / "h.xlsx")
    report = run([tmp_path / "in" / "h.xlsx"], "dibao", tmp_path / "out", key_file)
    assert report.files[0].status == "published"
    assert not [r for r in audit_records(tmp_path / "out" / "h.audit.jsonl") if r["row"] is not None]
    assert published_rows(tmp_path / "out" / "h.xlsx") == [header]


def test_ragged_rows_are_padded_and_every_cell_scanned(tmp_path, key_file):
    rows = persons(5, seed=86)
    ragged_csv(tmp_path / "in" / "r.csv", rows)
    run([tmp_path / "in" / "r.csv"], "dibao", tmp_path / "out", key_file)
    published = published_rows(tmp_path / "out" / "r.csv")
    assert published[1] == ["1", rows[0].name[0] + "*" + rows[0].name[2:], masked_id(rows[0].id_card), "300", "备注",
                            f"电话{rows[0].phone[:3]}****{rows[0].phone[-4:]}"]  # fmt: skip
    assert published[2][2:] == ["", "", "", ""]
    assert len({len(r) for r in published}) == 1


def test_a_50000_character_cell_is_masked_in_reasonable_time(tmp_path, key_file):
    rows = persons(3, seed=87)
    secrets = long_cell_csv(tmp_path / "in" / "long.csv", rows)
    build_analyzer()  # loaded once per process: not part of the time a cell takes
    started = time.monotonic()
    report = run([tmp_path / "in" / "long.csv"], "dibao", tmp_path / "out", key_file)
    elapsed = time.monotonic() - started
    assert report.files[0].status == "published"
    note = published_rows(tmp_path / "out" / "long.csv")[1][2]
    assert len(note) == 50_000
    assert not [s for s in secrets if s in note]
    assert masked_id(rows[0].id_card) in note and masked_id(rows[2].id_card) in note
    assert f"{rows[1].phone[:3]}****{rows[1].phone[-4:]}" in note
    assert elapsed < 10, f"a 50,000-character cell took {elapsed:.1f} s"


def test_error_cells_neither_crash_nor_count_as_identifiers(tmp_path, key_file):
    rows = persons(5, seed=88)
    error_cells_xlsx(tmp_path / "in" / "e.xlsx", rows)
    report = run([tmp_path / "in" / "e.xlsx"], "dibao", tmp_path / "out", key_file)
    assert report.files[0].status == "published"
    published = published_rows(tmp_path / "out" / "e.xlsx")
    assert [r[3] for r in published] == ["人均", "", "", "", "#VALUE!", ""]
    assert published[1][2] == "" and published[2][1] == ""  # Excel's error values carry nothing to publish
    records = audit_records(tmp_path / "out" / "e.audit.jsonl")
    assert not [r for r in records if r["cell"] in ("C2", "B3", "D2", "D5")]
    assert {r["action"] for r in records if r["cell"] == "D4"} == {"remove_formula"}


def test_merged_cells_in_the_body_stay_merged_and_are_processed(tmp_path, key_file):
    rows = persons(3, seed=89)
    merged_body_xlsx(tmp_path / "in" / "m.xlsx", rows)
    run([tmp_path / "in" / "m.xlsx"], "dibao", tmp_path / "out", key_file)
    sheet = openpyxl.load_workbook(tmp_path / "out" / "m.xlsx").active
    assert {str(r) for r in sheet.merged_cells.ranges} == {"D2:D4", "F2:F4"}
    assert sheet["D2"].value == "湖南省长沙市望城区五星街道双河村"
    assert sheet["F2"].value == f"户主电话{rows[0].phone[:3]}****{rows[0].phone[-4:]}"


def test_ids_stored_as_numbers_are_masked_with_a_warning(tmp_path, key_file):
    rows = persons(2, seed=90)
    scientific_ids_csv(tmp_path / "in" / "s.csv")
    numeric_ids_xlsx(tmp_path / "in" / "n.xlsx", rows)
    report = run([tmp_path / "in"], "dibao", tmp_path / "out", key_file)
    assert [f.warnings for f in report.files] == [[LOST_DIGITS], [LOST_DIGITS]]
    as_excel_keeps_it = [cell_text(float(p.id_card[:17] + "0")) for p in rows]  # 15 significant digits
    assert [r[1] for r in published_rows(tmp_path / "out" / "n.xlsx")[1:]] == [masked_id(v) for v in as_excel_keeps_it]
    assert as_excel_keeps_it[0].endswith("000")
    assert "4.30112E+17" not in published_text(tmp_path / "out" / "s.csv")


# --- run-level problems and faults -------------------------------------------------------------------


def _invoke(*args: str):
    result = CliRunner().invoke(app, ["run", *map(str, args)])
    assert "Traceback" not in result.output
    return result


def test_malformed_pipeline_yaml_is_one_line(tmp_path, key_file):
    source = write_csv(dibao_roster(3, seed=91), tmp_path / "in" / "a.csv")
    policy = tmp_path / "mine.yaml"
    policy.write_text("name: mine\nextends: dibao\ncolumns:\n  person_name: [mask\n", "utf-8")
    result = _invoke(source, "--pipeline", policy, "--out", tmp_path / "out", "--key-file", key_file)
    assert result.exit_code == 1
    assert _squeezed(result.output) == _squeezed(
        f"deid: {policy}: not valid YAML at line 5; check indentation and colons"
    )


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda key: key.mkdir(), "the key file is a folder; give a file path to --key-file"),
        (lambda key: key.write_text("not a key\n"), "not a deid key file (expected hex); restore it or give a new --key-file path"),
        (lambda key: key.write_bytes(b"\xff\xfe\x00garbage"), "cannot read the key file; check its permissions or give another --key-file"),
    ],
    ids=["folder", "garbage", "binary"],
)  # fmt: skip
def test_unusable_key_file_is_one_line(tmp_path, make, reason):
    source = write_csv(dibao_roster(3, seed=92), tmp_path / "in" / "a.csv")
    key = tmp_path / "fingerprint.key"
    make(key)
    result = _invoke(source, "--pipeline", "dibao", "--out", tmp_path / "out", "--key-file", key)
    assert result.exit_code == 1
    assert _squeezed(result.output) == _squeezed(f"deid: {key}: {reason}")
    assert not (tmp_path / "out" / "a.csv").exists()


def test_key_file_that_cannot_be_created_is_one_line(tmp_path):
    source = write_csv(dibao_roster(3, seed=93), tmp_path / "in" / "a.csv")
    (tmp_path / "plain-file").write_text("x")
    key = tmp_path / "plain-file" / "k.key"
    result = _invoke(source, "--pipeline", "dibao", "--out", tmp_path / "out", "--key-file", key)
    assert result.exit_code == 1
    assert _squeezed(result.output) == _squeezed(
        f"deid: {key}: a folder on this path is a file; give --key-file a path in a real folder"
    )


def test_unwritable_out_is_one_line(tmp_path, key_file):
    source = write_csv(dibao_roster(3, seed=94), tmp_path / "in" / "a.csv")
    (tmp_path / "plain-file").write_text("x")
    out = tmp_path / "plain-file" / "out"  # root ignores permissions; a path under a file stops everyone
    result = _invoke(source, "--pipeline", "dibao", "--out", out, "--key-file", key_file)
    assert result.exit_code == 1
    assert _squeezed(result.output) == _squeezed(
        f"deid: {out}: cannot create the output folder (Not a directory); choose another --out"
    )


def test_missing_out_is_created(tmp_path, key_file):
    source = write_csv(dibao_roster(3, seed=95), tmp_path / "in" / "a.csv")
    out = tmp_path / "not" / "yet" / "there"
    result = _invoke(source, "--pipeline", "dibao", "--out", out, "--key-file", key_file)
    assert result.exit_code == 0
    assert (out / "a.csv").is_file() and (out / "a.audit.jsonl").is_file()


def test_out_inside_the_input_folder_is_never_read_back(tmp_path, key_file):
    folder = tmp_path / "rosters"
    write_csv(dibao_roster(4, seed=96), folder / "a.csv")
    write_xlsx(dibao_roster(4, seed=97), folder / "sub" / "b.xlsx")
    out = folder / "公开版"
    first = run([folder], "dibao", out, key_file)
    second = run([folder], "dibao", out, key_file)
    for report in (first, second):
        assert [(Path(f.input).name, f.output, f.status) for f in report.files] == [
            ("a.csv", "a.csv", "published"),
            ("b.xlsx", "sub/b.xlsx", "published"),
        ]
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*") if p.is_file()) == [
        "a.audit.jsonl", "a.csv", "manifest.json", "report.html", "sub/b.audit.jsonl", "sub/b.xlsx",
    ]  # fmt: skip


def test_the_same_file_given_twice_is_published_once(tmp_path, key_file):
    source = write_csv(dibao_roster(3, seed=98), tmp_path / "in" / "a.csv")
    again = tmp_path / "in" / "." / "a.csv"
    report = run([source, again, source.parent], "dibao", tmp_path / "out", key_file)
    assert [(Path(f.input).name, f.status) for f in report.files] == [("a.csv", "published")]
