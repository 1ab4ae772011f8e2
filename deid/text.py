"""Free text (备注、救助事由、title and footer rows): identifiers replaced span by span, the rest kept.

A cheap combined regex decides which cells could hold an identifier at all; only those go through the zh
AnalyzerEngine, once per distinct value. Overlapping findings are resolved by score, so a valid
统一社会信用代码 or a labelled 监督电话 (entities the pipeline keeps) shields the digits it covers, while
anything personal that wins is replaced with presidio-anonymizer using deid's own operators.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import NamedTuple

import numpy as np
import pandas as pd
import regex
from presidio_analyzer import AnalyzerEngine, RecognizerResult
from presidio_anonymizer import AnonymizerEngine
from presidio_anonymizer.entities import OperatorConfig
from presidio_anonymizer.operators import Custom

from deid.fingerprint import Fingerprinter
from deid.operators import rule_operator
from deid.policy import Rule
from recognizers import address, licence_plate, person
from recognizers.analyzer import LANGUAGE, build_analyzer
from recognizers.base import any_word
from recognizers.normalize import halfwidth

SCORE_THRESHOLD = 0.3

_NUMBERS = ("CN_ID_CARD", "CN_DISABILITY_CERT", "CN_PHONE", "CN_PUBLIC_PHONE", "BANK_CARD", "CN_USCC")
_DOCUMENTS = ("CN_PASSPORT", "CN_TRAVEL_PERMIT", "CN_USCC", "CN_LICENCE_PLATE")


class Prefilter(NamedTuple):
    """A cheap regex that a cell may hold some entities; only whether it matches counts, not where."""

    pattern: re.Pattern
    entities: tuple[str, ...]
    in_ascii: bool  # whether it can match text of ASCII characters only (the others need a Chinese character)


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
            + any_word(address.AddressRecognizer.CONTEXT)
        ),
        ("CN_ADDRESS",),
        in_ascii=False,
    ),
    # A cue word followed by a name already masked (户主张*丰, as in a published file) is no reason to look.
    Prefilter(
        re.compile(any_word(person.PersonRecognizer.CONTEXT) + "(?![\\s:：为是]*[\u4e00-\u9fff]{1,2}\\*)"),
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


# What an ASCII text needs before an ASCII prefilter can match it: seven characters, seven digits among them
# or six and a letter; or an @ (tests/test_text_path.py checks this against the prefilters). 序号, amounts and
# counts have too few: a column of them is ruled out by counting, not by a regex per value.
ASCII_SHORTEST = 7
ASCII_DIGITS = 7
ASCII_DIGITS_BY_A_LETTER = 6
_ASCII_SHORT_MATCH = re.compile("@")
# bytes.translate deletes these: what is left of an ASCII column is its digits (letters) and the zeros between.
_BUT_DIGITS = bytes(code for code in range(128) if code and not chr(code).isdigit())
_BUT_LETTERS = bytes(code for code in range(128) if code and not chr(code).isalpha())
# Between the values of a column joined to be measured at once.
_SEPARATOR = "\x00"


def may_be_flagged(values: Sequence[object]) -> np.ndarray:
    """The positions in ``values`` of the strings that :func:`is_flagged` may flag, told for a whole column at once
    from the code points of its values joined. Left out are ASCII strings without an @ that are shorter than seven
    characters, and in a column of ASCII strings only, also those with fewer than seven digits (six and a letter).

    >>> may_be_flagged(['1', '392.00', None, '13812345678', 'a@b', '户主张三', '因病致贫']).tolist()
    [3, 4, 5, 6]
    """
    texts = values.tolist() if isinstance(values, np.ndarray) else values  # a list joins faster
    try:
        joined = _SEPARATOR.join(texts)
    except TypeError:  # not only strings: the others are never flagged, as "" is not
        joined = _SEPARATOR.join([text if isinstance(text, str) else "" for text in texts])
    if joined.count(_SEPARATOR) != len(texts) - 1:  # a value holds the separator (or there is none): all may
        return np.array([position for position, text in enumerate(texts) if isinstance(text, str)], dtype=np.intp)
    if joined.isascii():  # 序号, amounts, counts: bytes, and only their digits and letters counted
        encoded = (joined + _SEPARATOR).encode("ascii")
        ends, lengths = _value_ends_and_lengths(encoded)
        candidates = lengths >= ASCII_SHORTEST
        if candidates.any():
            digits = _value_ends_and_lengths(encoded.translate(None, _BUT_DIGITS))[1]
            letters = _value_ends_and_lengths(encoded.translate(None, _BUT_LETTERS))[1]
            candidates &= (digits >= ASCII_DIGITS) | ((digits >= ASCII_DIGITS_BY_A_LETTER) & (letters > 0))
    else:  # values with a character that is not ASCII may be flagged whatever their length
        characters = np.frombuffer((joined + _SEPARATOR).encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
        ends = np.flatnonzero(characters == 0)
        starts = np.concatenate(([0], ends[:-1] + 1))
        candidates = (ends - starts >= ASCII_SHORTEST) | (np.maximum.reduceat(characters, starts) > 127)
    candidates[np.searchsorted(ends, [match.start() for match in _ASCII_SHORT_MATCH.finditer(joined)])] = True
    return np.flatnonzero(candidates)


def _value_ends_and_lengths(encoded: bytes) -> tuple[np.ndarray, np.ndarray]:
    """Where each value of ``encoded`` (values joined by zero bytes, one ending the last) ends, and its length."""
    ends = np.flatnonzero(np.frombuffer(encoded, dtype=np.uint8) == 0)
    return ends, np.diff(ends, prepend=-1) - 1


def flagged_positions(texts: Sequence[object]) -> list[int]:
    """The positions in ``texts`` of the strings that :func:`is_flagged` flags.

    >>> flagged_positions(['1', '392.00', None, '13812345678', 'a@b', '户主张三', '因病致贫'])
    [3, 4, 5]
    """
    return [position for position in may_be_flagged(texts).tolist() if is_flagged(texts[position])]


def entities_to_find(text: str) -> list[str]:
    """The entities worth asking the analyzer for in ``text`` (none: the text cannot hold an identifier).

    >>> entities_to_find('因病致贫'), entities_to_find('户主张三'), 'CN_PHONE' in entities_to_find('电话13812345678')
    ([], ['PERSON'], True)
    >>> entities_to_find('户主张*丰因病致贫'), entities_to_find('户主张*丰，其子李明在读')
    ([], ['PERSON'])
    """
    return list(_entities_in(halfwidth(text)))


def _entities_in(text: str) -> tuple[str, ...]:
    """:func:`entities_to_find` of half-width ``text``."""
    return _entities_of(tuple([search(text) is not None for search in _PREFILTER_SEARCHES]))


_PREFILTER_SEARCHES = [prefilter.pattern.search for prefilter in PREFILTERS]


@functools.cache
def _entities_of(matched: tuple[bool, ...]) -> tuple[str, ...]:
    """The entities of the prefilters that ``matched`` (one flag for each of :data:`PREFILTERS`), once each."""
    found = [entity for prefilter, match in zip(PREFILTERS, matched) if match for entity in prefilter.entities]
    return tuple(dict.fromkeys(found))


class _CustomOperator(Custom):
    """presidio-anonymizer's custom operator, printed shortly: presidio formats the operator into two debug
    messages for every span it replaces, logged or not, and the default repr (module, class and address) is
    the dear part of that."""

    def __repr__(self) -> str:
        return self.operator_name()


class _Shifted(NamedTuple):
    """A finding moved to where its text starts in a batch: all of a result that presidio-anonymizer reads (it
    copies what it is given into results of its own)."""

    entity_type: str
    start: int
    end: int
    score: float


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
    if len(results) < 2:  # most cells hold one identifier: nothing to rank
        return results
    in_order = sorted(results, key=_start)
    if all(a.end <= b.start and a.start < b.start for a, b in itertools.pairwise(in_order)):
        return in_order  # none overlaps another: each is chosen, whatever its rank
    ranked = sorted(results, key=lambda r: (-r.score, -(r.end - r.start), r.entity_type not in kept, r.start))
    chosen: list[RecognizerResult] = []
    for result in ranked:
        if all(result.end <= c.start or result.start >= c.end for c in chosen):
            chosen.append(result)
    return sorted(chosen, key=_start)


_start = attrgetter("start")


# Flagged cells are analysed and anonymized in batches of about this many characters, those that change joined
# into one text: an anonymizer call costs far more than replacing a span, but presidio copies the whole text
# for every span it replaces. Only a batch's findings are held at once.
BATCH_CHARS = 2000
# What joins the cells of a batch: the first private-use character that no cell and no replacement value holds.
_JOINERS = (*range(0xE000, 0xF900), *range(0xF0000, 0xFFFFE))


class TextRedactor:
    """Finds identifiers in text and replaces them as a pipeline's ``text:`` rules say."""

    def __init__(self, rules: dict[str, Rule], fingerprint: Fingerprinter, analyzer: AnalyzerEngine | None = None):
        self.rules = rules
        self.analyzer = analyzer or build_analyzer()
        self.anonymizer = AnonymizerEngine()
        self.anonymizer.add_anonymizer(_CustomOperator)
        self.kept = {entity for entity, rule in rules.items() if rule.action == "keep"}
        self.operators = {
            entity: OperatorConfig("custom", {"lambda": rule_operator(entity, rule, fingerprint)})
            for entity, rule in rules.items()
            if entity not in self.kept
        }
        # Operators write the characters of the span they replace, mask characters, pseudonyms and these values.
        self._replacement_chars = set("".join(rule.value for rule in rules.values()))
        self._actions = {entity: rule.action for entity, rule in rules.items()}
        self._needs = _needs_by_entity(self.analyzer)
        self._plans: dict[tuple[str, ...], tuple[list[tuple[str, list[int | None]]], list[Callable]]] = {}

    def find(self, text: str, context: list[str] | None = None) -> list[RecognizerResult]:
        """Every identifier in ``text`` after conflict resolution, kept entities included."""
        text = halfwidth(text)
        entities = _entities_in(text) if text else ()
        if not entities:
            return []
        results = self.analyzer.analyze(
            text,
            language=LANGUAGE,
            entities=self._worth_asking(entities, text),
            context=context or None,
            score_threshold=SCORE_THRESHOLD,
        )
        return _resolve([r for r in results if r.entity_type in self.rules], self.kept)

    def _worth_asking(self, entities: tuple[str, ...], text: str) -> list[str]:
        """``entities`` less those whose recognizers rule ``text`` out at a glance (seven digits are no ID), for
        the analyzer's cost grows with each entity asked for. All of them if none is left: the analyzer still
        sees every flagged cell."""
        plan, searches = self._plan(entities)
        held = [search(text) is not None for search in searches]
        # A loop, not any() over a generator: a flagged number asks this for nine entities.
        worth = []
        for entity, held_by in plan:
            for position in held_by:
                if position is None or held[position]:
                    worth.append(entity)
                    break
        return worth or list(entities)

    def _plan(self, entities: tuple[str, ...]) -> tuple[list[tuple[str, list[int | None]]], list[Callable]]:
        """For each of ``entities``, where in the list of searches for what their recognizers need (each need
        once: several recognizers may need the same) the need of each recognizer is; None for one that needs
        nothing."""
        plan = self._plans.get(entities)
        if plan is None:
            needs = list(dict.fromkeys(need for entity in entities for need in self._needs.get(entity, ()) if need))
            positions = {need: position for position, need in enumerate(needs)}
            by_entity = [(entity, [positions.get(need) for need in self._needs.get(entity, ())]) for entity in entities]
            plan = self._plans[entities] = by_entity, [need.search for need in needs]
        return plan

    def redact(self, text: str, context: list[str] | None = None) -> Redaction:
        """``text`` with every personal span replaced; unchanged text when nothing personal is in it."""
        return self._redact_batch([text], context).get(text, Redaction(text, ()))

    def redact_series(self, values: pd.Series, context: list[str] | None = None) -> dict[object, Redaction]:
        """Redactions for the cells of ``values`` that change, keyed by index in row order; each distinct text
        tested and analysed once (a column of counts or amounts holds few, and none that may be flagged)."""
        cells = values.to_numpy(dtype=object)
        rows = may_be_flagged(cells)
        if not len(rows):
            return {}
        codes, uniques = pd.factorize(cells[rows])
        distinct = uniques.tolist()
        flagged = [position for position, text in enumerate(distinct) if is_flagged(text)]
        changed = {}
        for batch in _batches([distinct[position] for position in flagged]):
            changed.update(self._redact_batch(batch, context))
        if not changed:
            return {}
        hits = np.isin(codes, [position for position in flagged if distinct[position] in changed])
        rows, codes = rows[hits], codes[hits]
        return {index: changed[distinct[code]] for index, code in zip(values.index[rows], codes.tolist())}

    def _redact_batch(self, texts: list[str], context: list[str] | None) -> dict[str, Redaction]:
        """The redactions of those of ``texts`` (distinct) that change, replaced by one anonymizer call."""
        found = {text: personal for text in texts if (personal := self._personal(text, context))}
        if not found:
            return {}
        published = self._anonymize(found)
        return {text: Redaction(cell, self._spans(found[text])) for text, cell in zip(found, published)}

    def _personal(self, text: str, context: list[str] | None) -> list[RecognizerResult]:
        """The findings in ``text`` that are replaced."""
        return [r for r in self.find(text, context) if r.entity_type not in self.kept]

    def _anonymize(self, found: dict[str, list[RecognizerResult]]) -> list[str]:
        """The texts of ``found`` with their findings replaced, by one anonymizer call over them all, joined by a
        character that none of them holds; no operator sees it, as no finding spans two texts."""
        texts = list(found)
        joiner = _joiner(texts, self._replacement_chars)
        shifted, offset = [], 0
        for text in texts:
            shifted += [_Shifted(r.entity_type, r.start + offset, r.end + offset, r.score) for r in found[text]]
            offset += len(text) + 1
        published = self._anonymize_text(joiner.join(texts), shifted).split(joiner)
        if len(published) == len(texts):
            return published
        # An operator wrote the joiner after all: no guessing where the texts part, each is replaced on its own.
        return [self._anonymize_text(text, found[text]) for text in texts]

    def _anonymize_text(self, text: str, results: list) -> str:
        return self.anonymizer.anonymize(
            text=text, analyzer_results=results, operators=self.operators, merge_entities_with_spaces=False
        ).text

    def _spans(self, results: list[RecognizerResult]) -> tuple[Span, ...]:
        return tuple(
            [_span(r.entity_type, r.start, r.end, r.score, _detector(r), self._actions[r.entity_type]) for r in results]
        )


