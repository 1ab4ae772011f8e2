"""CN_LICENCE_PLATE — 机动车号牌 (GA 36-2018): province character, issuing-authority letter, serial.

- ordinary (7): ``湘A12345``, ``湘AB1234``; often written ``湘A·12345`` or ``湘A 12345``;
- new energy (8): small cars ``粤BD12345`` (D/F first), large vehicles ``粤B12345D`` (D/F last);
- special (7): four characters then 学 (learner), 警 (police), 挂 (trailer), 领 (consulate), 港/澳, 试, 超.

Serials never use the letters I and O (they read as 1 and 0). There is no checksum: validity is the shape.

>>> compact('湘a·12345')
'湘A12345'
>>> validate('粤BD12345')
'粤BD12345'
>>> validate('A12345')
Traceback (most recent call last):
    ...
recognizers.exceptions.InvalidLength: the value has the wrong length
>>> is_valid('京A1234学'), is_valid('湘A1234I')
(True, False)
>>> is_plausible('湘A1234I'), is_plausible('91350100M000100Y43')
(True, False)
>>> mask('湘A·12345')
'湘A*****'
>>> mask('粤BD12345')
'粤B******'
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from recognizers.base import ZhPatternRecognizer
from recognizers.exceptions import InvalidComponent, InvalidFormat, InvalidLength
from recognizers.normalize import halfwidth

ENTITY = "CN_LICENCE_PLATE"

PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
SPECIAL_SUFFIXES = "学警挂领港澳试超"
_SERIAL = "A-HJ-NP-Z0-9"  # no I, no O
_SEPARATORS = str.maketrans("", "", " \t·•・.-_\u2027")
_VALID_SERIAL = re.compile(
    rf"[{_SERIAL}]{{5}}"  # ordinary
    rf"|[DF][{_SERIAL}]\d{{4}}|\d{{5}}[DF]"  # new energy, small / large
    rf"|[{_SERIAL}]{{4}}[{SPECIAL_SUFFIXES}]",
    re.ASCII,
)
_PLAUSIBLE = re.compile(rf"[{PROVINCES}][A-Z][A-Z0-9]{{4,5}}[A-Z0-9{SPECIAL_SUFFIXES}]")
# More letters than this in an ordinary serial is no plate ever issued (GA 36 allows at most three).
_MAX_SERIAL_LETTERS = 3


def compact(plate: object) -> str:
    """Half-width, upper-case, without the dot, space or hyphen written after the authority letter."""
    return halfwidth(plate).translate(_SEPARATORS).upper()


def validate(plate: object) -> str:
    """Return the compact plate if it has the shape of an issued plate, else raise."""
    plate = compact(plate)
    if len(plate) not in (7, 8):
        raise InvalidLength()
    if plate[0] not in PROVINCES:
        raise InvalidComponent("the first character is no province abbreviation")
    if not ("A" <= plate[1] <= "Z"):
        raise InvalidComponent("the issuing authority is not a letter")
    serial = plate[2:]
    if not _VALID_SERIAL.fullmatch(serial):
        raise InvalidFormat()
    if len(serial) == 5 and sum(ch.isalpha() for ch in serial) > _MAX_SERIAL_LETTERS:
        raise InvalidFormat()
    return plate


def is_valid(plate: object) -> bool:
    """Whether ``plate`` is a well-formed plate number (never raises)."""
    try:
        return bool(validate(plate))
    except ValueError:
        return False


def is_plausible(plate: object) -> bool:
    """Whether ``plate`` looks like a plate (province, letter, 5–6 characters), letters I/O and all."""
    return _PLAUSIBLE.fullmatch(compact(plate)) is not None


def mask(plate: object, char: str = "*") -> str:
    """Keep the province and authority letter (a city, not a car), mask the serial.

    Anything that does not start like a plate is masked whole.

    >>> mask('京A1234学')
    '京A*****'
    >>> mask('A12345')
    '******'
    """
    plate = compact(plate)
    if len(plate) > 2 and plate[0] in PROVINCES and "A" <= plate[1] <= "Z":
        return plate[:2] + char * (len(plate) - 2)
    return char * len(plate)


_HEAD = rf"[{PROVINCES}][A-Z][ ·•・.\-]?"
_END = r"(?![0-9A-Za-z])"
# Five letters after 湘A are a word (湘ABCDEF), not a serial: at least one digit.
_ORDINARY = rf"(?=[A-Z]*\d)[{_SERIAL}]{{5}}"


class LicencePlateRecognizer(ZhPatternRecognizer):
    """Plate numbers in zh text. The province character is required: ``A12345`` alone is no plate."""

    ENTITY = ENTITY
    PATTERNS = [
        Pattern("CN_LICENCE_PLATE (ordinary)", _HEAD + _ORDINARY + _END, 0.6),
        Pattern("CN_LICENCE_PLATE (new energy)", _HEAD + rf"(?:[DF][{_SERIAL}]\d{{4}}|\d{{5}}[DF])" + _END, 0.6),
        Pattern("CN_LICENCE_PLATE (special)", _HEAD + rf"[{_SERIAL}]{{4}}[{SPECIAL_SUFFIXES}]", 0.6),
    ]
    CONTEXT = ["车牌", "车牌号", "车牌号码", "号牌", "号牌号码", "机动车", "车辆"]
    # A province and a letter, sought letter first: a cell holds far fewer letters than Han characters.
    NEEDS = f"(?<=[{PROVINCES}])[A-Z]"

    def validate_result(self, pattern_text: str) -> bool | None:
        # No checksum exists; a well-formed plate is as certain as this gets, anything else keeps its score.
        return True if is_valid(pattern_text) else None
