"""Near-duplicate clusters decided in input order: at most `max_copies` kept per cluster, the rest rejected."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from scsf.errors import ScsfError


@dataclass(frozen=True)
class DuplicateDecision:
    """One conversation's verdict; `twin_id` is the first kept conversation of its cluster, None if it came first."""

    conversation_id: str
    twin_id: str | None
    copies_before: int  # conversations of its cluster already kept when it came
    rejected: bool  # True for the copies beyond max_copies


class Clusters:
    """Union-find over input positions; each root knows how many of its cluster were kept and the first kept one.

    Clusters are connected components: A~B and B~C put A, B and C in one cluster even when A and C are not alike.
    """

    def __init__(self, max_copies: int) -> None:
        self.max_copies = max_copies
        self._ids: list[str] = []
        self._positions: dict[str, int] = {}
        self._parent: list[int] = []
        self._kept: list[int] = []
        self._first_kept: list[int | None] = []

    def _root(self, position: int) -> int:
        parent = self._parent
        while parent[position] != position:
            parent[position] = parent[parent[position]]
            position = parent[position]
        return position

    def add(self, conversation_id: str, neighbours: Iterable[int]) -> DuplicateDecision:
        """Decide the next conversation, joined with the earlier positions in `neighbours`."""
        position = len(self._parent)
        if self._positions.setdefault(conversation_id, position) != position:
            raise ScsfError(f"conversation {conversation_id!r} given twice to the duplicate check", title="dedup")
        self._ids.append(conversation_id)
        self._parent.append(position)
        self._kept.append(0)
        self._first_kept.append(None)
        for root in {self._root(n) for n in neighbours}:
            self._parent[root] = position
            self._kept[position] += self._kept[root]
            earlier = self._first_kept[root]
            if earlier is not None and (self._first_kept[position] is None or earlier < self._first_kept[position]):
                self._first_kept[position] = earlier
        twin, kept = self._first_kept[position], self._kept[position]
        rejected = kept >= self.max_copies
        if not rejected:
            self._kept[position] += 1
            if twin is None:
                self._first_kept[position] = position
        return DuplicateDecision(conversation_id, None if twin is None else self._ids[twin], kept, rejected)
