"""The audit log (``<stem>.audit.jsonl``): one JSON object per changed cell or whole-column/workbook action.

Records carry a keyed fingerprint of the original and the published value, never the original itself.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from deid.io import write_atomically
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


def audit_lines(frames: list[pd.DataFrame]) -> str:
    """The JSONL text of all records, in order."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return ""
    records = pd.concat(frames, ignore_index=True)
    text = records.to_json(orient="records", lines=True, force_ascii=False, double_precision=4)
    return text if text.endswith("\n") else text + "\n"


def write_audit(frames: list[pd.DataFrame], target: Path) -> int:
    """Write the audit log atomically; return the number of records."""
    text = audit_lines(frames)
    write_atomically(target, lambda temporary: temporary.write_text(text, encoding="utf-8"))
    return text.count("\n")


def action_counts(frames: list[pd.DataFrame]) -> dict[str, dict[str, int]]:
    """How many records per entity and action, for the manifest and the report."""
    frames = [f for f in frames if len(f)]
    if not frames:
        return {}
    records = pd.concat(frames, ignore_index=True).fillna({"entity": "-"})
    counts: dict[str, dict[str, int]] = {}
    for (entity, action), n in records.groupby(["entity", "action"], sort=True).size().items():
        counts.setdefault(str(entity), {})[str(action)] = int(n)
    return counts
