"""CN_PHONE — personal phone numbers: mobiles (11 digits, 13x–19x) and landlines (area code 010, 02x or
0[3-9]xx, a 7- or 8-digit local number, maybe an extension); and CN_PUBLIC_PHONE — public lines (110,
12345, 95xxx, 400 numbers, any number labelled 监督电话 / 举报电话 / 投诉电话 / 热线), which notices keep.

>>> compact('+86 138-1234-5678')
'13812345678'
>>> compact('（０４５１）８２３４ ５６７８ 转 801')
'045182345678转801'
>>> validate('(0451) 8234-5678')
'045182345678'
>>> validate('12812345678')
Traceback (most recent call last):
    ...
recognizers.exceptions.InvalidComponent: the mobile prefix is not 13-19
>>> mask('138 1234 5678'), mask('0451-82345678转801'), mask('010 6552 9988')
('138****5678', '0451-****5678转***', '010-****9988')
>>> is_service_number('12345'), is_service_number('400-123-4567'), is_service_number('13812345678')
(True, True, False)
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers.base import ZhPatternRecognizer
from recognizers.exceptions import InvalidComponent, InvalidFormat, InvalidLength
from recognizers.normalize import halfwidth

ENTITY = "CN_PHONE"
PUBLIC_ENTITY = "CN_PUBLIC_PHONE"

EXTENSION_MARK = "转"
_EXTENSION_WORDS = re.compile(r"分机|ext|转", re.IGNORECASE)
_SEPARATORS = frozenset(" \t\r\n-‐–—.()")
_COUNTRY_CODE = re.compile(r"(\+86|0086|86)([0-9]+)")
_MOBILE_SHAPE = re.compile(r"1[0-9]{10}")
_AREA_CODE = re.compile(r"0(?:10|2[0-9]|[3-9][0-9]{2})")
_LOCAL_NUMBER = re.compile(r"[2-9][0-9]{6,7}")
_EXTENSION_DIGITS = re.compile(r"[0-9]{1,6}")
_PLAUSIBLE = re.compile(r"(?:1[0-9]{10}|0[1-9][0-9]{8,10})(?:转[0-9]{1,6})?")
# 11x/12x emergency lines; 12xxx, which MIIT reserves for government hotlines (12345 市长热线, 12349 民政 …);
# 95xxx/96xxx enterprise and utility lines; any of them may carry an area code. Then 400/800 numbers.
_SERVICE = re.compile(r"(?:0(?:10|2[0-9]|[3-9][0-9]{2}))?(?:11[0249]|12[02]|12[0-9]{3}|9[56][0-9]{3})|[48]00[0-9]{7}")


def _is_ascii_digits(text: str) -> bool:
    return text.isascii() and text.isdigit()


def _national(number: str) -> str:
    """``number`` without its country code; +86 drops a landline's trunk 0, so it is put back."""
    match = _COUNTRY_CODE.fullmatch(number)
    if not match:
        return number
    prefix, rest = match.groups()
    if _MOBILE_SHAPE.fullmatch(rest):
        return rest
    if prefix == "86":  # a bare 86 starts too many local numbers to be taken for a country code
        return number
    return rest if rest.startswith("0") else "0" + rest


def compact(number: object) -> str:
    """Half-width national number without separators or brackets; an extension follows after ``转``.

    >>> compact('0086 10 6552 9988 ext. 12')
    '01065529988转12'
    >>> compact(None)
    ''
    """
    text = halfwidth(number)
    if _is_ascii_digits(text):  # the usual number, as found in text: no separator or extension to take out
        return _national(text)
    text = _EXTENSION_WORDS.sub(EXTENSION_MARK, text)
    text = "".join(ch for ch in text if ch not in _SEPARATORS)
    main, mark, extension = text.partition(EXTENSION_MARK)
    return _national(main) + mark + extension


def _landline_parts(main: str) -> tuple[str, str] | None:
    """(area code, local number) if ``main`` is an area code and 7 or 8 digits, else None."""
    area = _AREA_CODE.match(main)
    if not area or not _is_ascii_digits(main) or len(main) - area.end() not in (7, 8):
        return None
    return area.group(), main[area.end() :]


def validate(number: object) -> str:
    """Return the compact number if it is a valid mobile or landline, else raise a ValidationError subclass.

    A local number without its area code is not valid: on its own it cannot be told from a date or an amount.
    """
    number = compact(number)
    main, mark, extension = number.partition(EXTENSION_MARK)
    if not _is_ascii_digits(main) or (mark and not _EXTENSION_DIGITS.fullmatch(extension)):
        raise InvalidFormat()
    if main.startswith("1"):
        if mark:
            raise InvalidFormat("a mobile number has no extension")
        if len(main) != 11:
            raise InvalidLength()
        if main[1] not in "3456789":
            raise InvalidComponent("the mobile prefix is not 13-19")
    elif main.startswith("0"):
        area = _AREA_CODE.match(main)
        if not area:
            raise InvalidComponent("the area code is not 010, 02x or 0[3-9]xx")
        if len(main) - area.end() not in (7, 8):
            raise InvalidLength()
        if main[area.end()] in "01":
            raise InvalidComponent("a local number never starts with 0 or 1")
    else:
        raise InvalidComponent("the number starts with neither a mobile prefix nor an area code")
    return number


