"""The zh AnalyzerEngine: spaCy's blank Chinese pipeline with the jieba segmenter, and deid's recognizers.

No spaCy Chinese model can be downloaded, so the NLP engine is built from ``spacy.blank("zh")``. Blank
pipelines have no lemmas, and Presidio's context enhancer compares context words with lemmas; the
``lemma_as_text`` component copies each token's text into its lemma so that context words in the text
(``身份证号``) and the column header passed as ``context`` raise scores as they do for English.

The context enhancer is the only reader of the NLP engine's output, and it needs it only for a finding whose
score context could still raise: the engine runs spaCy when the enhancer first asks, so that a cell with a
valid phone number or names after cue words is never segmented at all.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import logging

import jieba
import spacy
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.context_aware_enhancers import LemmaContextAwareEnhancer
from presidio_analyzer.nlp_engine import NerModelConfiguration, NlpArtifacts, SpacyNlpEngine
from spacy.language import Language
from spacy.tokens import Doc

LANGUAGE = "zh"

# One module per identifier; every EntityRecognizer subclass a module defines is registered.
RECOGNIZER_MODULES = (
    "id_card",
    "disability_cert",
    "phone",
    "bank_card",
    "uscc",
    "person",
    "address",
    "passport",
    "email",
    "licence_plate",
)

jieba.setLogLevel(logging.WARNING)


@Language.component("lemma_as_text")
def lemma_as_text(doc: Doc) -> Doc:
    for token in doc:
        token.lemma_ = token.text
    return doc


def blank_chinese() -> Language:
    """``spacy.blank("zh")`` segmenting with jieba, lemmas set to token text; downloads nothing."""
    nlp = spacy.blank(LANGUAGE, config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    nlp.add_pipe("lemma_as_text")
    return nlp


class ZhNlpEngine(SpacyNlpEngine):
    """A SpacyNlpEngine over :func:`blank_chinese` instead of a downloaded model."""

    def __init__(self) -> None:
        super().__init__(
            models=[{"lang_code": LANGUAGE, "model_name": "blank:zh+jieba"}],
            ner_model_configuration=NerModelConfiguration(),
        )

    def load(self) -> None:
        self.nlp = {LANGUAGE: blank_chinese()}

    def process_text(self, text: str, language: str) -> NlpArtifacts:
        """The artifacts of ``text``; spaCy runs when they are first read, if ever."""
        return LazyNlpArtifacts(self, text, language)


class LazyNlpArtifacts(NlpArtifacts):
    """NlpArtifacts that run the NLP pipeline when an attribute is first read."""

    def __init__(self, engine: SpacyNlpEngine, text: str, language: str) -> None:
        self._engine, self._text, self._language = engine, text, language

    @functools.cached_property
    def _artifacts(self) -> NlpArtifacts:
        return SpacyNlpEngine.process_text(self._engine, self._text, self._language)

    def __getattr__(self, name: str) -> object:
        # Reached only for what this object lacks (tokens, lemmas, keywords …): the processed artifacts have it.
        if name.startswith("_"):
            raise AttributeError(name)
        return getattr(self._artifacts, name)

    def to_json(self) -> str:
        return self._artifacts.to_json()


class CachingRegistry(RecognizerRegistry):
    """A RecognizerRegistry that remembers which recognizers serve a request: the registry does not change
    while cells are analysed, and choosing among the recognizers costs more than some of them take to run."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)
        self._served: dict[tuple, tuple[tuple[EntityRecognizer, ...], list[EntityRecognizer]]] = {}

    def get_recognizers(
        self,
        language: str,
        entities: list[str] | None = None,
        all_fields: bool = False,
        ad_hoc_recognizers: list[EntityRecognizer] | None = None,
    ) -> list[EntityRecognizer]:
        if ad_hoc_recognizers:
            return super().get_recognizers(language, entities, all_fields, ad_hoc_recognizers)
        key = (language, tuple(entities) if entities is not None else None, all_fields)
        registered = tuple(self.recognizers)
        served = self._served.get(key)
        if served is None or served[0] != registered:
            recognizers = super().get_recognizers(language, entities, all_fields)
            # A request for an entity no recognizer serves is answered anew, so that Presidio warns each time.
            supported = {entity for recognizer in recognizers for entity in recognizer.supported_entities}
            if all_fields or supported.issuperset(entities or ()):
                self._served[key] = registered, recognizers
            return list(recognizers)
        return list(served[1])


