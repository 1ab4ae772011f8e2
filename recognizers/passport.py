"""CN_PASSPORT and CN_TRAVEL_PERMIT — Chinese passports and the travel permits used instead of them.

Passports (CN_PASSPORT), 9 characters:

- ordinary passports ``E12345678``, and ``EA1234567`` since the E + 8-digit range ran out; older ``G12345678``;
- diplomatic, service and public-affairs passports: D, S, P + 8 digits, or DE, SE, PE + 7 digits.

Travel permits (CN_TRAVEL_PERMIT):

- 往来港澳通行证: ``C12345678`` or ``CA1234567``;
- 往来台湾通行证: ``L12345678``;
- 港澳居民来往内地通行证 (回乡证): H (Hong Kong) or M (Macao) + 8 digits, or + 10 in the older booklet;
- 台湾居民来往大陆通行证 (台胞证): 8 bare digits — in text only right after the word 台胞证, since 8 digits
  alone are as likely a date (``20240105``) or an order number.

None of these numbers carries a check digit, so validity is the shape and the recognizers keep their pattern
scores; context words (护照, 通行证 …) raise them.

mask keeps the letter prefix (the kind of document, not the person) and the last 2 digits, so the holder
can still recognise the entry, as the 身份证号 mask keeps the last 4; at least 5 digits are always hidden.

>>> compact(' ｅ1234 5678 ')
'E12345678'
>>> validate('EA1234567')
'EA1234567'
>>> validate('K12345678')
Traceback (most recent call last):
    ...
recognizers.exceptions.InvalidComponent: the letter prefix names no passport type
>>> is_valid('G12345678'), is_valid('E1234567')
(True, False)
>>> is_plausible('K12345678')
True
>>> validate_travel_permit('H1234567800')
'H1234567800'
>>> document_type('CA1234567')
'往来港澳通行证'
>>> mask('E12345678'), mask('EA1234567'), mask('12345678')
('E******78', 'EA*****67', '******78')
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from recognizers.base import ZhPatternRecognizer
from recognizers.exceptions import InvalidComponent, InvalidFormat, InvalidLength
from recognizers.normalize import digits_and_letters

ENTITY = "CN_PASSPORT"
TRAVEL_PERMIT_ENTITY = "CN_TRAVEL_PERMIT"

_LETTER = "A-HJ-NP-Z"  # series letters skip I and O, which read as 1 and 0

# Document kind → the shape of its number (compact, upper-case).
PASSPORTS = {
    "普通护照": rf"E[0-9{_LETTER}]\d{{7}}|G\d{{8}}",
    "外交、公务、公务普通护照": r"[DSP]\d{8}|[DSP]E\d{7}",
}
TRAVEL_PERMITS = {
    "往来港澳通行证": rf"C[0-9{_LETTER}]\d{{7}}",
    "往来台湾通行证": r"L\d{8}",
    "港澳居民来往内地通行证": r"[HM]\d{8}(?:\d{2})?",
    "台湾居民来往大陆通行证": r"\d{8}",
}
_PASSPORT_SHAPES = {kind: re.compile(shape, re.ASCII) for kind, shape in PASSPORTS.items()}
_PERMIT_SHAPES = {kind: re.compile(shape, re.ASCII) for kind, shape in TRAVEL_PERMITS.items()}
_PLAUSIBLE_PASSPORT = re.compile(r"(?=.{9}$)[A-Z]{1,2}\d{7,8}", re.ASCII)
_PLAUSIBLE_PERMIT = re.compile(r"[A-Z]{1,2}\d{7,10}|\d{8}", re.ASCII)
_PREFIX = re.compile(r"[A-Z]{0,2}")
_MIN_HIDDEN = 5


def compact(number: object) -> str:
    """Half-width, upper-case, without spaces, hyphens or dots."""
    return digits_and_letters(number).upper()


def _kind(number: str, shapes: dict[str, re.Pattern[str]]) -> str | None:
    return next((kind for kind, shape in shapes.items() if shape.fullmatch(number)), None)


def validate(number: object) -> str:
    """Return the compact passport number if it has the shape of a Chinese passport, else raise."""
    number = compact(number)
    if len(number) != 9:
        raise InvalidLength()
    if not _PLAUSIBLE_PASSPORT.fullmatch(number):
        raise InvalidFormat()
    if _kind(number, _PASSPORT_SHAPES) is None:
        raise InvalidComponent("the letter prefix names no passport type")
    return number


def is_valid(number: object) -> bool:
    """Whether ``number`` is a well-formed passport number (never raises)."""
    try:
        return bool(validate(number))
    except ValueError:
        return False


def is_plausible(number: object) -> bool:
    """Whether ``number`` looks like a passport number (1–2 letters and digits, 9 in all), any letters."""
    return _PLAUSIBLE_PASSPORT.fullmatch(compact(number)) is not None


def validate_travel_permit(number: object) -> str:
    """Return the compact travel-permit number if it has the shape of one, else raise."""
    number = compact(number)
    if len(number) not in (8, 9, 11):
        raise InvalidLength()
    if not _PLAUSIBLE_PERMIT.fullmatch(number):
        raise InvalidFormat()
    if _kind(number, _PERMIT_SHAPES) is None:
        raise InvalidComponent("the letter prefix names no travel permit")
    return number


def is_valid_travel_permit(number: object) -> bool:
    """Whether ``number`` is a well-formed travel-permit number (never raises)."""
    try:
        return bool(validate_travel_permit(number))
    except ValueError:
        return False


def is_plausible_travel_permit(number: object) -> bool:
    """Whether ``number`` looks like a travel permit (letters and 7–10 digits, or 8 digits), any letters."""
    return _PLAUSIBLE_PERMIT.fullmatch(compact(number)) is not None


def document_type(number: object) -> str | None:
    """The kind of passport or permit the number's shape belongs to, or None.

    8 bare digits are reported as 台胞证 because that is the only document written so: say so only when
    the column or the text already names the document.

    >>> document_type('E12345678'), document_type('20240105'), document_type('X')
    ('普通护照', '台湾居民来往大陆通行证', None)
    """
    number = compact(number)
    return _kind(number, _PASSPORT_SHAPES) or _kind(number, _PERMIT_SHAPES)


def mask(number: object, keep_last: int = 2, char: str = "*") -> str:
    """Keep the letter prefix and the last ``keep_last`` digits, mask the rest.

    A value too short to keep 5 characters hidden is masked whole.

    >>> mask('H1234567800')
    'H********00'
    >>> mask('E123')
    '****'
    """
    number = compact(number)
    prefix = _PREFIX.match(number).group()
    hidden = len(number) - len(prefix) - keep_last
    if hidden < _MIN_HIDDEN:
        return char * len(number)
    return prefix + char * hidden + number[len(number) - keep_last :]


# What every passport and permit number with a letter holds (E12345678, EA1234567, C01234567).
_LETTER_AND_SEVEN_DIGITS = r"[A-Z]\d{7}"


def _alone(shape: str) -> str:
    # Nothing alphanumeric on either side; `\b` does not work next to CJK characters.
    return rf"(?<![0-9A-Za-z])(?:{shape})(?![0-9A-Za-z])"


class PassportRecognizer(ZhPatternRecognizer):
    """Passport numbers in zh text. No check digit exists: the pattern score stands, context raises it."""

    ENTITY = ENTITY
    PATTERNS = [
        Pattern("CN_PASSPORT (ordinary)", _alone(PASSPORTS["普通护照"]), 0.5),
        Pattern("CN_PASSPORT (diplomatic, service)", _alone(PASSPORTS["外交、公务、公务普通护照"]), 0.3),
    ]
    CONTEXT = ["护照", "护照号", "护照号码", "passport"]
    NEEDS = _LETTER_AND_SEVEN_DIGITS


# 台胞证 numbers are 8 bare digits: only the document's name right before them makes them one.
_TAIWAN_COMPATRIOT_NAME = "(?:台胞证|台湾居民来往大陆通行证)"
_TAIWAN_COMPATRIOT = r"(?<=" + _TAIWAN_COMPATRIOT_NAME + r"(?:号码|号|证号)?\s?[:：]?\s?)\d{8}(?![0-9A-Za-z])"


class TravelPermitRecognizer(ZhPatternRecognizer):
    """往来港澳/台湾通行证, 回乡证 and 台胞证 numbers in zh text."""

    ENTITY = TRAVEL_PERMIT_ENTITY
    PATTERNS = [
        Pattern("CN_TRAVEL_PERMIT (Hong Kong, Macao)", _alone(TRAVEL_PERMITS["往来港澳通行证"]), 0.5),
        Pattern("CN_TRAVEL_PERMIT (Taiwan)", _alone(TRAVEL_PERMITS["往来台湾通行证"]), 0.5),
        Pattern("CN_TRAVEL_PERMIT (回乡证)", _alone(TRAVEL_PERMITS["港澳居民来往内地通行证"]), 0.5),
        Pattern("CN_TRAVEL_PERMIT (台胞证, named)", _TAIWAN_COMPATRIOT, 0.6),
    ]
    CONTEXT = ["通行证", "回乡证", "台胞证", "港澳", "台湾"]
    NEEDS = _LETTER_AND_SEVEN_DIGITS + "|" + _TAIWAN_COMPATRIOT_NAME
