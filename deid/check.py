"""``deid check``: the publication gate. Exit 1 if any personal identifier is anywhere in a file.

It reads everything a file carries — every sheet (hidden ones too), every cell (hidden columns too),
comments, document properties, print headers and footers, and the text of every other package part
(pivot caches, external links, drawings) — and reports where, with the value masked.

A cell fails the gate when the strictest pipeline (``default``) would still change it: what deid
publishes is a fixed point of its own masking, so a published file passes and an unmasked one does not.
Columns that ``default`` drops fail when a cell in them still looks like the identifier (a hand-masked
``138****5678`` does not). Names a pipeline publishes on purpose (法定代表人, consenting donors) pass when
the file's own manifest says which pipeline made it.

``deid run`` puts every copy it writes through this gate. A CSV is checked while it is written
(:class:`CsvGate`): each block, once appended, is read back from the file and checked in the workers that
transform the next blocks, before the copy takes its published name, with the result that checking the
finished file would give.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Iterator
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from deid.columns import COLUMN_TYPES
from deid.errors import DeidError
from deid.fingerprint import Fingerprinter
from deid.io import Sheet, Workbook, csvfile, use_workbook
from deid.io.csvfile import CsvRange, RawCsvBlock
from deid.io.package import Package
from deid.io.sheets import Block, block_frame, column_letter, is_filled
from deid.operators import ENTITY_MODULES, mask_value
from deid.parallel import BlockMapper
from deid.policy import Pipeline, Rule, load_pipeline
from deid.profile import ColumnProfile
from deid.transform import SheetPlan, SheetTransformer
from recognizers import person

PERSONAL_ENTITIES = frozenset(
    {"CN_ID_CARD", "CN_DISABILITY_CERT", "CN_PHONE", "BANK_CARD", "CN_PASSPORT", "CN_TRAVEL_PERMIT", "EMAIL_ADDRESS",
     "CN_LICENCE_PLATE", "PERSON", "CN_ADDRESS", "DIAGNOSIS", "DISABILITY", "BIRTH_DATE"}
)  # fmt: skip
# Health, disability and birth-date columns have no shape to test: any value in them is personal.
_ANY_VALUE = frozenset({"DIAGNOSIS", "DISABILITY", "BIRTH_DATE"})
_TEXT_CHUNK = 2000
MAX_LISTED = 200  # a raw roster has a finding in every row; the first ones say enough
CHECK = "check"


def check_spec(default: Pipeline) -> tuple[Pipeline, Fingerprinter]:
    """The gate's transformer: the strictest pipeline; it publishes nothing, so its key never leaves the process."""
    return default, Fingerprinter(b"deid-check-publishes-nothing")


_MASKED_ONLY = re.compile(r"[*＊\s]*")


@dataclass(frozen=True)
class Finding:
    sheet: str | None
    place: str  # a cell (B5), or where else in the file: 批注 B5, 文档属性 creator, 文件部件 xl/…
    entity: str
    masked: str


@dataclass
class Findings:
    """Findings in reading order: all counted, the first MAX_LISTED kept."""

    findings: list[Finding] = field(default_factory=list)  # the first MAX_LISTED
    count: int = 0  # all findings

    def add(self, finding: Finding) -> None:
        self.count += 1
        if len(self.findings) < MAX_LISTED:
            self.findings.append(finding)

    def merge(self, later: Findings) -> None:
        """Add the findings of a later part of the file."""
        self.findings += later.findings[: MAX_LISTED - len(self.findings)]
        self.count += later.count


@dataclass
class CheckResult(Findings):
    file: str = ""
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and not self.count

    def summary(self) -> dict:
        """For the manifest and the report: masked values only."""
        listed = [dataclasses.asdict(f) for f in self.findings]
        return {"passed": self.passed, "error": self.error, "count": self.count, "findings": listed}


