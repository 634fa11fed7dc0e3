"""The exact reference for `find_near_duplicates`: Jaccard similarity of every pair of shingle sets, no sketching.

All pairs at once as a sparse product: with X the (texts x distinct shingles) 0/1 matrix, X @ X.T holds every
intersection size. Same normalisation, shingles, clustering and input-order decisions as the LSH path; the 64-bit
shingle hashes stand for the shingles themselves.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy import sparse

from scsf.eval.dedup_clusters import Clusters, DuplicateDecision
from scsf.eval.dedup_shingles import ShingleBatch, shingle_batch

_ROWS_PER_BLOCK = 512


def shingle_sets(batch: ShingleBatch) -> list[np.ndarray]:
    """Each text's distinct shingle hashes, sorted."""
    hashes, offsets = batch.distinct()
    return np.split(hashes, offsets[1:-1])


def jaccard(left: np.ndarray, right: np.ndarray) -> float:
    """Jaccard similarity of two sorted distinct arrays (1.0 for two empty ones)."""
    union = len(np.union1d(left, right))
    return len(np.intersect1d(left, right, assume_unique=True)) / union if union else 1.0


def exact_near_duplicates(
    items: Sequence[tuple[str, str]], *, threshold: float = 0.8, max_copies: int = 3, shingle: int = 3
) -> list[DuplicateDecision]:
    """Like `find_near_duplicates`, with the exact Jaccard similarity of every earlier conversation."""
    batch = shingle_batch([text for _, text in items], shingle)
    sets = shingle_sets(batch)
    sizes = np.array([len(s) for s in sets], dtype=np.int64)
    columns = np.unique(np.concatenate(sets), return_inverse=True)[1] if sizes.sum() else np.zeros(0, dtype=np.int64)
    matrix = sparse.csr_matrix(
        (np.ones(len(columns), dtype=np.int32), columns, np.concatenate(([0], np.cumsum(sizes)))),
        shape=(len(sets), int(columns.max(initial=-1)) + 1),
    )
    first_with_words: dict[bytes, int] = {}
    clusters, decisions = Clusters(max_copies), []
    for start in range(0, len(sets), _ROWS_PER_BLOCK):
        rows = slice(start, min(start + _ROWS_PER_BLOCK, len(sets)))
        shared = (matrix[rows] @ matrix[: rows.stop].T).toarray()
        union = sizes[rows, None] + sizes[None, : rows.stop] - shared
        similar = np.divide(shared, union, out=np.zeros(shared.shape), where=union > 0) >= threshold
        for offset, position in enumerate(range(rows.start, rows.stop)):
            neighbours = np.flatnonzero(similar[offset, :position]).tolist()
            same_text = first_with_words.setdefault(batch.text_keys[position], position)
            if same_text != position:
                neighbours.append(same_text)
            decisions.append(clusters.add(items[position][0], neighbours))
    return decisions
