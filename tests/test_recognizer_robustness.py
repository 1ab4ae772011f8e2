"""Junk into every validator and mask function of every identifier module: answers, never crashes.

``validate`` (and ``birth_date``) may refuse with a ValueError subclass whose message holds no input; every
other public function must return normally on None, '', '①', Excel's ``4.10102e17``, huge strings and ints.
"""

from __future__ import annotations

import importlib
import inspect

import pytest

from recognizers.analyzer import RECOGNIZER_MODULES, build_analyzer

JUNK = [None, "", " ", "①", "4.10102e17", "4.10102E+17", "x" * 10_000, "1" * 10_000, "张" * 10_000, 0, 410102199001011000,
        12.5, "\x00\ufffd", "１２３４５", "·", "--", "〔2024〕12号", "null", "NaN", "\n\t"]  # fmt: skip
MAY_REFUSE = {"validate", "birth_date"}
COLUMN_FUNCTIONS = {"are_valid": "is_valid", "masks": "mask"}  # the one-value function of each


def public_functions():
    for name in RECOGNIZER_MODULES:
        module = importlib.import_module(f"recognizers.{name}")
        for function_name, function in inspect.getmembers(module, inspect.isfunction):
            if function.__module__ == module.__name__ and not function_name.startswith("_"):
                yield pytest.param(function, id=f"{name}.{function_name}")


@pytest.mark.parametrize("function", list(public_functions()))
def test_function_survives_junk(function):
    required = [
        p
        for p in inspect.signature(function).parameters.values()
        if p.default is inspect.Parameter.empty and p.kind is p.POSITIONAL_OR_KEYWORD
    ]
    if len(required) != 1:
        pytest.skip("takes more than one value")
    if str(required[0].annotation).startswith("list"):
        # A whole column's check or mask (id_card.are_valid, masks) gets junk among its values and agrees with the
        # one-value function.
        single = getattr(inspect.getmodule(function), COLUMN_FUNCTIONS[function.__name__])
        assert function(JUNK) == [single(junk) for junk in JUNK]
        return
    for junk in JUNK:
        try:
            function(junk)
        except ValueError as error:
            assert function.__name__ in MAY_REFUSE or function.__name__.startswith("validate_"), (
                f"{function.__name__} refused {junk!r:.20}"
            )
            assert str(junk) not in str(error) or len(str(junk)) < 3


def test_every_module_has_the_stdnum_functions():
    for name in RECOGNIZER_MODULES:
        module = importlib.import_module(f"recognizers.{name}")
        assert hasattr(module, "ENTITY"), name
        for function in ("compact", "validate", "is_valid", "is_plausible", "mask"):
            assert callable(getattr(module, function, None)), f"{name}.{function}"


def test_analyzer_survives_junk_text():
    analyzer = build_analyzer()
    for junk in ["", "①②③", "x" * 10_000, "身份证号" * 2_000, "\x00" * 100, "1" * 5_000]:
        assert isinstance(analyzer.analyze(junk, language="zh"), list)
