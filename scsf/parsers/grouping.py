"""Grouping turns by key when one key's turns are scattered over a file, in bounded memory.

Turns are spilled, as they are read, into a private temporary SQLite database (`sqlite3.connect("")`: on disk,
deleted when closed; its page cache is capped at `CACHE_KIB`), keyed by group in order of first appearance (the
last `RECENT_GROUPS` groups are also remembered in memory, so interleaved keys cost no look-up). Read
back, each group's turns come in time order when all of them have a time, else in file order, by SQLite's own
external sort. Memory therefore holds one batch of rows and at most `RECENT_GROUPS` groups' ids and metadata,
whatever the file's size or its number of groups; the cost is one write and one sorted read of every turn.
"""

from __future__ import annotations

import pickle
import sqlite3
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from scsf.parsers.base import ParsedTurn, Provenance
from scsf.parsers.timestamps import order_key

CACHE_KIB = 8192
BATCH = 2048
RECENT_GROUPS = 4096

_SCHEMA = """
CREATE TABLE groups (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, metadata BLOB NOT NULL,
                     untimed INTEGER NOT NULL DEFAULT 0);
CREATE TABLE turns (grp INTEGER NOT NULL, seq INTEGER NOT NULL, stamp REAL, turn BLOB NOT NULL);
"""
_NEW_GROUP = "INSERT INTO groups (key, metadata) VALUES (?, ?)"
_READ = """
SELECT g.key, g.metadata, t.turn FROM turns AS t JOIN groups AS g ON g.id = t.grp
ORDER BY t.grp, CASE WHEN g.untimed THEN NULL ELSE t.stamp END, t.seq
"""


@dataclass
class _Group:
    """A group as stored: its row id, its metadata so far, and whether a turn of it has no time."""

    id: int
    metadata: dict[str, Any]
    untimed: bool = False


class DiskGroups:
    """`add` turns under keys in any order; `groups` gives each key once, in order of first appearance."""

    def __init__(self) -> None:
        self._db = sqlite3.connect("", isolation_level=None)
        self._db.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        self._db.executescript("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;" + _SCHEMA)
        self._db.execute("BEGIN")
        self._key: str | None = None
        self._current = _Group(0, {})
        self._recent: OrderedDict[str, _Group] = OrderedDict()
        self._seq = 0
        self._rows: list[tuple[int, int, float | None, bytes]] = []

    def close(self) -> None:
        self._db.close()

    def add(self, key: str, metadata: dict[str, Any], turn: ParsedTurn | None) -> None:
        """File `turn` (None: only make the group known) under `key`; the group's metadata is the union of what its
        records said, the first record winning where they differ."""
        if key != self._key:
            self._switch(key, metadata)
        group = self._current
        if not metadata.keys() <= group.metadata.keys():
            group.metadata = metadata | group.metadata
            self._db.execute("UPDATE groups SET metadata = ? WHERE id = ?", (pickle.dumps(group.metadata), group.id))
        if turn is None:
            return
        self._seq += 1
        stamp = order_key(turn.timestamp) if turn.timestamp is not None else None
        if stamp is None and not group.untimed:
            group.untimed = True
            self._db.execute("UPDATE groups SET untimed = 1 WHERE id = ?", (group.id,))
        self._rows.append((group.id, self._seq, stamp, _dump(turn)))
        if len(self._rows) >= BATCH:
            self._write()

    def groups(self) -> Iterator[tuple[str, dict[str, Any], Iterator[ParsedTurn]]]:
        """(key, metadata, its turns) per group that has turns; each group's turns must be read before the next."""
        self._write()
        self._db.execute("COMMIT")
        rows = self._db.execute(_READ)
        row = rows.fetchone()
        while row is not None:
            key, metadata = row[0], pickle.loads(row[1])

            def turns() -> Iterator[ParsedTurn]:
                nonlocal row
                while row is not None and row[0] == key:
                    yield _load(row[2])
                    row = rows.fetchone()

            yield key, metadata, turns()
            for _ in turns():  # what the caller did not read of this group
                pass

    def _switch(self, key: str, metadata: dict[str, Any]) -> None:
        self._key = key
        group = self._recent.pop(key, None)
        if group is None:
            found = self._db.execute("SELECT id, metadata, untimed FROM groups WHERE key = ?", (key,)).fetchone()
            if found is None:
                cursor = self._db.execute(_NEW_GROUP, (key, pickle.dumps(metadata)))
                group = _Group(cursor.lastrowid or 0, dict(metadata))
            else:
                group = _Group(found[0], pickle.loads(found[1]), bool(found[2]))
        self._recent[key] = self._current = group
        if len(self._recent) > RECENT_GROUPS:
            self._recent.popitem(last=False)

    def _write(self) -> None:
        if self._rows:
            self._db.executemany("INSERT INTO turns VALUES (?, ?, ?, ?)", self._rows)
            self._rows.clear()


def _dump(turn: ParsedTurn) -> bytes:
    """A turn as a pickled tuple of its fields: pickling the validated models themselves costs ten times more."""
    where = turn.provenance
    fields = (turn.speaker, turn.text, turn.timestamp, turn.role, turn.lang, turn.kind, turn.extra)
    return pickle.dumps((*fields, where.source, where.line, where.offset), pickle.HIGHEST_PROTOCOL)


def _load(blob: bytes) -> ParsedTurn:
    """The turn `_dump` wrote, rebuilt without validating again (it was valid when it was filed)."""
    speaker, text, timestamp, role, lang, kind, extra, source, line, offset = pickle.loads(blob)
    return ParsedTurn.model_construct(
        speaker=speaker, text=text, timestamp=timestamp, role=role, lang=lang, kind=kind, extra=extra,
        provenance=Provenance.model_construct(source=source, line=line, offset=offset),
    )  # fmt: skip
