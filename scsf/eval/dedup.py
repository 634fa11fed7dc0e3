"""Diversity forcing (whitepaper 6.3, issue #5): no conversation kept more than three times, exact or near-duplicate.

Each dialogue becomes the set of its word shingles (see `dedup_shingles` for the normalisation); its MinHash signature
goes into a datasketch `MinHashLSH` index, banded for recall (a pair right at the threshold becomes a candidate about
95% of the time with 128 permutations at 0.8). Conversations are taken in input order: each is compared with the LSH
candidates among those before it, joins the cluster of every candidate whose exact Jaccard similarity of shingle sets
reaches the threshold, and is kept while fewer than `max_copies` of its cluster were kept. Identical word lists always
cluster. So the only approximation is the LSH candidate step: it can miss a pair, never invent one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from itertools import islice

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

from scsf.errors import ConfigError
from scsf.eval.dedup_clusters import Clusters, DuplicateDecision
from scsf.eval.dedup_minhash import SCHEME, SignatureHasher
from scsf.eval.dedup_shingles import MAX_SHINGLE, shingle_batch
from scsf.seeds.conversation import Conversation

__all__ = ["DuplicateDecision", "dialogue_text", "find_near_duplicates"]

BATCH = 2048  # conversations hashed together
LSH_WEIGHTS = (0.05, 0.95)  # false positives are cheap (checked exactly), false negatives are missed duplicates


def dialogue_text(conversation: Conversation) -> str:
    """The text the duplicate check compares: the message turns, tool calls and tool results left out."""
    return "\n".join(turn.text for turn in conversation.messages())


def _check_parameters(threshold: float, max_copies: int, num_perm: int, shingle: int) -> None:
    if not 0.0 < threshold <= 1.0:
        raise ConfigError(f"near-duplicate threshold must be in (0, 1], got {threshold}")
    if max_copies < 1:
        raise ConfigError(f"max_copies must be at least 1, got {max_copies}")
    if num_perm < 16:
        raise ConfigError(f"num_perm must be at least 16, got {num_perm}")
    if not 1 <= shingle <= MAX_SHINGLE:
        raise ConfigError(f"shingle must be 1..{MAX_SHINGLE} words, got {shingle}")


def _batches(items: Iterable[tuple[str, str]]) -> Iterator[list[tuple[str, str]]]:
    iterator = iter(items)
    while batch := list(islice(iterator, BATCH)):
        yield batch


class _ShingleSets:
    """Every conversation's sorted shingle set, by input position, in one buffer that doubles as it fills."""

    def __init__(self) -> None:
        self._hashes = np.empty(1 << 20, dtype=np.uint64)
        self._offsets = [0]

    def extend(self, hashes: np.ndarray, offsets: np.ndarray) -> None:
        end = self._offsets[-1]
        while end + len(hashes) > len(self._hashes):
            self._hashes = np.concatenate((self._hashes, np.empty_like(self._hashes)))
        self._hashes[end : end + len(hashes)] = hashes
        self._offsets.extend((offsets[1:] + end).tolist())

    def _set(self, position: int) -> np.ndarray:
        return self._hashes[self._offsets[position] : self._offsets[position + 1]]

    def jaccard(self, position: int, other: int) -> float:
        mine, theirs = self._set(position), self._set(other)
        if not len(mine) or not len(theirs):
            return 0.0  # two empty sets are identical word lists, clustered before any estimate
        found = np.searchsorted(theirs, mine).clip(max=len(theirs) - 1)
        shared = int(np.count_nonzero(theirs[found] == mine))
        return shared / (len(mine) + len(theirs) - shared)


def find_near_duplicates(
    items: Iterable[tuple[str, str]],
    *,
    threshold: float = 0.8,
    max_copies: int = 3,
    num_perm: int = 128,
    shingle: int = 3,
    seed: int = 1,
) -> list[DuplicateDecision]:
    """items: (conversation_id, dialogue text) in a stable order (the order decides which copies are kept)."""
    _check_parameters(threshold, max_copies, num_perm, shingle)
    try:
        index = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=LSH_WEIGHTS)
    except ValueError as error:
        raise ConfigError(f"no LSH banding for threshold {threshold} with num_perm {num_perm}: {error}") from error
    hasher = SignatureHasher(num_perm, seed)
    sets, clusters = _ShingleSets(), Clusters(max_copies)
    first_with_words: dict[bytes, int] = {}
    decisions: list[DuplicateDecision] = []
    for batch in _batches(items):
        shingles = shingle_batch([text for _, text in batch], shingle)
        signatures = hasher.signatures(shingles.hashes, shingles.offsets)
        sets.extend(*shingles.distinct())
        for (conversation_id, _), text_key, signature in zip(batch, shingles.text_keys, signatures, strict=True):
            position = len(decisions)
            same_words = first_with_words.setdefault(text_key, position)
            if same_words != position:
                neighbours = [same_words]  # identical word lists: its twin's LSH entry already stands for it
            else:
                sketch = LeanMinHash(seed=seed, hashvalues=signature, scheme=SCHEME)
                candidates = index.query(sketch)
                neighbours = [other for other in candidates if sets.jaccard(position, other) >= threshold]
                index.insert(position, sketch, check_duplication=False)
            decisions.append(clusters.add(conversation_id, neighbours))
    return decisions
