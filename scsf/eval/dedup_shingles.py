"""Word shingles of normalised dialogue text, hashed in numpy over a whole batch of texts at once.

Normalisation and words are those of `scsf.eval.text` (case and accents folded; runs of letters and digits of any
script), the combining marks dropped here from the batch's code points in numpy. A shingle is `size`
consecutive words; a text shorter than `size` words is one shingle, a text without words has none.

No Python code runs per word: the batch becomes one array of code points, each word a polynomial hash of its code
points (prefix sums modulo 2**64), each shingle a weighted sum of its word hashes, mixed by MurmurHash3's finalizer.
"""

from __future__ import annotations

import hashlib
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

import numpy as np

from scsf.eval.text import COMBINING_MARKS, decompose

_MULTIPLIERS = np.array(  # odd 64-bit constants (splitmix64's): word j of a shingle is weighed by the j-th
    [0x9E3779B97F4A7C15, 0xBF58476D1CE4E5B9, 0x94D049BB133111EB, 0xD6E8FEB86659FD93,
     0xA0761D6478BD642F, 0xE7037ED1A0B428DB, 0x8EBC6AF09C88C6E3, 0x589965CC75374CC3],
    dtype=np.uint64,
)  # fmt: skip
MAX_SHINGLE = len(_MULTIPLIERS)
_BASE = 0x100000001B3  # odd, so invertible modulo 2**64
_BASE_INVERSE = pow(_BASE, -1, 1 << 64)
_SEPARATOR = "\x00"  # between the texts of a batch; never part of a word
_PAD = np.uint64(0)  # word hash filling a text shorter than one shingle; real word hashes are odd


@dataclass(frozen=True)
class ShingleBatch:
    """Text i's shingle hashes are hashes[offsets[i]:offsets[i + 1]]; equal `text_keys` mean identical word lists."""

    hashes: np.ndarray  # uint64, in word order, repeats kept
    offsets: np.ndarray
    text_keys: list[bytes]

    def distinct(self) -> tuple[np.ndarray, np.ndarray]:
        """(hashes, offsets) again, with each text's hashes sorted and their repeats dropped: its shingle set."""
        texts = len(self.offsets) - 1
        text_of = np.repeat(np.arange(texts), np.diff(self.offsets))
        order = np.lexsort((self.hashes, text_of))
        hashes, text_of = self.hashes[order], text_of[order]
        first = np.ones(len(hashes), dtype=bool)
        first[1:] = (hashes[1:] != hashes[:-1]) | (text_of[1:] != text_of[:-1])
        return hashes[first], np.concatenate(([0], np.cumsum(np.bincount(text_of[first], minlength=texts))))


def _fmix64(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 64-bit finalizer: an avalanching bijection on uint64."""
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xFF51AFD7ED558CCD)
    values = values ^ (values >> np.uint64(33))
    values = values * np.uint64(0xC4CEB9FE1A85EC53)
    return values ^ (values >> np.uint64(33))


class _Powers:
    """base**0, base**1, ... modulo 2**64, kept for the longest batch seen (numpy's cumprod is slow)."""

    def __init__(self, base: int) -> None:
        self.base = base
        self._values = np.ones(1, dtype=np.uint64)

    def first(self, count: int) -> np.ndarray:
        if count > len(self._values):
            factors = np.full(max(count, 2 * len(self._values)), self.base, dtype=np.uint64)
            factors[0] = 1
            self._values = np.cumprod(factors)
        return self._values[:count]


_POWERS, _INVERSE_POWERS = _Powers(_BASE), _Powers(_BASE_INVERSE)


@cache
def _word_characters() -> np.ndarray:
    """For every code point, whether it is a letter or digit (str.isalnum)."""
    return np.fromiter((chr(code).isalnum() for code in range(sys.maxunicode + 1)), dtype=bool)


def _code_points(texts: Sequence[str]) -> np.ndarray:
    """The batch's normalised code points, texts joined by the separator (code point 0), combining marks removed."""
    joined = _SEPARATOR.join(text.replace(_SEPARATOR, " ") for text in texts)
    normalised = decompose(joined).encode("utf-32-le", "surrogatepass")
    points = np.frombuffer(normalised, dtype=np.uint32)  # a lone surrogate (broken JSON text) is no letter
    return points[(points < COMBINING_MARKS[0]) | (points > COMBINING_MARKS[1])]


def _word_hashes(texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(odd uint64 hash of each word in batch order, number of words of each text)."""
    points = _code_points(texts)
    word = _word_characters()[points]
    edges = np.diff(np.concatenate(([False], word, [False])).astype(np.int8))
    starts, ends = np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)
    prefix = np.concatenate((np.zeros(1, np.uint64), np.cumsum(points * _POWERS.first(len(points)))))
    polynomial = (prefix[ends] - prefix[starts]) * _INVERSE_POWERS.first(len(points))[starts]
    hashes = _fmix64(polynomial + (ends - starts).astype(np.uint64)) | np.uint64(1)
    text_of_word = np.searchsorted(np.flatnonzero(points == 0), starts)
    return hashes, np.bincount(text_of_word, minlength=len(texts))


def shingle_batch(texts: Sequence[str], size: int) -> ShingleBatch:
    """The `size`-word shingle hashes of every text of the batch."""
    if not 1 <= size <= MAX_SHINGLE:
        raise ValueError(f"shingle size must be 1..{MAX_SHINGLE}, got {size}")
    hashes, lengths = _word_hashes(texts)
    word_offsets = np.concatenate(([0], np.cumsum(lengths)))
    keys = [
        hashlib.blake2b(hashes[begin:end].tobytes(), digest_size=16).digest()
        for begin, end in zip(word_offsets[:-1].tolist(), word_offsets[1:].tolist(), strict=True)
    ]
    padded_starts = word_offsets[:-1] + np.arange(len(texts)) * (size - 1)
    padded = np.full(len(hashes) + len(texts) * (size - 1), _PAD, dtype=np.uint64)
    padded[np.repeat(padded_starts - word_offsets[:-1], lengths) + np.arange(len(hashes))] = hashes
    windows = max(len(padded) - size + 1, 0)
    combined = np.zeros(windows, dtype=np.uint64)
    for position in range(size):
        combined += padded[position : position + windows] * _MULTIPLIERS[position]
    counts = np.where(lengths > 0, np.maximum(lengths - size + 1, 1), 0)
    offsets = np.concatenate(([0], np.cumsum(counts)))
    within = np.arange(offsets[-1]) - np.repeat(offsets[:-1], counts)
    return ShingleBatch(_fmix64(combined[np.repeat(padded_starts, counts) + within]), offsets, keys)
