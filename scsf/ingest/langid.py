"""Per-turn language detection in code (never by asking a model), with py3langid's bundled model."""

from __future__ import annotations

from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

CANDIDATES = ("es", "en", "pt", "fr", "it", "de")
MIN_CONFIDENCE = 0.6


@cache
def _identifier() -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(CANDIDATES))
    return identifier


def detect_language(text: str, default: str | None = None) -> str | None:
    """ISO 639-1 code of `text`, or `default` when the text is too short or ambiguous to tell."""
    if sum(ch.isalpha() for ch in text) < 8:
        return default
    language, confidence = _identifier().classify(text)
    return language if confidence >= MIN_CONFIDENCE else default