def is_valid(number: object) -> bool:
    """Whether ``number`` is a valid mobile or landline with area code (never raises).

    >>> is_valid('0451-82345678转801'), is_valid('82345678'), is_valid('12345')
    (True, False, False)
    """
    try:
        return bool(validate(number))
    except ValueError:
        return False


def is_plausible(number: object) -> bool:
    """Whether ``number`` is shaped like a mobile (11 digits from 1) or a landline with area code (10–12 from 0).

    Service numbers, and local numbers without area code (which look like dates), are not plausible.

    >>> is_plausible('12812345678'), is_plausible('01112345678'), is_plausible('20240105')
    (True, True, False)
    """
    return _PLAUSIBLE.fullmatch(compact(number)) is not None


def is_service_number(number: object) -> bool:
    """Whether ``number`` is a public service line: 110 119 120 122 (and 112 114), 12xxx government hotlines,
    95xxx and 96xxx, each maybe after an area code, or a 400/800 number. Such numbers are not personal.

    >>> is_service_number('0451-12345'), is_service_number('95588'), is_service_number('12345678')
    (True, True, False)
    """
    return _SERVICE.fullmatch(compact(number)) is not None


def mask(number: object, char: str = "*") -> str:
    """Mobiles keep 3 + 4 digits (``138****5678``), landlines their area code and last 4 (``0451-****5678``),
    local numbers their last 4; an extension is masked. Anything else is masked whole.

    >>> mask('+86 13812345678'), mask('82345678'), mask('12345'), mask(None)
    ('138****5678', '****5678', '*****', '')
    """
    number = compact(number)
    main, mark, extension = number.partition(EXTENSION_MARK)
    masked_extension = mark + char * len(extension)
    if _MOBILE_SHAPE.fullmatch(main) and not mark:
        return main[:3] + char * 4 + main[7:]
    landline = _landline_parts(main)
    if landline:
        area, local = landline
        return area + "-" + char * (len(local) - 4) + local[-4:] + masked_extension
    if _LOCAL_NUMBER.fullmatch(main):
        return char * (len(main) - 4) + main[-4:] + masked_extension
    return char * len(number)


def _any(*alternatives: str) -> str:
    return "(?:" + "|".join(alternatives) + ")"


# Patterns run on half-width text. `\b` is useless next to CJK characters, hence the lookarounds.
_BEFORE = r"(?<![0-9A-Za-z])"
_AFTER = r"(?![0-9A-Za-z])"
_SEP = r"[ \-‐–—]?"
_FOUR_FOUR = r"\d{4}" + _SEP + r"\d{4}"
_AREA_DIGITS = r"(?:10|2\d|[3-9]\d{2})"
_AREA = "0" + _AREA_DIGITS
_LOCAL = r"[2-9]\d{2,3}" + _SEP + r"\d{4}"
_EXTENSION = r"(?:\s?(?:转|分机|ext\.?)\s?\d{1,6})?"
_MOBILE = r"(?:(?:\(\+86\)|\+86|0086)[ \-]?|86-?)?1[3-9]\d" + _SEP + _FOUR_FOUR
_AREA_PREFIX = _any(r"\(" + _AREA + r"\)\s?", _AREA + _SEP, r"(?:\+86|0086)[ \-]?" + _AREA_DIGITS + _SEP)
_LANDLINE = _AREA_PREFIX + _LOCAL + _EXTENSION
# After a label any phone-shaped number counts, typo'd mobiles and local numbers without area code included.
_ANY_SHAPE = _any(r"1\d{2}" + _SEP + _FOUR_FOUR, r"\(?0\d{2,3}\)?" + _SEP + r"\d{3,4}" + _SEP + r"\d{4}", _LOCAL)
# A label may introduce a list: 电话：0451-82345678、13812345678.
_LIST = r"(?:[0-9()+\-\s转]{3,24}[、/,，或]\s?){0,3}"
_PHONE_LABEL = r"(?:电话|手机|座机|固话|联系方式|tel|phone)(?:号码|号)?[为是]?[:：\s]{0,3}"
_PUBLIC_LABEL = r"(?:(?:监督|举报|投诉)电话|热线(?:电话)?)(?:号码)?[为是]?[:：\s]{0,3}"
# The lookahead first, so that the long lookbehind runs only where a number starts.
_LABELLED = r"(?=[0-9(+])(?<=" + _PHONE_LABEL + _LIST + ")" + _ANY_SHAPE + _EXTENSION + _AFTER

