"""Audit records kept column-wise are written as ``json.dumps`` writes each record, in log order.

Log order: whole-column and workbook records first, then cell records by row and, within a row, by column.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deid import audit, transform
from deid.audit import audit_block, audit_lines, workbook_record
from deid.fingerprint import Fingerprinter
from deid.io import Sheet
from deid.io.sheets import column_number, is_filled
from deid.parallel import build_transformer
from deid.policy import load_pipeline
from deid.records import AUDIT_FIELDS, NO_COLUMN, NO_ROW, RecordGroup, Records, object_array, record_group
from deid.text import Redaction, Span
from examples.synthetic import dibao_roster

_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=8)  # lone surrogates are no UTF-8
_ODD = st.sampled_from(['张"三', "a\\b", "\x00\x1f\x7f", "\n\r\t", "\u2028", "𠀀", "", " ", "null", "%s{}", "P-0a"])
_VALUE = st.one_of(_TEXT, _ODD, st.none(), st.just(math.nan))
_SCORE = st.sampled_from([1.0, 0.6, 0.85, 0.1 + 0.2, 1e-7, 123456.789, math.nan, math.inf])


@st.composite
def _groups(draw) -> list[RecordGroup]:
    """Groups of records with distinct (row, column) places, as a block's transform makes them."""
    groups = []
    taken: set[tuple[int, int]] = set()
    for _ in range(draw(st.integers(1, 5))):
        column = draw(st.sampled_from([0, 1, 2, 25, 26, 700, NO_COLUMN]))
        rows = draw(st.lists(st.sampled_from([NO_ROW, 1, 2, 3, 9, 10, 11, 99, 10**6, 10**12]), max_size=6))
        rows = [row for row in dict.fromkeys(rows) if (row, column) not in taken]
        taken.update((row, column) for row in rows)
        size = len(rows)
        groups.append(
            record_group(
                column=column,
                header=draw(st.one_of(_TEXT, _ODD, st.none())),
                entity=draw(st.one_of(st.sampled_from(["PERSON", "CN_ID_CARD", "PERSON+CN_PHONE"]), st.none())),
                action=draw(st.sampled_from(["mask", "drop_column", 'odd"action'])),
                rule=draw(_TEXT),
                detector=draw(_TEXT),
                score=draw(_SCORE),
                rows=rows,
                fingerprints=draw(st.lists(_VALUE, min_size=size, max_size=size)),
                published=draw(st.lists(_VALUE, min_size=size, max_size=size)),
                cells=draw(st.lists(st.one_of(_TEXT, st.none()), min_size=size, max_size=size))
                if column == NO_COLUMN
                else None,
            )
        )
    return groups


def _plain(value: object) -> object:
    return None if isinstance(value, float) and math.isnan(value) else value


def _expected(groups: list[RecordGroup], file: str, sheet: str | None) -> list[dict]:
    """Each record as a dict in contract order, sorted here by (row, column), stable."""
    keyed = []
    for number, group in enumerate(groups):
        for i, (row, cell) in enumerate(zip(group.rows.tolist(), group.cell_references())):
            record = dict(
                file=file,
                sheet=sheet,
                row=None if row == NO_ROW else row,
                column=group.header,
                cell=cell,
                entity=group.entity,
                action=group.action,
                rule=group.rule,
                detector=group.detector,
                score=_plain(group.score),
                fingerprint=_plain(group.fingerprints[i]),
                published=_plain(group.published[i]),
            )
            keyed.append(((row, group.column, number, i), record))
    return [record for _, record in sorted(keyed, key=lambda pair: pair[0])]


@settings(max_examples=300, deadline=None)
@given(_groups(), st.sampled_from([None, "Sheet1", '表"1']))
def test_audit_lines_are_json_dumps_of_each_record_in_log_order(groups, sheet):
    records = Records(tuple(groups))
    expected = _expected(groups, "a.csv", sheet)
    lines = audit_lines(records, "a.csv", sheet).decode("utf-8")
    assert lines == "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in expected)
    assert [list(json.loads(line)) for line in lines.split("\n")[:-1]] == [list(AUDIT_FIELDS)] * len(expected)
    block = audit_block(records, "a.csv", sheet)
    counts: dict[str, dict[str, int]] = {}
    for record in expected:
        by_action = counts.setdefault(record["entity"] or "-", {})
        by_action[record["action"]] = by_action.get(record["action"], 0) + 1
    assert block.records == len(expected)
    assert block.counts == {e: dict(sorted(a.items())) for e, a in sorted(counts.items())}


