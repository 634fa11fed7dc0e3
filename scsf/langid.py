"""Language detection in code (never by asking a model), with the model bundled in py3langid: offline.

`detect_language` answers for one text; `detect_languages` gives the same answers for a batch of texts. py3langid
scores one text at a time: a walk over its bytes (the feature counts), then a few small numpy operations, whose
per-call overhead is most of its cost on chat turns. `detect_languages` keeps the walks per text (the same function,
same model) and scores the batch in one float64 computation. Between two languages the softmax confidence of the
better one is `1 / (1 + exp(-|d|))`, `d` the length-scaled score difference, so it reaches `min_confidence` c exactly
when `|d| >= ln(c / (1 - c))`. py3langid computes `d` in float32: where a text's `|d|` lies within a bound of that
rounding error from the threshold, its answer comes from `detect_language` itself (and so does every answer among
more than two candidates).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import cache

import numpy as np
from py3langid.langid import MODEL_FILE, LanguageIdentifier, visit_counts

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


_ROUNDING = 2.0**-23
"""Twice float32's unit roundoff: per term of a sum, a generous bound on py3langid's relative rounding error."""
_SOFTMAX_SLACK = 1e-5
"""Bound on the error in `d` of py3langid's float32 scaling and softmax (a few roundoffs on values near 1)."""


def _has_letters(text: str, count: int) -> bool:
    """`sum(ch.isalpha() for ch in text) >= count`, stopping at the `count`-th letter."""
    if count <= 0:
        return True
    for ch in text:
        if ch.isalpha():
            count -= 1
            if not count:
                return True
    return False


def detect_languages(
    texts: Sequence[str], default: str, *, candidates: Sequence[str], min_letters: int, min_confidence: float
) -> list[str]:
    """`detect_language(text, default, ...)` for each text, with the same arguments, scored as one batch (module
    docstring)."""

    def one(text: str) -> str:
        found = detect_language(
            text, default, candidates=candidates, min_letters=min_letters, min_confidence=min_confidence
        )
        return found if found is not None else default

    identifier = _identifier(tuple(candidates))
    if len(identifier.nb_classes) != 2 or identifier._alias_pairs or not 0.5 < min_confidence < 1:
        return [one(text) for text in texts]
    found = [default] * len(texts)
    scored, features, counts, ends, scales = [], [], [], [], []
    for k, text in enumerate(texts):
        if not _has_letters(text, min_letters):
            continue
        data = identifier._encode(text)
        visits = visit_counts(identifier.tk_nextmove, identifier._rowbase, identifier.tk_output, data)
        if not visits:
            continue  # no feature: both languages equally likely, confidence 0.5
        scored.append(k)
        features += visits.keys()
        counts += visits.values()
        ends.append(len(features))
        scales.append(1.0 / math.sqrt(len(data) or 1))
    if not scored:
        return found
    table = identifier.nb_ptc[np.asarray(features, dtype=np.intp)].astype(np.float64)
    weights = np.log1p(np.asarray(counts, dtype=np.float64))
    starts = np.asarray([0, *ends[:-1]], dtype=np.intp)
    prior = identifier.nb_pc.astype(np.float64)
    diff = np.add.reduceat(weights * (table[:, 0] - table[:, 1]), starts) + (prior[0] - prior[1])
    size = np.add.reduceat(weights * (np.abs(table[:, 0]) + np.abs(table[:, 1])), starts) + np.abs(prior).sum()
    terms = np.diff(np.asarray([0, *ends], dtype=np.float64))
    scale = np.asarray(scales)
    margin = np.abs(diff) * scale - math.log(min_confidence / (1 - min_confidence))
    bound = (terms + 2) * _ROUNDING * size * scale + _SOFTMAX_SLACK
    first, second = identifier.nb_classes
    for k, d, m, b in zip(scored, diff.tolist(), margin.tolist(), bound.tolist(), strict=True):
        if abs(m) <= b:
            found[k] = one(texts[k])
        elif m > 0:
            found[k] = first if d > 0 else second
    return found
