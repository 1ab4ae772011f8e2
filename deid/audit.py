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

from deid.io.sheets import column_letter
from deid.io.spool import Payload, append_payload
from deid.records import NO_COLUMN, NO_ROW, RecordGroup, Records, object_array, record_group


def workbook_record(action: str, rule: str, cell: str | None = None, fingerprint: str | None = None) -> Records:
    """One record for a workbook hygiene action (removed sheet, comment, formula, cleared metadata …)."""
    row = re.sub(r"\D", "", cell or "")
    group = record_group(
        column=NO_COLUMN,
        header=None,
        entity=None,
        action=action,
        rule=rule,
        detector="workbook",
        score=1.0,
        rows=[int(row) if row else NO_ROW],
        fingerprints=[fingerprint],
        published=[None],
        cells=[cell],
    )
    return Records((group,))


def audit_lines(records: Records, file: str, sheet: str | None) -> bytes:
    """The JSONL text of the records in log order, UTF-8 (what ``json.dumps`` writes, without spaces).

    >>> dropped = record_group(4, "电话", "CN_PHONE", "drop_column", "r:phone", "column", 1.0, [NO_ROW], [None],
    ...                        [None])
    >>> masked = record_group(1, "姓名", "PERSON", "mask", "r:name", "column", 0.9, [3], ["ab12"], ['张"%s\\x00'])
    >>> print(audit_lines(Records((masked, dropped)), "a.csv", None).decode(), end="")
    {"file":"a.csv","sheet":null,"row":null,"column":"电话","cell":"E","entity":"CN_PHONE","action":"drop_column","rule":"r:phone","detector":"column","score":1.0,"fingerprint":null,"published":null}
    {"file":"a.csv","sheet":null,"row":3,"column":"姓名","cell":"B3","entity":"PERSON","action":"mask","rule":"r:name","detector":"column","score":0.9,"fingerprint":"ab12","published":"张\\"%s\\u0000"}
    """
    return b"".join(audit_pieces(records, file, sheet))


def audit_pieces(records: Records, file: str, sheet: str | None) -> list[bytes]:
    """:func:`audit_lines` in pieces of a few thousand lines: the writer appends them one by one, and joining
    them first would copy tens of megabytes per block to fresh memory."""
    groups = [group for group in records.groups if len(group)]
    if not groups:
        return []
    # One template per group holds the fields its records share; per record only the row, the fingerprint
    # and the published value go between its cuts. The pieces of every record are laid out in one array and
    # joined in log order, a few thousand records at a time: json.dumps or a %-format per record take several
    # times as long, on millions of records. Every piece is written bytewise (its UTF-8 bytes as characters
    # U+0000-U+00FF), so that a join copies one byte per character and its latin-1 encoding is those bytes.
    order = records.order()
    rows = np.concatenate([group.rows for group in groups])
    head = _bytewise(f'{{"file":{_json(file)},"sheet":{_json(sheet)},"row":')
    numbers, headed = _row_texts(rows, order, head)
    pieces = np.empty((len(rows), _PIECES), dtype=object)
    pieces[:, 0] = headed
    start = 0
    for group in groups:
        end = start + len(group)
        _lay_out(group, numbers[start:end], pieces[start:end])
        start = end
    return [
        "".join(pieces[order[first : first + _JOINED]].ravel().tolist()).encode("latin-1")
        for first in range(0, len(order), _JOINED)
    ]


_PIECES = 8  # per record: head and row, column and cell letters, row, shared fields, fingerprint, …, published, end
_JOINED = 2048  # records joined at a time


def _lay_out(group: RecordGroup, numbers: np.ndarray, pieces: np.ndarray) -> None:
    """A group's pieces after the head and row: the template's cuts with cell row, fingerprint and published value."""
    column = _bytewise(f',"column":{_json(group.header)},"cell":')
    if group.cells is None:
        pieces[:, 1] = f'{column}"{column_letter(group.column)}'
        pieces[:, 2] = numbers  # "" for the whole column
        after_cell = '"'
    else:
        after_cell, pieces[:, 2] = _json_texts(group.cells)
        pieces[:, 1] = column + after_cell
    shared = _bytewise(
        f',"entity":{_json(group.entity)},"action":{_json(group.action)},"rule":{_json(group.rule)}'
        f',"detector":{_json(group.detector)},"score":{_json(float(group.score))},"fingerprint":'
    )
    fingerprint_quote, pieces[:, 4] = _json_texts(group.fingerprints)
    published_quote, pieces[:, 6] = _json_texts(group.published)
    pieces[:, 3] = after_cell + shared + fingerprint_quote
    pieces[:, 5] = f'{fingerprint_quote},"published":{published_quote}'
    pieces[:, 7] = published_quote + "}\n"


