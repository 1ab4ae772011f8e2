"""Profiling a sheet: where its header is, which rows are titles and footers, and what each column holds.

The profile reads only; it never changes a cell. Column types come from the header (synonyms in
:mod:`deid.columns`) and from the values (a sample, recognised by the identifier modules); values win over a
non-personal or missing header, so a misleading header cannot smuggle identifiers through.
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from deid.columns import COLUMN_TYPES, SCIENTIFIC_ID, header_type, normalize_header
from deid.io.sheets import is_filled
from recognizers import id_card
from recognizers.normalize import halfwidth

HEADER_SEARCH_ROWS = 30
SAMPLE_SIZE = 400
VALUE_SHARE = 0.6  # share of sampled values that must fit a type for the values to type the column

# The value types tried, most specific first: a 20-char 残疾人证号 also starts like an ID, a 19-digit card is
# no phone, and dates and amounts have shapes no address or name has.
VALUE_TYPE_ORDER = (
    "disability_cert", "id_card", "bank_card", "phone", "uscc", "date", "amount", "person_name", "address",
    "free_text",
)  # fmt: skip
PERSONAL_TYPES = frozenset(name for name, t in COLUMN_TYPES.items() if t.entity and name != "uscc")

_TEXT_ROW_CUE = re.compile(
    r"^\s*(合\s*计|小\s*计|总\s*计|累\s*计|制表|填表|填报|审核|审批|审定|负责人|经办|联系电话|联系人|说明|注\s*[:：]|"
    r"备注\s*[:：]|公示|监督|举报|单位\s*[:：]|日期\s*[:：]|时间\s*[:：]|签字|签章|盖章|以上|本表|附\s*[:：件]|"
    r"领导|主管|复核|核对|打印)"
)


@dataclass(frozen=True)
class Layout:
    """Where the table sits in a sheet's grid (0-based grid rows)."""

    header_rows: tuple[int, ...]
    headers: tuple[str, ...]  # header text per column, as written in the input ('' where none)

    @property
    def body_start(self) -> int:
        return self.header_rows[-1] + 1 if self.header_rows else 0

    @property
    def title_rows(self) -> range:
        return range(self.header_rows[0] if self.header_rows else 0)


@dataclass
class ColumnProfile:
    index: int
    header: str
    type: str
    typed_by: str  # header | values | header+values | none
    header_type: str | None
    value_type: str | None
    sampled: int = 0
    matched: int = 0
    valid: int = 0  # values whose checksum validates (IDs)
    precision_lost: int = 0  # numbers Excel already rounded (4.10102E+17)
    warnings: list[str] = field(default_factory=list)

    @property
    def title(self) -> str:
        return COLUMN_TYPES[self.type].title

    @property
    def evidence(self) -> str:
        parts = [f"表头→{COLUMN_TYPES[self.header_type].title}" if self.header_type else "表头未识别"]
        if self.value_type:
            parts.append(f"值→{COLUMN_TYPES[self.value_type].title} {self.matched}/{self.sampled}")
        elif self.sampled:
            parts.append(f"值未成型（抽样 {self.sampled}）")
        if self.valid:
            parts.append(f"校验通过 {self.valid}")
        return "；".join(parts)


_BRACKETED = re.compile(r"（[^）]*）|\([^)]*\)|【[^】]*】|\[[^\]]*\]")


def is_header_cell(cell: object) -> bool:
    """A short label naming a known column type: 身份证号码（18位）yes; a data cell that mentions 身份证号 no.

    >>> is_header_cell('身份证号码（18位）'), is_header_cell('户主姓名'), is_header_cell('其妻张三（身份证号1101…）')
    (True, True, False)
    """
    label = _BRACKETED.sub("", normalize_header(cell))
    return 0 < len(label) <= 12 and not re.search(r"\d", label) and header_type(label) is not None


def _header_score(row: list[str]) -> int:
    return sum(1 for cell in row if is_header_cell(cell))


def _is_header_row(row: list[str], score: int) -> bool:
    filled = sum(1 for cell in row if str(cell).strip())
    return score >= 2 and score * 2 >= filled


def find_layout(grid: pd.DataFrame) -> Layout:
    """Find the header row(s) among the first rows; rows above are titles.

    A second header row right below the first (merged group headers above 姓名/身份证号) joins the header.
    With no recognisable header the whole grid is body and columns are typed by their values alone.
    """
    top = grid.head(HEADER_SEARCH_ROWS).values.tolist()
    scores = [_header_score(row) for row in top]
    if not scores or max(scores) < min(2, grid.shape[1]):
        return Layout((), ("",) * grid.shape[1])
    first = scores.index(max(scores))
    rows = [first]
    while rows[-1] + 1 < len(top) and _is_header_row(top[rows[-1] + 1], scores[rows[-1] + 1]):
        rows.append(rows[-1] + 1)
    headers = []
    for column in range(grid.shape[1]):
        texts = [str(top[r][column]) for r in rows if str(top[r][column]).strip()]
        # The lowest non-empty cell names the column most precisely (姓名 under a merged 家庭成员).
        headers.append(texts[-1] if texts else "")
    return Layout(tuple(rows), tuple(headers))


