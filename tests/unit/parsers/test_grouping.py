"""DiskGroups: turns filed under scattered keys come back once per key, in order of first appearance, each group in
time order when every turn has a time (else in filing order), with the union of what its records said."""

from __future__ import annotations

from contextlib import closing
from datetime import datetime

import pytest

from scsf.parsers.base import ParsedTurn, Provenance
from scsf.parsers.grouping import DiskGroups


def turn(text: str, hour: int | None) -> ParsedTurn:
    stamp = datetime(2024, 3, 5, hour) if hour is not None else None
    return ParsedTurn(speaker="a", text=text, timestamp=stamp, provenance=Provenance(source="s", line=1))


def test_scattered_keys_come_back_grouped() -> None:
    with closing(DiskGroups()) as groups:
        groups.add("b", {"entity": "b"}, turn("b2", 9))
        groups.add("a", {"entity": "a"}, turn("a1", 10))
        groups.add("b", {"entity": "b", "pipeline": 3}, turn("b1", 8))
        groups.add("c", {"entity": "c"}, None)  # known, but without turns: no group
        groups.add("a", {"entity": "other"}, turn("a2", None))  # untimed: the group keeps filing order
        groups.add("a", {}, turn("a0", 1))
        read = [(key, metadata, [t.text for t in turns]) for key, metadata, turns in groups.groups()]
    assert read == [
        ("b", {"entity": "b", "pipeline": 3}, ["b1", "b2"]),
        ("a", {"entity": "a"}, ["a1", "a2", "a0"]),
    ]


def test_a_group_left_half_read_does_not_spill_into_the_next() -> None:
    with closing(DiskGroups()) as groups:
        for n in range(5):
            groups.add("x", {}, turn(f"x{n}", n))
            groups.add("y", {}, turn(f"y{n}", n))
        seen = []
        for key, _, turns in groups.groups():
            seen.append((key, next(turns).text))
    assert seen == [("x", "x0"), ("y", "y0")]


def test_groups_forgotten_from_memory_are_found_again_on_disk(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("scsf.parsers.grouping.RECENT_GROUPS", 1)
    with closing(DiskGroups()) as groups:
        groups.add("x", {"lead": "x"}, turn("x-untimed", None))
        groups.add("y", {"lead": "y"}, turn("y2", 2))
        groups.add("x", {"stage": 3}, turn("x-late", 1))  # x comes back from the database, untimed flag and all
        groups.add("y", {}, turn("y1", 1))
        read = [(key, metadata, [t.text for t in turns]) for key, metadata, turns in groups.groups()]
    assert read == [
        ("x", {"lead": "x", "stage": 3}, ["x-untimed", "x-late"]),
        ("y", {"lead": "y"}, ["y1", "y2"]),
    ]
