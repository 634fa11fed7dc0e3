"""Word shingles of normalised dialogue text, hashed to 32-bit integers in numpy batches.

Normalisation: case folded, accents folded (LLM output spells Spanish "crédito" and "credito" alike, so both count as
one word; "ñ" folds to "n"), punctuation and whitespace runs only separate words (runs of letters and digits).
A shingle is `size` consecutive words; a text shorter than `size` words is one shingle, an empty text has none.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Sequence

import numpy as np

_WORD = re.compile(r"[^\W_]+")  # letters and digits of any script, as scsf.eval.text counts words
_PAD = 0  # hash of the padding word that fills a text shorter than one shingle
_MULTIPLIERS = np.array(  # odd 64-bit constants (splitmix64 outputs): position j of a shingle weighs by the j-th
    [0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0xD6E8FEB86659FD93,
     0xA0761D6478BD642F, 0xE7037ED1A0B428DB, 0x8EBC6AF09C88C6E3, 0x589965CC75374CC3],
    dtype=np.uint64,
)  # fmt: skip
MAX_SHINGLE = len(_MULTIPLIERS)


def _accent_table() -> dict[int, str]:
    """Latin letters with diacritics (U+00C0..U+024F) mapped to their base letters."""
    table = {}
    for code in range(0xC0, 0x250):
        base = "".join(c for c in unicodedata.normalize("NFKD", chr(code)) if not unicodedata.combining(c))
        if base and base != chr(code):
            table[code] = base
    return table


_FOLD = _accent_table()


def words(text: str) -> list[str]:
    """The normalised words of a text, in order."""
    return _WORD.findall(text.casefold().translate(_FOLD))


class _WordHashes(dict[str, int]):
    """Stable 64-bit hash of each word (blake2b), computed once per distinct word."""

    def __missing__(self, word: str) -> int:
        value = int.from_bytes(hashlib.blake2b(word.encode("utf-8"), digest_size=8).digest(), "little") or 1
        self[word] = value
        return value


def _fmix64(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer: spreads the combined word hashes over all bits."""
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xFF51AFD7ED558CCD)
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xC4CEB9FE1A85EC53)
    return values ^ (values >> np.uint64(33))


class ShingleHasher:
    """Hashes the `size`-word shingles of many word lists at once; the word cache persists across batches."""

    def __init__(self, size: int) -> None:
        if not 1 <= size <= MAX_SHINGLE:
            raise ValueError(f"shingle size must be 1..{MAX_SHINGLE}, got {size}")
        self.size = size
        self._word_hashes = _WordHashes()

    def hash_batch(self, texts: Sequence[Sequence[str]]) -> tuple[np.ndarray, np.ndarray]:
        """(hashes, offsets): the uint32 shingle hashes of text i are hashes[offsets[i]:offsets[i + 1]]."""
        pad = [""] * (self.size - 1)  # "" never comes out of `words`, so it only ever pads
        self._word_hashes[""] = _PAD
        stream = [word for text in texts for word in (*text, *pad)]
        word_hashes = np.fromiter(map(self._word_hashes.__getitem__, stream), dtype=np.uint64, count=len(stream))
        windows = len(stream) - self.size + 1
        combined = np.zeros(max(windows, 0), dtype=np.uint64)
        for position in range(self.size):
            combined += word_hashes[position : position + windows] * _MULTIPLIERS[position]
        lengths = np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))
        starts = np.concatenate(([0], np.cumsum(lengths + self.size - 1)[:-1])).astype(np.int64)
        counts = np.where(lengths > 0, np.maximum(lengths - self.size + 1, 1), 0)
        offsets = np.concatenate(([0], np.cumsum(counts))).astype(np.int64)
        within = np.arange(offsets[-1], dtype=np.int64) - np.repeat(offsets[:-1], counts)
        picked = combined[np.repeat(starts, counts) + within]
        return (_fmix64(picked) >> np.uint64(32)).astype(np.uint32), offsets
