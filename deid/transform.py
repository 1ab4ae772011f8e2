"""Transforming a sheet under a pipeline: every cell goes through exactly one operator, nothing unscanned.

- Title, header and footer rows, and columns the pipeline keeps or treats as free text: the text redactor
  (identifiers replaced span by span; a kept column is still scanned, so an ID in an amount column goes).
- Identifier columns: their rule, applied once per distinct value and mapped back over the column.
- Dropped columns: gone from the output, one audit record for the whole column.

Every changed cell yields one audit record (fingerprint of the original, never the original itself).
"""

from __future__ import annotations

import dataclasses
import itertools
import operator
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from deid.columns import COLUMN_TYPES, is_consent, is_organisation
from deid.fingerprint import Fingerprinter
from deid.io import Sheet
from deid.io.sheets import is_filled
from deid.operators import ENTITY_MODULES, values_operator
from deid.policy import Pipeline, Rule
from deid.profile import ColumnProfile, Layout, find_layout, profile_columns, text_rows
from deid.records import NO_ROW, RecordGroup, Records, object_array, record_group
from deid.text import Redaction, Span, TextRedactor
from recognizers import person

TEXT_ACTIONS = frozenset({"keep", "redact"})
_HAS_DIGIT = re.compile(r"[0-9０-９]")
# pandas 3 copies a frame's column on its first write (copy on write); earlier pandas would write through a
# shallow copy into the block read.
_COPY_ON_WRITE = int(pd.__version__.split(".", 1)[0]) >= 3
_REPEATING = 0.8  # a column whose block has fewer distinct values than this share of its cells repeats them
_DISTINCT = 0.99  # … and one with at least this share (in a sample) holds a value per cell
_SAMPLE_STEP, _SAMPLE_SIZE = 10, 1000  # every tenth cell of a block of at least ten thousand
_KNOWN_LIMIT = 1 << 17  # values remembered per entity and rule (a county's names fit)


@dataclass
class SheetPlan:
    """What the profile of a sheet's first rows decided: it holds for every later chunk of the same sheet."""

    layout: Layout
    profiles: list[ColumnProfile]
    rules: list[Rule]
    kept: list[int]  # input column numbers published
    hidden: set[int]

    @property
    def warnings(self) -> list[str]:
        return [w for p in self.profiles for w in p.warnings]


@dataclass
class ChunkOutcome:
    grid: pd.DataFrame  # published cells of the chunk's rows, kept columns only
    records: Records
    text_rows: int


@dataclass
class SheetOutcome:
    """A published sheet: its grid (dropped columns removed), audit records and what the profile found."""

    grid: pd.DataFrame
    kept_columns: list[int]
    records: Records
    layout: Layout
    profiles: list[ColumnProfile]
    text_row_count: int = 0
    warnings: list[str] = field(default_factory=list)


