"""The audit log: each event's hash covers its content and the previous event's hash.

Events are appended inside the caller's transaction, so an event exists exactly when the change it records does.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import duckdb

from scsf.errors import StoreError
from scsf.hashing import canonical_json, sha256_hex

GENESIS = "sha256:" + "0" * 64


@dataclass(frozen=True)
class AuditEvent:
    seq: int
    ts: str
    run_id: str | None
    kind: str
    payload: dict[str, Any]
    prev_hash: str
    hash: str


def _event_hash(prev_hash: str, seq: int, ts: str, run_id: str | None, kind: str, payload: dict[str, Any]) -> str:
    body = canonical_json({"seq": seq, "ts": ts, "run_id": run_id, "kind": kind, "payload": payload})
    return "sha256:" + sha256_hex(prev_hash + body)


def append_event(
    con: duckdb.DuckDBPyConnection, kind: str, payload: dict[str, Any], run_id: str | None = None
) -> AuditEvent:
    """Append one event after the current head (call inside the transaction that makes the change)."""
    head = con.execute("SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1").fetchone()
    seq, prev_hash = (head[0] + 1, head[1]) if head else (1, GENESIS)
    ts = datetime.now(UTC).isoformat()
    digest = _event_hash(prev_hash, seq, ts, run_id, kind, payload)
    con.execute(
        "INSERT INTO audit_events VALUES (?, ?, ?, ?, ?, ?, ?)",
        [seq, ts, run_id, kind, canonical_json(payload), prev_hash, digest],
    )
    return AuditEvent(seq, ts, run_id, kind, payload, prev_hash, digest)


def verify_chain(con: duckdb.DuckDBPyConnection) -> tuple[int, str]:
    """Recompute the whole chain; returns (events, head hash) or raises StoreError at the first broken link."""
    prev_hash, count = GENESIS, 0
    rows = con.execute("SELECT seq, ts, run_id, kind, payload, prev_hash, hash FROM audit_events ORDER BY seq")
    while batch := rows.fetchmany(10_000):
        for seq, ts, run_id, kind, payload, stored_prev, stored_hash in batch:
            count += 1
            if seq != count or stored_prev != prev_hash:
                raise StoreError(f"audit log broken at event {seq}: events were removed or reordered")
            if _event_hash(prev_hash, seq, ts, run_id, kind, json.loads(payload)) != stored_hash:
                raise StoreError(f"audit log broken at event {seq}: its content was modified")
            prev_hash = stored_hash
    return count, prev_hash
