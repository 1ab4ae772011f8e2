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

from deid.io.spool import Payload, append_payload
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
_SLOT = "\x00"  # where a per-record field goes in a template; JSON text never holds a raw NUL
_PER_RECORD = frozenset({"row", "cell", "fingerprint", "published"})  # the other fields repeat within a block


def audit_lines(frame: pd.DataFrame) -> str:
    """The JSONL text of a frame of records, in order (what ``json.dumps`` writes, without spaces).

    >>> frame = pd.DataFrame({"row": pd.array([None, 3], dtype="Int64"), "published": [None, '张"%s\\x00'],
    ...                       "action": ["drop_column", "mask"], "score": [1.0, 0.85]})
    >>> print(audit_lines(frame), end="")
    {"row":null,"published":null,"action":"drop_column","score":1.0}
    {"row":3,"published":"张\\"%s\\u0000","action":"mask","score":0.85}
    """
    return _serialise(frame)[0]


def _serialise(frame: pd.DataFrame) -> tuple[str, dict[str, dict[str, int]]]:
    """The JSONL text of the records and how many there are per entity and action."""
    if not len(frame):
        return "", {}
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
    _, first_of_kind, sizes = np.unique(kinds, return_index=True, return_counts=True)
    # Each kind's template, cut where the per-record fields go; the pieces of every record are laid out in
    # one array and joined once (a %-format per record takes twice as long).
    templates = [_template(frame.iloc[row], varying).split(_SLOT) for row in first_of_kind.tolist()]
    pieces = np.empty((len(frame), 2 * len(varying) + 1), dtype=object)
    for position in range(len(varying) + 1):
        pieces[:, 2 * position] = np.array([t[position] for t in templates], dtype=object)[kinds]
    for position, name in enumerate(varying):
        pieces[:, 2 * position + 1] = _json_texts(frame[name])
    return "".join(pieces.ravel().tolist()), _counts(frame, first_of_kind, sizes)


def _counts(frame: pd.DataFrame, first_of_kind: np.ndarray, sizes: np.ndarray) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    if "entity" not in frame or "action" not in frame:
        return counts
    for row, size in zip(first_of_kind.tolist(), sizes.tolist()):
        entity, action = frame["entity"].iat[row], frame["action"].iat[row]
        entity = "-" if entity is None or entity != entity else str(entity)  # NaN != NaN
        by_action = counts.setdefault(entity, {})
        by_action[str(action)] = by_action.get(str(action), 0) + size
    return {entity: dict(sorted(actions.items())) for entity, actions in sorted(counts.items())}


def _template(record: pd.Series, varying: list[str]) -> str:
    parts = [f"{json.dumps(name)}:" + (_SLOT if name in varying else _json_texts(record[[name]])[0]) for name in record.index]
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


@dataclass(frozen=True)
class AuditBlock:
    """A block's records, serialised where the block was transformed (a worker process, in parallel runs)."""

    text: Payload  # JSONL, UTF-8
    records: int
    counts: dict[str, dict[str, int]]


def audit_block(records: pd.DataFrame, file: str, sheet: str | None) -> AuditBlock:
    """The audit block of a sheet's records."""
    text, counts = _serialise(sheet_records(records, file, sheet))
    return AuditBlock(text.encode("utf-8"), len(records), counts)


class AuditWriter:
    """Appends records to an audit log as they come, block by block, and counts them."""

    def __init__(self, target: Path) -> None:
        self._handle = open(target, "wb")  # noqa: SIM115 - closed in close()
        self.records = 0
        self.counts: dict[str, dict[str, int]] = {}

    def write(self, block: AuditBlock) -> None:
        append_payload(self._handle, block.text)
        self.records += block.records
        for entity, actions in block.counts.items():
            for action, n in actions.items():
                self.counts.setdefault(entity, {})[action] = self.counts.get(entity, {}).get(action, 0) + n

    def close(self) -> None:
        self._handle.close()