def text_rows(body: pd.DataFrame) -> pd.Series:
    """Which body rows are footers, totals or notes rather than records (scanned as free text).

    Only sparse rows are candidates, so this stays cheap on a million records.
    """
    filled = pd.Series(_nonempty_counts(body), index=body.index)
    sparse = (filled <= max(2, body.shape[1] // 2)) & (filled > 0)
    result = pd.Series(False, index=body.index)
    if sparse.any():
        candidates = body[sparse]
        first = candidates.where(candidates != "").bfill(axis=1).iloc[:, 0].map(halfwidth)
        lone_long = (filled[candidates.index] == 1) & (first.str.len() > 20)
        result[candidates.index] = first.str.match(_TEXT_ROW_CUE) | lone_long
    return result


def _nonempty_counts(body: pd.DataFrame) -> np.ndarray:
    """Per row, how many cells are anything but the empty text (``(body != "").sum(axis=1)``: None and NaN count).

    >>> _nonempty_counts(pd.DataFrame([['a', '', None], [' ', float('nan'), '']], dtype=object)).tolist()
    [2, 2]
    """
    # numpy compares a column of objects several times as fast as pandas compares a frame; pandas' other dtypes,
    # and cells numpy cannot compare (pd.NA), take pandas' comparison.
    if all(dtype == np.dtype(object) for dtype in body.dtypes):
        with contextlib.suppress(TypeError):
            counts = np.zeros(len(body), dtype=np.int64)
            for _, column in body.items():
                counts += column.to_numpy() != ""
            return counts
    return (body != "").sum(axis=1).to_numpy()


def _sample(values: pd.Series) -> list[str]:
    values = values[is_filled(values)]
    if len(values) <= SAMPLE_SIZE:
        return values.tolist()
    step = len(values) / SAMPLE_SIZE
    return [values.iloc[int(i * step)] for i in range(SAMPLE_SIZE)]


def _scientific_count(values: pd.Series) -> int:
    """How many cells hold an ID that Excel wrote in scientific notation (4.10102E+17)."""
    return sum(1 for v in values.tolist() if ("E" in v or "e" in v) and SCIENTIFIC_ID.fullmatch(v.strip()))


def _value_type(sample: list[str]) -> tuple[str | None, int]:
    for name in VALUE_TYPE_ORDER:
        test = COLUMN_TYPES[name].values
        matched = sum(1 for value in sample if test(value))
        if sample and matched >= VALUE_SHARE * len(sample):
            return name, matched
    return None, 0


def _same_entity(a: str, b: str) -> bool:
    return COLUMN_TYPES[a].entity == COLUMN_TYPES[b].entity


def profile_column(index: int, header: str, values: pd.Series, rounded: int = 0) -> ColumnProfile:
    """Type one column from its header text and its values; ``rounded`` counts numbers Excel already rounded."""
    by_header = header_type(header)
    sample = _sample(values)
    by_values, matched = _value_type(sample)
    profile = ColumnProfile(index, header, "other", "none", by_header, by_values, len(sample), matched)
    profile.precision_lost = rounded + _scientific_count(values)
    if by_header is None:
        profile.type, profile.typed_by = by_values or "other", "values" if by_values else "none"
    elif by_values is None or _same_entity(by_header, by_values):
        profile.type, profile.typed_by = by_header, "header+values" if by_values else "header"
    elif by_values in PERSONAL_TYPES and (by_header not in PERSONAL_TYPES or matched >= 0.8 * len(sample)):
        profile.type, profile.typed_by = by_values, "values"
        profile.warnings.append(
            f"列「{header.strip()}」的表头像{COLUMN_TYPES[by_header].title}，但值像{COLUMN_TYPES[by_values].title}：按值处理"
        )
    else:
        profile.type, profile.typed_by = by_header, "header"
    if COLUMN_TYPES[profile.type].entity == "CN_ID_CARD":
        profile.valid = sum(1 for value in sample if id_card.is_valid(value))
    if profile.precision_lost and COLUMN_TYPES[profile.type].entity == "CN_ID_CARD":
        profile.warnings.append(
            f"列「{header.strip()}」有 {profile.precision_lost} 个身份证号被 Excel 存成了数字，后几位已丢失；仍按身份证号遮蔽"
        )
    return profile


def profile_columns(body: pd.DataFrame, layout: Layout, rounded: dict[int, int] | None = None) -> list[ColumnProfile]:
    """A profile for every column of the sheet's body (records only, footers excluded)."""
    records = body[~text_rows(body)] if len(body) else body
    rounded = rounded or {}
    return [
        profile_column(i, layout.headers[i], records[records.columns[i]], rounded.get(i, 0))
        for i in range(body.shape[1])
    ]
