"""Presidio `NlpArtifacts` computed on first read: for a spaCy doc that went through only part of its pipeline, and
for a text that only the tokenizer would see.

`PiiScanner.scan_many` runs the NER and the tagger (POS, lemmas) only on the texts that need them. The artifacts say
which stages ran (`has_ner`, `has_tags`); a recognizer that finds it needs a stage that did not run raises
`MissingAnnotations`, and so does reading `lemmas`/`keywords` (Presidio's context words) of an untagged doc: the
scanner then runs the missing stages on that text and analyses it again. Token offsets, entities, lemmas and keywords
are computed on first read only: most texts have no finding, and only a finding's context words read them.
"""

from __future__ import annotations

from functools import cached_property
from typing import Any

from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.tokens import Doc


class MissingAnnotations(Exception):  # noqa: N818  (a request, not an error: the scanner completes the doc)
    """A recognizer needs a pipeline stage (NER, tags, lemmas) that did not run on this text."""


class _LazyArtifacts(NlpArtifacts):
    """The fields `NlpArtifacts.__init__` sets, each computed from `tokens` and `lemmas` when first read."""

    tokens: Doc
    nlp_engine: Any
    language: str

    @cached_property
    def tokens_indices(self) -> list[int]:  # type: ignore[override]
        return [token.idx for token in self.tokens]

    @cached_property
    def keywords(self) -> list[str]:  # type: ignore[override]
        return self.set_keywords(self.nlp_engine, self.lemmas, self.language)


class StagedArtifacts(_LazyArtifacts):
    """Artifacts of `doc` as Presidio's spaCy engine builds them, for a doc that may lack NER or tags. `gated`: the
    scanner already asked `PersonRecognizer.needs_ner`/`needs_tags` whether the stages it skipped could matter."""

    def __init__(
        self, doc: Doc, nlp_engine: Any, language: str, *, has_ner: bool, has_tags: bool, gated: bool = False
    ) -> None:
        self.tokens = doc
        self.nlp_engine = nlp_engine
        self.language = language
        self.has_ner = has_ner
        self.has_tags = has_tags
        self.gated = gated

    @cached_property
    def _entities_and_scores(self) -> tuple[list[Any], list[float]]:
        engine, doc = self.nlp_engine, self.tokens
        return engine._get_updated_entities(engine._get_entities(doc), engine._get_scores_for_entities(doc))

    @property
    def entities(self) -> list[Any]:  # type: ignore[override]
        return self._entities_and_scores[0]

    @property
    def scores(self) -> list[float]:  # type: ignore[override]
        return self._entities_and_scores[1]

    @cached_property
    def lemmas(self) -> list[str]:  # type: ignore[override]
        if not self.has_tags:
            raise MissingAnnotations("lemmas of an untagged doc")
        return [token.lemma_ for token in self.tokens]


class TokenArtifacts(_LazyArtifacts):
    """Artifacts from the tokenizer alone (no tagger, no NER; the text is tokenized on first read): lower-cased
    tokens stand in for lemmas."""

    def __init__(self, text: str, nlp_engine: Any, language: str) -> None:
        self.text = text
        self.nlp_engine = nlp_engine
        self.language = language
        self.entities: list[Any] = []
        self.scores: list[float] = []

    @cached_property
    def tokens(self) -> Doc:  # type: ignore[override]
        return self.nlp_engine.get_nlp(self.language).make_doc(self.text)

    @cached_property
    def lemmas(self) -> list[str]:  # type: ignore[override]
        return [token.text.lower() for token in self.tokens]
