"""Free text (备注、救助事由、title and footer rows): identifiers replaced span by span, the rest kept.

A cheap combined regex decides which cells could hold an identifier at all; only those go through the zh
AnalyzerEngine, once per distinct value. Overlapping findings are resolved by score, so a valid
统一社会信用代码 or a labelled 监督电话 (entities the pipeline keeps) shields the digits it covers, while
anything personal that wins is replaced with presidio-anonymizer using deid's own operators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

import pandas as pd
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerResult
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig

from deid.fingerprint import Fingerprinter
from deid.operators import apply_rule
from deid.policy import Rule
from recognizers import address, licence_plate, person
from recognizers.analyzer import LANGUAGE, build_analyzer
from recognizers.base import ZhPatternRecognizer
from recognizers.normalize import halfwidth

SCORE_THRESHOLD = 0.3

_NUMBERS = ("CN_ID_CARD", "CN_DISABILITY_CERT", "CN_PHONE", "CN_PUBLIC_PHONE", "BANK_CARD", "CN_USCC")
_DOCUMENTS = ("CN_PASSPORT", "CN_TRAVEL_PERMIT", "CN_USCC", "CN_LICENCE_PLATE")


class Prefilter(NamedTuple):
    """A cheap regex that a cell may hold some entities; only whether it matches counts, not where."""

    pattern: re.Pattern
    entities: tuple[str, ...]
    in_ascii: bool  # whether it can match text of ASCII characters only (the others need a Chinese character)


def _words(words: list[str]) -> str:
    """An alternation of ``words``, longest first, behind a test of their first characters: that one class test
    at every position is much cheaper than trying each word there."""
    first_chars = "".join(sorted({word[0] for word in words}))
    return f"(?=[{re.escape(first_chars)}])(?:" + "|".join(map(re.escape, sorted(words, key=len, reverse=True))) + ")"


# What may be in a cell, told by cheap regexes; each asks the analyzer only for the entities it can hold. Only
# whether they match counts, so none runs on further than it must (seven digits, not seven or more).
PREFILTERS: list[Prefilter] = [
    # 7 digits: IDs, phones, landlines, cards
    Prefilter(re.compile(r"\d(?:[ \-]?\d){6}"), (*_NUMBERS, *_DOCUMENTS), in_ascii=True),
    Prefilter(re.compile(r"@"), ("EMAIL_ADDRESS",), in_ascii=True),
    Prefilter(re.compile(r"[A-Za-z]\d{6}"), _DOCUMENTS, in_ascii=True),
    Prefilter(re.compile(f"[{licence_plate.PROVINCES}][A-Za-z]"), _DOCUMENTS, in_ascii=False),
    Prefilter(
        re.compile(
            r"[\d一二三四五六七八九十百]\s*(?:组|号|栋|幢|单元|室|弄|巷|队|楼)|"
            + _words(address.AddressRecognizer.CONTEXT)
        ),
        ("CN_ADDRESS",),
        in_ascii=False,
    ),
    # A cue word followed by a name already masked (户主张*丰, as in a published file) is no reason to look.
    Prefilter(
        re.compile(_words(person.PersonRecognizer.CONTEXT) + "(?![\\s:：为是]*[\u4e00-\u9fff]{1,2}\\*)"),
        ("PERSON",),
        in_ascii=False,
    ),
]


def _combined(prefilters: list[Prefilter]) -> re.Pattern:
    return re.compile("|".join(f"(?:{prefilter.pattern.pattern})" for prefilter in prefilters))


PREFILTER = _combined(PREFILTERS)
# Most cells of a roster are ASCII (序号, amounts, counts): only the prefilters that need no Chinese apply.
_ASCII_PREFILTER = _combined([prefilter for prefilter in PREFILTERS if prefilter.in_ascii])


def is_flagged(text: str) -> bool:
    """Whether the prefilter flags ``text``: only then can it hold an identifier.

    >>> is_flagged('12345'), is_flagged('13812345678'), is_flagged('因病致贫'), is_flagged('户主张三')
    (False, True, False, True)
    """
    prefilter = _ASCII_PREFILTER if text.isascii() else PREFILTER
    return prefilter.search(text) is not None


def entities_to_find(text: str) -> list[str]:
    """The entities worth asking the analyzer for in ``text`` (none: the text cannot hold an identifier).

    >>> entities_to_find('因病致贫'), entities_to_find('户主张三'), 'CN_PHONE' in entities_to_find('电话13812345678')
    ([], ['PERSON'], True)
    >>> entities_to_find('户主张*丰因病致贫'), entities_to_find('户主张*丰，其子李明在读')
    ([], ['PERSON'])
    """
    text = halfwidth(text)
    found = [entity for prefilter in PREFILTERS if prefilter.pattern.search(text) for entity in prefilter.entities]
    return list(dict.fromkeys(found))


@dataclass(frozen=True)
class Span:
    entity: str
    start: int
    end: int
    score: float
    detector: str
    action: str


@dataclass(frozen=True)
class Redaction:
    published: str
    spans: tuple[Span, ...]  # the spans that were replaced

    @property
    def changed(self) -> bool:
        return bool(self.spans)


def _resolve(results: list[RecognizerResult], kept: set[str]) -> list[RecognizerResult]:
    """Non-overlapping findings: higher score first, then the longer span, then kept entities on a tie."""
    ranked = sorted(results, key=lambda r: (-r.score, -(r.end - r.start), r.entity_type not in kept, r.start))
    chosen: list[RecognizerResult] = []
    for result in ranked:
        if all(result.end <= c.start or result.start >= c.end for c in chosen):
            chosen.append(result)
    return sorted(chosen, key=lambda r: r.start)


class TextRedactor:
    """Finds identifiers in text and replaces them as a pipeline's ``text:`` rules say."""

    def __init__(self, rules: dict[str, Rule], fingerprint: Fingerprinter, analyzer: AnalyzerEngine | None = None):
        self.rules = rules
        self.fingerprint = fingerprint
        self.analyzer = analyzer or build_analyzer()
        self.anonymizer = AnonymizerEngine()
        self.kept = {entity for entity, rule in rules.items() if rule.action == "keep"}
        self._recognizers = _recognizers_by_entity(self.analyzer)

    def find(self, text: str, context: list[str] | None = None) -> list[RecognizerResult]:
        """Every identifier in ``text`` after conflict resolution, kept entities included."""
        entities = entities_to_find(text) if text else []
        if not entities:
            return []
        text = halfwidth(text)
        results = self.analyzer.analyze(
            text,
            language=LANGUAGE,
            entities=self._worth_asking(entities, text),
            context=context or None,
            score_threshold=SCORE_THRESHOLD,
        )
        return _resolve([r for r in results if r.entity_type in self.rules], self.kept)

    def _worth_asking(self, entities: list[str], text: str) -> list[str]:
        """``entities`` less those whose recognizers rule ``text`` out at a glance (seven digits are no ID), for
        the analyzer's cost grows with each entity asked for. All of them if none is left: the analyzer still
        sees every flagged cell."""
        worth = [
            entity
            for entity in entities
            if any(
                not isinstance(r, ZhPatternRecognizer) or r.may_match(text) for r in self._recognizers.get(entity, [])
            )
        ]
        return worth or entities

    def redact(self, text: str, context: list[str] | None = None) -> Redaction:
        """``text`` with every personal span replaced; unchanged text when nothing personal is in it."""
        found = [r for r in self.find(text, context) if r.entity_type not in self.kept]
        if not found:
            return Redaction(text, ())
        operators = {
            entity: OperatorConfig("custom", {"lambda": self._operator(entity)})
            for entity in {r.entity_type for r in found}
        }
        published = self.anonymizer.anonymize(
            text=text, analyzer_results=found, operators=operators, merge_entities_with_spaces=False
        ).text
        spans = tuple(
            Span(r.entity_type, r.start, r.end, round(r.score, 2), _detector(r), self.rules[r.entity_type].action)
            for r in found
        )
        return Redaction(published, spans)

    def _operator(self, entity: str):
        rule = self.rules[entity]
        return lambda value: apply_rule(value, entity, rule, self.fingerprint)

    def redact_series(self, values: pd.Series, context: list[str] | None = None) -> dict[object, Redaction]:
        """Redactions for the cells of ``values`` that change, keyed by index; each distinct text tested and
        analysed once (a column of counts or amounts holds few)."""
        changed = {}
        for text in pd.unique(values):
            if isinstance(text, str) and is_flagged(text):
                redaction = self.redact(text, context)
                if redaction.changed:
                    changed[text] = redaction
        if not changed:
            return {}
        return {index: changed[text] for index, text in values[values.isin(list(changed))].items()}


def _recognizers_by_entity(analyzer: AnalyzerEngine) -> dict[str, list[EntityRecognizer]]:
    by_entity: dict[str, list[EntityRecognizer]] = {}
    for recognizer in analyzer.registry.get_recognizers(LANGUAGE, all_fields=True):
        for entity in recognizer.supported_entities:
            by_entity.setdefault(entity, []).append(recognizer)
    return by_entity


def _detector(result: RecognizerResult) -> str:
    metadata = result.recognition_metadata or {}
    return str(metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY, result.entity_type))
