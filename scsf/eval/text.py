"""Text normalisation shared by the metrics: Unicode-aware lower-case word tokens, accents folded where asked."""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[^\W_]+")


def fold(text: str) -> str:
    """Lower case without accents ("Cálculo" -> "calculo"); ñ becomes n, which keeps words distinct enough."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def words(text: str) -> list[str]:
    """Lower-case word tokens (letters and digits, any script), accents kept: the tokens TTR counts."""
    return WORD.findall(text.lower())


def folded_words(text: str) -> list[str]:
    """Word tokens of the accent-folded text: the tokens the stage labeller and the repetition check compare."""
    return WORD.findall(fold(text))
