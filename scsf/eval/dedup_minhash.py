"""MinHash signatures of many shingle sets at once, in datasketch's default "affine32" scheme.

`datasketch.MinHash.update_batch` does the same arithmetic one set at a time; here a whole batch of sets is permuted
as one (num_perm x shingles) uint32 matrix and reduced per set with `np.minimum.reduceat` along its rows. The input
hash of a shingle is the upper 32 bits of its 64-bit hash. The permutation parameters
are datasketch's own for (num_perm, seed), so the signatures are valid datasketch `LeanMinHash` hash values.
"""

from __future__ import annotations

import numpy as np
from datasketch import MinHash

SCHEME = "affine32"
EMPTY = np.uint32(0xFFFFFFFF)  # the hash value of a set with no element
_CHUNK_CELLS = 1 << 23  # permuted values held at once (32 MiB of uint32)


def _fmix32(values: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer, which the affine32 scheme applies before permuting."""
    values = values ^ (values >> np.uint32(16))
    values = values * np.uint32(0x85EBCA6B)
    values = values ^ (values >> np.uint32(13))
    values = values * np.uint32(0xC2B2AE35)
    return values ^ (values >> np.uint32(16))


class SignatureHasher:
    """Signatures for (num_perm, seed): row i is the MinHash of shingle set i."""

    def __init__(self, num_perm: int, seed: int) -> None:
        multipliers, increments = MinHash(num_perm=num_perm, seed=seed, scheme=SCHEME).permutations
        self.num_perm = num_perm
        self.seed = seed
        self._multipliers = multipliers.astype(np.uint32)
        self._increments = increments.astype(np.uint32)
        self._hashes_per_chunk = max(1, _CHUNK_CELLS // num_perm)

    def _permuted(self, hashes: np.ndarray) -> np.ndarray:
        """(num_perm, len(hashes)): every permutation of every input hash."""
        inputs = _fmix32((hashes >> np.uint64(32)).astype(np.uint32))
        return inputs * self._multipliers[:, None] + self._increments[:, None]

    def signatures(self, hashes: np.ndarray, offsets: np.ndarray) -> np.ndarray:
        """(sets, num_perm) uint32: row i for the uint64 hashes[offsets[i]:offsets[i + 1]], all EMPTY if none."""
        result = np.full((len(offsets) - 1, self.num_perm), EMPTY, dtype=np.uint32)
        for first, last in self._chunks(offsets):
            begin, end = offsets[first], offsets[last]
            if last - first == 1:  # one set, possibly larger than a chunk: fold its slices
                for start in range(begin, end, self._hashes_per_chunk):
                    permuted = self._permuted(hashes[start : min(end, start + self._hashes_per_chunk)])
                    np.minimum(result[first], permuted.min(axis=1), out=result[first])
                continue
            starts = offsets[first:last]
            filled = offsets[first + 1 : last + 1] > starts
            if filled.any():
                permuted = self._permuted(hashes[begin:end])
                result[first:last][filled] = np.minimum.reduceat(permuted, starts[filled] - begin, axis=1).T
        return result

    def _chunks(self, offsets: np.ndarray) -> list[tuple[int, int]]:
        """Consecutive set ranges [first, last) of at most one chunk of shingles each (or a single larger set)."""
        ranges, first, sets = [], 0, len(offsets) - 1
        while first < sets:
            last = int(np.searchsorted(offsets, offsets[first] + self._hashes_per_chunk, side="right")) - 1
            last = min(max(last, first + 1), sets)
            ranges.append((first, last))
            first = last
        return ranges
