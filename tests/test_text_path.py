"""The shortcuts of the free-text path find exactly what the long way finds.

The prefilter's ASCII shortcut flags what the whole prefilter flags, and so does the column-wide one; each
pattern recognizer's ``NEEDS`` holds wherever one of its patterns matches; the pattern recognizers' own matching
finds what Presidio's finds; the cached choice of recognizers is Presidio's choice; the in-place context
enhancer with spaCy run on demand scores as Presidio's own enhancer after an eager spaCy pass; a column is
redacted as cell-by-cell redaction would; and cells anonymized together in one presidio-anonymizer call publish
as they would in one call each.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, PatternRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import SpacyNlpEngine
from presidio_anonymizer import AnonymizerEngine

from deid import text as text_module
from deid.fingerprint import Fingerprinter
from deid.policy import Rule, load_pipeline
from deid.text import (
    ASCII_DIGITS,
    ASCII_DIGITS_BY_A_LETTER,
    ASCII_SHORTEST,
    PREFILTER,
    PREFILTERS,
    TextRedactor,
    entities_to_find,
    flagged_positions,
    is_flagged,
)
from examples.synthetic import free_text_notes
from recognizers import base
from recognizers.analyzer import LANGUAGE, CachingRegistry, ZhNlpEngine, build_analyzer
from recognizers.base import ZhPatternRecognizer
from recognizers.normalize import _FULLWIDTH, halfwidth

NOTES = [note.text for note in free_text_notes(150, seed=3)]

# Texts where context words raise scores below the maximum, and where none is needed.
CONTEXT_CASES = [
    "王秀英今年80岁，户主",
    "户主王秀英，其子李明在读",
    "护照号E12345678，回乡证H12345678",
    "卡号6222021234567890128，存折号0123456789012345678",
    "身份证号110101199003077775",
    "公民身份号码 11010119900307777",
    "残疾证号11010119900307777441",
    "车牌湘A12345",
    "联系电话13812345678，座机82345678",
    "统一社会信用代码91350100M000100Y43",
    "家住城关镇解放路12号3栋2单元301室",
    "因病致贫",
]
CONTEXTS = [None, ["备注"], ["身份证号码"], ["联系电话"], ["银行卡号"], ["护照号"]]


def _findings(results) -> list[tuple]:
    return sorted(
        (r.entity_type, r.start, r.end, r.score, r.recognition_metadata.get("recognizer_name")) for r in results
    )


# --- prefilter -----------------------------------------------------------------------------------------------

_MIXED = st.lists(
    st.one_of(
        st.text(st.characters(max_codepoint=127), max_size=12),
        st.sampled_from(["户主", "其子", "家住", "号", "组", "三", "湘", "张*", "：", "１３８", "Ａ", "　", "地址"]),
        st.integers(0, 10**12).map(str),
    ),
    max_size=8,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(_MIXED)
def test_is_flagged_is_the_whole_prefilter(text: str) -> None:
    assert is_flagged(text) == bool(PREFILTER.search(text))


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(max_codepoint=127), max_size=40))
def test_prefilters_marked_chinese_never_match_ascii(text: str) -> None:
    assert not any(prefilter.pattern.search(text) for prefilter in PREFILTERS if not prefilter.in_ascii)


def test_notes_flagged_as_by_the_whole_prefilter() -> None:
    for text in [*NOTES, *CONTEXT_CASES, "12345", "392.00", "1234567", "a@b", "E123456"]:
        assert is_flagged(text) == bool(PREFILTER.search(text)), text


def test_short_ascii_text_needs_an_at_sign_for_a_prefilter_to_match() -> None:
    # The fewest characters each ASCII prefilter matches, as the regex parser counts them.
    shortest = {p.pattern.pattern: re._parser.parse(p.pattern.pattern).getwidth()[0] for p in PREFILTERS if p.in_ascii}
    assert {pattern for pattern, width in shortest.items() if width < ASCII_SHORTEST} == {"@"}


_ASCII_PIECES = st.lists(
    st.one_of(st.integers(0, 10**8).map(str), st.sampled_from(list("aZx -.@_/,+")), st.text(max_size=3)), max_size=8
).map("".join)


@settings(max_examples=500, deadline=None)
@given(_ASCII_PIECES.filter(str.isascii))
def test_ascii_text_a_prefilter_matches_has_the_digits_it_needs(text: str) -> None:
    digits = sum(char.isdigit() for char in text)
    letter = any(char.isalpha() for char in text)
    enough = len(text) >= ASCII_SHORTEST and (digits >= ASCII_DIGITS or (digits >= ASCII_DIGITS_BY_A_LETTER and letter))
    assert enough or "@" in text or not is_flagged(text)


_COLUMN_VALUES = st.lists(
    st.one_of(
        _MIXED,
        st.text(st.characters(max_codepoint=127), max_size=9),
        st.integers(0, 10**8).map(str),
        st.sampled_from(
            [None, 5, 3.5, float("nan"), "", "\x00", "a\x00b", "@", "392.00", "户主张三", "１２３４５６７"]
        ),
    ),
    max_size=30,
)


@settings(max_examples=400, deadline=None)
@given(_COLUMN_VALUES)
def test_a_column_is_flagged_as_value_by_value(values: list) -> None:
    expected = [i for i, value in enumerate(values) if isinstance(value, str) and is_flagged(value)]
    assert flagged_positions(values) == expected


def test_columns_of_counts_and_notes_are_flagged_as_value_by_value() -> None:
    for values in (list(map(str, range(2_000_000, 2_001_000))), [*NOTES, *map(str, range(1000))], []):
        assert flagged_positions(values) == [i for i, value in enumerate(values) if is_flagged(value)]


def _entities_the_long_way(text: str) -> list[str]:
    text = halfwidth(text)
    found = [entity for prefilter in PREFILTERS if prefilter.pattern.search(text) for entity in prefilter.entities]
    return list(dict.fromkeys(found))


@settings(max_examples=300, deadline=None)
@given(_MIXED)
def test_entities_to_find_as_the_prefilters_list_them(text: str) -> None:
    assert entities_to_find(text) == _entities_the_long_way(text)


# --- half-width text -------------------------------------------------------------------------------------------


@settings(max_examples=500, deadline=None)
@given(
    st.text(st.sampled_from([*map(chr, range(0xFF01, 0xFF5F)), "\u3000", "a", "1", " ", "张", "，", "："]), max_size=12)
)
def test_half_width_text_is_the_whole_translation(text: str) -> None:
    assert halfwidth(text) == text.translate(_FULLWIDTH)


# --- NEEDS -------------------------------------------------------------------------------------------------

_NEEDY = [r for r in build_analyzer().registry.recognizers if isinstance(r, ZhPatternRecognizer) and r.NEEDS]
_IDENTIFIER_PIECES = st.lists(
    st.one_of(
        st.integers(0, 10**21).map(str),
        st.sampled_from(list("0123456789 -‐ACDEGHLMPSXxeſK京湘粤·：:")),
        st.sampled_from(["台胞证", "台湾居民来往大陆通行证", "监督电话", "热线电话", "拨打", "服务", "400", "12345"]),
        st.sampled_from(["110", "120", "95588", "0591", "010-", "致电", "客服", "热线", "元", ".", "、", "转"]),
    ),
    max_size=10,
).map("".join)


def _a_pattern_matches(recognizer: ZhPatternRecognizer, text: str) -> bool:
    flags = recognizer.global_regex_flags
    return any(regex.search(pattern.regex, text, flags) for pattern in recognizer.patterns)


@pytest.mark.parametrize("recognizer", _NEEDY, ids=lambda r: r.name)
@settings(max_examples=300, deadline=None)
@given(text=_IDENTIFIER_PIECES)
def test_needs_holds_wherever_a_pattern_matches(recognizer: ZhPatternRecognizer, text: str) -> None:
    assert recognizer.may_match(text) or not _a_pattern_matches(recognizer, text)


# Public lines with and without area codes, next to the words that make them public.
SERVICE_CASES = ["拨打059112345", "拨打0591-12345", "致电01012345", "请拨12345", "12349热线", "059195588客服",
                 "监督电话0591-87654321", "400-123-4567", "8001234567", "报警110", "打120急救"]  # fmt: skip


@pytest.mark.parametrize("recognizer", _NEEDY, ids=lambda r: r.name)
def test_needs_holds_in_notes(recognizer: ZhPatternRecognizer) -> None:
    for text in map(halfwidth, [*NOTES, *CONTEXT_CASES, *SERVICE_CASES]):
        assert recognizer.may_match(text) or not _a_pattern_matches(recognizer, text), text


def test_needs_rules_out_other_numbers() -> None:
    phone_only = "因病致贫，联系电话15724063176"
    assert {r.name for r in _NEEDY if r.may_match(phone_only)} == set()
    # The 120 and the 95588 inside a mobile number are no service numbers.
    assert {r.name for r in _NEEDY if r.may_match("电话13912095588")} == set()


# --- pattern matching ------------------------------------------------------------------------------------------

_PATTERN_RECOGNIZERS = [r for r in build_analyzer().registry.recognizers if isinstance(r, ZhPatternRecognizer)]


def _in_full(results: list[RecognizerResult]) -> list[tuple]:
    """Everything of the results, in their order, explanations included."""
    return [
        (r.entity_type, r.start, r.end, r.score, r.recognition_metadata, vars(r.analysis_explanation)) for r in results
    ]


def _as_presidio_matches(recognizer: ZhPatternRecognizer, text: str) -> list[tuple]:
    return _in_full(
        PatternRecognizer.analyze(recognizer, text, recognizer.supported_entities) if recognizer.may_match(text) else []
    )


@pytest.mark.parametrize("recognizer", _PATTERN_RECOGNIZERS, ids=lambda r: r.name)
@settings(max_examples=200, deadline=None)
@given(text=_IDENTIFIER_PIECES)
def test_patterns_match_as_presidio_matches_them(recognizer: ZhPatternRecognizer, text: str) -> None:
    ours = ZhPatternRecognizer.analyze(recognizer, text, recognizer.supported_entities)
    assert _in_full(ours) == _as_presidio_matches(recognizer, text)


@pytest.mark.parametrize("recognizer", _PATTERN_RECOGNIZERS, ids=lambda r: r.name)
def test_patterns_match_notes_as_presidio_matches_them(recognizer: ZhPatternRecognizer) -> None:
    for text in map(halfwidth, [*NOTES, *CONTEXT_CASES, "电话13812345678、13812345678", "拨打12345或0591-12345"]):
        ours = ZhPatternRecognizer.analyze(recognizer, text, recognizer.supported_entities)
        assert _in_full(ours) == _as_presidio_matches(recognizer, text), text


def test_long_text_is_matched_presidios_way(monkeypatch) -> None:
    phone = next(r for r in _PATTERN_RECOGNIZERS if r.name == "PhoneRecognizer")
    text = "联系电话13812345678，" * 3
    untimed = phone.analyze(text, ["CN_PHONE"])
    monkeypatch.setattr(base, "UNTIMED_CHARS", len(text) - 1)
    timed, original = [], PatternRecognizer.analyze
    monkeypatch.setattr(PatternRecognizer, "analyze", lambda *args: timed.append(args) or original(*args))
    assert _in_full(phone.analyze(text, ["CN_PHONE"])) == _in_full(untimed)
    assert len(timed) == 1


# --- choosing recognizers --------------------------------------------------------------------------------------

_REQUESTS = [["PERSON"], ["CN_PHONE"], ["CN_PHONE", "CN_PUBLIC_PHONE"], ["CN_ID_CARD", "BANK_CARD", "CN_USCC"], None]


@pytest.mark.parametrize("entities", _REQUESTS)
def test_cached_choice_of_recognizers_is_presidios(entities: list[str] | None) -> None:
    registry = build_analyzer().registry
    plain = RecognizerRegistry(recognizers=list(registry.recognizers), supported_languages=[LANGUAGE])
    for _ in range(2):  # asked, then answered from the cache
        chosen = registry.get_recognizers(LANGUAGE, entities, all_fields=entities is None)
        assert sorted(map(id, chosen)) == sorted(map(id, plain.get_recognizers(LANGUAGE, entities, entities is None)))


def test_cached_choice_follows_a_changed_registry(caplog) -> None:
    registry = CachingRegistry(supported_languages=[LANGUAGE])
    first, second = (
        type("Recognizer", (EntityRecognizer,), {"load": lambda self: None, "analyze": None}) for _ in "ab"
    )
    registry.add_recognizer(first(supported_entities=["X"], supported_language=LANGUAGE))
    assert len(registry.get_recognizers(LANGUAGE, ["X"])) == 1
    registry.add_recognizer(second(supported_entities=["X"], supported_language=LANGUAGE))
    assert len(registry.get_recognizers(LANGUAGE, ["X"])) == 2
    for _ in range(2):  # an entity nobody serves is warned about every time, never cached
        registry.get_recognizers(LANGUAGE, ["X", "Y"])
    assert sum("Entity Y" in record.getMessage() for record in caplog.records) == 2


# --- context enhancement -------------------------------------------------------------------------------------


class _EagerNlpEngine(ZhNlpEngine):
    process_text = SpacyNlpEngine.process_text


@pytest.fixture(scope="module")
def presidio_default() -> AnalyzerEngine:
    """deid's recognizers with Presidio's own context enhancer after an eager spaCy pass."""
    nlp_engine = _EagerNlpEngine()
    nlp_engine.load()
    registry = build_analyzer().registry
    return AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=[LANGUAGE])


@pytest.mark.parametrize("context", CONTEXTS)
def test_enhancer_scores_as_presidio_does(presidio_default: AnalyzerEngine, context: list[str] | None) -> None:
    for text in map(halfwidth, [*CONTEXT_CASES, *NOTES]):
        ours = build_analyzer().analyze(text, language=LANGUAGE, context=context)
        presidio = presidio_default.analyze(text, language=LANGUAGE, context=context)
        assert _findings(ours) == _findings(presidio), text


def test_a_recognizer_that_enhances_its_own_results_is_asked_to(presidio_default: AnalyzerEngine) -> None:
    class Raising(PatternRecognizer):
        def enhance_using_context(self, text, raw_recognizer_results, other_raw_recognizer_results, *args, **kwargs):
            for result in raw_recognizer_results:
                result.score = 0.99
            return raw_recognizer_results

    from presidio_analyzer import Pattern

    raising = Raising("ZIP", patterns=[Pattern("zip", r"\d{6}", 0.4)], supported_language=LANGUAGE)
    ours, theirs = (
        engine.analyze("邮编410000", language=LANGUAGE, ad_hoc_recognizers=[raising], entities=["ZIP"])
        for engine in (build_analyzer(), presidio_default)
    )
    assert _findings(ours) == _findings(theirs) and [r.score for r in ours] == [0.99]


def test_spacy_runs_only_for_a_score_context_can_raise(monkeypatch) -> None:
    processed = []

    def process_text(self, text: str, language: str):
        processed.append(text)
        return original(self, text, language)

    original = SpacyNlpEngine.process_text
    monkeypatch.setattr(SpacyNlpEngine, "process_text", process_text)
    analyzer = build_analyzer()
    analyzer.analyze("户主王秀英，联系电话13812345678", language=LANGUAGE)
    assert processed == []
    results = analyzer.analyze("护照号E12345678", language=LANGUAGE, entities=["CN_PASSPORT"])
    assert processed == ["护照号E12345678"]
    assert [r.score for r in results] == [pytest.approx(0.85)]


# --- TextRedactor ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redactor() -> TextRedactor:
    return TextRedactor(load_pipeline("blacklist").text, Fingerprinter(bytes(32)))


def test_find_asks_for_fewer_entities_and_finds_the_same(redactor: TextRedactor, monkeypatch) -> None:
    texts = [*CONTEXT_CASES, *NOTES]
    narrowed = [_findings(redactor.find(text, ["备注"])) for text in texts]
    monkeypatch.setattr(TextRedactor, "_worth_asking", lambda self, entities, text: entities)
    assert narrowed == [_findings(redactor.find(text, ["备注"])) for text in texts]


def _needs_nothing_or_is_held(recognizer: EntityRecognizer, text: str) -> bool:
    needs = getattr(recognizer, "needs", None)
    return needs is None or needs.search(text) is not None


def _worth_asking_the_long_way(redactor: TextRedactor, entities: tuple[str, ...], text: str) -> list[str]:
    recognizers = redactor.analyzer.registry.get_recognizers(LANGUAGE, all_fields=True)
    worth = [
        entity
        for entity in entities
        if any(entity in r.supported_entities and _needs_nothing_or_is_held(r, text) for r in recognizers)
    ]
    return worth or list(entities)


@settings(max_examples=300, deadline=None)
@given(_IDENTIFIER_PIECES)
def test_entities_worth_asking_for_as_each_recognizer_says(redactor: TextRedactor, text: str) -> None:
    entities = tuple(entities_to_find(text))
    assert redactor._worth_asking(entities, text) == _worth_asking_the_long_way(redactor, entities, text)


def test_redact_series_redacts_each_distinct_text_once(redactor: TextRedactor, monkeypatch) -> None:
    cells = ["户主王秀英", "12345", None, "户主王秀英", 5, "", "因病致贫", "联系电话13812345678", "户主王*英", np.nan]
    values = pd.Series(cells * 3, index=[f"r{i}" for i in range(len(cells) * 3)], dtype=object)
    expected = {
        index: redactor.redact(text, ["备注"])
        for index, text in values.items()
        if isinstance(text, str) and redactor.redact(text, ["备注"]).changed
    }
    assert list(redactor.redact_series(values, ["备注"])) == list(expected)  # in row order
    analysed = []
    find = TextRedactor.find
    monkeypatch.setattr(
        TextRedactor, "find", lambda self, text, context: analysed.append(text) or find(self, text, context)
    )
    assert redactor.redact_series(values, ["备注"]) == expected
    assert sorted(analysed) == sorted({"户主王秀英", "联系电话13812345678"})
    assert redactor.redact_series(values.iloc[:0], ["备注"]) == {}


def test_redact_series_of_other_dtypes(redactor: TextRedactor) -> None:
    assert redactor.redact_series(pd.Series([13812345678, 5, 7]), ["备注"]) == {}
    texts = ["联系电话13812345678", "户主王秀英", "5", "联系电话13812345678"]
    plain = redactor.redact_series(pd.Series(texts, dtype=object), ["备注"])
    assert redactor.redact_series(pd.Series(texts, dtype="category"), ["备注"]) == plain
    assert redactor.redact_series(pd.Series([*texts, None], dtype="string"), ["备注"]) == plain
    assert sorted(plain) == [0, 1, 3]


# --- batched anonymization ---------------------------------------------------------------------------------


def _one_call_per_cell(redactor: TextRedactor, texts: list[str]) -> dict[str, str]:
    """What presidio-anonymizer publishes for each text on its own, the findings as the redactor has them."""
    published = {}
    for text in texts:
        found = [r for r in redactor.find(text, ["备注"]) if r.entity_type not in redactor.kept]
        if found:
            published[text] = redactor.anonymizer.anonymize(
                text=text, analyzer_results=found, operators=redactor.operators, merge_entities_with_spaces=False
            ).text
    return published


@pytest.mark.parametrize("batch_chars", [1, 40, 2000])
def test_cells_anonymized_together_publish_as_one_by_one(redactor: TextRedactor, monkeypatch, batch_chars: int) -> None:
    monkeypatch.setattr(text_module, "BATCH_CHARS", batch_chars)
    texts = [*CONTEXT_CASES, *NOTES]
    redactions = redactor.redact_series(pd.Series(texts), ["备注"])
    assert {texts[index]: redaction.published for index, redaction in redactions.items()} == _one_call_per_cell(
        redactor, texts
    )


def test_presidios_own_custom_operator_publishes_the_same(redactor: TextRedactor) -> None:
    texts = [*CONTEXT_CASES, *NOTES]
    plain = AnonymizerEngine()
    for text in texts:
        found = [r for r in redactor.find(text, ["备注"]) if r.entity_type not in redactor.kept]
        expected = plain.anonymize(
            text=text, analyzer_results=found, operators=redactor.operators, merge_entities_with_spaces=False
        ).text
        assert redactor.redact(text, ["备注"]).published == expected


def _resolved_by_rank(results: list, kept: set[str]) -> list:
    ranked = sorted(results, key=lambda r: (-r.score, -(r.end - r.start), r.entity_type not in kept, r.start))
    chosen = []
    for result in ranked:
        if all(result.end <= c.start or result.start >= c.end for c in chosen):
            chosen.append(result)
    return sorted(chosen, key=lambda r: r.start)


_RESULTS = st.lists(
    st.builds(
        lambda entity, start, length, score: RecognizerResult(entity, start, start + length, score),
        st.sampled_from(["PERSON", "CN_PHONE", "CN_PUBLIC_PHONE"]),
        st.integers(0, 15),
        st.integers(0, 6),
        st.sampled_from([0.3, 0.5, 0.85, 1.0]),
    ),
    max_size=5,
)


@settings(max_examples=500, deadline=None)
@given(_RESULTS)
def test_findings_resolved_as_by_rank(results: list) -> None:
    assert text_module._resolve(results, {"CN_PUBLIC_PHONE"}) == _resolved_by_rank(results, {"CN_PUBLIC_PHONE"})


def test_cells_are_joined_by_a_character_no_cell_and_no_replacement_holds() -> None:
    rules = {
        "CN_PHONE": Rule("replace", "test:text.CN_PHONE", value="\ue000电话"),
        "PERSON": Rule("mask", "test:text.PERSON"),
    }
    redactor = TextRedactor(rules, Fingerprinter(bytes(32)))
    texts = ["户主王秀英\ue001", "联系电话13812345678\ue002", "其子李明在读，电话13912345678"]
    redactions = redactor.redact_series(pd.Series(texts), ["备注"])
    published = {texts[index]: redaction.published for index, redaction in redactions.items()}
    assert published == _one_call_per_cell(redactor, texts)
    assert published[texts[1]] == "联系电话\ue000电话\ue002"


def test_batch_falls_back_to_one_call_per_text_when_an_operator_writes_the_joiner(monkeypatch):
    redactor = TextRedactor(load_pipeline("dibao").text, Fingerprinter(bytes(32)))
    texts = ["户主张三丰因病致贫", "联系电话13812345678"]
    one_by_one = [redactor.redact(text).published for text in texts]
    monkeypatch.setattr(text_module, "_joiner", lambda texts, absent: "*")  # a mask character: splits wrongly
    batched = redactor.redact_series(pd.Series(texts), None)
    assert [batched[i].published for i in range(len(texts))] == one_by_one
