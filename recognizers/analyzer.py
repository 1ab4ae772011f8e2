"""The zh AnalyzerEngine: spaCy's blank Chinese pipeline with the jieba segmenter, and deid's recognizers.

No spaCy Chinese model can be downloaded, so the NLP engine is built from ``spacy.blank("zh")``. Blank
pipelines have no lemmas, and Presidio's context enhancer compares context words with lemmas; the
``lemma_as_text`` component copies each token's text into its lemma so that context words in the text
(``身份证号``) and the column header passed as ``context`` raise scores as they do for English.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import logging

import jieba
import spacy
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
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
    registry = RecognizerRegistry(supported_languages=[LANGUAGE])
    for cls in recognizer_classes():
        registry.add_recognizer(cls())
    return AnalyzerEngine(nlp_engine=nlp_engine, registry=registry, supported_languages=[LANGUAGE])