@dataclass(frozen=True)
class SheetGate:
    """How the gate checks every block of one sheet, decided from the sheet's first rows (sent to workers)."""

    sheet: str | None
    plan: SheetPlan  # the ``default`` pipeline's
    allowed: frozenset[str]  # column types whose values are not originals to mask again (``_allowed_types``)


def check_block(transformer: SheetTransformer, gate: SheetGate, block: Block) -> Findings:
    """A block's findings, with ``transformer`` the gate's (``check_spec``)."""
    return _check_frame(transformer, gate, block_frame(block))


def _check_frame(transformer: SheetTransformer, gate: SheetGate, frame: pd.DataFrame) -> Findings:
    """Cells that the ``default`` pipeline would still change, then identifiers left in the columns it drops."""
    found = Findings()
    plan = gate.plan
    types = {column_letter(p.index): p.type for p in plan.profiles}
    records = transformer.transform_chunk(plan, frame).records.frame()
    for finding in _record_findings(gate.sheet, records, types, gate.allowed):
        found.add(finding)
    for profile in plan.profiles:
        entity = COLUMN_TYPES[profile.type].entity
        if profile.index not in plan.kept and profile.type not in gate.allowed and entity in PERSONAL_ENTITIES:
            rules = transformer.pipeline.text
            for finding in _dropped_column(gate.sheet, frame, profile, entity, plan.layout.body_start, rules):
                found.add(finding)
    return found


def _record_findings(
    sheet: str | None, records: pd.DataFrame, types: dict[str, str], allowed: frozenset[str]
) -> Iterator[Finding]:
    for record in records.itertuples(index=False):
        letters = re.match(r"[A-Z]+", record.cell).group(0)
        entities = [e for e in str(record.entity).split("+") if e in PERSONAL_ENTITIES]
        # In an allowed column the column rule's own re-masking is no finding; identifiers found inside are.
        by_column_rule = ":columns." in str(record.rule)
        if entities and not (types.get(letters) in allowed and (by_column_rule or entities == ["PERSON"])):
            yield Finding(sheet, record.cell, "+".join(entities), str(record.published))


def _dropped_column(
    sheet: str | None,
    block: pd.DataFrame,
    profile: ColumnProfile,
    entity: str,
    body_start: int,
    rules: dict[str, Rule],
) -> Iterator[Finding]:
    values = block[profile.index]
    values = values[values.index >= body_start]
    for row, value in values[holds_identifier(values, entity)].items():
        masked = mask_value(value, entity, rules[entity]) if entity in rules else "***"
        yield Finding(sheet, f"{column_letter(profile.index)}{row + 1}", entity, masked)


