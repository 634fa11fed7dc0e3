"""Language detection in code (never by asking a model), with the model bundled in py3langid: offline.

`detect_language` answers for one text; `detect_languages` gives the same answers for a batch of texts, computed for
the batch at once: py3langid works one text at a time (a walk over its bytes in Python, then a few small numpy
operations), which is most of the cost on chat turns.
- The walk: py3langid's byte automaton finds the longest recent byte string that is a prefix of one of its features;
  no state stands for more than `depth` bytes (6), so the state after a byte is the one reached from the start over
  the last `depth` bytes, and every position of the batch takes its `depth` steps together.
- The scores: the same naive Bayes sums in float64. py3langid computes them in float32: the softmax confidence of
  the best language, `1 / sum(exp(-gap))` over the gaps to the others' length-scaled scores, is bracketed by the
  gaps moved by a bound of that rounding error; where the bracket holds `min_confidence`, or the two best languages
  lie within it, the answer comes from `detect_language` itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import NamedTuple, TypeVar

import numpy as np
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


_ROUNDING = 2.0**-23
"""Twice float32's unit roundoff: per term of a sum, a generous bound on py3langid's relative rounding error."""
_SOFTMAX_SLACK = 1e-5
"""Bound on the error in a gap of py3langid's float32 scaling and softmax (a few roundoffs on values near 1)."""

_Default = TypeVar("_Default", bound=str | None)


class _Automaton(NamedTuple):
    """py3langid's byte automaton as arrays: next state at `row_base[state] + byte`, the feature of each state (or
    -1), and the longest byte string a state stands for."""

    next_move: np.ndarray
    row_base: np.ndarray
    output: np.ndarray
    depth: int


@cache
def _automaton(candidates: tuple[str, ...]) -> _Automaton:
    identifier = _identifier(candidates)
    next_move = np.frombuffer(identifier.tk_nextmove, dtype=np.dtype(identifier.tk_nextmove.typecode))
    row_base = np.asarray(identifier._rowbase, dtype=np.intp)
    moves, rows = next_move.reshape(-1, 256), row_base >> 8
    depth, seen, frontier = 0, np.zeros(len(rows), dtype=bool), np.zeros(1, dtype=np.intp)
    seen[0] = True
    while frontier.size:  # breadth first from the start: a state's distance is the length it stands for
        reached = np.zeros(len(rows), dtype=bool)
        reached[moves[np.unique(rows[frontier])]] = True
        frontier = np.flatnonzero(reached & ~seen)
        seen[frontier] = True
        depth += bool(frontier.size)
    return _Automaton(next_move, row_base, np.asarray(identifier.tk_output, dtype=np.intp), depth)


def _feature_counts(automaton: _Automaton, data: Sequence[bytes], features: int) -> tuple[np.ndarray, ...]:
    """(text index, feature, count) of every feature py3langid's `visit_counts` finds in each of `data`, sorted by
    text and feature (module docstring)."""
    lengths = np.fromiter(map(len, data), dtype=np.intp, count=len(data))
    buffer = np.frombuffer(b"".join(data), dtype=np.uint8).astype(np.intp)
    owner = np.repeat(np.arange(len(data)), lengths)
    offset = np.arange(buffer.size) - np.repeat(np.cumsum(lengths) - lengths, lengths)  # position within its text
    state = np.zeros(buffer.size, dtype=np.intp)
    for back in range(automaton.depth - 1, -1, -1):
        reading = np.flatnonzero(offset >= back)
        state[reading] = automaton.next_move[automaton.row_base[state[reading]] + buffer[reading - back]]
    found = automaton.output[state]
    keys, counts = np.unique(owner[found >= 0] * features + found[found >= 0], return_counts=True)
    return keys // features, keys % features, counts


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
    texts: Sequence[str],
    default: _Default,
    *,
    candidates: Sequence[str] = TURN_LANGUAGES,
    min_letters: int = 8,
    min_confidence: float = 0.6,
) -> list[str | _Default]:
    """`detect_language(text, default, ...)` for each text, with the same arguments, computed for the batch at once
    (module docstring)."""

    def one(text: str) -> str | _Default:
        found = detect_language(
            text, default, candidates=candidates, min_letters=min_letters, min_confidence=min_confidence
        )
        return default if found is None else found

    identifier = _identifier(tuple(candidates))
    if len(identifier.nb_classes) < 2 or identifier._alias_pairs or not 0.5 < min_confidence < 1:
        return [one(text) for text in texts]
    found: list[str | _Default] = [default] * len(texts)
    lettered = [k for k, text in enumerate(texts) if _has_letters(text, min_letters)]
    data = [identifier._encode(texts[k]) for k in lettered]
    owners, features, counts = _feature_counts(_automaton(tuple(candidates)), data, len(identifier.nb_ptc))
    if not owners.size:
        return found  # no feature anywhere: every language equally likely, below min_confidence
    starts = np.flatnonzero(np.r_[True, owners[1:] != owners[:-1]])
    scored = owners[starts]  # texts without a feature keep the default, as above
    table = identifier.nb_ptc[features].astype(np.float64)
    weights = np.log1p(counts.astype(np.float64))
    prior = identifier.nb_pc.astype(np.float64)
    scale = 1.0 / np.sqrt(np.maximum(np.fromiter(map(len, data), dtype=np.float64, count=len(data))[scored], 1))
    scores = (np.add.reduceat(weights[:, None] * table, starts) + prior) * scale[:, None]
    size = np.add.reduceat(weights * np.abs(table).sum(axis=1), starts) + np.abs(prior).sum()
    terms = np.diff(np.r_[starts, features.size])
    bound = ((terms + 2) * _ROUNDING * size * scale + _SOFTMAX_SLACK)[:, None]
    rows, best = np.arange(len(scored)), scores.argmax(axis=1)
    gaps = scores[rows, best][:, None] - scores
    gaps[rows, best] = np.inf
    low = 1 / (1 + np.exp(-(gaps - bound)).sum(axis=1))
    high = 1 / (1 + np.exp(-(gaps + bound)).sum(axis=1))
    unsure = (gaps.min(axis=1) <= 2 * bound[:, 0]) | ((low < min_confidence) & (high >= min_confidence))
    decided = (low >= min_confidence).tolist()
    for k, language, ask, sure in zip(scored.tolist(), best.tolist(), unsure.tolist(), decided, strict=True):
        if ask:
            found[lettered[k]] = one(texts[lettered[k]])
        elif sure:
            found[lettered[k]] = identifier.nb_classes[language]
    return found
