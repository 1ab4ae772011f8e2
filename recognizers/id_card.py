"""CN_ID_CARD — 居民身份证号码 (GB 11643-1999), 18 digits with a MOD 11-2 check, or the legacy 15 digits.

The number is 6 digits of region, the birth date (8 digits, or 6 in the 15-digit form), a 3-digit sequence
and, in the 18-digit form, a check character (0-9 or X).

>>> compact('１１０１０１ 1990-0307 777x')
'11010119900307777X'
>>> validate('11010119900307777X')
Traceback (most recent call last):
    ...
recognizers.exceptions.InvalidChecksum: the check digit does not match
>>> validate('110101199003077774')
'110101199003077774'
>>> is_valid('110101900307777')
True
>>> is_valid('990101199003077774')
False
>>> birth_date('110101199003077774')
datetime.date(1990, 3, 7)
>>> mask('110101199003077774')
'110101********7774'
>>> mask('110101199003077774', keep_first=0, keep_last=0)
'******************'
>>> is_plausible('110101199003077779')
True
>>> is_plausible('12345')
False
"""

from __future__ import annotations

import datetime
import operator
import re

import numpy as np
from presidio_analyzer import Pattern

from recognizers.base import ZhPatternRecognizer
from recognizers.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from recognizers.normalize import digits_and_letters

ENTITY = "CN_ID_CARD"