class SheetTransformer:
    """Applies one pipeline to sheets; holds what is loaded once per run (redactor, fingerprint key)."""

    def __init__(self, pipeline: Pipeline, redactor: TextRedactor, fingerprint: Fingerprinter) -> None:
        self.pipeline = pipeline
        self.redactor = redactor
        self.fingerprint = fingerprint
        self._known: dict[tuple[str | None, Rule], KnownResults] = {}

    def plan(self, sheet: Sheet) -> SheetPlan:
        """Find the table in the sheet's first rows and decide every column's rule."""
        layout = find_layout(sheet.grid)
        body = sheet.grid.iloc[layout.body_start :]
        profiles = profile_columns(body, layout, sheet.rounded)
        rules = [self.pipeline.columns[p.type] for p in profiles]
        kept = [c for c, rule in enumerate(rules) if rule.action != "drop_column" and c not in sheet.hidden_columns]
        return SheetPlan(layout, profiles, rules, kept, set(sheet.hidden_columns))

    def dropped_records(self, plan: SheetPlan) -> Records:
        """One record per column that is not published (dropped by the rule, or hidden)."""
        return Records(
            tuple(
                self._drop_record(plan.profiles[c], plan.rules[c], hidden=c in plan.hidden)
                for c in range(len(plan.profiles))
                if c not in plan.kept
            )
        )

    def transform_chunk(self, plan: SheetPlan, chunk: pd.DataFrame) -> ChunkOutcome:
        """Publish a block of the sheet's rows (index = 0-based sheet row); title and header rows included."""
        layout = plan.layout
        in_body = chunk.index >= layout.body_start
        top_rows = chunk.index[~in_body].tolist()
        body = chunk.loc[in_body] if top_rows else chunk  # most blocks are body rows only: no copy of them
        is_text_row = text_rows(body)
        text_row_index = body.index[is_text_row].tolist()
        published = chunk.copy(deep=not _COPY_ON_WRITE)  # only the columns written to are copied
        groups = self._redact_rows(chunk, published, top_rows + text_row_index, layout, "text_row")
        records_rows = body[~is_text_row] if text_row_index else body
        consent = _consented(records_rows, plan.profiles)
        for c in plan.kept:
            groups += self._transform_column(records_rows[c], published, plan.profiles[c], plan.rules[c], consent)
        title_rows = [r for r in top_rows if r in layout.title_rows]
        _repack_text_rows(published, chunk, text_row_index + title_rows, plan.kept)
        return ChunkOutcome(published[plan.kept], Records(tuple(groups)), len(text_row_index))

    def transform(self, sheet: Sheet) -> SheetOutcome:
        """Publish one whole sheet: hidden columns and columns the pipeline drops go, every other cell is processed."""
        plan = self.plan(sheet)
        chunks = [self.transform_chunk(plan, chunk) for chunk in sheet.chunks()]
        records = [self.dropped_records(plan), *(c.records for c in chunks)]
        return SheetOutcome(
            grid=pd.concat([c.grid for c in chunks]) if chunks else sheet.grid[plan.kept],
            kept_columns=plan.kept,
            records=Records.concat(records),
            layout=plan.layout,
            profiles=plan.profiles,
            text_row_count=sum(c.text_rows for c in chunks),
            warnings=plan.warnings,
        )

    def _drop_record(self, profile: ColumnProfile, rule: Rule, hidden: bool) -> RecordGroup:
        # A hidden column goes whatever the policy says: hidden columns are where raw registers hid.
        return record_group(
            column=profile.index,
            header=profile.header,
            entity=COLUMN_TYPES[profile.type].entity,
            action="remove_hidden_column" if hidden else "drop_column",
            rule="hygiene:hidden_column" if hidden else rule.origin,
            detector=f"column:{profile.typed_by}",
            score=1.0,
            rows=[NO_ROW],
            fingerprints=[None],
            published=[None],
        )

    def _redact_rows(
        self, grid: pd.DataFrame, published: pd.DataFrame, rows: list[int], layout: Layout, context: str
    ) -> list[RecordGroup]:
        groups = []
        for c in range(grid.shape[1]):
            values = grid.loc[rows, c] if rows else grid.iloc[:0, c]
            redactions = self.redactor.redact_series(values, [context])
            groups += self._text_records(redactions, values, published, c, layout.headers[c])
        return groups

    def _transform_column(
        self, values: pd.Series, published: pd.DataFrame, profile: ColumnProfile, rule: Rule, consent: pd.Series
    ) -> list[RecordGroup]:
        if rule.action in TEXT_ACTIONS:  # the column is published as text, still scanned (a blank cell flags nothing)
            return self._scan(values, published, profile)
        entity = COLUMN_TYPES[profile.type].entity
        filled = _where(values, is_filled(values))
        as_text = self._published_as_text(filled, entity, rule, consent)
        groups = self._scan(_where(filled, as_text), published, profile)
        if rule.action == "keep_if_consent":
            rule = dataclasses.replace(rule, action="replace")
        return groups + self._apply(_where(filled, ~as_text), published, profile, rule, entity)

    @staticmethod
    def _published_as_text(filled: pd.Series, entity: str | None, rule: Rule, consent: pd.Series) -> pd.Series:
        """Which cells are published as text (still scanned) rather than transformed by the column's rule."""
        if rule.action == "keep_if_consent":
            return filled.index.to_series().isin(consent[consent].index) | filled.map(is_organisation)
        if entity in ENTITY_MODULES:
            # A number column cell without a single digit (无, /, 未办理) is no identifier number.
            return pd.Series(~_holds_digit(filled.to_numpy(dtype=object)), index=filled.index, dtype=bool)
        return pd.Series(False, index=filled.index)

    def _scan(self, values: pd.Series, published: pd.DataFrame, profile: ColumnProfile) -> list[RecordGroup]:
        redactions = self.redactor.redact_series(values, [profile.header])
        return self._text_records(redactions, values, published, profile.index, profile.header)

    def _apply(
        self, values: pd.Series, published: pd.DataFrame, profile: ColumnProfile, rule: Rule, entity: str | None
    ) -> list[RecordGroup]:
        """The column's rule, once per distinct value, mapped back over the column."""
        if values.empty:  # every cell published as text (kept columns): the rule has nothing to transform
            return []
        codes, originals = _distinct_values(values)
        if len(originals) < _REPEATING * len(values):
            known = self._known.setdefault((entity, rule), KnownResults(_KNOWN_LIMIT))
            new, scores, fingerprints = known.results(originals, lambda v: self._results(v, entity, rule))
        else:
            new, scores, fingerprints = self._results(originals, entity, rule)
        is_changed = new != originals
        if not is_changed.any():
            return []
        is_record = is_changed[codes]
        record_codes = codes[is_record]
        rows = values.index.to_numpy()[is_record]
        published.loc[rows, profile.index] = new[record_codes]
        record_scores = scores[record_codes]
        # One group per score: the records of a group share every field but row, fingerprint and published.
        groups = []
        for score in np.unique(scores[is_changed]).tolist():
            of_score = record_scores == score
            codes_of_score = record_codes[of_score]
            groups.append(
                RecordGroup(
                    profile.index,
                    profile.header,
                    entity,
                    rule.action,
                    rule.origin,
                    f"column:{profile.typed_by}",
                    score,
                    rows[of_score] + 1,
                    fingerprints[codes_of_score],
                    new[codes_of_score],
                )
            )
        return groups

    def _results(
        self, originals: np.ndarray, entity: str | None, rule: Rule
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """What the rule publishes for each distinct value, and for the values it changes their score and
        fingerprint (in a published file, the gate's input, none change)."""
        new = object_array(values_operator(entity, rule, self.fingerprint)(originals.tolist()))
        changed = np.flatnonzero(new != originals)
        scores = np.zeros(len(originals))
        scores[changed] = cell_scores(originals[changed].tolist(), entity)
        fingerprints = np.empty(len(originals), dtype=object)
        fingerprints[changed] = self.fingerprint.many(originals[changed].tolist())
        return new, scores, fingerprints

    def _text_records(
        self, redactions: dict[object, Redaction], values: pd.Series, published: pd.DataFrame, col: int, header: str
    ) -> list[RecordGroup]:
        if not redactions:
            return []
        rows = list(redactions)
        cells = list(redactions.values())
        texts = object_array([cell.published for cell in cells])
        fingerprints = object_array(self.fingerprint.many(values.loc[rows].tolist()))
        published.loc[rows, col] = texts
        # Cells redacted alike (the same entities, actions, rules, detectors and lowest score) share a group.
        kinds: dict[tuple, list[int]] = {}
        for position, cell in enumerate(cells):
            kinds.setdefault(self._redaction_kind(cell), []).append(position)
        numbers = np.asarray(rows, dtype=np.int64) + 1
        return [
            RecordGroup(col, header, *kind, numbers[positions], fingerprints[positions], texts[positions])
            for kind, positions in kinds.items()
        ]

    def _redaction_kind(self, cell: Redaction) -> tuple[str, str, str, str, float]:
        """Entity, action, rule, detector and score of a redacted cell's record (several spans: joined, lowest)."""
        if len(cell.spans) == 1:  # most cells hold one identifier: nothing to join
            span = cell.spans[0]
            return span.entity, span.action, self.pipeline.text[span.entity].origin, span.detector, span.score
        return self._joined_kind(cell.spans)

    def _joined_kind(self, spans: tuple[Span, ...]) -> tuple[str, str, str, str, float]:
        rules = self.pipeline.text
        return (
            "+".join(dict.fromkeys([s.entity for s in spans])),
            "+".join(dict.fromkeys([s.action for s in spans])),
            "+".join(dict.fromkeys([rules[s.entity].origin for s in spans])),
            "+".join(dict.fromkeys([s.detector for s in spans])),
            min([s.score for s in spans]),
        )


class KnownResults:
    """Distinct values a column rule has seen in a run's earlier blocks, with what it published for each,
    their scores and fingerprints; looked up and added to a block's distinct values at a time, at most
    ``limit`` of them."""

    def __init__(self, limit: int) -> None:
        self._limit = limit
        self._forget()

    def results(
        self, values: np.ndarray, work_out: Callable[[np.ndarray], tuple[np.ndarray, ...]]
    ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The results of each of ``values`` (distinct): remembered, or worked out and remembered."""
        where = self._positions.get
        positions = np.fromiter(map(where, values.tolist(), itertools.repeat(-1)), dtype=np.intp, count=len(values))
        missing = positions < 0
        if missing.any():
            if len(self._positions) + np.count_nonzero(missing) > self._limit:  # bounded memory: start afresh
                self._forget()
                positions[:], missing[:] = -1, True
            new = values[missing]
            start = len(self._positions)
            positions[missing] = np.arange(start, start + len(new))
            self._positions.update(zip(new.tolist(), range(start, start + len(new))))
            self._results = tuple(np.concatenate(pair) for pair in zip(self._results, work_out(new)))
        new, scores, fingerprints = (array[positions] for array in self._results)
        return new, scores, fingerprints

    def _forget(self) -> None:
        self._positions: dict[str, int] = {}
        self._results: tuple[np.ndarray, ...] = (object_array([]), np.empty(0), object_array([]))


def _holds_digit(texts: np.ndarray) -> np.ndarray:
    """Whether each text (none empty) holds a digit, half- or full-width. An identifier number starts with one:
    first characters are told at once, and only texts starting otherwise are searched.

    >>> _holds_digit(np.array(['110101', '无', 'X12', '１２', '/'], dtype=object)).tolist()
    [True, False, True, True, False]
    """
    if not len(texts):
        return np.zeros(0, dtype=bool)
    firsts = "".join(map(operator.itemgetter(0), texts)).encode("utf-32-le", "surrogatepass")
    first = np.frombuffer(firsts, dtype=np.uint32)
    holds = ((first >= ord("0")) & (first <= ord("9"))) | ((first >= ord("０")) & (first <= ord("９")))
    others = np.flatnonzero(~holds)
    holds[others] = [_HAS_DIGIT.search(text) is not None for text in texts[others].tolist()]
    return holds


def _where(values: pd.Series, chosen: pd.Series) -> pd.Series:
    """The chosen values (usually all or none of a column: no copy of a hundred thousand cells then)."""
    if chosen.all():
        return values
    return values[chosen] if chosen.any() else values.iloc[:0]


def _distinct_values(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Codes of the values and the distinct values they stand for. A column of values all but distinct (ID
    numbers, addresses; told from every tenth cell) has each cell taken as its own value: telling repeats apart
    costs more than the rule saves on them.

    >>> [a.tolist() for a in _distinct_values(pd.Series(['b', 'a', 'b']))]
    [[0, 1, 0], ['b', 'a']]
    """
    cells = values.to_numpy(dtype=object)
    sample = cells[::_SAMPLE_STEP]
    if len(sample) >= _SAMPLE_SIZE and len(pd.unique(sample)) >= _DISTINCT * len(sample):
        return np.arange(len(cells)), cells
    codes, uniques = pd.factorize(cells)
    return codes, np.asarray(uniques, dtype=object)


def _consented(records: pd.DataFrame, profiles: list[ColumnProfile]) -> pd.Series:
    """Per record row, whether the roster's consent column (是否同意公开) says yes; no such column: nobody did."""
    column = next((p.index for p in profiles if p.type == "consent"), None)
    if column is None:
        return pd.Series(False, index=records.index)
    return records[column].map(is_consent).astype(bool)


def cell_scores(values: list[str], entity: str | None) -> list[float]:
    """Confidence that each cell of an identifier column is that identifier: validation raises it.

    >>> cell_scores(['110101199003077774', '110101199003077775', '12'], 'CN_ID_CARD')
    [1.0, 0.6, 0.4]
    >>> cell_scores(['张三丰', '户主'], 'PERSON'), cell_scores(['湖南省'], 'CN_ADDRESS')
    ([0.9, 0.6], [0.8])
    """
    module = ENTITY_MODULES.get(entity or "")
    if module is not None:
        # An identifier module may check a whole column at once (id_card.are_valid).
        valid = module.are_valid(values) if hasattr(module, "are_valid") else map(module.is_valid, values)
        return [1.0 if ok else 0.6 if module.is_plausible(v) else 0.4 for v, ok in zip(values, valid)]
    if entity == "PERSON":
        return [0.9 if person.is_plausible_name(v) else 0.6 for v in values]
    return [0.8] * len(values)


def _repack_text_rows(published: pd.DataFrame, grid: pd.DataFrame, rows: list[int], kept: list[int]) -> None:
    """Move title/footer text out of dropped columns into kept ones, in order, so no sentence is lost."""
    dropped = [c for c in published.columns if c not in kept]
    for row in rows:
        if not any(str(grid.at[row, c]).strip() for c in dropped):
            continue
        texts = [published.at[row, c] for c in published.columns if str(published.at[row, c]).strip()]
        for position, c in enumerate(kept):
            published.at[row, c] = texts[position] if position < len(texts) else ""
        if len(texts) > len(kept) and kept:
            published.at[row, kept[-1]] = " ".join(texts[len(kept) - 1 :])