_SERVICE_NUMBER = r"(?:11[0249]|12[02]|12\d{3}|9[56]\d{3})"
_SHORT_SERVICE = "(?:" + _AREA + _SEP + r")?" + _SERVICE_NUMBER
_TOLL_FREE = r"[48]00(?:[ \-]?\d){7}"
# A public number must not be a piece of a longer one (a span kept public shields the digits it covers):
# no digit even across one separator, and no decimals.
_ALONE_BEFORE = r"(?<![0-9A-Za-z.])(?<![0-9][ \-])"
_ALONE_AFTER = r"(?![ \-]?[0-9A-Za-z])(?!\.\d)"
# Bare 110 or 12000 are more often amounts and counts, so short numbers need a call word around them.
_CALL_BEFORE = r"(?<=(?:拨打|拨通|致电|拨|打|报警|求助|电话)[:：\s]{0,2})"
_CALL_AFTER = r"(?=[\u4e00-\u9fff]{0,8}?(?:热线|电话|客服|服务|报警|急救|火警|举报|投诉|平台|求助))"
_NOT_A_QUANTITY = r"(?![元万千百十角分块户人个名次岁年月日号%])"
_PUBLIC_NUMBER = _any(_TOLL_FREE, _SHORT_SERVICE, _MOBILE, _LANDLINE, _ANY_SHAPE + _EXTENSION)
_PUBLIC_LABELLED = r"(?=[0-9(+])(?<=" + _PUBLIC_LABEL + _LIST + ")" + _PUBLIC_NUMBER + _AFTER
_SHORT_CALLED = (
    _any(_CALL_BEFORE + _SHORT_SERVICE, _ALONE_BEFORE + _SHORT_SERVICE + _CALL_AFTER) + _ALONE_AFTER + _NOT_A_QUANTITY
)


# A phone joined to more digits by one separator ("卡号6222 0591 2345 6789") may be a piece of a longer number.
# It keeps the lowest score deid still masks (deid.text's threshold), so a card or ID claiming the whole wins
# the overlap, and the phone is still masked when nothing else claims it.
GLUED_SCORE = 0.3
_DIGIT_BEFORE = re.compile(r"[0-9][ \-‐–—]$")
_DIGIT_AFTER = re.compile(r"[ \-‐–—][0-9]")


def _glued(text: str, start: int, end: int) -> bool:
    return (
        _DIGIT_BEFORE.search(text[max(0, start - 2) : start]) is not None or _DIGIT_AFTER.match(text, end) is not None
    )


class PhoneRecognizer(ZhPatternRecognizer):
    """Personal phone numbers in text; a valid mobile or landline scores 1.0.

    Service numbers are never matched (no pattern takes 3- or 5-digit numbers or 400/800 numbers), and
    local numbers without area code only right after 电话/手机/座机…, where they score 0.6. A number glued to
    other digits scores :data:`GLUED_SCORE`.
    """

    ENTITY = ENTITY
    PATTERNS = [
        Pattern("CN_PHONE (mobile)", _BEFORE + _MOBILE + _AFTER, 0.5),
        Pattern("CN_PHONE (landline with area code)", _BEFORE + _LANDLINE + _AFTER, 0.5),
        Pattern("CN_PHONE (after 电话/手机, any shape)", _LABELLED, 0.6),
    ]
    CONTEXT = ["电话", "手机", "联系电话", "联系方式", "手机号", "座机", "固话", "tel", "phone"]

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        for result in results:
            if _glued(text, result.start, result.end):
                result.score = min(result.score, GLUED_SCORE)
        return results

    def validate_result(self, pattern_text: str) -> bool | None:
        # None keeps the pattern score: a local number or a typo'd mobile may still be someone's phone.
        return True if is_valid(pattern_text) else None


class PublicPhoneRecognizer(ZhPatternRecognizer):
    """Public lines in text, to be kept: service numbers, and numbers right after 监督电话 / 举报电话 /
    投诉电话 / 热线. They score 1.0, so that they win over a CN_PHONE finding of the same digits."""

    ENTITY = PUBLIC_ENTITY
    PATTERNS = [
        Pattern("CN_PUBLIC_PHONE (after 监督/举报/投诉电话, 热线)", _PUBLIC_LABELLED, 1.0),
        Pattern("CN_PUBLIC_PHONE (400/800)", _ALONE_BEFORE + _TOLL_FREE + _ALONE_AFTER, 0.8),
        Pattern("CN_PUBLIC_PHONE (service number by a call word)", _SHORT_CALLED, 0.8),
    ]
    CONTEXT = ["监督电话", "举报电话", "投诉电话", "服务热线", "热线", "监督", "举报", "投诉"]
    # A short service number stands alone (the digits of a mobile number often hold a 120 or a 95xxx).
    NEEDS = _any(_PUBLIC_LABEL, _TOLL_FREE, "(?<![0-9])" + _SHORT_SERVICE + "(?![0-9])")

    def validate_result(self, pattern_text: str) -> bool | None:
        return True if is_service_number(pattern_text) or is_valid(pattern_text) else None
