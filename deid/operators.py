"""What a rule does to one value of a given entity: mask, generalise, replace or pseudonymise.

Column transforms call these once per distinct value; the text redactor calls them once per span.
"""

from __future__ import annotations

import functools
import inspect
import re
from collections.abc import Callable
from types import ModuleType

from deid.fingerprint import Fingerprinter
from deid.policy import Rule
from recognizers import (
    address,
    bank_card,
    disability_cert,
    email,
    id_card,
    licence_plate,
    passport,
    person,
    phone,
    uscc,
)

ENTITY_MODULES: dict[str, ModuleType] = {
    "CN_ID_CARD": id_card,
    "CN_DISABILITY_CERT": disability_cert,
    "CN_PHONE": phone,
    "BANK_CARD": bank_card,
    "CN_USCC": uscc,
    "CN_PASSPORT": passport,
    "CN_TRAVEL_PERMIT": passport,
    "EMAIL_ADDRESS": email,
    "CN_LICENCE_PLATE": licence_plate,
}
# Several people in one cell (家庭成员: 张三、李四): each is masked on its own.
_NAME_SEPARATORS = re.compile(r"([、，,；;/\s]+)")
FULLY_MASKED = "*"


def mask_names(value: str, child: bool = False) -> str:
    """Mask every name in a cell that may list several.

    >>> mask_names('张三丰、李四')
    '张*丰、李*'
    """
    if not _NAME_SEPARATORS.search(value):  # the usual cell, one name: nothing to split (a column has a million)
        return person.mask_name(value, child=child)
    return _mask_each_name(value, child)


def _mask_each_name(value: str, child: bool) -> str:
    parts = _NAME_SEPARATORS.split(value.strip())
    return "".join(part if _NAME_SEPARATORS.fullmatch(part) else person.mask_name(part, child=child) for part in parts)


def mask_value(value: str, entity: str, rule: Rule) -> str:
    """Mask ``value`` as the identifier ``entity`` says it is; unknown entities are masked whole."""
    return value_masker(entity, rule)(value)


@functools.cache
def value_masker(entity: str, rule: Rule) -> Callable[[str], str]:
    """The mask of one ``entity`` under ``rule``, decided once: a column has a million values to mask."""
    # Closures that name their arguments, not functools.partial: a partial given keywords copies them into a
    # new dict on every call, a third of what masking a value costs.
    child, level = rule.child, rule.level
    if entity == "PERSON":
        return lambda value: mask_names(value, child)
    if entity == "CN_ADDRESS":
        return lambda value: generalize_address(value, level)
    module = ENTITY_MODULES.get(entity)
    if module is None:
        return _mask_whole
    return _with_options(module.mask, _mask_keywords(module, rule))


def _mask_keywords(module: ModuleType, rule: Rule) -> dict[str, int]:
    """The keep_first/keep_last that ``rule`` gives the module's mask (a child's number keeps nothing)."""
    accepted = _mask_options(module)
    if rule.child:
        return dict.fromkeys(accepted, 0)
    return {k: getattr(rule, k) for k in accepted if getattr(rule, k) is not None}


def _with_options(mask: Callable[..., str], options: dict[str, int]) -> Callable[[str], str]:
    """``mask`` with the keep_first/keep_last options it is given."""
    first, last = options.get("keep_first"), options.get("keep_last")
    if "keep_first" in options and "keep_last" in options:
        return lambda value: mask(value, keep_first=first, keep_last=last)
    if "keep_first" in options:
        return lambda value: mask(value, keep_first=first)
    if "keep_last" in options:
        return lambda value: mask(value, keep_last=last)
    return mask


def _mask_whole(value: str) -> str:
    return FULLY_MASKED * len(value.strip())


@functools.cache
def _mask_options(module: ModuleType) -> tuple[str, ...]:
    """The keep_first/keep_last options this identifier's mask takes (a 残疾人证号 has no kept tail)."""
    parameters = inspect.signature(module.mask).parameters
    return tuple(k for k in ("keep_first", "keep_last") if k in parameters)


def generalize_address(value: str, level: str = "village") -> str:
    """The address cut to ``level``; an address that cannot be parsed publishes nothing of its detail.

    >>> generalize_address('湖南省长沙市望城区五星街道双河村3组12号')
    '湖南省长沙市望城区五星街道双河村'
    """
    general = address.generalize(value, level)
    if general or address.has_detail(value) or re.search(r"[0-9０-９]", value):
        return general
    return value


def values_operator(entity: str | None, rule: Rule, fingerprint: Fingerprinter) -> Callable[[list[str]], list[str]]:
    """What ``rule`` does to each of a list of values (a column's distinct values): an identifier module's
    column-wide mask (id_card.masks) where it has one, else :func:`rule_operator` value by value."""
    module = ENTITY_MODULES.get(entity or "")
    if rule.action == "mask" and hasattr(module, "masks"):
        return functools.partial(module.masks, **_mask_keywords(module, rule))
    operator = rule_operator(entity, rule, fingerprint)
    return lambda values: list(map(operator, values))


def rule_operator(entity: str | None, rule: Rule, fingerprint: Fingerprinter) -> Callable[[str], str]:
    """What ``rule`` does to each value of ``entity``, decided once per column or span kind."""
    if rule.action == "replace":
        return lambda _: rule.value
    if rule.action == "pseudonymize":
        return fingerprint.pseudonym
    if rule.action == "generalize":
        level = rule.level
        return lambda value: generalize_address(value, level)
    if rule.action == "mask":
        return value_masker(entity or "", rule)
    raise ValueError(f"rule action {rule.action} does not transform single values")
