"""The operators' shortcuts give what the long way gives: a cell with one name is not split, a name is cut after
a compound surname or its first character without asking which surname it has, and a mask's options are named
in its call rather than bound by functools.partial."""

from __future__ import annotations

import pytest
from faker import Faker
from hypothesis import given, settings
from hypothesis import strategies as st

from deid import operators
from deid.policy import Rule
from recognizers import id_card
from recognizers.person import COMPOUND_SURNAMES, compact, mask_name, split_name

_SEPARATORS_AND_JUNK = [
    "、",
    "，",
    ",",
    "；",
    ";",
    "/",
    " ",
    "\u3000",
    "\t",
    "\n",
    "·",
    "•",
    ".",
    "．",
    "Ａ",
    "１",
    "a",
    "*",
]
_CHARS = st.sampled_from([*"张王李欧阳司马诸葛秀英明华丰峰小村扎西顿珠𠀀㐀豈々〇", *_SEPARATORS_AND_JUNK])
_CELLS = st.one_of(st.lists(_CHARS, max_size=12).map("".join), st.text(max_size=12))


@settings(max_examples=1000, deadline=None)
@given(_CELLS, st.booleans())
def test_a_cell_is_masked_as_splitting_it_into_names_masks_it(cell: str, child: bool) -> None:
    assert operators.mask_names(cell, child=child) == operators._mask_each_name(cell, child)


def _mask_by_split_name(name: str, child: bool) -> str:
    """The mask as split_name reads the name: surname (none known: the first character) and given name."""
    surname, given = split_name(name)
    if not surname:
        surname, given = name[0], name[1:]
    return surname + ("*" * len(given) if child or len(given) < 2 else "*" * (len(given) - 1) + given[-1])


@settings(max_examples=1000, deadline=None)
@given(_CELLS, st.booleans())
def test_a_name_is_masked_after_the_surname_split_name_finds(value: str, child: bool) -> None:
    name = compact(value)
    if len(name) >= 2 and "·" not in name:  # shorter and dotted names take their own ways
        assert mask_name(value, child=child) == _mask_by_split_name(name, child)


def test_compound_surnames_are_kept_whole() -> None:
    for surname in sorted(COMPOUND_SURNAMES)[:10]:
        assert mask_name(surname + "小峰") == surname + "*峰" and mask_name(surname + "峰") == surname + "*"


_OPTIONS = st.fixed_dictionaries(
    {}, optional={"keep_first": st.integers(0, 8), "keep_last": st.integers(0, 8), "child": st.booleans()}
)
_NUMBERS = st.one_of(st.text("0123456789Xx-  ０１", max_size=22), st.text(max_size=8))


@pytest.mark.parametrize("entity", sorted(operators.ENTITY_MODULES))
@settings(max_examples=60, deadline=None)
@given(options=_OPTIONS, value=_NUMBERS)
def test_a_mask_with_options_masks_as_the_module_does_with_them(entity: str, options: dict, value: str) -> None:
    rule = Rule("mask", "test", **options)
    module = operators.ENTITY_MODULES[entity]
    accepted = operators._mask_options(module)
    given_options = {k: v for k, v in options.items() if k in accepted}
    if rule.child:
        given_options = dict.fromkeys(accepted, 0)
    assert operators.value_masker(entity, rule)(value) == module.mask(value, **given_options)


@settings(max_examples=200, deadline=None)
@given(_CELLS, st.booleans(), st.sampled_from(["province", "city", "county", "township", "village"]))
def test_names_and_addresses_are_masked_with_the_rules_options(value: str, child: bool, level: str) -> None:
    rule = Rule("mask", "test", child=child, level=level)
    assert operators.value_masker("PERSON", rule)(value) == operators.mask_names(value, child=child)
    assert operators.value_masker("CN_ADDRESS", rule)(value) == operators.generalize_address(value, level=level)
    generalize = operators.rule_operator("CN_ADDRESS", Rule("generalize", "test", level=level), None)
    assert generalize(value) == operators.generalize_address(value, level)


_ID_CHARACTERS = "0123456789Xx*＊１ -"
_ID_LIKE = st.one_of(
    st.text(_ID_CHARACTERS, min_size=16, max_size=20),
    st.text("0123456789X*", min_size=18, max_size=18),  # the numpy path: compact already
    st.text(max_size=20),
)


@settings(max_examples=150, deadline=None)
@given(
    values=st.lists(_ID_LIKE, max_size=12),
    keep_first=st.integers(0, 12),
    keep_last=st.integers(0, 12),
    char=st.sampled_from(["*", "#", "＊"]),
)
def test_a_column_of_ids_is_masked_as_each_id_alone(values: list[str], keep_first: int, keep_last: int, char: str):
    assert id_card.masks(values, keep_first, keep_last, char) == [
        id_card.mask(v, keep_first, keep_last, char) for v in values
    ]


@pytest.mark.parametrize("count", [1, 3, 1000])
def test_a_column_of_usual_ids_takes_the_numpy_path_and_agrees(count: int) -> None:
    ids = [Faker("zh_CN").ssn() for _ in range(count)]
    ids[0] = ids[0][:6] + "********" + ids[0][-4:]  # a published ID, masked again as it is
    assert id_card.masks(ids) == [id_card.mask(v) for v in ids]
    assert id_card.masks(ids)[0] == ids[0]


@pytest.mark.parametrize("entity", [*sorted(operators.ENTITY_MODULES), "PERSON", "CN_ADDRESS", None])
@pytest.mark.parametrize(
    "rule",
    [Rule("mask", "test"), Rule("mask", "test", keep_first=3, keep_last=2), Rule("mask", "test", child=True)],
    ids=["default", "options", "child"],
)
def test_a_rule_over_a_list_of_values_gives_each_value_what_it_gives_alone(entity: str | None, rule: Rule) -> None:
    values = ["110101199003077774", "11010119900307777x", "张三丰", "湖南省长沙市望城区双河村3组", "", "13812345678"]
    each = operators.rule_operator(entity, rule, None)
    assert operators.values_operator(entity, rule, None)(values) == [each(v) for v in values]
