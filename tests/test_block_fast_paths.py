"""The shortcuts a block takes on its way through (counting filled cells, parsing its lines, rendering its rows)
give what the plain way gives, on any cells a frame can hold."""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deid import profile
from deid.io.csvfile import DELIMITERS, CsvRows, RawCsvBlock

_CELL = st.one_of(
    st.sampled_from(["", " ", "\u3000", "\t", "张三", "１３８", "合计", "备注：无", "a,b", 'x"y', "\n", "0"]),
    st.text(max_size=4),
    st.none(),
    st.just(math.nan),
    st.just(pd.NA),
    st.integers(-1, 1),
)


@st.composite
def _frames(draw) -> pd.DataFrame:
    width = draw(st.integers(0, 5))
    rows = draw(st.lists(st.lists(_CELL, min_size=width, max_size=width), max_size=12))
    frame = pd.DataFrame(rows, columns=range(width), dtype=object, index=np.arange(len(rows)) + 3)
    if width and draw(st.booleans()):  # a column that pandas holds in another dtype
        dtype, cells = draw(
            st.sampled_from([("float64", [1.5, math.nan]), ("string", ["", "a", None]), ("str", ["", "b"])])
        )
        frame[0] = pd.Series(
            draw(st.lists(st.sampled_from(cells), min_size=len(frame), max_size=len(frame))),
            index=frame.index,
            dtype=dtype,
        )
    return frame


@settings(max_examples=400, deadline=None)
@given(_frames())
def test_nonempty_cells_are_counted_as_pandas_compares_them(frame):
    assert profile._nonempty_counts(frame).tolist() == (frame != "").sum(axis=1).tolist()


_PLAIN_CELL = st.text(
    st.sampled_from(["a", "张", "𠀀", " ", "\u3000", "\x00", "\u2028", "\x0b", "'", "\\"]), max_size=4
)
_RENDERED_CELL = st.one_of(
    _PLAIN_CELL,
    st.text(st.sampled_from(["a", ",", ";", "|", "\t", '"', "\r", "\n"]), max_size=3),
    st.text(max_size=3),
    st.none(),
    st.just(math.nan),
    st.integers(-2, 2),
)
_ROWS = st.integers(0, 4).flatmap(
    lambda width: (
        st.lists(st.lists(st.one_of(_PLAIN_CELL, _RENDERED_CELL), min_size=width, max_size=width), max_size=6)
        | st.lists(st.lists(_PLAIN_CELL, min_size=width, max_size=width), max_size=6)
    )  # no cell needs quotes
)


@settings(max_examples=500, deadline=None)
@given(
    _ROWS,
    st.sampled_from([*DELIMITERS, " ", '"']),
    st.sampled_from(["\r\n", "\n", "\r"]),
    st.sampled_from(["utf-8", "gb18030"]),
)
def test_rows_render_as_the_csv_module_writes_them(rows, delimiter, newline, encoding):
    width = len(rows[0]) if rows else 2
    block = pd.DataFrame(rows, columns=range(width), dtype=object, index=np.arange(len(rows)) + 7)
    buffer = io.StringIO(newline="")
    try:
        csv.writer(buffer, delimiter=delimiter, lineterminator=newline).writerows(rows)
        expected = buffer.getvalue().encode(encoding, errors="strict")
    except (csv.Error, UnicodeEncodeError) as error:
        with pytest.raises(type(error)):
            CsvRows(delimiter, newline, encoding).render(block)
        return
    assert CsvRows(delimiter, newline, encoding).render(block) == expected


_LINE = st.lists(st.text(st.sampled_from(["a", "张", "𠀀", " ", "\u3000", "\ufeff", "1", "'"]), max_size=3), max_size=3)


@settings(max_examples=200, deadline=None)
@given(st.lists(_LINE, min_size=1, max_size=6), st.sampled_from(["", "\ufeff", "\ufeff\ufeff"]), st.integers(0, 40))
def test_lines_parse_as_pandas_parses_them_in_their_encoding(lines, opening, start):
    data = (opening + "".join(",".join(cells) + "\r\n" for cells in lines)).encode("utf-8")
    block = RawCsvBlock(Path("a.csv"), "utf-8-sig", ",", 3, data, start)
    expected = pd.read_csv(
        io.BytesIO(data),
        header=None,
        names=range(3),
        dtype=object,
        na_filter=False,
        encoding="utf-8-sig",
        sep=",",
        skip_blank_lines=False,
        engine="c",
    )
    expected.index = range(start, start + len(expected))
    assert block.frame().equals(expected)
