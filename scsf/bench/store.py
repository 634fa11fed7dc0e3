"""Store benchmark: batched insert and streamed read of many 10-turn conversations in a real DuckDB file."""

from __future__ import annotations

import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scsf.seeds.conversation import Conversation, Turn
from scsf.store import Store

BENCH_RUN = "run-bench-store"


def synthetic_conversations(start: int, count: int, turns: int) -> list[Conversation]:
    """Deterministic filler conversations with realistic text lengths (about 120 characters a turn)."""
    roles = ("cliente", "agente_ventas")
    return [
        Conversation(
            conversation_id=f"conv-bench-{number:09d}",
            run_id=BENCH_RUN,
            seed_id="00000000-0000-4000-8000-000000000000",
            seed_version=1,
            variant="persona:bench",
            index=number,
            turns=[
                Turn(role=roles[t % 2], text=f"Turno {t} de la conversación {number}: " + "texto de prueba " * 6)
                for t in range(turns)
            ],
            system_prompt="Eres el asistente de ventas de la agencia.",
            generation={"strategy": "bench", "sides": {"cliente": "usuario", "agente_ventas": "asistente"}},
        )
        for number in range(start, start + count)
    ]


def bench_store(
    conversations: int = 100_000,
    turns: int = 10,
    batch: int = 10_000,
    directory: Path | None = None,
    on_batch: Callable[[int], None] | None = None,
) -> dict[str, Any]:
    """Insert `conversations` in batches (one transaction each), then read them all back as Conversation objects."""
    with tempfile.TemporaryDirectory(dir=directory) as tmp:
        path = Path(tmp) / "bench.duckdb"
        build_seconds = insert_seconds = 0.0
        with Store.open(path) as store:
            for start in range(0, conversations, batch):
                began = time.perf_counter()
                chunk = synthetic_conversations(start, min(batch, conversations - start), turns)
                built = time.perf_counter()
                store.put_conversations_batch(chunk)
                build_seconds += built - began
                insert_seconds += time.perf_counter() - built
                if on_batch:
                    on_batch(len(chunk))
            began = time.perf_counter()
            read = sum(1 for _ in store.conversations(BENCH_RUN))
            read_seconds = time.perf_counter() - began
            events, _ = store.verify_audit_chain()
        file_bytes = path.stat().st_size
    if read != conversations:
        raise RuntimeError(f"read back {read} conversations, wrote {conversations}")
    return {
        "benchmark": "store",
        "conversations": conversations,
        "turns_per_conversation": turns,
        "batch_size": batch,
        "insert_seconds": round(insert_seconds, 3),
        "insert_conversations_per_s": round(conversations / insert_seconds, 1),
        "object_build_seconds": round(build_seconds, 3),
        "read_seconds": round(read_seconds, 3),
        "read_conversations_per_s": round(conversations / read_seconds, 1),
        "file_mib": round(file_bytes / 2**20, 1),
        "audit_events": events,
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "target_insert_conversations_per_s": 20_000,
    }