class Checker:
    """Checks files with the ``default`` pipeline's detection; built once, used for many files."""

    def __init__(self, jobs: int = 1, mapper: BlockMapper | None = None) -> None:
        """``mapper`` (shared with a publisher) must know ``CHECK``; otherwise the checker makes its own."""
        self.default = load_pipeline("default")
        self.mapper = mapper or BlockMapper({CHECK: check_spec(self.default)}, jobs)
        self.transformer = self.mapper.transformers[CHECK]
        self.redactor = self.transformer.redactor

    def check(self, path: Path, pipeline: Pipeline | None = None) -> CheckResult:
        """Check one file; ``pipeline`` (else the one named by a manifest beside the file) allows its kept names."""
        try:
            allowed = _allowed_types(pipeline or _manifest_pipeline(path))
            return use_workbook(path, lambda workbook: self._check_workbook(workbook, allowed))
        except DeidError as error:
            return CheckResult(file=str(path), error=str(error))

    def sheet_gate(self, sheet: Sheet, allowed: frozenset[str]) -> SheetGate:
        return SheetGate(sheet.name, self.transformer.plan(sheet), allowed)

    def _check_workbook(self, workbook: Workbook, allowed: frozenset[str]) -> CheckResult:
        result = CheckResult(file=str(workbook.path))
        for sheet in workbook.sheets:
            sheet = dataclasses.replace(sheet, hidden_columns=set())  # hidden columns are checked like the others
            gate = self.sheet_gate(sheet, allowed)
            # Block by block, so that checking a large file needs no more memory than publishing it.
            for found in self.mapper.map_task(check_block, CHECK, ((gate, block) for block in sheet.blocks())):
                result.merge(found)
        for finding in self._check_package(workbook.package):
            result.add(finding)
        return result

    def _check_package(self, package: Package) -> list[Finding]:
        findings = []
        for removal in package.removals:
            if removal.rule in (
                "hygiene:property.creator",
                "hygiene:property.lastModifiedBy",
            ) and person.is_plausible_name(removal.value or ""):
                findings.append(
                    Finding(
                        None, f"文档属性 {removal.rule.rsplit('.', 1)[-1]}", "PERSON", person.mask_name(removal.value)
                    )
                )
        for part, text, sheet in package.texts:
            for start in range(0, len(text), _TEXT_CHUNK):
                chunk = text[
                    start : start + _TEXT_CHUNK + 40
                ]  # overlap: a number cut at a boundary is still whole once
                for result in self.redactor.find(chunk):
                    if result.entity_type in PERSONAL_ENTITIES and result.entity_type not in self.redactor.kept:
                        value = chunk[result.start : result.end]
                        masked = mask_value(value, result.entity_type, self.default.text[result.entity_type])
                        findings.append(Finding(sheet, f"文件部件 {part}", result.entity_type, masked))
        return sorted(set(findings), key=lambda f: (f.place, f.entity, f.masked))


@dataclass(frozen=True)
class _Appended:
    """A block's rows appended to the file being written: where, and which rows."""

    begin: int
    end: int
    start: int  # sheet row (0-based) of the first
    rows: int


@dataclass(frozen=True)
class _RangeChecked:
    """What a worker read back from the file being written, and found in it."""

    begin: int
    end: int  # what was read back: ``begin`` + the bytes read
    rows: int  # records parsed
    opens_with_bom: bool
    found: Findings


def check_written(transformer: SheetTransformer, gate: SheetGate, written: CsvRange) -> _RangeChecked:
    """Read a block back from the file being written, and check it."""
    lines = written.read()
    frame = lines.frame()
    found = _check_frame(transformer, gate, frame)
    return _RangeChecked(written.begin, written.begin + len(lines.data), len(frame), lines.opens_with_bom(), found)


