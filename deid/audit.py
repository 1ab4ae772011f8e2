"""The audit log (``<stem>.audit.jsonl``): one JSON object per changed cell or whole-column/workbook action.

Records carry a keyed fingerprint of the original and the published value, never the original itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from deid.transform import AUDIT_FIELDS


def sheet_records(records: pd.DataFrame, file: str, sheet: str | None) -> pd.DataFrame:
    """A sheet's records with the file and sheet filled in, fields in contract order."""
    records = records.assign(file=file, sheet=sheet)
    return records[list(AUDIT_FIELDS)]


def workbook_record(
    file: str, sheet: str | None, action: str, rule: str, cell: str | None = None, fingerprint: str | None = None
) -> pd.DataFrame:
    """One record for a workbook hygiene action (removed sheet, comment, formula, cleared metadata …)."""
    record = dict.fromkeys(AUDIT_FIELDS)
    row = re.sub(r"\D", "", cell or "")
    record.update(file=file, sheet=sheet, row=int(row) if row else None, cell=cell, action=action, rule=rule)
    record.update(detector="workbook", score=1.0, fingerprint=fingerprint)
    return pd.DataFrame([record], columns=list(AUDIT_FIELDS)).astype({"row": "Int64"})


def audit_lines(frame: pd.DataFrame) -> str:
    """The JSONL text of a frame of records, in order."""
    if not len(frame):
        return ""
    text = frame.to_json(orient="records", lines=True, force_ascii=False, double_precision=4)
    return text if text.endswith("\n") else text + "\n"


def action_counts(frame: pd.DataFrame) -> dict[str, dict[str, int]]:
    """How many records per entity and action, for the manifest and the report."""
    counts: dict[str, dict[str, int]] = {}
    if not len(frame):
        return counts
    for (entity, action), n in frame.fillna({"entity": "-"}).groupby(["entity", "action"], sort=True).size().items():
        counts.setdefault(str(entity), {})[str(action)] = int(n)
    return counts


class AuditWriter:
    """Appends records to an audit log as they come, block by block, and counts them."""

    def __init__(self, target: Path) -> None:
        self._handle = open(target, "w", encoding="utf-8")  # noqa: SIM115 - closed in close()
        self.records = 0
        self.counts: dict[str, dict[str, int]] = {}

    def write(self, frame: pd.DataFrame) -> None:
        self._handle.write(audit_lines(frame))
        self.records += len(frame)
        for entity, actions in action_counts(frame).items():
            for action, n in actions.items():
                self.counts.setdefault(entity, {})[action] = self.counts.get(entity, {}).get(action, 0) + n

    def close(self) -> None:
        self._handle.close()
