"""Bounded conversations: one long source conversation (a WhatsApp chat, a transcript, a CSV conversation, a Kommo
lead) is cut into parts that are streamed out as each one closes, so memory holds one part, never a 1 GB export.

A part closes before a turn that would take it past `max_turns_per_part` turns or `max_chars_per_part` characters of
text and, where the parser enables it, before a turn that comes more than `split_gap_hours` after the previous one
(a new session of the same chat; only when both times are known and comparable, see `timestamps.elapsed`).
Part 1 keeps the source's key; part n >= 2 is keyed `<key>#part<n>`. Every part's metadata has `part` and
`first_line` (its first turn's line); a later part also has `split_by`: `gap`, `turns` or `chars`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pydantic import Field

from scsf.parsers.base import ParsedConversation, ParsedTurn, Parser
from scsf.parsers.timestamps import elapsed

Build = Callable[[str, list[ParsedTurn], dict[str, Any]], ParsedConversation]
"""(key, turns, part metadata) -> the conversation a parser makes of one part."""


class PartLimits(Parser.Options):
    """Parser options of the formats whose one conversation can be arbitrarily long."""

    max_turns_per_part: int = Field(default=1000, ge=1, description="turns in one conversation part at most")
    max_chars_per_part: int = Field(default=1 << 20, ge=1, description="characters of turn text in one part at most")

    def max_gap_seconds(self) -> float | None:
        """The silence that starts a new part; None: never split at a gap."""
        return None


class SessionLimits(PartLimits):
    """`PartLimits` plus a split at inactivity, for chats whose turns carry real times."""

    split_gap_hours: float | None = Field(
        default=24.0,
        gt=0,
        description="a silence longer than this starts a new conversation (WhatsApp's business conversation window "
        "is 24 h); None: never split at a gap",
    )

    def max_gap_seconds(self) -> float | None:
        return self.split_gap_hours * 3600 if self.split_gap_hours is not None else None


class Parts:
    """Turns of one source conversation in, closed parts out. `add` yields the part a turn closes; `finish` the last."""

    def __init__(self, key: str, build: Build, limits: PartLimits) -> None:
        self.key, self.build = key, build
        self.max_turns, self.max_chars = limits.max_turns_per_part, limits.max_chars_per_part
        self.max_gap = limits.max_gap_seconds()
        self.number = 1
        self.turns: list[ParsedTurn] = []
        self.chars = 0
        self.split_by: str | None = None

    def add(self, turn: ParsedTurn) -> Iterator[ParsedConversation]:
        reason = self._split_before(turn) if self.turns else None
        if reason is not None:
            yield self._close()
            self.number += 1
            self.split_by = reason
        self.turns.append(turn)
        self.chars += len(turn.text)

    def finish(self) -> Iterator[ParsedConversation]:
        if self.turns:
            yield self._close()

    def _split_before(self, turn: ParsedTurn) -> str | None:
        if self.max_gap is not None:
            gap = elapsed(self.turns[-1].timestamp, turn.timestamp)
            if gap is not None and gap > self.max_gap:
                return "gap"
        if len(self.turns) >= self.max_turns:
            return "turns"
        if self.chars + len(turn.text) > self.max_chars:
            return "chars"
        return None

    def _close(self) -> ParsedConversation:
        metadata: dict[str, Any] = {"part": self.number, "first_line": self.turns[0].provenance.line}
        if self.split_by is not None:
            metadata["split_by"] = self.split_by
        key = self.key if self.number == 1 else f"{self.key}#part{self.number}"
        conversation = self.build(key, self.turns, metadata)
        self.turns, self.chars = [], 0
        return conversation


def split_groups(
    groups: Iterable[tuple[str, dict[str, Any], Iterator[ParsedTurn]]],
    build_for: Callable[[dict[str, Any]], Build],
    limits: PartLimits,
) -> Iterator[ParsedConversation]:
    """The parts of each (key, metadata, turns) group in order (`grouping.DiskGroups.groups`), each built by
    `build_for(metadata)`."""
    for key, metadata, turns in groups:
        parts = Parts(key, build_for(metadata), limits)
        for turn in turns:
            yield from parts.add(turn)
        yield from parts.finish()
