"""Issue 7, property: whatever the layout, header names or writing of the numbers, no full ID, phone or bank
number of the input appears in the published copy or its audit log.

Hypothesis draws rosters: title row or not, footer or not, columns shuffled, header synonyms, names from
``examples.synthetic.People``, numbers written plain, spaced, hyphenated, full-width or with a lowercase x,
phones stored as numbers in xlsx, and a 备注 column repeating them in text. Outputs are compared by their
digits only, so a number published with different separators still counts as leaked.
"""

from __future__ import annotations

import random
import re
import tempfile
from dataclasses import dataclass
from pathlib import Path

import openpyxl
from conftest import published_rows
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deid.io import output_name
from deid.publish import run
from examples.synthetic import COUNTIES, People
from recognizers.normalize import halfwidth

NAME_HEADERS = ["姓名", "户主姓名", "申请人", "对象姓名"]
ID_HEADERS = ["身份证号", "公民身份号码", "证件号码", "身份证号码", "身份证\n号码"]
PHONE_HEADERS = ["联系电话", "手机", "联系方式", "手机号码"]
BANK_HEADERS = ["银行卡号", "账号", "存折号", "社保卡号"]
COLUMNS = ["serial", "name", "id", "phone", "bank", "amount", "note"]


def _fullwidth(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


def write_id(value: str, style: int) -> str:
    return [
        value,
        value.lower(),
        f"{value[:6]} {value[6:14]} {value[14:]}",
        f"{value[:6]}-{value[6:14]}-{value[14:]}",
        _fullwidth(value),
        _fullwidth(value.lower()),
    ][style % 6]


def write_phone(value: str, style: int) -> str:
    return [
        value,
        f"{value[:3]} {value[3:7]} {value[7:]}",
        f"{value[:3]}-{value[3:7]}-{value[7:]}",
        _fullwidth(value),
        f"+86 {value}",
    ][style % 5]


def write_card(value: str, style: int) -> str:
    groups = [value[k : k + 4] for k in range(0, len(value), 4)]
    return [value, " ".join(groups), "-".join(groups), _fullwidth(value)][style % 4]


@dataclass
class Layout:
    seed: int
    rows: int
    title: bool
    footer: bool
    order: list[str]
    headers: dict[str, str]
    kind: str  # csv-utf8 | csv-gbk | xlsx
    phones_as_numbers: bool
    pipeline: str


@st.composite
def layouts(draw) -> Layout:
    columns = draw(st.permutations(COLUMNS))
    keep = [c for c in columns if c in ("id", "phone", "bank") or draw(st.booleans())]
    headers = {
        "serial": "序号",
        "name": draw(st.sampled_from(NAME_HEADERS)),
        "id": draw(st.sampled_from(ID_HEADERS)),
        "phone": draw(st.sampled_from(PHONE_HEADERS)),
        "bank": draw(st.sampled_from(BANK_HEADERS)),
        "amount": draw(st.sampled_from(["金额", "月保障金额（元）", "救助金额"])),
        "note": draw(st.sampled_from(["备注", "救助事由", "情况说明"])),
    }
    return Layout(
        seed=draw(st.integers(0, 10**6)),
        rows=draw(st.integers(1, 6)),
        title=draw(st.booleans()),
        footer=draw(st.booleans()),
        order=keep,
        headers=headers,
        kind=draw(st.sampled_from(["csv-utf8", "csv-gbk", "xlsx"])),
        phones_as_numbers=draw(st.booleans()),
        pipeline=draw(st.sampled_from(["dibao", "default", "linshi"])),
    )


def build(layout: Layout, folder: Path) -> tuple[Path, set[str]]:
    """Write the roster; return it and the digit-only forms of every ID, phone and bank number in it."""
    people, rng = People(layout.seed), random.Random(layout.seed)
    county = rng.choice(COUNTIES)
    secrets: set[str] = set()

    def remember(*numbers: str) -> None:
        secrets.update(re.sub(r"\D", "", n) for n in numbers)  # an ID's X drops out: its 17 digits stay secret

    records = []
    for n in range(1, layout.rows + 1):
        id_card, phone, card, other = people.id_card(county), people.phone(), people.bank_card(), people.phone()
        remember(id_card, phone, card, *([other] if "note" in layout.order else []))
        cells = {
            "serial": str(n),
            "name": people.name(),
            "id": write_id(id_card, rng.randrange(6)),
            "phone": write_phone(phone, rng.randrange(5)),
            "bank": write_card(card, rng.randrange(4)),
            "amount": people.amount(300, 2000),
            "note": f"户主{people.name()}，身份证号{write_id(id_card, rng.randrange(6))}，"
            f"其子电话{write_phone(other, rng.randrange(5))}，卡号{write_card(card, rng.randrange(4))}",
        }
        if layout.kind == "xlsx" and layout.phones_as_numbers:
            cells["phone"] = int(phone)
        records.append([cells[c] for c in layout.order])
    rows = ([[f"{county[2]}2024年救助对象名单"]] if layout.title else []) + [[layout.headers[c] for c in layout.order]]
    rows += records
    if layout.footer:
        clerk_phone = people.phone()
        remember(clerk_phone)
        rows.append(
            [f"制表人：{people.name()}  联系电话：{write_phone(clerk_phone, rng.randrange(5))}  监督电话：12345"]
        )
    width = len(layout.order)
    rows = [row + [""] * (width - len(row)) for row in rows]
    if layout.kind == "xlsx":
        path = folder / "roster.xlsx"
        book = openpyxl.Workbook()
        for row in rows:
            book.active.append([cell if cell != "" else None for cell in row])
        book.save(path)
    else:
        path = folder / "roster.csv"
        encoding = "gbk" if layout.kind == "csv-gbk" else "utf-8-sig"
        path.write_text("\r\n".join(",".join(f'"{c}"' for c in row) for row in rows) + "\r\n", encoding=encoding)
    return path, secrets


def leaked(texts: list[str], secrets: set[str]) -> list[str]:
    """Secrets whose digits appear, separators and full-width forms aside, in one of ``texts``."""
    digit_runs = [re.sub(r"\D", "", halfwidth(text)) for text in texts]
    return sorted(s[:3] + "…" for s in secrets if any(s in run for run in digit_runs))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(layout=layouts())
def test_no_full_number_survives_in_output_or_audit_log(key_file, layout):
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        (folder / "in").mkdir()
        source, secrets = build(layout, folder / "in")
        report = run([source], layout.pipeline, folder / "out", key_file)
        assert [f.status for f in report.files] == ["published"], report.files[0].error
        cells = [cell for row in published_rows(folder / "out" / output_name(source)) for cell in row]
        assert not leaked(cells, secrets), "a personal number survived in the published copy"
        log = (folder / "out" / "roster.audit.jsonl").read_text("utf-8").splitlines()
        manifest = (folder / "out" / "manifest.json").read_text("utf-8").splitlines()
        assert not leaked(log + manifest, secrets), "a personal number reached the audit log or the manifest"
