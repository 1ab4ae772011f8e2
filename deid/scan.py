"""``deid scan``: what personal information is where, per sheet and column. Reads only, writes nothing."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from deid.fingerprint import Fingerprinter
from deid.io import Sheet, read_workbook
from deid.io.sheets import column_letter
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
        workbook = read_workbook(path)
        return [self._scan_sheet(path.name, sheet) for sheet in workbook.sheets]

    def _scan_sheet(self, file: str, sheet: Sheet) -> SheetScan:
        grid, name = sheet.grid, sheet.name
        outcome = self.transformer.transform(sheet)
        records = outcome.records
        body = grid.iloc[outcome.layout.body_start :]
        letters = records["cell"].str.extract(r"^([A-Z]+)", expand=False)
        columns = []
        for profile in outcome.profiles:
            mine = records[(letters == column_letter(profile.index)) & records["row"].notna()]
            findings: dict[str, int] = {}
            for entity in mine["entity"].dropna():
                for part in str(entity).split("+"):
                    findings[part] = findings.get(part, 0) + 1
            cells = int((body[profile.index].str.strip() != "").sum())
            columns.append(
                ColumnScan(
                    column=profile.header.strip() or f"#{profile.index + 1}",
                    header=profile.header,
                    type=profile.type,
                    title=profile.title,
                    typed_by=profile.typed_by,
                    evidence=profile.evidence,
                    cells=cells,
                    findings=findings,
                )
            )
        return SheetScan(file, name, [r + 1 for r in outcome.layout.header_rows], len(body), columns, outcome.warnings)
