"""Diversity forcing (whitepaper 6.3, issue #5): no conversation kept more than three times, exact or near-duplicate.

Each dialogue becomes the set of its word shingles (see `dedup_shingles` for the normalisation); a MinHash signature
of that set goes into a datasketch `MinHashLSH` index. Conversations are taken in input order: each is compared with
the LSH candidates among those before it, joins the cluster of every candidate whose estimated Jaccard similarity
(share of equal signature values) reaches the threshold, and is kept while fewer than `max_copies` of its cluster
were kept. Identical normalised texts always cluster, whatever the estimate.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator
from itertools import islice

import numpy as np
from datasketch import LeanMinHash, MinHashLSH

from scsf.errors import ConfigError, ScsfError
from scsf.eval.dedup_clusters import Clusters, DuplicateDecision
from scsf.eval.dedup_minhash import SCHEME, SignatureHasher
from scsf.eval.dedup_shingles import MAX_SHINGLE, ShingleHasher, words
from scsf.seeds.conversation import Conversation

__all__ = ["DuplicateDecision", "dialogue_text", "find_near_duplicates"]

BATCH = 2048  # conversations hashed together


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


class _Signatures:
    """Signature rows by input position, in a buffer that doubles as it fills."""

    def __init__(self, num_perm: int) -> None:
        self._rows = np.empty((BATCH, num_perm), dtype=np.uint32)
        self.count = 0

    def extend(self, rows: np.ndarray) -> None:
        while self.count + len(rows) > len(self._rows):
            self._rows = np.concatenate((self._rows, np.empty_like(self._rows)))
        self._rows[self.count : self.count + len(rows)] = rows
        self.count += len(rows)

    def similarity(self, position: int, others: list[int]) -> np.ndarray:
        """Estimated Jaccard similarity of `position` with each of `others`."""
        return (self._rows[others] == self._rows[position]).mean(axis=1)


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
        index = MinHashLSH(threshold=threshold, num_perm=num_perm)
    except ValueError as error:
        raise ConfigError(f"no LSH banding for threshold {threshold} with num_perm {num_perm}: {error}") from error
    shingles, hasher = ShingleHasher(shingle), SignatureHasher(num_perm, seed)
    signatures, clusters = _Signatures(num_perm), Clusters(max_copies)
    ids: list[str] = []
    first_position: dict[str, int] = {}
    exact: dict[bytes, int] = {}
    decisions: list[DuplicateDecision] = []
    for batch in _batches(items):
        token_lists = [words(text) for _, text in batch]
        rows = hasher.signatures(*shingles.hash_batch(token_lists))
        signatures.extend(rows)
        for (conversation_id, _), tokens, row in zip(batch, token_lists, rows, strict=True):
            position = len(ids)
            if first_position.setdefault(conversation_id, position) != position:
                raise ScsfError(f"conversation {conversation_id!r} given twice to the duplicate check", title="dedup")
            ids.append(conversation_id)
            digest = hashlib.blake2b("\x1f".join(tokens).encode("utf-8"), digest_size=16).digest()
            same_text = exact.setdefault(digest, position)
            if same_text != position:
                neighbours = [same_text]  # an identical text: its twin's LSH entry already stands for it
            else:
                sketch = LeanMinHash(seed=seed, hashvalues=row, scheme=SCHEME)
                candidates = index.query(sketch)
                close = signatures.similarity(position, candidates) >= threshold if candidates else []
                neighbours = [c for c, near in zip(candidates, close, strict=True) if near]
                index.insert(position, sketch, check_duplication=False)
            twin, kept, rejected = clusters.add(neighbours)
            decisions.append(DuplicateDecision(conversation_id, None if twin is None else ids[twin], kept, rejected))
    return decisions