class ZhAnalyzerEngine(AnalyzerEngine):
    """Presidio's AnalyzerEngine, less a regrouping of the results that changes nothing for deid's recognizers.

    Before the context enhancer, Presidio hands each recognizer its own results (and the others') to enhance;
    none of deid's recognizers does, and as each result carries the id of the recognizer that made it, in the
    order the recognizers ran, the regrouped list is the list itself.
    """

    def _enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        for recognizer in recognizers:
            if _enhances_its_own(recognizer):
                return super()._enhance_using_context(text, raw_results, nlp_artifacts, recognizers, context)
        return self.context_aware_enhancer.enhance_using_context(
            text=text, raw_results=raw_results, nlp_artifacts=nlp_artifacts, recognizers=recognizers, context=context
        )


def _enhances_its_own(recognizer: EntityRecognizer) -> bool:
    return type(recognizer).enhance_using_context is not EntityRecognizer.enhance_using_context


class InPlaceContextEnhancer(LemmaContextAwareEnhancer):
    """Presidio's lemma context enhancer, scoring the results in place: the same scores, found faster.

    Presidio's enhancer deep-copies every result first, which costs more than the scoring; the results are the
    analyzer's own, made for this call. A score already at the maximum is left alone (context cannot raise it),
    so that its text needs no NLP pass.
    """

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        if nlp_artifacts is None:
            return raw_results
        recognizers_by_id, lowered = None, []
        for result in raw_results:
            metadata = result.recognition_metadata or {}
            if metadata.get(RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY) or result.score >= self.MAX_SCORE:
                continue  # most results: a valid number, a name after a cue word
            if recognizers_by_id is None:
                recognizers_by_id = {recognizer.id: recognizer for recognizer in recognizers}
                lowered = [word.lower() for word in context or []]
            recognizer = recognizers_by_id.get(metadata.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY))
            if recognizer and recognizer.context:
                self._enhance(text, result, nlp_artifacts, recognizer.context, lowered)
        return raw_results

    def _enhance(
        self,
        text: str,
        result: RecognizerResult,
        nlp_artifacts: NlpArtifacts,
        recognizer_context: list[str],
        context: list[str],
    ) -> None:
        """Presidio's scoring of one result: a context word among the words before it or in ``context``."""
        surrounding = self._extract_surrounding_words(nlp_artifacts, text[result.start : result.end], result.start)
        word = self._find_supportive_word_in_context(
            surrounding + context, recognizer_context, self.context_matching_mode
        )
        if word:
            result.score = min(
                max(result.score + self.context_similarity_factor, self.min_score_with_context_similarity),
                self.MAX_SCORE,
            )
            result.analysis_explanation.set_supportive_context_word(word)
            result.analysis_explanation.set_improved_score(result.score)


def recognizer_classes() -> list[type[EntityRecognizer]]:
    """Every recognizer class defined in :data:`RECOGNIZER_MODULES`, in that order."""
    classes = []
    for name in RECOGNIZER_MODULES:
        module = importlib.import_module(f"recognizers.{name}")
        classes += [
            obj
            for _, obj in inspect.getmembers(module, inspect.isclass)
            if issubclass(obj, EntityRecognizer) and obj.__module__ == module.__name__
        ]
    return classes


@functools.lru_cache(maxsize=1)
def build_analyzer() -> AnalyzerEngine:
    """The process-wide zh AnalyzerEngine with all of deid's recognizers (built once, then cached)."""
    nlp_engine = ZhNlpEngine()
    nlp_engine.load()
    registry = CachingRegistry(supported_languages=[LANGUAGE])
    for cls in recognizer_classes():
        registry.add_recognizer(cls())
    return ZhAnalyzerEngine(
        nlp_engine=nlp_engine,
        registry=registry,
        supported_languages=[LANGUAGE],
        context_aware_enhancer=InPlaceContextEnhancer(),
    )
