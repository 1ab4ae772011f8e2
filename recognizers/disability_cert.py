"""CN_DISABILITY_CERT — 残疾人证号 (第二代残疾人证): the holder's 18-character 身份证号, then one digit for the
category of disability (1 视力 … 7 多重) and one for its level (1–4), 20 characters in all.

The ID part is checked with :mod:`recognizers.id_card`, so a cert is valid only if its ID is.

>>> compact('１１０１０１ 1990-0307 7774 41')
'11010119900307777441'
>>> validate('11010119900307777441')
'11010119900307777441'
>>> validate('11010119900307777541')
Traceback (most recent call last):
    ...
recognizers.exceptions.InvalidChecksum: the check digit does not match
>>> validate('11010119900307777481')
Traceback (most recent call last):
    ...
recognizers.exceptions.InvalidComponent: the disability category is not 1-7
>>> is_valid('110101199003077774'), is_plausible('11010119900307777599')
(False, True)
>>> category('11010119900307777441'), level('11010119900307777441')
('肢体残疾', '一级')
>>> mask('11010119900307777441')
'110101**************'
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from recognizers import id_card
from recognizers.base import ZhPatternRecognizer
from recognizers.exceptions import InvalidComponent, InvalidFormat, InvalidLength

ENTITY = "CN_DISABILITY_CERT"

CATEGORIES = {
    "1": "视力残疾",
    "2": "听力残疾",
    "3": "言语残疾",
    "4": "肢体残疾",
    "5": "智力残疾",
    "6": "精神残疾",
    "7": "多重残疾",
}
LEVELS = {"1": "一级", "2": "二级", "3": "三级", "4": "四级"}

_ID_LENGTH = 18
_LENGTH = _ID_LENGTH + 2
_SUFFIX = re.compile(r"[0-9]{2}")


def compact(number: object) -> str:
    """Half-width, upper-case, without spaces, hyphens or dots (as :func:`recognizers.id_card.compact`).

    >>> compact(None)
    ''
    """
    return id_card.compact(number)


def validate(number: object) -> str:
    """Return the compact cert number if it is valid, else raise a ValidationError subclass."""
    number = compact(number)
    if len(number) != _LENGTH:
        raise InvalidLength()
    if not _SUFFIX.fullmatch(number[_ID_LENGTH:]):
        raise InvalidFormat()
    id_card.validate(number[:_ID_LENGTH])
    if number[_ID_LENGTH] not in CATEGORIES:
        raise InvalidComponent("the disability category is not 1-7")
    if number[_ID_LENGTH + 1] not in LEVELS:
        raise InvalidComponent("the disability level is not 1-4")
    return number


def is_valid(number: object) -> bool:
    """Whether ``number`` is a valid 残疾人证号 (never raises)."""
    try:
        return bool(validate(number))
    except ValueError:
        return False


def is_plausible(number: object) -> bool:
    """Whether ``number`` is shaped like a cert: an ID-shaped 18 characters and two digits.

    Checksum, birth date, category and level aside: whatever the typo, the first 18 characters are a
    person's ID, so such a value is masked anyway. An 18-character ID alone is not plausible.

    >>> is_plausible('11010119900307777X12'), is_plausible('110101199003077774'), is_plausible('①')
    (True, False, False)
    """
    number = compact(number)
    return (
        len(number) == _LENGTH
        and id_card.is_plausible(number[:_ID_LENGTH])
        and _SUFFIX.fullmatch(number[_ID_LENGTH:]) is not None
    )


def category(number: object) -> str | None:
    """The category of disability written in a plausible cert number (``'视力残疾'`` …), else None.

    >>> category('11010119900307777491') is None
    True
    """
    number = compact(number)
    return CATEGORIES.get(number[_ID_LENGTH]) if is_plausible(number) else None


def level(number: object) -> str | None:
    """The level of disability written in a plausible cert number (``'一级'`` … ``'四级'``), else None."""
    number = compact(number)
    return LEVELS.get(number[_ID_LENGTH + 1]) if is_plausible(number) else None


def mask(number: object, keep_first: int = 6, char: str = "*") -> str:
    """Keep the first ``keep_first`` characters of the compact number and mask the rest.

    >>> mask('11010119900307777441', keep_first=0)
    '********************'
    >>> mask('12345')
    '*****'
    """
    return id_card.mask(number, keep_first=keep_first, keep_last=0, char=char)


# Separators as in id_card's patterns inside the ID part. Before the category digits a space only where the ID
# is spaced that way too: "110101 19900307 7774 41" is a cert, "身份证号110101199003077774 41岁" an ID and an age.
_SEP = r"[ \-]?"
_STRICT = "".join(
    [
        r"(?<![0-9A-Za-z])[1-9]\d{5}",
        _SEP,
        r"(?:18|19|20)\d{2}",
        _SEP,
        r"(?:0[1-9]|1[0-2])",
        _SEP,
        r"(?:0[1-9]|[12]\d|3[01])",
        r"(?P<sep>[ \-]?)\d{3}[0-9Xx]",
        r"(?:(?P=sep)|-)?[1-7][1-4](?![0-9A-Za-z])",
    ]
)
_LOOSE = r"(?<![0-9A-Za-z])[1-9]\d{16}[0-9Xx]\d{2}(?![0-9A-Za-z])"


class DisabilityCertRecognizer(ZhPatternRecognizer):
    """残疾人证号 in text; a valid ID part, category and level raise the score to 1.0."""

    ENTITY = ENTITY
    PATTERNS = [
        Pattern("CN_DISABILITY_CERT (ID with birth date, category, level)", _STRICT, 0.6),
        Pattern("CN_DISABILITY_CERT (20 characters, any)", _LOOSE, 0.3),
    ]
    # jieba cuts 残疾人证号 into 残疾人/证号 and 残疾证号 into 残疾证/号; context words match within one token.
    CONTEXT = ["残疾人证", "残疾证号", "残疾人证号", "残疾证", "残疾人"]
    NEEDS = id_card.IdCardRecognizer.NEEDS  # the 17 digits before the ID's check character hold the ID's 15

    def validate_result(self, pattern_text: str) -> bool | None:
        # None keeps the pattern score: a cert with a typo is still a person's ID and disability.
        return True if is_valid(pattern_text) else None
