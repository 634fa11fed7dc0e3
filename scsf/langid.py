"""Language detection in code (never by asking a model), with the model bundled in py3langid: offline."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache

from py3langid.langid import MODEL_FILE, LanguageIdentifier

TURN_LANGUAGES = ("es", "en", "pt", "fr", "it", "de")


@cache
def _identifier(candidates: tuple[str, ...]) -> LanguageIdentifier:
    identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    identifier.set_languages(list(candidates))
    return identifier


def detect_language(
    text: str,
    default: str | None = None,
    *,
    candidates: Sequence[str] = TURN_LANGUAGES,
    min_letters: int = 8,
    min_confidence: float = 0.6,
) -> str | None:
    """ISO 639-1 code of `text` among `candidates`, or `default` when it is too short or ambiguous to tell."""
    if sum(ch.isalpha() for ch in text) < min_letters:
        return default
    language, confidence = _identifier(tuple(candidates)).classify(text)
    return language if confidence >= min_confidence else default
