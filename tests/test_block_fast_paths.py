"""The shortcuts a block takes on its way through (counting filled cells, parsing its lines, rendering its rows)
give what the plain way gives, on any cells a frame can hold."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from deid import profile

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
