"""``deid scan``: what personal information is where, per sheet and column. Reads only, writes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from deid.check import holds_identifier
from deid.columns import COLUMN_TYPES
from deid.fingerprint import Fingerprinter
from deid.io import Sheet, use_workbook
from deid.io.sheets import column_number, is_filled
from deid.policy import load_pipeline
from deid.text import TextRedactor
from deid.transform import SheetTransformer


@dataclass
class ColumnScan:
    column: str
    header: str
    type: str
    title: str
    typed_by: str
    evidence: str
    cells: int  # non-empty cells below the header
    findings: dict[str, int] = field(default_factory=dict)  # entity → cells holding it (footers included)


@dataclass
class SheetScan:
    file: str
    sheet: str | None
    header_rows: list[int]
    rows: int
    columns: list[ColumnScan]
    warnings: list[str]


class Scanner:
    """Profiles sheets and counts identifiers with the ``default`` pipeline (which acts on every one)."""

    def __init__(self) -> None:
        pipeline = load_pipeline("default")
        # Scanning publishes nothing, so an ephemeral key is enough for the fingerprints it never shows.
        fingerprint = Fingerprinter(b"deid-scan-does-not-publish")
        self.transformer = SheetTransformer(pipeline, TextRedactor(pipeline.text, fingerprint), fingerprint)

    def scan(self, path: Path) -> list[SheetScan]:
        return use_workbook(path, lambda workbook: [self._scan_sheet(path.name, sheet) for sheet in workbook.sheets])

    def _scan_sheet(self, file: str, sheet: Sheet) -> SheetScan:
        """Profile from the first rows, counts over every block of the sheet."""
        plan = self.transformer.plan(sheet)
        findings: dict[int, dict[str, int]] = {p.index: {} for p in plan.profiles}
        cells = dict.fromkeys(findings, 0)
        rows = 0
        for block in sheet.chunks():
            body = block.loc[block.index >= plan.layout.body_start]
            rows += len(body)
            for column in cells:
                cells[column] += int(is_filled(body[column]).sum())
            records = self.transformer.transform_chunk(plan, block).records.frame()
            for cell, entity in zip(records["cell"], records["entity"]):
                counts = findings[column_number(cell)]
                for part in str(entity).split("+"):
                    counts[part] = counts.get(part, 0) + 1
            for profile in plan.profiles:
                if profile.index not in plan.kept:
                    _count_dropped(body[profile.index], COLUMN_TYPES[profile.type].entity, findings[profile.index])
        columns = [
            ColumnScan(
                column=p.header.strip() or f"#{p.index + 1}",
                header=p.header,
                type=p.type,
                title=p.title,
                typed_by=p.typed_by,
                evidence=p.evidence,
                cells=cells[p.index],
                findings=findings[p.index],
            )
            for p in plan.profiles
        ]
        return SheetScan(file, sheet.name, [r + 1 for r in plan.layout.header_rows], rows, columns, plan.warnings)


def _count_dropped(values: pd.Series, entity: str | None, counts: dict[str, int]) -> None:
    """A column the strictest pipeline drops: how many of its cells still hold the identifier."""
    found = int(holds_identifier(values, entity).sum())
    if found and entity:
        counts[entity] = counts.get(entity, 0) + found
