"""Text normalisation shared by the metrics and near-duplicate detection: Unicode-aware lower-case word tokens, accents
folded where asked.

Folding is case folding, then Unicode NFKD with the combining diacritical marks it splits off dropped: LLM output
spells Spanish "crédito" and "credito" alike, so both are one word; "ñ" becomes "n", which keeps words distinct enough.
Words are runs of letters and digits of any script (`str.isalnum`); punctuation, "_" and whitespace only separate them.
"""

from __future__ import annotations

import re
import unicodedata

WORD = re.compile(r"[^\W_]+")
COMBINING_MARKS = (0x300, 0x36F)  # the combining diacritical marks NFKD splits off accented Latin letters
_MARKS = re.compile(f"[{chr(COMBINING_MARKS[0])}-{chr(COMBINING_MARKS[1])}]+")


def decompose(text: str) -> str:
    """Case-folded NFKD text, combining marks still in: `fold` drops them here, `dedup_shingles` from code points."""
    return unicodedata.normalize("NFKD", text.casefold())


def fold(text: str) -> str:
    """Case- and accent-folded text ("Cálculo" -> "calculo")."""
    return _MARKS.sub("", decompose(text))


def words(text: str) -> list[str]:
    """Lower-case word tokens, accents kept: the tokens TTR counts."""
    return WORD.findall(text.lower())


def folded_words(text: str) -> list[str]:
    """Word tokens of the folded text: the tokens the stage labeller and the repetition check compare."""
    return WORD.findall(fold(text))


def clip(text: str, limit: int) -> str:
    """`text` on one line (runs of whitespace as one space), cut to `limit` characters with an ellipsis."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"
