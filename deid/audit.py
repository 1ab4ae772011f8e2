"""The audit log (``<stem>.audit.jsonl``): one JSON object per changed cell or whole-column/workbook action.

Records carry a keyed fingerprint of the original and the published value, never the original itself.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from deid.transform import AUDIT_FIELDS


def sheet_records(records: pd.DataFrame, file: str, sheet: str | None) -> pd.DataFrame:
    """A sheet's records with the file and sheet filled in, fields in contract order."""
    records = records.assign(file=file, sheet=sheet)
    return records[list(AUDIT_FIELDS)]


def workbook_record(action: str, rule: str, cell: str | None = None, fingerprint: str | None = None) -> pd.DataFrame:
    """One record for a workbook hygiene action (removed sheet, comment, formula, cleared metadata …)."""
    record = dict.fromkeys(AUDIT_FIELDS)
    row = re.sub(r"\D", "", cell or "")
    record.update(row=int(row) if row else None, cell=cell, action=action, rule=rule)
    record.update(detector="workbook", score=1.0, fingerprint=fingerprint)
    return pd.DataFrame([record], columns=list(AUDIT_FIELDS)).astype({"row": "Int64"})


_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\]')  # what JSON escapes in a string
_PER_RECORD = frozenset({"row", "cell", "fingerprint", "published"})  # the other fields repeat within a block


def audit_lines(frame: pd.DataFrame) -> str:
    """The JSONL text of a frame of records, in order (what ``json.dumps`` writes, without spaces).

    >>> frame = pd.DataFrame({"row": pd.array([None, 3], dtype="Int64"), "published": [None, '张"%s'],
    ...                       "action": ["drop_column", "mask"], "score": [1.0, 0.85]})
    >>> print(audit_lines(frame), end="")
    {"row":null,"published":null,"action":"drop_column","score":1.0}
    {"row":3,"published":"张\\"%s","action":"mask","score":0.85}
    """
    if not len(frame):
        return ""
    # A block has millions of records but few kinds of them: one %-template per kind (column, entity, rule,
    # score …) holding the repeated fields, filled with the per-record ones. json.dumps per record or
    # to_json take several times as long.
    varying = [name for name in frame.columns if name in _PER_RECORD]
    repeated = [name for name in frame.columns if name not in _PER_RECORD]
    kinds = (
        frame.groupby(repeated, sort=False, dropna=False).ngroup().to_numpy()
        if repeated
        else np.zeros(len(frame), dtype=int)
    )
    first_of_kind = pd.Series(range(len(frame))).groupby(kinds, sort=True).first().tolist()
    templates = [_template(frame.iloc[row], varying) for row in first_of_kind]
    values = [_json_texts(frame[name]) for name in varying]
    return "".join(templates[kind] % fields for kind, fields in zip(kinds.tolist(), zip(*values)))


def _template(record: pd.Series, varying: list[str]) -> str:
    parts = [
        f"{json.dumps(name)}:" + ("%s" if name in varying else _json_texts(record[[name]])[0].replace("%", "%%"))
        for name in record.index
    ]
    return "{" + ",".join(parts) + "}\n"


def _json_texts(values: pd.Series) -> list[str]:
    """The JSON text of every value (null for a missing one)."""
    missing = values.isna().to_numpy()
    if values.dtype.kind == "f":
        texts = [repr(round(v, 4)) for v in values.fillna(0).tolist()]
    elif values.dtype.kind in "iu" or str(values.dtype) == "Int64":
        texts = values.fillna(0).astype("int64").to_numpy().astype(str).tolist()
    else:
        texts = _json_strings(values.fillna("").tolist())
    if missing.any():
        texts = ["null" if gone else text for text, gone in zip(texts, missing.tolist())]
    return texts


def _json_strings(values: list) -> list[str]:
    try:
        plain = not _NEEDS_ESCAPE.search("".join(values))
    except TypeError:  # not only text
        plain = False
    if plain:
        return [f'"{v}"' for v in values]
    return [json.dumps(v, ensure_ascii=False) for v in values]


def action_counts(frame: pd.DataFrame) -> dict[str, dict[str, int]]:
    """How many records per entity and action, for the manifest and the report."""
    counts: dict[str, dict[str, int]] = {}
    if not len(frame):
        return counts
    for (entity, action), n in frame.fillna({"entity": "-"}).groupby(["entity", "action"], sort=True).size().items():
        counts.setdefault(str(entity), {})[str(action)] = int(n)
    return counts


@dataclass(frozen=True)
class AuditBlock:
    """A block's records, serialised where the block was transformed (a worker process, in parallel runs)."""

    text: bytes  # JSONL, UTF-8
    records: int
    counts: dict[str, dict[str, int]]


def audit_block(records: pd.DataFrame, file: str, sheet: str | None) -> AuditBlock:
    """The audit block of a sheet's records."""
    frame = sheet_records(records, file, sheet)
    return AuditBlock(audit_lines(frame).encode("utf-8"), len(frame), action_counts(frame))


class AuditWriter:
    """Appends records to an audit log as they come, block by block, and counts them."""

    def __init__(self, target: Path) -> None:
        self._handle = open(target, "wb")  # noqa: SIM115 - closed in close()
        self.records = 0
        self.counts: dict[str, dict[str, int]] = {}

    def write(self, block: AuditBlock) -> None:
        self._handle.write(block.text)
        self.records += block.records
        for entity, actions in block.counts.items():
            for action, n in actions.items():
                self.counts.setdefault(entity, {})[action] = self.counts.get(entity, {}).get(action, 0) + n

    def close(self) -> None:
        self._handle.close()
