"""End to end, every built-in pipeline on its own synthetic roster (examples/synthetic.py).

Each roster knows its ground truth: the personal values that must not survive (``secrets``) and the values
that must survive unchanged (``kept``, as whole cells or inside text). On top of that, per pipeline: the
columns it drops, children's names and IDs, donors' consent, and what a 惩戒公示 keeps in public.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from conftest import audit_records, published_rows, published_text

from deid.columns import is_consent, is_organisation
from deid.publish import run
from examples.synthetic import (
    COMPOUND,
    Roster,
    blacklist_roster,
    dibao_roster,
    disability_roster,
    disaster_roster,
    donation_roster,
    linshi_roster,
    medical_aid_roster,
    orphan_roster,
    poverty_roster,
    student_aid_roster,
    tekun_roster,
    write_csv,
    write_xlsx,
)


@dataclass(frozen=True)
class Case:
    pipeline: str
    make: Callable[[], Roster]
    kind: str = "xlsx"
    encoding: str | None = None

    @property
    def id(self) -> str:
        return f"{self.pipeline}-{self.kind}" + (f"-{self.encoding}" if self.encoding else "")


# Each generator with its own default size and seed, as examples/make_examples.py ships them.
CASES = [
    Case("dibao", dibao_roster),
    Case("linshi", linshi_roster),
    Case("tekun", tekun_roster),
    Case("tekun", lambda: tekun_roster(20, seed=13), "csv", "gbk"),
    Case("disability", disability_roster),
    Case("orphan", orphan_roster),
    Case("student-aid", student_aid_roster),
    Case("medical-aid", medical_aid_roster),
    Case("disaster", disaster_roster),
    Case("disaster", lambda: disaster_roster(20, seed=18), "csv", "gbk"),
    Case("donation", donation_roster),
    Case("poverty", poverty_roster),
    Case("blacklist", blacklist_roster),
]
# The columns each pipeline removes from its roster: phones, bank accounts, disability and diagnosis.
DROPPED = {
    "dibao": {"联系电话", "银行卡号"},
    "linshi": {"联系电话"},
    "tekun": {"联系电话", "银行卡号"},
    "disability": {"残疾类别", "残疾等级", "联系电话"},
    "orphan": {"监护人联系电话"},
    "student-aid": {"联系电话"},
    "medical-aid": {"疾病名称", "联系电话"},
    "disaster": {"一卡通账号", "联系电话"},
    "donation": {"联系电话"},
    "poverty": set(),
    "blacklist": set(),
}
CHILDREN = {"orphan": ("儿童姓名", "儿童身份证号"), "student-aid": ("学生姓名", "身份证号")}
FULL_ID = re.compile(r"(?<![0-9])[1-9]\d{16}[0-9Xx](?![0-9])")
MOBILE = re.compile(r"(?<![0-9])1[3-9]\d{9}(?![0-9])")
CARD = re.compile(r"(?<![0-9])\d{16,19}(?![0-9])")
CHILD_NAME = re.compile(r"^[一-龥]{1,2}\*+$|^[一-龥]\*(?:·\*)+$")
ADULT_ID = re.compile(r"^\d{6}\*{8}\d{3}[\dX]$")


def cases(pipelines: tuple[str, ...] | None = None):
    """Parametrize ``published`` over the cases (of ``pipelines``)."""
    params = [pytest.param(case, id=case.id) for case in CASES if pipelines is None or case.pipeline in pipelines]
    return pytest.mark.parametrize("published", params, indirect=True)


@dataclass(repr=False)
class Published:
    roster: Roster
    rows: list[list[str]]  # the published file, every cell as text
    text: str
    audit: list[dict]
    log: str  # the audit log and the manifest, as written
    manifest: dict

    def __repr__(self) -> str:  # a failing test shows the case, not every cell
        return f"Published({self.roster.kind}, {len(self.rows)} rows, {len(self.audit)} audit records)"

    @property
    def header(self) -> list[str]:
        return self.rows[1]

    def column(self, header: str) -> list[str]:
        """The published cells of the records under ``header``."""
        at = self.header.index(header)
        return [row[at] for row in self.rows[2 : 2 + len(self.roster.records)]]


@pytest.fixture(scope="module")
def published(request, tmp_path_factory, key_file) -> Published:
    case: Case = request.param
    folder = tmp_path_factory.mktemp(case.id)
    roster = case.make()
    source = folder / "in" / f"roster.{case.kind}"
    if case.kind == "xlsx":
        write_xlsx(roster, source)
    else:
        write_csv(roster, source, encoding=case.encoding)
    out = folder / "out"
    report = run([source], case.pipeline, out, key_file)
    assert [f.status for f in report.files] == ["published"], report.files[0].error
    manifest = (out / "manifest.json").read_text("utf-8")
    return Published(
        roster=roster,
        rows=published_rows(out / source.name),
        text=published_text(out / source.name),
        audit=audit_records(out / "roster.audit.jsonl"),
        log=(out / "roster.audit.jsonl").read_text("utf-8") + manifest,
        manifest=json.loads(manifest),
    )


def _input_column(roster: Roster, header: str) -> list[str]:
    at = roster.header.index(header)
    return [record[at] for record in roster.records]


@cases()
def test_roster_is_published(published):
    assert published.manifest["pipeline"] == published.roster.kind
    assert published.manifest["files"][0]["records"] == len(published.audit)
    assert len(published.rows) == len(published.roster.rows)
    assert published.column("序号") == [record[0] for record in published.roster.records]


@cases()
def test_no_secret_in_published_file(published):
    leaked = sorted(s for s in published.roster.secrets if s in published.text)
    assert not leaked
    assert not FULL_ID.search(published.text)
    assert not MOBILE.search(published.text)
    assert not CARD.search(published.text)


@cases()
def test_no_secret_in_audit_log_or_manifest(published):
    assert not sorted(s for s in published.roster.secrets if s in published.log)


@cases()
def test_kept_values_survive(published):
    roster = published.roster
    input_cells = {cell for row in roster.rows for cell in row}
    output_cells = {cell for row in published.rows for cell in row}
    kept = roster.kept - DROPPED[roster.kind]
    missing_cells = sorted(v for v in kept if v in input_cells and v not in output_cells)
    missing_text = sorted(v for v in kept if v not in input_cells and v not in published.text)
    assert not missing_cells
    assert not missing_text


@cases()
def test_dropped_columns_are_gone_with_one_record_each(published):
    roster = published.roster
    assert published.header == [h for h in roster.header if h not in DROPPED[roster.kind]]
    drops = [r for r in published.audit if r["action"] == "drop_column"]
    assert sorted(r["column"] for r in drops) == sorted(DROPPED[roster.kind])
    assert all(r["row"] is None for r in drops)


@cases(pipelines=tuple(CHILDREN))
def test_children_keep_only_their_surname(published):
    name_header, id_header = CHILDREN[published.roster.kind]
    for name, cell in zip(_input_column(published.roster, name_header), published.column(name_header)):
        assert CHILD_NAME.match(cell), cell
        assert cell[0] == name[0]
        if "·" not in name:
            surname = name[:2] if name[:2] in COMPOUND else name[0]  # 扎西顿珠 has none: its first character
            assert cell == surname + "*" * (len(name) - len(surname))
    assert all(re.fullmatch(r"\*{18}", cell) for cell in published.column(id_header))


@cases(pipelines=tuple(CHILDREN))
def test_guardians_and_parents_are_adults(published):
    name_header = "监护人姓名" if published.roster.kind == "orphan" else "家长姓名"
    for name, cell in zip(_input_column(published.roster, name_header), published.column(name_header)):
        assert cell != name and "*" in cell and cell[0] == name[0]
    if published.roster.kind == "orphan":
        ids = zip(_input_column(published.roster, "监护人身份证号"), published.column("监护人身份证号"))
        assert all(cell == number[:6] + "*" * 8 + number[-4:] for number, cell in ids)


@cases(pipelines=("donation",))
def test_donors_named_only_with_consent(published):
    roster = published.roster
    donors, consents = _input_column(roster, "捐赠人"), _input_column(roster, "是否同意公开")
    for donor, consent, cell in zip(donors, consents, published.column("捐赠人")):
        assert cell == (donor if is_organisation(donor) or is_consent(consent) else "爱心人士"), (donor, consent)
    assert published.column("统一社会信用代码") == _input_column(roster, "统一社会信用代码")
    assert published.column("是否同意公开") == consents


@cases(pipelines=("blacklist",))
def test_blacklist_publishes_organisation_and_representative(published):
    roster = published.roster
    for header in ("当事人名称", "统一社会信用代码", "法定代表人", "处罚决定书文号", "处罚日期"):
        assert published.column(header) == _input_column(roster, header), header
    ids = zip(_input_column(roster, "身份证号"), published.column("身份证号"))
    assert all(cell == number[:6] + "*" * 8 + number[-4:] and ADULT_ID.match(cell) for number, cell in ids)


@cases()
def test_every_changed_cell_has_its_audit_record(published):
    roster = published.roster
    by_row: dict[int, list[dict]] = {}
    for record in published.audit:
        if record["row"] is not None:
            by_row.setdefault(record["row"], []).append(record)
    kept_columns = [c for c, h in enumerate(roster.header) if h not in DROPPED[roster.kind]]
    records_at = range(2, 2 + len(roster.records))
    for r, (old, new) in enumerate(zip(roster.rows, published.rows)):
        for position, c in enumerate(kept_columns):
            if old[c] == new[position]:
                continue
            # Title and footer rows are repacked when a column is dropped: match them by row only.
            candidates = [
                rec for rec in by_row.get(r + 1, []) if r not in records_at or rec["column"] == roster.header[c]
            ]
            assert candidates, f"row {r + 1}, column {roster.header[c]}: changed without an audit record"
            assert any(rec["published"] == new[position] for rec in candidates)