@settings(max_examples=100, deadline=None)
@given(_groups())
def test_the_frame_of_records_holds_what_the_log_holds(groups):
    records = Records(tuple(groups))
    frame = records.frame()
    assert list(frame.columns) == [f for f in AUDIT_FIELDS if f not in ("file", "sheet")]
    expected = _expected(groups, "a.csv", None)
    assert len(frame) == len(records) == len(expected)
    for row, record in zip(frame.itertuples(index=False), expected):
        for name in ("row", "column", "cell", "entity", "action", "rule", "detector", "score", "fingerprint"):
            assert _missing_or_equal(getattr(row, name), record[name]), name
        assert _missing_or_equal(row.published, record["published"])
    assert [_plain(cell) for cell in frame["cell"]] == [r["cell"] for r in expected]


def _missing_or_equal(value: object, expected: object) -> bool:
    """A frame holds missing values as pandas does (NaN, NA)."""
    return (expected is None and pd.isna(value)) or value == expected


def test_no_records_write_nothing_and_read_as_an_empty_frame():
    empty = Records((record_group(3, "姓名", "PERSON", "mask", "r", "d", 0.9, [], [], []),))
    assert audit_lines(empty, "a.csv", None) == b"" and audit_lines(Records(), "a.csv", None) == b""
    assert audit_block(empty, "a.csv", None).records == 0 and audit_block(empty, "a.csv", None).counts == {}
    assert empty.frame().empty and Records().frame().empty
    assert len(empty.cleared()) == 0


def test_a_workbook_record_takes_its_row_from_its_cell():
    line = json.loads(audit_lines(workbook_record("remove_formula", "hygiene:formula", "D4"), "a.xlsx", "S"))
    assert (line["row"], line["cell"], line["column"], line["detector"]) == (4, "D4", None, "workbook")
    line = json.loads(audit_lines(workbook_record("clear_metadata", "hygiene:property.creator", None, "ab"), "a", None))
    assert (line["row"], line["cell"], line["fingerprint"]) == (None, None, "ab")


# --- records of a transformed sheet -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def transformer():
    return build_transformer(load_pipeline("dibao"), Fingerprinter(bytes(32)))


def test_a_sheets_records_are_in_log_order_one_per_changed_cell(transformer):
    roster = dibao_roster(60, seed=71)
    rows = [list(r) for r in roster.rows]
    width = max(len(r) for r in rows)
    rows[0] = [rows[0][0], "", "", "", "制表人：王秀英，电话13812345678", *[""] * (width - 5)]  # in a dropped column
    grid = pd.DataFrame([r + [""] * (width - len(r)) for r in rows], dtype=object)
    sheet = Sheet(None, grid)
    before = grid.copy()
    outcome = transformer.transform(sheet)
    assert grid.equals(before)  # the block read is left as it was (deid check reads dropped columns from it)
    frame = outcome.records.frame()
    whole = frame[frame["row"].isna()]  # the dropped columns, first
    assert whole.index.tolist() == list(range(len(grid.columns) - len(outcome.kept_columns)))
    assert set(whole["action"]) == {"drop_column"}
    cells = frame.iloc[len(whole) :]
    places = [(int(row), column_number(cell)) for row, cell in zip(cells["row"], cells["cell"])]
    assert places == sorted(places) and len(set(places)) == len(places)
    assert any(row == 1 for row, _ in places)  # the title row's name and phone
    body_start = outcome.layout.body_start
    changed = {
        (row + 1, column)
        for column in outcome.kept_columns
        for row, (before, after) in enumerate(zip(grid[column], outcome.grid[column]))
        if row >= body_start and before != after
    }
    assert changed and changed == {(row, column) for row, column in places if row > body_start}


def test_records_of_blocks_concatenate_in_order(transformer):
    roster = dibao_roster(40, seed=72)
    rows = [list(r) for r in roster.rows]
    grid = pd.DataFrame(rows, dtype=object)
    plan = transformer.plan(Sheet(None, grid))
    parts = [transformer.transform_chunk(plan, grid.iloc[start : start + 7]) for start in range(0, len(grid), 7)]
    whole = transformer.transform_chunk(plan, grid)
    joined = Records.concat(part.records for part in parts)
    assert audit_lines(joined, "a.csv", None) == audit_lines(whole.records, "a.csv", None)
    assert b"".join(audit_lines(part.records, "a.csv", None) for part in parts) == audit_lines(joined, "a.csv", None)


# --- is_filled ---------------------------------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(st.sampled_from(" \t\n\u3000\xa0\u2028a张1"), max_size=4), st.none())))
def test_is_filled_is_the_plain_loop(values):
    series = pd.Series(values, dtype=object, index=np.arange(len(values)) + 5)
    assert is_filled(series).tolist() == [bool(v) and not v.isspace() for v in values]
    assert is_filled(series).index.equals(series.index)


# --- results remembered from block to block ------------------------------------------------------------------


