"""`scsf.langid.detect_languages`, batched, answers what `detect_language` answers text by text."""

from __future__ import annotations

import random

import pytest
from py3langid.langid import visit_counts

from scsf import langid
from scsf.langid import detect_languages

KW = {"candidates": ("es", "en"), "min_letters": 3, "min_confidence": 0.75}
TEXTS = [
    "Hola, me llamo Juan Pérez, mi cel es 55 1234 5678",
    "Hi, my name is John Smith, email john.smith@gmail.com",
    "",
    "ok",
    "12 34",
    "¿Cuánto quedaría de mensualidad?",
    "Sure, call me at +1 (415) 555-2671",
    "GRACIAS POR TODO",
    "ok fany gracias",
    "😀😀 abc",
    "the",
]


def _mixed(n: int) -> list[str]:
    """Short word salads of both languages, often too mixed to decide."""
    rng = random.Random(7)
    words = [*" ".join(TEXTS).split(), "de", "la", "que", "el", "en", "y", "los", "por", "the", "and", "to", "of"]
    return [" ".join(rng.choice(words) for _ in range(rng.randint(1, 8))) for _ in range(n)]


def test_same_answers_as_text_by_text() -> None:
    texts = TEXTS + _mixed(2000)
    expected = [langid.detect_language(text, "es", **KW) for text in texts]
    assert detect_languages(texts, "es", **KW) == expected
    assert set(expected) == {"es", "en"}
    assert detect_languages([], "es", **KW) == []


def test_the_batch_walk_counts_what_py3langid_counts() -> None:
    texts = [*TEXTS, *_mixed(300), "Olá, não sei; ÑANDÚ über", "São Paulo ☕ naïve façade"]
    identifier = langid._identifier(KW["candidates"])
    data = [identifier._encode(text) for text in texts]
    owners, features, counts = langid._feature_counts(langid._automaton(KW["candidates"]), data, len(identifier.nb_ptc))
    found: dict[int, dict[int, int]] = {}
    for k, feature, count in zip(owners.tolist(), features.tolist(), counts.tolist(), strict=True):
        found.setdefault(k, {})[feature] = count
    for k, bytes_ in enumerate(data):
        visits = visit_counts(identifier.tk_nextmove, identifier._rowbase, identifier.tk_output, bytes_)
        assert found.get(k) == (dict(visits) if visits else None)


def test_among_six_languages_and_without_a_default() -> None:
    texts = [
        *TEXTS, *_mixed(500), "Olá, tudo bem? Eu gostaria de saber o preço do carro.",
        "Bonjour, je voudrais savoir le prix de la voiture.", "Guten Tag, ich möchte den Preis des Autos wissen.",
        "Ciao, vorrei sapere il prezzo della macchina.",
    ]  # fmt: skip
    six = {"candidates": langid.TURN_LANGUAGES, "min_letters": 8, "min_confidence": 0.6}
    expected = [langid.detect_language(text, None, **six) for text in texts]
    assert detect_languages(texts, None, **six) == expected
    assert {"pt", "fr", "de", "it", None} <= set(expected)


def test_a_text_at_the_threshold_is_decided_text_by_text(monkeypatch: pytest.MonkeyPatch) -> None:
    text = TEXTS[0]
    _, confidence = langid._identifier(KW["candidates"]).classify(text)
    asked = []
    single = langid.detect_language
    monkeypatch.setattr(langid, "detect_language", lambda t, *a, **k: asked.append(t) or single(t, *a, **k))
    at_threshold = {**KW, "min_confidence": confidence}
    expected = [single(t, "es", **at_threshold) for t in (text, TEXTS[1])]
    assert detect_languages([text, TEXTS[1]], "es", **at_threshold) == expected
    assert asked == [text]


def test_letter_count_stops_early() -> None:
    assert langid._has_letters("ab1c", 3) and not langid._has_letters("ab 12", 3)
    assert langid._has_letters("", 0)
