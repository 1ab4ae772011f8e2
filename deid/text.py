"""Free text (备注、救助事由、title and footer rows): identifiers replaced span by span, the rest kept.

A cheap combined regex decides which cells could hold an identifier at all; only those go through the zh
AnalyzerEngine, once per distinct value. Overlapping findings are resolved by score, so a valid
统一社会信用代码 or a labelled 监督电话 (entities the pipeline keeps) shields the digits it covers, while
anything personal that wins is replaced with presidio-anonymizer using deid's own operators.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
from presidio_analyzer import AnalyzerEngine, RecognizerResult
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig

from deid.fingerprint import Fingerprinter
from deid.operators import apply_rule
from deid.policy import Rule
from recognizers import address, person
from recognizers.analyzer import LANGUAGE, build_analyzer
from recognizers.normalize import halfwidth

SCORE_THRESHOLD = 0.3

_NUMBERS = ("CN_ID_CARD", "CN_DISABILITY_CERT", "CN_PHONE", "CN_PUBLIC_PHONE", "BANK_CARD", "CN_USCC")
_DOCUMENTS = ("CN_PASSPORT", "CN_TRAVEL_PERMIT", "CN_USCC", "CN_LICENCE_PLATE")
# What may be in a cell, told by cheap regexes; each asks the analyzer only for the entities it can hold.
PREFILTERS: list[tuple[re.Pattern, tuple[str, ...]]] = [
    (re.compile(r"\d(?:[ \-]?\d){6,}"), (*_NUMBERS, *_DOCUMENTS)),  # 7+ digits: IDs, phones, landlines, cards
    (re.compile(r"@"), ("EMAIL_ADDRESS",)),
    (
        re.compile(r"[A-Za-z]\d{6,}|[京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼][A-Za-z]"),
        _DOCUMENTS,
    ),
    (
        re.compile(
            r"(?:\d+|[一二三四五六七八九十百]+)\s*(?:组|号|栋|幢|单元|室|弄|巷|队|楼)|"
            + "|".join(map(re.escape, sorted(address.AddressRecognizer.CONTEXT, key=len, reverse=True)))
        ),
        ("CN_ADDRESS",),
    ),
    # A cue word followed by a name already masked (户主张*丰, as in a published file) is no reason to look.
    (
        re.compile(
            "(?:"
            + "|".join(map(re.escape, sorted(person.PersonRecognizer.CONTEXT, key=len, reverse=True)))
            + ")(?![\\s:：为是]*[\u4e00-\u9fff]{1,2}\\*)"
        ),
        ("PERSON",),
    ),
]
PREFILTER = re.compile("|".join(f"(?:{pattern.pattern})" for pattern, _ in PREFILTERS))


def entities_to_find(text: str) -> list[str]:
    """The entities worth asking the analyzer for in ``text`` (none: the text cannot hold an identifier).

    >>> entities_to_find('因病致贫'), entities_to_find('户主张三'), 'CN_PHONE' in entities_to_find('电话13812345678')
    ([], ['PERSON'], True)
    >>> entities_to_find('户主张*丰因病致贫'), entities_to_find('户主张*丰，其子李明在读')
    ([], ['PERSON'])
    """
    text = halfwidth(text)
    found = [entity for pattern, entities in PREFILTERS if pattern.search(text) for entity in entities]
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

    def find(self, text: str, context: list[str] | None = None) -> list[RecognizerResult]:
        """Every identifier in ``text`` after conflict resolution, kept entities included."""
        entities = entities_to_find(text) if text else []
        if not entities:
            return []
        results = self.analyzer.analyze(
            halfwidth(text),
            language=LANGUAGE,
            entities=entities,
            context=context or None,
            score_threshold=SCORE_THRESHOLD,
        )
        return _resolve([r for r in results if r.entity_type in self.rules], self.kept)

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
        """Redactions for the cells of ``values`` that change, keyed by index; each distinct text analysed once."""
        flagged = values[values.str.contains(PREFILTER, na=False)] if len(values) else values
        if flagged.empty:
            return {}
        by_text = {text: self.redact(text, context) for text in pd.unique(flagged)}
        return {index: by_text[text] for index, text in flagged.items() if by_text[text].changed}


def _detector(result: RecognizerResult) -> str:
    metadata = result.recognition_metadata or {}
    return str(metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY, result.entity_type))
