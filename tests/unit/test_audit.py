"""The audit hash chain: it verifies, and tampering with a payload or removing an event is detected."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scsf.audit import GENESIS, append_event, verify_chain
from scsf.audit.log import _event_hash
from scsf.errors import StoreError
from scsf.store import Store


@pytest.fixture
def store(tmp_path: Path):
    with Store.open(tmp_path / "scsf.duckdb") as opened:
        opened.audit("store.created", {"by": "test"})
        opened.audit("run.created", {"planned": 3}, "run-1")
        opened.audit("conversation.stored", {"conversation_id": "conv-1", "text": "¿Cuánto es el enganche?"}, "run-1")
        opened.audit("run.completed", {"stored": 1}, "run-1")
        yield opened


def rows(store: Store) -> list[tuple]:
    query = "SELECT seq, ts, run_id, kind, payload, prev_hash, hash FROM audit_events ORDER BY seq"
    return store.con.execute(query).fetchall()


def test_empty_chain_verifies(tmp_path: Path) -> None:
    with Store.open(tmp_path / "empty.duckdb") as store:
        assert store.verify_audit_chain() == (0, GENESIS)


def test_chain_links_and_verifies(store: Store) -> None:
    events = rows(store)
    assert [(seq, run_id, kind) for seq, _, run_id, kind, *_ in events] == [
        (1, None, "store.created"),
        (2, "run-1", "run.created"),
        (3, "run-1", "conversation.stored"),
        (4, "run-1", "run.completed"),
    ]
    assert events[0][5] == GENESIS
    for previous, current in zip(events, events[1:]):
        assert current[5] == previous[6]
    for seq, ts, run_id, kind, payload, prev_hash, digest in events:
        assert digest == _event_hash(prev_hash, seq, ts, run_id, kind, json.loads(payload))
        assert digest.startswith("sha256:") and len(digest) == 71
    assert store.verify_audit_chain() == (4, events[-1][6])


def test_payload_is_canonical_json(store: Store) -> None:
    payload = store.con.execute("SELECT payload FROM audit_events WHERE seq = 3").fetchone()[0]
    assert payload == '{"conversation_id":"conv-1","text":"¿Cuánto es el enganche?"}'


def test_append_event_returns_the_stored_event(store: Store) -> None:
    head = rows(store)[-1][6]
    with store.transaction() as con:
        event = append_event(con, "artifact.written", {"kind": "dataset"}, "run-1")
    assert (event.seq, event.kind, event.run_id, event.payload, event.prev_hash) == (
        5, "artifact.written", "run-1", {"kind": "dataset"}, head,
    )  # fmt: skip
    assert store.verify_audit_chain() == (5, event.hash)


def test_event_rolled_back_with_its_transaction(store: Store) -> None:
    with pytest.raises(RuntimeError):
        with store.transaction() as con:
            append_event(con, "seeds.imported", {"seeds": ["x@1"]})
            raise RuntimeError("the change failed")
    assert store.verify_audit_chain()[0] == 4


def test_tampered_payload_is_detected(store: Store) -> None:
    store.con.execute("""UPDATE audit_events SET payload = '{"planned":30}' WHERE seq = 2""")
    with pytest.raises(StoreError) as info:
        store.verify_audit_chain()
    assert info.value.msg == "audit log broken at event 2: its content was modified"


@pytest.mark.parametrize(
    ("column", "value"),
    [("kind", "run.deleted"), ("run_id", "run-2"), ("ts", "2020-01-01T00:00:00+00:00")],
)
def test_tampered_fields_are_detected(store: Store, column: str, value: str) -> None:
    store.con.execute(f"UPDATE audit_events SET {column} = ? WHERE seq = 3", [value])
    with pytest.raises(StoreError) as info:
        verify_chain(store.con)
    assert info.value.msg == "audit log broken at event 3: its content was modified"


def test_recomputed_hash_breaks_the_next_link(store: Store) -> None:
    """Rewriting an event and its own hash is caught by the next event's prev_hash."""
    seq, ts, run_id, kind, _, prev_hash, _ = rows(store)[1]
    forged = _event_hash(prev_hash, seq, ts, run_id, kind, {"planned": 30})
    store.con.execute("UPDATE audit_events SET payload = ?, hash = ? WHERE seq = 2", ['{"planned":30}', forged])
    with pytest.raises(StoreError) as info:
        store.verify_audit_chain()
    assert info.value.msg == "audit log broken at event 3: events were removed or reordered"


def test_deleted_event_is_detected(store: Store) -> None:
    store.con.execute("DELETE FROM audit_events WHERE seq = 2")
    with pytest.raises(StoreError) as info:
        store.verify_audit_chain()
    assert info.value.msg == "audit log broken at event 3: events were removed or reordered"


def test_deleted_first_event_is_detected(store: Store) -> None:
    store.con.execute("DELETE FROM audit_events WHERE seq = 1")
    with pytest.raises(StoreError) as info:
        store.verify_audit_chain()
    assert info.value.msg == "audit log broken at event 2: events were removed or reordered"


def test_renumbered_events_are_detected(store: Store) -> None:
    """Deleting an event and renumbering the rest still breaks the prev_hash link."""
    store.con.execute("DELETE FROM audit_events WHERE seq = 2")
    store.con.execute("UPDATE audit_events SET seq = seq - 1 WHERE seq > 2")
    with pytest.raises(StoreError) as info:
        store.verify_audit_chain()
    assert info.value.msg == "audit log broken at event 2: events were removed or reordered"


def test_swapped_events_are_detected(store: Store) -> None:
    store.con.execute("UPDATE audit_events SET seq = 100 WHERE seq = 2")
    store.con.execute("UPDATE audit_events SET seq = 2 WHERE seq = 3")
    store.con.execute("UPDATE audit_events SET seq = 3 WHERE seq = 100")
    with pytest.raises(StoreError) as info:
        store.verify_audit_chain()
    assert info.value.msg == "audit log broken at event 2: events were removed or reordered"


def test_chain_survives_reopen(tmp_path: Path) -> None:
    path = tmp_path / "scsf.duckdb"
    with Store.open(path) as store:
        store.audit("one", {})
    with Store.open(path) as store:
        store.audit("two", {})
        count, head = store.verify_audit_chain()
        assert count == 2
        assert head == rows(store)[-1][6]
