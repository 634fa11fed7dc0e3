"""The store benchmark at a small size: it reports its measurements and reads back what it wrote."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest

from scsf.bench.store import BENCH_RUN, bench_store, synthetic_conversations
from scsf.store import Store

KEYS = {
    "benchmark", "conversations", "turns_per_conversation", "batch_size", "insert_seconds",
    "insert_conversations_per_s", "object_build_seconds", "read_seconds", "read_conversations_per_s",
    "file_mib", "audit_events", "peak_rss_mib", "target_insert_conversations_per_s",
}  # fmt: skip


def test_synthetic_conversations_are_deterministic() -> None:
    first = synthetic_conversations(10, 3, 4)
    assert first == synthetic_conversations(10, 3, 4)
    assert [c.conversation_id for c in first] == [f"conv-bench-{n:09d}" for n in (10, 11, 12)]
    assert [c.index for c in first] == [10, 11, 12]
    assert {c.run_id for c in first} == {BENCH_RUN}
    assert [turn.role for turn in first[0].turns] == ["cliente", "agente_ventas", "cliente", "agente_ventas"]


def test_bench_store_small(tmp_path: Path) -> None:
    batches: list[int] = []
    result = bench_store(conversations=2_000, turns=4, batch=500, directory=tmp_path, on_batch=batches.append)
    assert set(result) == KEYS
    assert (result["benchmark"], result["conversations"], result["turns_per_conversation"]) == ("store", 2_000, 4)
    assert (result["batch_size"], result["audit_events"]) == (500, 4)
    assert result["target_insert_conversations_per_s"] == 20_000
    assert batches == [500, 500, 500, 500]
    assert result["insert_conversations_per_s"] > 0
    assert result["read_conversations_per_s"] > 0
    assert list(tmp_path.iterdir()) == []  # the temporary store is gone


def test_bench_store_partial_last_batch(tmp_path: Path) -> None:
    batches: list[int] = []
    result = bench_store(conversations=1_100, turns=2, batch=500, directory=tmp_path, on_batch=batches.append)
    assert batches == [500, 500, 100]
    assert (result["conversations"], result["audit_events"]) == (1_100, 3)


def test_bench_store_checks_the_read_back_count(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    real = Store.conversations

    def one_short(self: Store, run_id: str):
        return itertools.islice(real(self, run_id), 999)

    monkeypatch.setattr(Store, "conversations", one_short)
    with pytest.raises(RuntimeError) as info:
        bench_store(conversations=1_000, turns=2, batch=500, directory=tmp_path)
    assert str(info.value) == "read back 999 conversations, wrote 1000"
