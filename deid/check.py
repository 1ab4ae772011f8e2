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
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from deid.columns import COLUMN_TYPES
from deid.errors import DeidError
from deid.fingerprint import Fingerprinter
from deid.io import Sheet, read_workbook
from deid.io.package import Package
from deid.io.sheets import column_letter, column_number
from deid.operators import ENTITY_MODULES, mask_value
from deid.policy import Pipeline, load_pipeline
from deid.profile import ColumnProfile
from deid.text import TextRedactor
from deid.transform import SheetTransformer
from recognizers import person

PERSONAL_ENTITIES = frozenset(
    {"CN_ID_CARD", "CN_DISABILITY_CERT", "CN_PHONE", "BANK_CARD", "CN_PASSPORT", "CN_TRAVEL_PERMIT", "EMAIL_ADDRESS",
     "CN_LICENCE_PLATE", "PERSON", "CN_ADDRESS", "DIAGNOSIS", "DISABILITY", "BIRTH_DATE"}
)  # fmt: skip
# Health, disability and birth-date columns have no shape to test: any value in them is personal.
_ANY_VALUE = frozenset({"DIAGNOSIS", "DISABILITY", "BIRTH_DATE"})
_TEXT_CHUNK = 2000
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
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.error is None and not self.findings

    def summary(self) -> dict:
        """For the manifest and the report: masked values only."""
        return {"passed": self.passed, "error": self.error, "findings": [dataclasses.asdict(f) for f in self.findings]}


class Checker:
    """Checks files with the ``default`` pipeline's detection; built once, used for many files."""

    def __init__(self) -> None:
        self.default = load_pipeline("default")
        # The gate publishes nothing, so its fingerprints never leave this process.
        fingerprint = Fingerprinter(b"deid-check-publishes-nothing")
        self.redactor = TextRedactor(self.default.text, fingerprint)
        self.transformer = SheetTransformer(self.default, self.redactor, fingerprint)

    def check(self, path: Path, pipeline: Pipeline | None = None) -> CheckResult:
        """Check one file; ``pipeline`` (else the one named by a manifest beside the file) allows its kept names."""
        result = CheckResult(str(path))
        try:
            workbook = read_workbook(path)
            allowed = _allowed_types(pipeline or _manifest_pipeline(path))
        except DeidError as error:
            result.error = str(error)
            return result
        for sheet in workbook.sheets:
            result.findings += self._check_sheet(dataclasses.replace(sheet, hidden_columns=set()), allowed)
        result.findings += self._check_package(workbook.package)
        return result

    def _check_sheet(self, sheet: Sheet, allowed: set[str]) -> list[Finding]:
        outcome = self.transformer.transform(sheet)
        types = {column_letter(p.index): p.type for p in outcome.profiles}
        findings = []
        for record in outcome.records.itertuples(index=False):
            letters = re.match(r"[A-Z]+", record.cell).group(0)
            entities = [e for e in str(record.entity).split("+") if e in PERSONAL_ENTITIES]
            # In an allowed column the column rule's own re-masking is no finding; identifiers found inside are.
            by_column_rule = ":columns." in str(record.rule)
            if not entities or (types.get(letters) in allowed and (by_column_rule or entities == ["PERSON"])):
                continue
            if pd.isna(record.row):
                profile = outcome.profiles[column_number(letters)]
                findings += self._dropped_column(sheet, profile, entities[0], outcome.layout.body_start)
            else:
                findings.append(Finding(sheet.name, record.cell, "+".join(entities), str(record.published)))
        return findings

    def _dropped_column(self, sheet: Sheet, profile: ColumnProfile, entity: str, body_start: int) -> list[Finding]:
        module = ENTITY_MODULES.get(entity)
        findings = []
        for row, value in sheet.grid[profile.index].iloc[body_start:].items():
            if not str(value).strip():
                continue
            if entity in _ANY_VALUE and not _MASKED_ONLY.fullmatch(value):
                findings.append(Finding(sheet.name, f"{column_letter(profile.index)}{row + 1}", entity, "***"))
            elif module is not None and module.is_plausible(value):
                masked = mask_value(value, entity, self.default.text.get(entity, self.default.columns["other"]))
                findings.append(Finding(sheet.name, f"{column_letter(profile.index)}{row + 1}", entity, masked))
        return findings

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