def _row_texts(rows: np.ndarray, order: np.ndarray, head: str) -> tuple[np.ndarray, np.ndarray]:
    """Every record's row as decimal text ("" for none), and the line's head up to its row ("null" for none);
    each written once per distinct row (``order`` sorts the rows)."""
    ordered = rows[order]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    distinct = ordered[starts]
    texts = list(map(str, distinct.tolist()))
    heads = list(map(head.__add__, texts))
    if distinct[0] == NO_ROW:  # the smallest row, first if any
        texts[0], heads[0] = "", head + "null"
    repeats = np.diff(np.r_[starts, len(rows)])
    numbers = np.empty(len(rows), dtype=object)
    numbers[order] = np.repeat(object_array(texts), repeats)
    headed = np.empty(len(rows), dtype=object)
    headed[order] = np.repeat(object_array(heads), repeats)
    return numbers, headed


def _json_texts(values: np.ndarray) -> tuple[str, np.ndarray]:
    """The JSON text of every value (bytewise) and the quote that goes around it: text that JSON writes as it is
    goes in between two quotes (ASCII text without a copy); otherwise each value's full JSON text (null for a
    missing one)."""
    try:
        joined = "\x00".join(values)  # checked, and split again into bytewise texts, all at once
    except TypeError:  # not only text
        joined = None
    if joined is not None and _written_as_is(joined, nuls=max(len(values) - 1, 0)):
        return '"', _bytewise_split(values, joined)
    return "", _bytewise_each(object_array([_json(value) for value in values.tolist()]))


def _bytewise(text: str) -> str:
    """The UTF-8 bytes of ``text`` as characters U+0000-U+00FF.

    >>> _bytewise('张a'), _bytewise('张a').encode('latin-1') == '张a'.encode('utf-8')
    ('å¼\xa0a', True)
    """
    return text.encode("utf-8").decode("latin-1")


def _bytewise_each(texts: np.ndarray) -> np.ndarray:
    """:func:`_bytewise` of each of ``texts``, all at once: JSON texts, so none holds a NUL to split them at."""
    return _bytewise_split(texts, "\x00".join(texts))


def _bytewise_split(texts: np.ndarray, joined: str) -> np.ndarray:
    """:func:`_bytewise` of each of ``texts``, from ``joined``: the texts joined with NULs, which none holds."""
    if joined.isascii():
        return texts
    return object_array(_bytewise(joined).split("\x00"))


def _written_as_is(text: str, nuls: int = 0) -> bool:
    """Whether JSON writes ``text`` without escapes: no control character, quote or backslash (its UTF-16 code
    units checked at once, several times as fast as a regular expression). With ``nuls``: whether it writes so
    each of the texts that ``text`` joins with that many NULs.

    >>> _written_as_is('张*丰 110101********7774'), _written_as_is('a"b'), _written_as_is('a\\b'), _written_as_is('\x1f𠀀')
    (True, False, False, False)
    >>> _written_as_is('张\\x00a', nuls=1), _written_as_is('张\\x00\\x00a', nuls=1), _written_as_is('\\x1f\\x00a', nuls=1)
    (True, False, False)
    """
    units = np.frombuffer(text.encode("utf-16-le", "surrogatepass"), dtype=np.uint16)
    if np.count_nonzero(units < 0x20) != nuls or (nuls and np.count_nonzero(units == 0) != nuls):
        return False
    return not ((units == 0x22) | (units == 0x5C)).any()


def _json(value: object) -> str:
    if not isinstance(value, str) and pd.isna(value):
        return "null"
    return json.dumps(value, ensure_ascii=False)


def _counts(groups: list[RecordGroup]) -> dict[str, dict[str, int]]:
    counts: dict[str, dict[str, int]] = {}
    for group in groups:
        by_action = counts.setdefault("-" if group.entity is None else group.entity, {})
        by_action[group.action] = by_action.get(group.action, 0) + len(group)
    return {entity: dict(sorted(actions.items())) for entity, actions in sorted(counts.items())}


@dataclass(frozen=True)
class AuditBlock:
    """A block's records, serialised where the block was transformed (a worker process, in parallel runs)."""

    text: Payload  # JSONL, UTF-8
    records: int
    counts: dict[str, dict[str, int]]


def audit_block(records: Records, file: str, sheet: str | None) -> AuditBlock:
    """The audit block of a sheet's records."""
    groups = [group for group in records.groups if len(group)]
    return AuditBlock(audit_pieces(records, file, sheet), len(records), _counts(groups))


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
