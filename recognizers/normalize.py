"""Length-preserving normalisation of the ways clerks write numbers.

Full-width ASCII (``１２３``, ``Ｘ``) and the ideographic space become their half-width forms one character
for one character, so a span found in the normalised text is the same span in the original.

>>> halfwidth('身份证号１１０１０１')
'身份证号110101'
>>> len(halfwidth('ＡＢ\u3000１')) == len('ＡＢ\u3000１')
True
>>> halfwidth(None)
''
"""

import re

_FULLWIDTH = {code: code - 0xFEE0 for code in range(0xFF01, 0xFF5F)}
_FULLWIDTH[0x3000] = 0x20  # ideographic space
_HALF_OF = {chr(code): chr(half) for code, half in _FULLWIDTH.items()}
# Up to this many different full-width characters (the commas and colons of Chinese text) are replaced one
# kind at a time, faster than translating every character of the text; more are translated.
_FEW_KINDS = 4
_HAS_FULLWIDTH = re.compile("[\uff01-\uff5e\u3000]")
_NUMBER_SEPARATORS = " \t\r\n-‐—–._·/"
_SEPARATORS = dict.fromkeys(map(ord, _NUMBER_SEPARATORS))
_HAS_SEPARATOR = re.compile(f"[{re.escape(_NUMBER_SEPARATORS)}]")


def halfwidth(text: object) -> str:
    """Return ``text`` with full-width ASCII and ideographic spaces made half-width (same length)."""
    if text is None:
        return ""
    text = str(text)
    # str.translate with a table costs a dictionary look-up per character; most text has nothing to change.
    if text.isascii():
        return text
    found = _HAS_FULLWIDTH.search(text)
    for _ in range(_FEW_KINDS):
        if not found:
            return text
        text = text.replace(found.group(), _HALF_OF[found.group()])
        found = _HAS_FULLWIDTH.search(text, found.start())
    return text.translate(_FULLWIDTH) if found else text


def digits_and_letters(text: object) -> str:
    """Half-width ``text`` without the separators clerks put inside numbers (spaces, hyphens, dots).

    >>> digits_and_letters('１１０１０１ 1990-0307.777x'), digits_and_letters('110101199003077774')
    ('11010119900307777x', '110101199003077774')
    """
    text = halfwidth(text)
    if text.isalnum() or not _HAS_SEPARATOR.search(text):
        return text
    return text.translate(_SEPARATORS)
