"""EMAIL_ADDRESS — e-mail addresses, found inside Chinese text with no spaces around them.

Presidio's own EmailRecognizer is registered for English and anchors on ``\\b``, which never fires between a
CJK character and a Latin letter (both are word characters): ``邮箱zhangsan@163.com`` would be missed. There
is no checksum; validity means RFC 5321 shape (local part ≤ 64, domain labels, an alphabetic top-level
domain).

>>> compact(' ＺhangSan＠163.COM ')
'ZhangSan@163.com'
>>> validate('zhangsan@163.com')
'zhangsan@163.com'
>>> validate('zhang..san@163.com')
Traceback (most recent call last):
    ...
recognizers.exceptions.InvalidFormat: the value has characters or a structure this identifier never has
>>> is_valid('12345678@qq.com'), is_valid('zhangsan@163')
(True, False)
>>> is_plausible('zhang..san@163.com'), is_plausible('zhangsan')
(True, False)
>>> mask('zhangsan@163.com')
'z*******@163.com'
"""

from __future__ import annotations

import re

from presidio_analyzer import Pattern

from recognizers.base import ZhPatternRecognizer
from recognizers.exceptions import InvalidComponent, InvalidFormat, InvalidLength
from recognizers.normalize import halfwidth

ENTITY = "EMAIL_ADDRESS"

# RFC 5322 atext: what a local part may hold between dots.
_ATEXT = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(_ATEXT + r"(?:\." + _ATEXT + r")*")
_LABEL = re.compile(r"[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?")
_TOP_LEVEL = re.compile(r"[a-z]{2,24}|xn--[a-z0-9-]{1,59}")
_PLAUSIBLE = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")
_MAX_LENGTH = 254


def compact(address: object) -> str:
    """Half-width, without whitespace, the domain lower-cased (the local part may be case-sensitive)."""
    address = "".join(halfwidth(address).split())
    local, at, domain = address.rpartition("@")
    return local + at + domain.lower() if at else address


def validate(address: object) -> str:
    """Return the compact address if it has the shape of a deliverable address, else raise."""
    address = compact(address)
    if address.count("@") != 1:
        raise InvalidFormat()
    local, domain = address.split("@")
    if not local or len(local) > 64 or len(address) > _MAX_LENGTH:
        raise InvalidLength()
    if not _LOCAL.fullmatch(local):
        raise InvalidFormat()
    labels = domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels):
        raise InvalidFormat()
    if not _TOP_LEVEL.fullmatch(labels[-1]):
        raise InvalidComponent("the top-level domain is not a real one")
    return address


def is_valid(address: object) -> bool:
    """Whether ``address`` is a well-formed e-mail address (never raises)."""
    try:
        return bool(validate(address))
    except ValueError:
        return False


def is_plausible(address: object) -> bool:
    """Whether ``address`` looks like ``something@domain.tld``, even if malformed: such a value is masked."""
    address = compact(address)
    return len(address) <= _MAX_LENGTH and _PLAUSIBLE.fullmatch(address) is not None


def mask(address: object, keep_first: int = 1, char: str = "*") -> str:
    """Keep the first ``keep_first`` characters of the local part and the domain, mask the rest.

    The domain stays: ``163.com`` or ``qq.com`` says nothing about the person. Without an ``@`` nothing is
    known to be harmless, so everything is masked.

    >>> mask('ab@qq.com', keep_first=2)
    '**@qq.com'
    >>> mask('no-at-sign')
    '**********'
    """
    address = compact(address)
    local, at, domain = address.rpartition("@")
    if not at:
        return char * len(address)
    if len(local) <= keep_first:
        return char * len(local) + at + domain
    return local[:keep_first] + char * (len(local) - keep_first) + at + domain


# Lookarounds instead of `\b`: a CJK character right before the address is a word character to `\b`.
_EMAIL = (
    r"(?<![A-Za-z0-9._%+\-])[A-Za-z0-9_%+\-]+(?:\.[A-Za-z0-9_%+\-]+)*"
    r"@(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9\-])"
)


class EmailRecognizer(ZhPatternRecognizer):
    """E-mail addresses in zh text; a well-formed one scores 1.0 (as Presidio's English recognizer does)."""

    ENTITY = ENTITY
    PATTERNS = [Pattern("EMAIL_ADDRESS (zh)", _EMAIL, 0.5)]
    CONTEXT = ["邮箱", "电子邮箱", "电子邮件", "邮件", "email", "e-mail", "mail"]

    def validate_result(self, pattern_text: str) -> bool | None:
        # None keeps the pattern score: a malformed address is still somebody's address.
        return True if is_valid(pattern_text) else None
