"""``deid check``: the publication gate. Exit 1 if any personal identifier is anywhere in a file.

It reads everything a file carries — every sheet (hidden ones too), every cell (hidden columns too),
comments, document properties, print headers and footers, and the text of every other package part
(pivot caches, external links, drawings) — and reports where, with the value masked.

A cell fails the gate when the strictest pipeline (``default``) would still change it: what deid
publishes is a fixed point of its own masking, so a published file passes and an unmasked one does not.
Columns that ``default`` drops fail when a cell in them still looks like the identifier (a hand-masked
``138****5678`` does not). Names a pipeline publishes on purpose (法定代表人, consenting donors) pass when
the file's own manifest says which pipeline made it.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from deid.columns import COLUMN_TYPES
from deid.errors import DeidError
from deid.fingerprint import Fingerprinter
from deid.io import Sheet, Workbook, use_workbook
from deid.io.package import Package
from deid.io.sheets import column_letter, is_filled
from deid.operators import ENTITY_MODULES, mask_value
from deid.parallel import BlockMapper
from deid.policy import Pipeline, load_pipeline
from deid.profile import ColumnProfile
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
class CheckResult:
    file: str
    findings: list[Finding] = field(default_factory=list)  # the first MAX_LISTED
    count: int = 0  # all findings
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and not self.count

    def add(self, finding: Finding) -> None:
        self.count += 1
        if len(self.findings) < MAX_LISTED:
            self.findings.append(finding)

    def summary(self) -> dict:
        """For the manifest and the report: masked values only."""
        listed = [dataclasses.asdict(f) for f in self.findings]
        return {"passed": self.passed, "error": self.error, "count": self.count, "findings": listed}


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
            return CheckResult(str(path), error=str(error))

    def _check_workbook(self, workbook: Workbook, allowed: set[str]) -> CheckResult:
        result = CheckResult(str(workbook.path))
        for sheet in workbook.sheets:
            for finding in self._check_sheet(dataclasses.replace(sheet, hidden_columns=set()), allowed):
                result.add(finding)
        for finding in self._check_package(workbook.package):
            result.add(finding)
        return result

    def _check_sheet(self, sheet: Sheet, allowed: set[str]) -> Iterator[Finding]:
        """Findings block by block, so that checking a large file needs no more memory than publishing it."""
        plan = self.transformer.plan(sheet)
        types = {column_letter(p.index): p.type for p in plan.profiles}
        dropped = [p for p in plan.profiles if p.index not in plan.kept and p.type not in allowed]
        # Dropped columns are checked here, so their blocks are parsed here; otherwise where they are transformed.
        blocks = itertools.tee(sheet.chunks()) if dropped else (sheet.blocks(), iter(()))
        for result, block in itertools.zip_longest(self.mapper.map(CHECK, plan, blocks[0]), blocks[1]):
            yield from self._record_findings(sheet.name, result.outcome.records, types, allowed)
            for profile in dropped:
                entity = COLUMN_TYPES[profile.type].entity
                if entity in PERSONAL_ENTITIES:
                    yield from self._dropped_column(sheet.name, block, profile, entity, plan.layout.body_start)

    @staticmethod
    def _record_findings(
        sheet: str | None, records: pd.DataFrame, types: dict[str, str], allowed: set[str]
    ) -> Iterator[Finding]:
        for record in records.itertuples(index=False):
            letters = re.match(r"[A-Z]+", record.cell).group(0)
            entities = [e for e in str(record.entity).split("+") if e in PERSONAL_ENTITIES]
            # In an allowed column the column rule's own re-masking is no finding; identifiers found inside are.
            by_column_rule = ":columns." in str(record.rule)
            if entities and not (types.get(letters) in allowed and (by_column_rule or entities == ["PERSON"])):
                yield Finding(sheet, record.cell, "+".join(entities), str(record.published))

    def _dropped_column(
        self, sheet: str | None, block: pd.DataFrame, profile: ColumnProfile, entity: str, body_start: int
    ) -> Iterator[Finding]:
        values = block[profile.index]
        values = values[values.index >= body_start]
        for row, value in values[holds_identifier(values, entity)].items():
            masked = mask_value(value, entity, self.default.text[entity]) if entity in self.default.text else "***"
            yield Finding(sheet, f"{column_letter(profile.index)}{row + 1}", entity, masked)

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


def _allowed_types(pipeline: Pipeline | None) -> set[str]:
    """Column types whose published values are not originals to mask again: pseudonyms and replacements,
    and the names the pipeline publishes on purpose."""
    if pipeline is None:
        return set()
    return {
        name
        for name, rule in pipeline.columns.items()
        if rule.action in ("pseudonymize", "replace")
        or (COLUMN_TYPES[name].entity == "PERSON" and rule.action in ("keep", "keep_if_consent"))
    }


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
