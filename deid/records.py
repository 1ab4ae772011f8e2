"""Audit records as a block's transform makes them: in groups, what a group's records share stored once.

A block of a large roster has hundreds of thousands of records but few kinds of them (a column's rule and
score, or one kind of text redaction). A group holds the records of one kind of one column: per record only
its row, the fingerprint of the original and the published value, as arrays.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from deid.io.sheets import column_letter

AUDIT_FIELDS = (
    "file",
    "sheet",
    "row",
    "column",
    "cell",
    "entity",
    "action",
    "rule",
    "detector",
    "score",
    "fingerprint",
    "published",
)
NO_ROW = 0  # the row of a whole-column or workbook record (null in the log); sheet rows count from 1
NO_COLUMN = -1  # the column number of a workbook record


@dataclass(frozen=True)
class RecordGroup:
    """Records of one column that share their entity, action, rule, detector and score."""

    column: int  # input column number, NO_COLUMN for a workbook record
    header: str | None  # the column's header text
    entity: str | None
    action: str
    rule: str
    detector: str
    score: float
    rows: np.ndarray  # 1-based sheet rows (int64), NO_ROW for the whole column
    fingerprints: np.ndarray  # objects: the original's fingerprint, or None
    published: np.ndarray  # objects: the published value, or None
    cells: np.ndarray | None = None  # cell references, where they are not the column letter and the row

    def __len__(self) -> int:
        return len(self.rows)

    def cell_references(self) -> list[str | None]:
        """Each record's cell: ``B12``, or the column letter alone for a whole-column record."""
        if self.cells is not None:
            return self.cells.tolist()
        letter = column_letter(self.column)
        return [f"{letter}{row}" if row != NO_ROW else letter for row in self.rows.tolist()]


def record_group(
    column: int,
    header: str | None,
    entity: str | None,
    action: str,
    rule: str,
    detector: str,
    score: float,
    rows: Iterable[int],
    fingerprints: Iterable[str | None],
    published: Iterable[str | None],
    cells: Iterable[str | None] | None = None,
) -> RecordGroup:
    """A group from plain sequences (for the few records not made column-wise)."""
    return RecordGroup(
        column,
        header,
        entity,
        action,
        rule,
        detector,
        score,
        np.asarray(list(rows), dtype=np.int64),
        object_array(fingerprints),
        object_array(published),
        None if cells is None else object_array(cells),
    )


def object_array(values: Iterable[object]) -> np.ndarray:
    """The values in a one-dimensional array, as they are (numpy would make a list of texts a text array, and a
    list of equal-length lists a table)."""
    values = list(values)
    array = np.empty(len(values), dtype=object)
    array[:] = values
    return array


@dataclass(frozen=True)
class Records:
    """A block's (or a sheet's) audit records, in log order once ordered: whole-column records first, then cell
    records by row and, within a row, by column."""

    groups: tuple[RecordGroup, ...] = ()

    def __len__(self) -> int:
        return sum(len(group) for group in self.groups)

    @classmethod
    def concat(cls, parts: Iterable[Records]) -> Records:
        return cls(tuple(group for part in parts for group in part.groups if len(group)))

    def cleared(self) -> Records:
        """No records (what a worker keeps of a block whose records it wrote)."""
        return Records()

    def order(self) -> np.ndarray:
        """Where each record goes in the log: positions into the groups' records laid end to end."""
        rows = np.concatenate([group.rows for group in self.groups]) if self.groups else np.empty(0, np.int64)
        columns = np.repeat([group.column for group in self.groups], [len(group) for group in self.groups])
        return np.lexsort((columns, rows))  # stable: groups keep their order where row and column are equal

    def frame(self) -> pd.DataFrame:
        """The records as a frame in log order (the fields of AUDIT_FIELDS but file and sheet)."""
        fields = [f for f in AUDIT_FIELDS if f not in ("file", "sheet")]
        if not self.groups:
            return pd.DataFrame(columns=fields)
        order = self.order()

        def laid_out(values: Iterable[np.ndarray | list]) -> pd.Series:
            # Values as they are: pandas would read texts into its string type, which drops a lone NUL.
            return pd.Series(np.concatenate([np.asarray(v, dtype=object) for v in values])[order], dtype=object)

        def shared(attribute: str) -> pd.Series:
            return laid_out([getattr(g, attribute)] * len(g) for g in self.groups)

        rows = np.concatenate([group.rows for group in self.groups])[order]
        return pd.DataFrame(
            {
                "row": pd.array(np.where(rows == NO_ROW, None, rows), dtype="Int64"),
                "column": shared("header"),
                "cell": laid_out(object_array(g.cell_references()) for g in self.groups),
                "entity": shared("entity"),
                "action": shared("action"),
                "rule": shared("rule"),
                "detector": shared("detector"),
                "score": np.repeat([float(g.score) for g in self.groups], [len(g) for g in self.groups])[order],
                "fingerprint": laid_out(g.fingerprints for g in self.groups),
                "published": laid_out(g.published for g in self.groups),
            },
            columns=fields,
        )
