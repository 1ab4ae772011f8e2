"""The shared shape of deid's pattern recognizers: Presidio's PatternRecognizer for ``zh``, configured by the
class constants ``ENTITY``, ``PATTERNS`` and ``CONTEXT`` as Presidio's predefined recognizers are."""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer


class ZhPatternRecognizer(PatternRecognizer):
    ENTITY: str
    PATTERNS: list[Pattern]
    CONTEXT: list[str]

    def __init__(self, supported_language: str = "zh", supported_entity: str | None = None) -> None:
        super().__init__(
            supported_entity=supported_entity or self.ENTITY,
            patterns=self.PATTERNS,
            context=self.CONTEXT,
            supported_language=supported_language,
        )