@functools.lru_cache(maxsize=4096, typed=True)
def _span(entity: str, start: int, end: int, score: float, detector: str, action: str) -> Span:
    """A Span made once for each place and kind: notes name people in few places, and spans are frozen."""
    return Span(entity, start, end, round(score, 2), detector, action)


def _batches(texts: list[str]) -> Iterator[list[str]]:
    """``texts`` in runs that have :data:`BATCH_CHARS` characters or just more (the last run maybe fewer)."""
    batch, chars = [], 0
    for text in texts:
        batch.append(text)
        chars += len(text)
        if chars >= BATCH_CHARS:
            yield batch
            batch, chars = [], 0
    if batch:
        yield batch


def _joiner(texts: list[str], also_absent: set[str]) -> str:
    joined = "".join(texts)
    return next(char for char in map(chr, _JOINERS) if char not in also_absent and char not in joined)


def _needs_by_entity(analyzer: AnalyzerEngine) -> dict[str, list[regex.Pattern | None]]:
    """For each entity, what each of its recognizers needs to find anything in a text (:attr:`ZhPatternRecognizer.
    needs`); None for a recognizer that may find something anywhere."""
    needs: dict[str, list[regex.Pattern | None]] = {}
    for recognizer in analyzer.registry.get_recognizers(LANGUAGE, all_fields=True):
        for entity in recognizer.supported_entities:
            needs.setdefault(entity, []).append(getattr(recognizer, "needs", None))
    return needs


def _detector(result: RecognizerResult) -> str:
    metadata = result.recognition_metadata or {}
    return str(metadata.get(RecognizerResult.RECOGNIZER_NAME_KEY, result.entity_type))
