"""Lexical diversity (Table 1): type-token ratio of the dialogue, with MATTR beside it because raw TTR falls as a
conversation grows longer.

TTR = distinct tokens / tokens over every message turn (lower-case word tokens, see `scsf.eval.text.words`).
MATTR (moving-average TTR, Covington & McFall 2010) = mean TTR of every window of `window` consecutive tokens; with
fewer tokens than the window it equals TTR.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from scsf.eval.base import DIVERSIDAD_LEXICA, MetricResult, at_least
from scsf.eval.text import words

MATTR_WINDOW = 50


def type_token_ratio(tokens: Sequence[str]) -> float:
    return len(set(tokens)) / len(tokens) if tokens else 0.0


def moving_average_ttr(tokens: Sequence[str], window: int = MATTR_WINDOW) -> float:
    """Mean TTR over all windows of `window` tokens, updated incrementally (linear in the token count)."""
    if len(tokens) <= window:
        return type_token_ratio(tokens)
    counts = Counter(tokens[:window])
    total = len(counts)
    for start in range(1, len(tokens) - window + 1):
        leaving, entering = tokens[start - 1], tokens[start + window - 1]
        counts[leaving] -= 1
        if not counts[leaving]:
            del counts[leaving]
        counts[entering] += 1
        total += len(counts)
    return total / (len(tokens) - window + 1) / window


def lexical_diversity(texts: Sequence[str], threshold: float, window: int = MATTR_WINDOW) -> MetricResult:
    """TTR of the message texts as the score; MATTR, token and type counts in the details."""
    tokens = [token for text in texts for token in words(text)]
    details = {
        "ttr": round(type_token_ratio(tokens), 4),
        "mattr": round(moving_average_ttr(tokens, window), 4),
        "mattr_window": window,
        "tokens": len(tokens),
        "types": len(set(tokens)),
    }
    reasons = [] if tokens else ["the dialogue has no word tokens"]
    return at_least(DIVERSIDAD_LEXICA, type_token_ratio(tokens), threshold, reasons, details)