# First two digits: provinces, plus 71/81/82 (Taiwan, Hong Kong, Macao residence permits use 83/81/82).
PROVINCE_CODES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83".split()
)
_WEIGHTS = [2 ** (17 - i) % 11 for i in range(17)]
_CHECK_CHARS = "10X98765432"
_ZERO_WEIGHT = ord("0") * sum(_WEIGHTS)
_EARLIEST = datetime.date(1880, 1, 1)
_TODAY = datetime.date.today()  # once per process: a run does not outlive the dates it checks
_DIGIT = np.zeros(256, dtype=bool)
_DIGIT[ord("0") : ord("9") + 1] = True
_CAPITAL = np.zeros(256, dtype=bool)
_CAPITAL[ord("A") : ord("Z") + 1] = True
_USUAL_LAST_CODE = _DIGIT.copy()
_USUAL_LAST_CODE[[ord("X"), ord("x")]] = True
_UPPER = np.arange(256, dtype=np.uint8)
_UPPER[ord("a") : ord("z") + 1] -= 32
_WEIGHTS_ARRAY = np.array(_WEIGHTS)
_CHECK_CODES = np.frombuffer(_CHECK_CHARS.encode(), dtype=np.uint8)
_PROVINCE_NUMBERS = np.array(sorted(int(code) for code in PROVINCE_CODES))
_MONTH_DAYS = np.array([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
_PLAUSIBLE = re.compile(r"[1-9]\d{16}[\dX]|[1-9]\d{14}")


def compact(number: object) -> str:
    """Half-width, upper-case, without spaces, hyphens or dots."""
    return digits_and_letters(number).upper()


def _is_ascii_digits(text: str) -> bool:
    # str.isdigit() alone also accepts '①', '²' and other scripts' digits, which int() rejects or misreads.
    return text.isascii() and text.isdigit()


def calc_check_digit(number: object) -> str:
    """The check character for the first 17 digits of ``number``; '' if it does not start with 17 digits.

    >>> calc_check_digit('11010119900307777')
    '4'
    >>> calc_check_digit('1101011990030777①')
    ''
    """
    body = compact(number)[:17]
    if len(body) < 17 or not _is_ascii_digits(body):
        return ""
    # Bytes of ASCII digits are their values plus 48: one C-level sum instead of 17 int() calls.
    return _CHECK_CHARS[(sum(map(operator.mul, body.encode(), _WEIGHTS)) - _ZERO_WEIGHT) % 11]


def birth_date(number: object) -> datetime.date:
    """The birth date written in the number; raises InvalidComponent if it is no real date."""
    number = compact(number)
    if len(number) == 18:
        year, month, day = number[6:10], number[10:12], number[12:14]
    elif len(number) == 15:
        year, month, day = "19" + number[6:8], number[8:10], number[10:12]
    else:
        raise InvalidLength()
    if not _is_ascii_digits(year + month + day):
        raise InvalidFormat()
    try:
        born = datetime.date(int(year), int(month), int(day))
    except ValueError:
        raise InvalidComponent("the birth date is not a real date") from None
    if not _EARLIEST <= born <= _TODAY:
        raise InvalidComponent("the birth date is out of range")
    return born


def validate(number: object) -> str:
    """Return the compact number if it is a valid ID, else raise a ValidationError subclass."""
    number = compact(number)
    if len(number) not in (15, 18):
        raise InvalidLength()
    if not (_is_ascii_digits(number) or (len(number) == 18 and _is_ascii_digits(number[:17]) and number[17] == "X")):
        raise InvalidFormat()
    if number[:2] not in PROVINCE_CODES:
        raise InvalidComponent("the region code names no province")
    birth_date(number)
    if len(number) == 18 and calc_check_digit(number) != number[17]:
        raise InvalidChecksum()
    return number


def is_valid(number: object) -> bool:
    """Whether ``number`` is a valid ID (never raises)."""
    try:
        return bool(validate(number))
    except ValueError:
        return False


def are_valid(numbers: list[object]) -> list[bool]:
    """``[is_valid(n) for n in numbers]``, numbers written the usual way (18 ASCII characters) checked
    all at once with numpy: a province's roster has a million of them.

    >>> are_valid(['110101199003077774', '11010119900307777X', '110101199002307774', '990101199003077774',
    ...            '110101900307777', '１１０１０１199003077774', ''])
    [True, False, False, False, True, True, False]
    """
    rows, codes = _eighteen_ascii(numbers)
    usual = np.zeros(len(numbers), dtype=bool)
    usual[rows] = _DIGIT[codes[:, :17]].all(axis=1) & _USUAL_LAST_CODE[codes[:, 17]]
    codes = codes[usual[rows]]
    valid = [False if is_usual else is_valid(n) for n, is_usual in zip(numbers, usual.tolist())]
    if not len(codes):
        return valid
    digits = codes[:, :17].astype(np.int64) - ord("0")
    check_ok = _CHECK_CODES[digits @ _WEIGHTS_ARRAY % 11] == _UPPER[codes[:, 17]]
    province_ok = np.isin(digits[:, 0] * 10 + digits[:, 1], _PROVINCE_NUMBERS)
    year = digits[:, 6:10] @ np.array([1000, 100, 10, 1])
    month, day = digits[:, 10] * 10 + digits[:, 11], digits[:, 12] * 10 + digits[:, 13]
    leap = (year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))
    month_days = _MONTH_DAYS[np.clip(month, 1, 12) - 1] + ((month == 2) & leap)
    as_number = year * 10000 + month * 100 + day
    date_ok = (month >= 1) & (month <= 12) & (day >= 1) & (day <= month_days)
    in_range = (as_number >= _date_number(_EARLIEST)) & (as_number <= _date_number(_TODAY))
    results = iter((check_ok & province_ok & date_ok & in_range).tolist())
    return [next(results) if is_usual else v for v, is_usual in zip(valid, usual.tolist())]


def masks(numbers: list[object], keep_first: int = 6, keep_last: int = 4, char: str = "*") -> list[str]:
    """``[mask(n, keep_first, keep_last, char) for n in numbers]``, numbers that are compact already (18 of
    0-9, A-Z and ``char``: IDs as rosters write them, and IDs masked before) masked all at once with numpy.

    >>> masks(['110101199003077774', '110101********7774', '11010119900307777x', '110101900307777', None])
    ['110101********7774', '110101********7774', '110101********777X', '110101*****7777', '']
    >>> masks(['110101199003077774'], keep_first=0, keep_last=0)
    ['******************']
    """
    if len(char) != 1 or not char.isascii():  # no byte to write
        return [mask(n, keep_first, keep_last, char) for n in numbers]
    rows, codes = _eighteen_ascii(numbers)
    compact_already = (_DIGIT[codes] | _CAPITAL[codes] | (codes == ord(char))).all(axis=1)
    rows, codes = rows[compact_already], codes[compact_already]
    # A number too short to keep both ends is masked whole, as mask does.
    codes[:, slice(keep_first, 18 - keep_last) if keep_first + keep_last < 18 else slice(0, 18)] = ord(char)
    text = codes.tobytes().decode("ascii")
    masked = [text[start : start + 18] for start in range(0, len(text), 18)]
    if len(masked) == len(numbers):  # every number was compact already: nothing to mask one by one
        return masked
    each: list[str | None] = [None] * len(numbers)
    for row, value in zip(rows.tolist(), masked):
        each[row] = value
    return [mask(n, keep_first, keep_last, char) if m is None else m for n, m in zip(numbers, each)]


def _eighteen_ascii(numbers: list[object]) -> tuple[np.ndarray, np.ndarray]:
    """The positions of the numbers that are strings of 18 ASCII characters, and their bytes (one row each)."""
    # A whole column written the usual way has no row to pick.
    if set(map(type, numbers)) == {str} and (np.fromiter(map(len, numbers), np.int64, len(numbers)) == 18).all():
        joined = "".join(numbers)
        if joined.isascii():
            return np.arange(len(numbers)), np.frombuffer(joined.encode(), dtype=np.uint8).reshape(-1, 18).copy()
    rows = [i for i, n in enumerate(numbers) if isinstance(n, str) and len(n) == 18 and n.isascii()]
    chosen = "".join([numbers[i] for i in rows]).encode()
    return np.array(rows, dtype=np.int64), np.frombuffer(chosen, dtype=np.uint8).reshape(-1, 18).copy()


def _date_number(date: datetime.date) -> int:
    return date.year * 10000 + date.month * 100 + date.day


def is_valid_but_for_checksum(number: object) -> bool:
    """Whether ``number`` is a 身份证号, or would be but for its check digit: other recognizers leave it to
    this one (an 18-digit bank card or USCC shape that is really a person's ID).

    >>> is_valid_but_for_checksum('110101199003077774'), is_valid_but_for_checksum('110101199003077775')
    (True, True)
    >>> is_valid_but_for_checksum('6228480012345678903')
    False
    """
    try:
        validate(number)
    except InvalidChecksum:
        # validate checks the check digit last: everything else about the number is an ID's.
        return True
    except ValueError:
        return False
    return True


def is_plausible(number: object) -> bool:
    """Whether ``number`` has the shape of an ID, checksum and date aside: such a value is masked anyway."""
    return _PLAUSIBLE.fullmatch(compact(number)) is not None


def mask(number: object, keep_first: int = 6, keep_last: int = 4, char: str = "*") -> str:
    """Keep ``keep_first`` and ``keep_last`` characters of the compact number, mask the rest.

    A value too short to keep both ends is masked whole.

    >>> mask('110101900307777')
    '110101*****7777'
    >>> mask('1234')
    '****'
    """
    number = compact(number)
    if len(number) <= keep_first + keep_last:
        return char * len(number)
    tail = number[len(number) - keep_last :] if keep_last else ""
    return number[:keep_first] + char * (len(number) - keep_first - keep_last) + tail


# Separators may stand between any two digits (spaces, hyphens), and nothing alphanumeric on either side:
# `\b` is useless here because CJK characters count as word characters.
_SEP = r"[ \-]?"
_STRICT_18 = (
    r"(?<![0-9A-Za-z])[1-9]\d{5}"
    + _SEP
    + r"(?:18|19|20)\d{2}"
    + _SEP
    + r"(?:0[1-9]|1[0-2])"
    + _SEP
    + r"(?:0[1-9]|[12]\d|3[01])"
    + _SEP
    + r"\d{3}[0-9Xx](?![0-9A-Za-z])"
)
_LOOSE_18 = r"(?<![0-9A-Za-z])[1-9](?:" + _SEP + r"\d){16}" + _SEP + r"[0-9Xx](?![0-9A-Za-z])"
_LEGACY_15 = r"(?<![0-9A-Za-z])[1-9]\d{5}" + _SEP + r"\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}(?![0-9A-Za-z])"


class IdCardRecognizer(ZhPatternRecognizer):
    """身份证号 in text; a valid checksum raises the score to 1.0, a bad one keeps the pattern's score."""

    ENTITY = ENTITY
    PATTERNS = [
        Pattern("CN_ID_CARD (18, birth date shape)", _STRICT_18, 0.6),
        Pattern("CN_ID_CARD (15, legacy)", _LEGACY_15, 0.4),
        Pattern("CN_ID_CARD (18 digits, any)", _LOOSE_18, 0.35),
    ]
    # jieba splits 公民身份号码 into 公民/身份/号码, and context words are matched within single tokens.
    CONTEXT = ["身份证", "身份证号", "身份证号码", "公民身份号码", "身份", "证件号", "证件号码", "身份号码", "证号"]
    # 15 digits at least. The recognizers of longer numbers (残疾人证号, cards) need the same, so that one search,
    # not three, rules them all out in a cell with a phone number.
    NEEDS = r"\d(?:" + _SEP + r"\d){14}"

    def validate_result(self, pattern_text: str) -> bool | None:
        # None keeps the pattern score: an ID with a typo'd checksum is still a person's ID.
        return True if is_valid(pattern_text) else None
