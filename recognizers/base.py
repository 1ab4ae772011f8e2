"""The shared shape of deid's pattern recognizers: Presidio's PatternRecognizer for ``zh``, configured by the
class constants ``ENTITY``, ``PATTERNS`` and ``CONTEXT`` as Presidio's predefined recognizers are."""

from __future__ import annotations

import re
from collections.abc import Collection

import regex
from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

# Texts up to this long are matched without Presidio's per-call regex timeout, which costs more than matching a
# cell does (some 3 µs a pattern); longer texts (a document part, a long title) are matched Presidio's way, timed.
UNTIMED_CHARS = 1000


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
        self._compiled = [(pattern, regex.compile(pattern.regex, self.global_regex_flags)) for pattern in self.patterns]

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        if not self.may_match(text):
            return []
        if len(text) > UNTIMED_CHARS or regex_flags not in (None, self.global_regex_flags):
            return super().analyze(text, entities, nlp_artifacts, regex_flags)
        return self._match_patterns(text)

    def _match_patterns(self, text: str) -> list[RecognizerResult]:
        """What Presidio's pattern matching finds, scored and explained as it does, without its regex timeout.

        Two patterns often find the same number: it is validated once, and a match with the span and score of
        an earlier one is left out at once rather than made and dropped as a duplicate.
        """
        flags = self.global_regex_flags
        results, found, validations = [], set(), {}
        for pattern, compiled in self._compiled:
            for match in compiled.finditer(text):
                start, end = match.span()
                if start == end:
                    continue
                matched = text[start:end]
                if matched not in validations:
                    validations[matched] = self.validate_result(matched)
                validation = validations[matched]
                score = pattern.score if validation is None else self.MAX_SCORE if validation else self.MIN_SCORE
                if self.invalidate_result(matched):
                    score = self.MIN_SCORE
                if score <= self.MIN_SCORE or (start, end, score) in found:
                    continue
                found.add((start, end, score))
                explanation = self.build_regex_explanation(
                    self.name, pattern.name, pattern.regex, pattern.score, validation, flags
                )
                explanation.score = score
                metadata = {
                    RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                    RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                }
                results.append(RecognizerResult(self.supported_entities[0], start, end, score, explanation, metadata))
        # One result has no duplicate to lose: Presidio's pass would return it as it is.
        return EntityRecognizer.remove_duplicates(results) if len(results) > 1 else results

    def may_match(self, text: str) -> bool:
        """Whether any of the patterns could match ``text``: False only when it lacks what ``NEEDS`` asks for."""
        return self.needs is None or self.needs.search(text) is not None
