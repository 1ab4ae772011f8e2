"""The shared shape of deid's pattern recognizers: Presidio's PatternRecognizer for ``zh``, configured by the
class constants ``ENTITY``, ``PATTERNS`` and ``CONTEXT`` as Presidio's predefined recognizers are."""

from __future__ import annotations

import re
from collections.abc import Collection

import regex
from presidio_analyzer import Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts


def any_word(words: Collection[str]) -> str:
    """A regex alternation of ``words``, longest first, behind a test of their first characters: that one
    class test at every position is much cheaper than trying each word there.

    >>> re.findall(any_word(['户主', '户', '其子']), '户主户其子')
    ['户主', '户', '其子']
    """
    first_chars = "".join(sorted({word[0] for word in words}))
    return f"(?=[{re.escape(first_chars)}])(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + ")"


class ZhPatternRecognizer(PatternRecognizer):
    ENTITY: str
    PATTERNS: list[Pattern]
    CONTEXT: list[str]
    # What every match of any of PATTERNS holds, as a regex far cheaper than the patterns: text without it is
    # not searched (a cell with one phone number is no place for an ID or a card). Compiled like the patterns,
    # with Presidio's regex engine and flags, so that its classes (\d, [A-Z] ignoring case) mean the same.
    NEEDS: str | None = None

    def __init__(self, supported_language: str = "zh", supported_entity: str | None = None) -> None:
        super().__init__(
            supported_entity=supported_entity or self.ENTITY,
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
        )
        # NEEDS compiled, None without: read by deid.text to leave out entities not worth asking for.
        self.needs = regex.compile(self.NEEDS, self.global_regex_flags) if self.NEEDS else None

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        if not self.may_match(text):
            return []
        return super().analyze(text, entities, nlp_artifacts, regex_flags)

    def may_match(self, text: str) -> bool:
        """Whether any of the patterns could match ``text``: False only when it lacks what ``NEEDS`` asks for."""
        return self.needs is None or self.needs.search(text) is not None
