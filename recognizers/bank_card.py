"""BANK_CARD — 银行卡号、存折号、社保卡银行账号: 16 to 19 digits, usually with a Luhn (ISO/IEC 7812) check digit.

The first six digits (the BIN) name the issuer: 62 and 60 are China UnionPay, 4 Visa, 51-55 Mastercard, and
the big Chinese banks have well-known BINs (622848 农业银行, 621700 建设银行, 622202 工商银行 …). Clerks write
the number plain, grouped in fours, with hyphens or in full-width digits.

>>> compact('６２２８ ４８００-１２３４ ５６７８ ９０３')
'6228480012345678903'
>>> validate('6228 4800 1234 5678 903')
'6228480012345678903'
>>> validate('6228480012345678900')
Traceback (most recent call last):
    ...
recognizers.exceptions.InvalidChecksum: the check digit does not match
>>> calc_check_digit('622848001234567890')
'3'
>>> issuer('6228480012345678903'), issuer('4123456789012349'), issuer('3501002024000121')
('中国农业银行', 'Visa', None)
>>> is_plausible('6228480012345678900'), is_plausible('350100202400012')
(True, False)
>>> mask('6228 4800 1234 5678 903')
'622848*********8903'
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from recognizers import id_card
from recognizers.base import ZhPatternRecognizer
from recognizers.exceptions import InvalidChecksum, InvalidComponent, InvalidFormat, InvalidLength
from recognizers.normalize import digits_and_letters

ENTITY = "BANK_CARD"

MIN_LENGTH, MAX_LENGTH = 16, 19

# Debit-card BINs of the banks that pay most subsidies (惠民惠农一卡通, 社保卡 bank accounts); not exhaustive,
# a BIN only raises confidence. The 95xxx prefixes are the older 19-digit cards outside the 62 range.
BANK_BINS = {
    "中国工商银行": "622202 622203 622208 622200 620200 621225 621226 621281 621288 621558 621559 621722 621723 "
    "427010 427018 427020 427029 427030 427039 9558",
    "中国农业银行": "622848 622845 622846 622847 622849 622840 622841 622843 622844 622821 622822 622823 622824 "
    "622825 622826 622827 622828 621282 621336 621619 621671 623018 623206 95595 95596 95597 95598 95599",
    "中国建设银行": "621700 622700 622280 622166 622168 622707 622708 621081 621284 621466 621467 621488 621499 "
    "621598 436742 436745",
    "中国银行": "621660 621661 621663 621666 621667 621668 621669 621785 621786 621787 621788 621789 621790 621756 "
    "621758 601382 456351 622760",
    "交通银行": "622258 622259 622260 622261 622262 621069 621335 621002 601428 405512",
    "中国邮政储蓄银行": "621095 621096 621098 621285 621797 621798 621799 622150 622151 622181 622188 622199 "
    "623218 623219 955100",
    "招商银行": "622588 622575 622576 622577 622578 622579 622580 622581 622582 622609 621286 621483 621485 "
    "621486 410062",
    "平安银行": "622155 622156 622157 622986 622989 621626 623058",
}
_BANK_BY_BIN = {bin_: bank for bank, bins in BANK_BINS.items() for bin_ in bins.split()}
_BIN_LENGTHS = sorted({len(bin_) for bin_ in _BANK_BY_BIN}, reverse=True)
CARD_NETWORKS = (("62", "中国银联"), ("60", "中国银联"), ("4", "Visa"), *((f"5{d}", "Mastercard") for d in "12345"))

_PLAUSIBLE = re.compile(r"[1-9][0-9]{15,18}")


def compact(number: object) -> str:
    """Half-width, without spaces, hyphens or dots."""
    return digits_and_letters(number)


def calc_check_digit(number: object) -> str:
    """The Luhn digit that completes ``number`` (given without its check digit); '' if it is not all digits.

    >>> calc_check_digit('412345678901234')
    '9'
    """
    number = compact(number)
    if not (number.isascii() and number.isdigit()):
        return ""
    total = 0
    # Counted from the right of the finished number, every second digit is doubled; the check digit itself
    # is not, so here the doubling starts with the last given digit.
    for position, char in enumerate(reversed(number)):
        digit = int(char)
        if position % 2 == 0:
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return str(-total % 10)


def validate(number: object) -> str:
    """Return the compact number if it is a valid card number, else raise a ValidationError subclass."""
    number = compact(number)
    if not (number.isascii() and number.isdigit()):
        raise InvalidFormat()
    if not MIN_LENGTH <= len(number) <= MAX_LENGTH:
        raise InvalidLength()
    if number[0] == "0":
        raise InvalidComponent("no card number starts with 0")
    if calc_check_digit(number[:-1]) != number[-1]:
        raise InvalidChecksum()
    return number


def is_valid(number: object) -> bool:
    """Whether ``number`` is a card number with a correct Luhn digit (never raises)."""
    try:
        return bool(validate(number))
    except ValueError:
        return False


def is_plausible(number: object) -> bool:
    """Whether ``number`` has the shape of a card number (16-19 digits, no leading 0), check digit aside."""
    return _PLAUSIBLE.fullmatch(compact(number)) is not None


def issuer(number: object) -> str | None:
    """The bank (by BIN) or card network (by prefix) that issued a plausible ``number``; None if unknown."""
    number = compact(number)
    if not is_plausible(number):
        return None
    for length in _BIN_LENGTHS:
        if number[:length] in _BANK_BY_BIN:
            return _BANK_BY_BIN[number[:length]]
    return next((network for prefix, network in CARD_NETWORKS if number.startswith(prefix)), None)


def mask(number: object, keep_first: int = 6, keep_last: int = 4, char: str = "*") -> str:
    """Keep the BIN and the last four digits of the compact number, mask the rest.

    >>> mask('6217-0000-1234-5678-907', keep_first=0)
    '***************8907'
    """
    return id_card.mask(compact(number), keep_first=keep_first, keep_last=keep_last, char=char)


def _needs_context(number: str) -> bool:
    # Without a bank prefix or a correct Luhn digit a 16-digit run is as likely a project or order code.
    return issuer(number) is None and not is_valid(number)


def _spaced(prefix: str) -> str:
    return "[ -]?".join(prefix)


# Plain, grouped in fours with one kind of separator, or the BIN set apart (622848 0012345678903).
_BODY = (
    r"(?:\d{16,19}"
    r"|\d{4}(?P<sep>[ -])\d{4}(?P=sep)\d{4}(?P=sep)\d{4}(?:(?P=sep)\d{1,3})?"
    r"|\d{6}[ -]\d{10,13})"
)
_START, _END = r"(?<![0-9A-Za-z])", r"(?![0-9A-Za-z])"
_BIN_PREFIX = "|".join(_spaced(bin_) for bin_ in sorted(_BANK_BY_BIN, key=len, reverse=True))
_NETWORK_PREFIX = "|".join(_spaced(prefix) for prefix, _ in CARD_NETWORKS)

# Context must stand in the same clause, shortly before the number: clerks write the label first.
_CONTEXT_WINDOW = 32
_CLAUSE_BREAK = re.compile(r"[。；;！!？?，,\n]")


class BankCardRecognizer(ZhPatternRecognizer):
    """Card and account numbers in text.

    A correct Luhn digit with a known issuer prefix scores 1.0. A wrong Luhn digit keeps the pattern's score
    when the prefix names a bank (0.6) or a card network (0.5): a clerk's typo in a card number is still a
    card number. A number with neither a known prefix nor a correct Luhn digit (a 存折 account may even start
    with 0) is reported (0.3) only when a context word (卡号, 账号, 存折 …) stands before it in the same clause.
    A valid 身份证号, or one valid but for its check digit, is left to the ID recognizer.
    """

    ENTITY = ENTITY
    PATTERNS = [
        Pattern("BANK_CARD (bank BIN)", _START + f"(?={_BIN_PREFIX})" + _BODY + _END, 0.6),
        Pattern("BANK_CARD (card network prefix)", _START + f"(?={_NETWORK_PREFIX})" + _BODY + _END, 0.5),
        Pattern("BANK_CARD (16-19 digits)", _START + _BODY + _END, 0.3),
    ]
    CONTEXT = [
        "银行卡", "卡号", "账号", "帐号", "账户", "帐户", "存折", "开户行", "开户银行", "银行账户", "社保卡",
        "社会保障卡", "一卡通", "一折通", "借记卡", "信用卡",
    ]  # fmt: skip
    NEEDS = id_card.IdCardRecognizer.NEEDS  # 16 digits at least hold the ID's 15

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        return [
            result
            for result in results
            if not _needs_context(text[result.start : result.end]) or self._labelled(text, result.start)
        ]

    def validate_result(self, pattern_text: str) -> bool | None:
        if id_card.is_valid_but_for_checksum(pattern_text):
            return False
        # None keeps the pattern score: a card number with a typo is still somebody's account.
        return True if issuer(pattern_text) and is_valid(pattern_text) else None

    def _labelled(self, text: str, start: int) -> bool:
        clause = _CLAUSE_BREAK.split(text[max(0, start - _CONTEXT_WINDOW) : start])[-1]
        return any(word in clause for word in self.CONTEXT)
