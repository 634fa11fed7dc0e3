"""Presidio `NlpArtifacts` for a spaCy doc that went through only part of its pipeline.

`PiiScanner.scan_many` runs the NER and the tagger (POS, lemmas) only on the texts that need them. The artifacts say
which stages ran (`has_ner`, `has_tags`); a recognizer that finds it needs a stage that did not run raises
`MissingAnnotations`, and so does reading `lemmas`/`keywords` (Presidio's context words) of an untagged doc: the
scanner then runs the missing stages on that text and analyses it again. Lemmas and keywords are computed on first
read only (most texts have no finding whose score context words could change).
"""

from __future__ import annotations

from typing import Any

from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.tokens import Doc


class MissingAnnotations(Exception):  # noqa: N818  (a request, not an error: the scanner completes the doc)
    """A recognizer needs a pipeline stage (NER, tags, lemmas) that did not run on this text."""


class StagedArtifacts(NlpArtifacts):
    """Artifacts of `doc` as Presidio's spaCy engine builds them, for a doc that may lack NER or tags."""

    def __init__(self, doc: Doc, nlp_engine: Any, language: str, *, has_ner: bool, has_tags: bool) -> None:
        # NlpArtifacts.__init__ would compute keywords from the lemmas right away: set the same fields lazily
        entities = nlp_engine._get_entities(doc)
        self.entities, self.scores = nlp_engine._get_updated_entities(
            entities, nlp_engine._get_scores_for_entities(doc)
        )
        self.tokens = doc
        self.tokens_indices = [token.idx for token in doc]
        self.nlp_engine = nlp_engine
        self.language = language
        self.has_ner = has_ner
        self.has_tags = has_tags
        self._lemmas: list[str] | None = None
        self._keywords: list[str] | None = None

    @property
    def lemmas(self) -> list[str]:  # type: ignore[override]
        if not self.has_tags:
            raise MissingAnnotations("lemmas of an untagged doc")
        if self._lemmas is None:
            self._lemmas = [token.lemma_ for token in self.tokens]
        return self._lemmas

    @property
    def keywords(self) -> list[str]:  # type: ignore[override]
        if self._keywords is None:
            self._keywords = self.set_keywords(self.nlp_engine, self.lemmas, self.language)
        return self._keywords