class CsvGate:
    """The gate on a CSV that ``deid run`` writes block by block, checked while it is written: once a block's
    bytes are appended to the temporary file, a worker reads that byte range back from the file and checks
    it, so that checking overlaps transforming instead of re-reading the whole file afterwards.

    Its result is that of ``Checker.check`` on the finished file, for it reads the same bytes into the same
    blocks of rows the same way: in the encoding, delimiter and width that the whole-file reader finds, under
    a plan made from the first block, the ranges tiling the file. Where the two could differ (an encoding that
    only the whole file tells, rows that do not parse as written, a block opening with U+FEFF, any fault),
    :meth:`result` gives None and the caller checks the finished file.
    """

    def __init__(self, checker: Checker, temporary: Path, target: Path, pipeline: Pipeline) -> None:
        """``temporary`` is being written; it is published as ``target`` (the name findings are reported for)."""
        self._checker, self._temporary, self._target = checker, temporary, target
        self._allowed = _allowed_types(pipeline)
        self._appended: list[_Appended] = []
        self._checks: list[Future[_RangeChecked]] = []
        self._lines: RawCsvBlock | None = None  # how the whole-file reader parses the lines
        self._gate: SheetGate | None = None
        self._undecided = False  # the whole-file gate must decide

    def appended(self, begin: int, end: int, rows: int) -> None:
        """Bytes ``begin``..``end`` of the file, now written, hold the next ``rows`` rows."""
        start = self._appended[-1].start + self._appended[-1].rows if self._appended else 0
        self._appended.append(_Appended(begin, end, start, rows))
        # The reader sniffs the delimiter from the first 64 KiB: they must be written before the plan is made.
        if self._gate is None and end >= csvfile.SNIFF_BYTES:
            self._start()
        if self._gate is not None:
            self._submit()

    def result(self) -> CheckResult | None:
        """The findings once the file is written whole, or None: check the finished file instead."""
        if self._gate is None and self._appended:
            self._start()
        self._submit()
        if self._undecided or not self._appended:
            return None
        result, end = CheckResult(file=str(self._target)), 0
        for appended, check in zip(self._appended, self._checks):
            try:
                checked = check.result()
            except Exception:  # whatever failed here, the whole-file gate meets it again and decides
                return None
            if (checked.begin, checked.end, checked.rows) != (end, appended.end, appended.rows) or (
                end and checked.opens_with_bom
            ):
                return None
            result.merge(checked.found)
            end = checked.end
        # The whole-file reader cuts the same blocks: every one but the last is BLOCK_ROWS rows.
        if end != self._temporary.stat().st_size or any(a.rows != csvfile.BLOCK_ROWS for a in self._appended[:-1]):
            return None
        return result

    def cancel(self) -> None:
        """The file is not published: the checks not started yet are not needed."""
        for check in self._checks:
            check.cancel()

    def _start(self) -> None:
        """Read and plan the first block as the whole-file reader would."""
        first = self._appended[0]
        try:
            with open(self._temporary, "rb") as handle:
                head = handle.read(first.end)
            encoding = csvfile.written_encoding(head)
            lines = csvfile.lines_shape(self._temporary, encoding) if encoding else None
            if lines is None or len(head) != first.end:
                self._undecided = True
                return
            grid = dataclasses.replace(lines, data=head).frame()
            self._gate = self._checker.sheet_gate(Sheet(None, grid), self._allowed)
            self._lines = lines
        except Exception:  # the whole-file gate reads the file again and meets the fault itself
            self._undecided = True

    def _submit(self) -> None:
        if self._gate is None or self._undecided:
            return
        for appended in self._appended[len(self._checks) :]:
            lines = dataclasses.replace(self._lines, start=appended.start)
            written = CsvRange(lines, appended.begin, appended.end)
            self._checks.append(self._checker.mapper.submit(check_written, CHECK, self._gate, written))


def holds_identifier(values: pd.Series, entity: str | None) -> pd.Series:
    """Which cells of a column that the strictest pipeline drops still hold its identifier: any value of a
    health or birth-date column that is not masked already, a value shaped like the number otherwise."""
    filled = is_filled(values)
    if entity in _ANY_VALUE:
        return filled & ~values.str.fullmatch(_MASKED_ONLY)
    module = ENTITY_MODULES.get(entity or "")
    if module is None:
        return pd.Series(False, index=values.index)
    return filled & values.map(module.is_plausible).astype(bool)


def _allowed_types(pipeline: Pipeline | None) -> frozenset[str]:
    """Column types whose published values are not originals to mask again: pseudonyms and replacements,
    and the names the pipeline publishes on purpose."""
    if pipeline is None:
        return frozenset()
    return frozenset(
        name
        for name, rule in pipeline.columns.items()
        if rule.action in ("pseudonymize", "replace")
        or (COLUMN_TYPES[name].entity == "PERSON" and rule.action in ("keep", "keep_if_consent"))
    )


def _manifest_pipeline(path: Path) -> Pipeline | None:
    """The pipeline a manifest beside ``path`` says made it, if deid published it."""
    manifest = path.parent / "manifest.json"
    if not manifest.is_file():
        return None
    try:
        data = json.loads(manifest.read_text("utf-8"))
    except (OSError, ValueError):
        return None
    outputs = {Path(f.get("output") or "").name for f in data.get("files", []) if f.get("status") == "published"}
    if path.name not in outputs:
        return None
    for name in (data.get("pipeline"), data.get("pipeline_source")):
        try:
            return load_pipeline(str(name)) if name else None
        except DeidError:
            continue
    return None