@pytest.mark.parametrize("limit", [5, 12, 1 << 17])
def test_results_remembered_across_blocks_are_the_results_of_each_block(transformer, monkeypatch, limit):
    monkeypatch.setattr(transform, "_KNOWN_LIMIT", limit)  # a small memory starts afresh again and again
    roster = dibao_roster(30, seed=73)
    title, header, *records = roster.rows[: 2 + len(roster.records)]
    twice = [record for record in records for _ in range(2)]  # names repeat within a block and across blocks
    other = dibao_roster(40, seed=74).records  # names seen once between
    grid = pd.DataFrame([title, header, *twice, *other, *twice[::-1]], dtype=object)
    plan = transformer.plan(Sheet(None, grid))
    blocks = [grid.iloc[start : start + 13] for start in range(0, len(grid), 13)]
    transformer._known.clear()
    remembered = [transformer.transform_chunk(plan, block) for block in blocks]
    afresh = []
    for block in blocks:
        transformer._known.clear()
        afresh.append(transformer.transform_chunk(plan, block))
    assert transformer._known  # names repeat
    for one, other in zip(remembered, afresh):
        assert audit_lines(one.records, "a.csv", None) == audit_lines(other.records, "a.csv", None)
        assert one.grid.equals(other.grid)


def test_remembered_results_are_looked_up_and_worked_out_once():
    worked_out = []

    def work_out(values):
        worked_out.append(values.tolist())
        return object_array([v.upper() for v in values]), np.arange(len(values), dtype=float), values.copy()

    known = transform.KnownResults(limit=4)
    new, scores, fingerprints = known.results(object_array(["a", "b"]), work_out)
    assert new.tolist() == ["A", "B"] and scores.tolist() == [0.0, 1.0] and fingerprints.tolist() == ["a", "b"]
    new, scores, _ = known.results(object_array(["b", "c", "a"]), work_out)
    assert new.tolist() == ["B", "C", "A"] and scores.tolist() == [1.0, 0.0, 0.0] and worked_out[-1] == ["c"]
    new, _, _ = known.results(object_array(["d", "e", "a"]), work_out)  # no room for two more: afresh
    assert new.tolist() == ["D", "E", "A"] and worked_out[-1] == ["d", "e", "a"]


def test_a_cell_with_one_span_has_the_kind_its_joined_spans_have(transformer):
    for entity in ("PERSON", "CN_PHONE", "CN_ID_CARD"):
        span = Span(entity, 2, 5, 0.85, "recognizer", "mask")
        cell = Redaction("x", (span,))
        assert transformer._redaction_kind(cell) == transformer._joined_kind((span,))
    two = (Span("PERSON", 0, 2, 0.85, "a", "mask"), Span("CN_PHONE", 3, 14, 0.6, "b", "mask"))
    assert transformer._redaction_kind(Redaction("x", two))[0::4] == ("PERSON+CN_PHONE", 0.6)


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), st.lists(_ODD).map("".join)))
def test_text_is_written_as_is_exactly_when_json_writes_it_between_two_quotes(text):
    assert audit._written_as_is(text) == (json.dumps(text, ensure_ascii=False) == f'"{text}"')


def test_a_column_of_distinct_values_is_taken_a_value_per_cell():
    ids = pd.Series([f"1101011990030{n:05d}" for n in range(20_000)], index=range(5, 20_005))
    codes, values = transform._distinct_values(ids)
    assert codes.tolist() == list(range(20_000)) and values.tolist() == ids.tolist()
    names = pd.Series(["张三丰", "李四", "王五"] * 5_000)
    codes, values = transform._distinct_values(names)
    assert values.tolist() == ["张三丰", "李四", "王五"] and (values[codes] == names.to_numpy()).all()


def test_a_block_of_distinct_values_publishes_as_one_told_apart(transformer, monkeypatch):
    roster = dibao_roster(40, seed=75)
    grid = pd.DataFrame(roster.rows, dtype=object)
    plan = transformer.plan(Sheet(None, grid))
    taken_apart = transformer.transform_chunk(plan, grid)
    monkeypatch.setattr(transform, "_SAMPLE_SIZE", 1)  # every block of distinct values taken a value per cell
    monkeypatch.setattr(transform, "_SAMPLE_STEP", 1)
    per_cell = transformer.transform_chunk(plan, grid)
    assert audit_lines(per_cell.records, "a.csv", None) == audit_lines(taken_apart.records, "a.csv", None)
    assert per_cell.grid.equals(taken_apart.grid)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(st.sampled_from("0189０９一无/ X\u3000a𠀀\ud800"), min_size=1, max_size=5), max_size=30))
def test_a_text_holds_a_digit_where_searching_it_finds_one(texts):
    expected = [transform._HAS_DIGIT.search(text) is not None for text in texts]
    assert transform._holds_digit(object_array(texts)).tolist() == expected


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=4), _ODD), min_size=1, max_size=5))
def test_texts_joined_with_nuls_are_written_as_is_exactly_when_json_writes_each_so(texts):
    each = all(json.dumps(text, ensure_ascii=False) == f'"{text}"' for text in texts)
    assert audit._written_as_is("\x00".join(texts), nuls=len(texts) - 1) == each
