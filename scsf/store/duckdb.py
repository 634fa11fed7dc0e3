"""Store: the appliance's single DuckDB file. Every write is one transaction with its audit event."""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import orjson
from pydantic import TypeAdapter

from scsf.audit import append_event, verify_chain
from scsf.errors import StoreError
from scsf.hashing import canonical_json, content_id, sha256_hex
from scsf.seeds.conversation import Conversation, Turn
from scsf.seeds.schema import Seed
from scsf.store.migrations import apply_migrations


@dataclass(frozen=True)
class StoredSeed:
    """A seed as stored: its document plus version bookkeeping."""

    seed_id: str
    version: int
    content_hash: str
    domain: str
    tipo_interaccion: str
    document: dict[str, Any]
    source: str
    created: bool = False


@dataclass(frozen=True)
class RunItem:
    """One planned conversation of a run: deterministic id, committed at most once. A replacement planned by
    `--regenerate-rejected` names the rejected conversation it `replaces` and its regeneration round (from 1)."""

    conversation_id: str
    seed_id: str
    seed_version: int
    variant: str
    index: int
    replaces: str | None = None
    regen_round: int = 0


class Store:
    """Open with `Store.open(path)`; use as a context manager. Single writer (DuckDB's file lock)."""

    def __init__(self, con: duckdb.DuckDBPyConnection, path: Path) -> None:
        self.con = con
        self.path = path

    @classmethod
    def open(cls, path: Path, *, read_only: bool = False) -> Store:
        """Open (creating and migrating when writable) the store file."""
        if read_only and not path.exists():
            raise StoreError(f"{path}: no store here yet (run `scsf-appliance init`)")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            con = duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            raise StoreError(f"{path}: cannot open the store: {exc}".splitlines()[0]) from exc
        if not read_only:
            apply_migrations(con)
        return cls(con, path)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: commit on success, roll back on any exception."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield self.con
        except BaseException:
            self.con.execute("ROLLBACK")
            raise
        self.con.execute("COMMIT")

    # -- seeds -------------------------------------------------------------------------------------------

    def import_seeds(self, seeds: Sequence[tuple[Seed, str]]) -> list[StoredSeed]:
        """Store seeds in one transaction. Same content = no-op; changed content = next version."""
        results = []
        with self.transaction() as con:
            for seed, source in seeds:
                results.append(self._put_seed(con, seed, source))
            created = [f"{r.seed_id}@{r.version}" for r in results if r.created]
            if created:
                append_event(con, "seeds.imported", {"seeds": created, "sources": sorted({s for _, s in seeds})})
        return results

    def _put_seed(self, con: duckdb.DuckDBPyConnection, seed: Seed, source: str) -> StoredSeed:
        digest = seed.content_hash()
        latest = con.execute(
            "SELECT version, content_hash FROM seeds WHERE seed_id = ? ORDER BY version DESC LIMIT 1", [seed.seed_id]
        ).fetchone()
        document = seed.canonical_document()
        if latest and latest[1] == digest:
            stored = self.get_seed(seed.seed_id, latest[0])
            return stored
        version = latest[0] + 1 if latest else 1
        con.execute(
            "INSERT INTO seeds (seed_id, version, content_hash, domain, tipo_interaccion, document, source)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [seed.seed_id, version, digest, seed.namespace, seed.tipo_interaccion, canonical_json(document), source],
        )
        return StoredSeed(seed.seed_id, version, digest, seed.namespace, seed.tipo_interaccion, document, source, True)

    def get_seed(self, seed_id: str, version: int | None = None) -> StoredSeed:
        """One seed version (the latest when `version` is None)."""
        query = "SELECT seed_id, version, content_hash, domain, tipo_interaccion, document, source FROM seeds WHERE seed_id = ?"
        params: list[Any] = [seed_id]
        if version is not None:
            query += " AND version = ?"
            params.append(version)
        row = self.con.execute(query + " ORDER BY version DESC LIMIT 1", params).fetchone()
        if row is None:
            at = f" version {version}" if version is not None else ""
            raise StoreError(f"seed {seed_id}{at} is not in the store")
        return _stored_seed(row)

    def list_seeds(self, domain: str | None = None, *, all_versions: bool = False) -> list[StoredSeed]:
        """Seeds ordered by domain and id; only the latest version of each unless `all_versions`."""
        query = "SELECT seed_id, version, content_hash, domain, tipo_interaccion, document, source FROM seeds"
        if not all_versions:
            query += " QUALIFY version = max(version) OVER (PARTITION BY seed_id)"
        params: list[Any] = []
        if domain is not None:
            query = f"SELECT * FROM ({query}) WHERE domain = ?"
            params.append(domain)
        rows = self.con.execute(query + " ORDER BY domain, seed_id, version", params).fetchall()
        return [_stored_seed(row) for row in rows]

    # -- runs --------------------------------------------------------------------------------------------

    def create_run(self, run_id: str, config: dict[str, Any], items: Sequence[RunItem]) -> None:
        """Record a run, its configuration and every planned conversation, atomically."""
        config_hash = content_id(config)
        with self.transaction() as con:
            con.execute(
                "INSERT INTO runs (run_id, status, config, config_hash) VALUES (?, 'running', ?, ?)",
                [run_id, canonical_json(config), config_hash],
            )
            _insert_items(con, run_id, items)
            append_event(con, "run.created", {"config_hash": config_hash, "planned": len(items)}, run_id)

    def add_replacements(self, run_id: str, items: Sequence[RunItem]) -> None:
        """Plan replacements of rejected conversations (`--regenerate-rejected`), atomically with their audit event."""
        with self.transaction() as con:
            _insert_items(con, run_id, items)
            replaced = {item.conversation_id: item.replaces for item in items}
            append_event(con, "run.replacements_planned", {"round": items[0].regen_round, "replaces": replaced}, run_id)

    def get_run(self, run_id: str) -> dict[str, Any]:
        row = self.con.execute(
            "SELECT run_id, CAST(created_at AS VARCHAR), CAST(finished_at AS VARCHAR), status, config, config_hash"
            " FROM runs WHERE run_id = ?",
            [run_id],
        ).fetchone()
        if row is None:
            raise StoreError(f"run {run_id} is not in the store")
        keys = ("run_id", "created_at", "finished_at", "status", "config", "config_hash")
        run = dict(zip(keys, row, strict=True))
        run["config"] = json.loads(run["config"])
        return run

    def list_runs(self) -> list[dict[str, Any]]:
        rows = self.con.execute(
            "SELECT r.run_id, CAST(r.created_at AS VARCHAR), r.status,"
            " (SELECT count(*) FROM run_items i WHERE i.run_id = r.run_id AND i.replaces IS NULL),"
            " (SELECT count(*) FROM conversations c WHERE c.run_id = r.run_id)"
            " FROM runs r ORDER BY r.created_at"
        ).fetchall()
        return [dict(zip(("run_id", "created_at", "status", "planned", "stored"), row, strict=True)) for row in rows]

    def run_seeds(self, run_id: str) -> list[dict[str, Any]]:
        """The seed versions a run was planned from, with their content hashes."""
        rows = self.con.execute(
            "SELECT DISTINCT i.seed_id, i.seed_version, s.content_hash, s.domain FROM run_items i"
            " JOIN seeds s ON s.seed_id = i.seed_id AND s.version = i.seed_version WHERE i.run_id = ?"
            " ORDER BY i.seed_id",
            [run_id],
        ).fetchall()
        keys = ("seed_id", "version", "content_hash", "domain")
        return [dict(zip(keys, row, strict=True)) for row in rows]

    def planned_count(self, run_id: str) -> int:
        """Conversations planned when the run was created (replacements left out): the run's target."""
        query = "SELECT count(*) FROM run_items WHERE run_id = ? AND replaces IS NULL"
        return self.con.execute(query, [run_id]).fetchone()[0]

    def run_items(self, run_id: str) -> list[RunItem]:
        """Every planned conversation of a run, replacements included, in plan order."""
        return self._items("WHERE i.run_id = ?", [run_id])

    def pending_items(self, run_id: str) -> list[RunItem]:
        """Planned conversations of a run not yet stored, in plan order."""
        return self._items(
            "WHERE i.run_id = ? AND NOT EXISTS"
            " (SELECT 1 FROM conversations c WHERE c.conversation_id = i.conversation_id)",
            [run_id],
        )

    def _items(self, where: str, params: list[Any]) -> list[RunItem]:
        rows = self.con.execute(
            "SELECT i.conversation_id, i.seed_id, i.seed_version, i.variant, i.idx, i.replaces, i.regen_round"
            f" FROM run_items i {where} ORDER BY i.seed_id, i.variant, i.idx",
            params,
        ).fetchall()
        return [RunItem(*row) for row in rows]

    def finish_run(self, run_id: str, status: str, summary: dict[str, Any]) -> None:
        with self.transaction() as con:
            con.execute("UPDATE runs SET status = ?, finished_at = current_timestamp WHERE run_id = ?", [status, run_id])
            append_event(con, f"run.{status}", summary, run_id)

    # -- conversations -----------------------------------------------------------------------------------

    def put_conversation(self, conversation: Conversation) -> None:
        """Commit one conversation with its audit event; a duplicate id is refused (resume safety)."""
        with self.transaction() as con:
            row = _conversation_row(conversation)
            try:
                con.execute(f"INSERT INTO conversations VALUES ({', '.join('?' * len(row))}, current_timestamp)", row)
            except duckdb.ConstraintException as exc:
                raise StoreError(f"conversation {conversation.conversation_id} is already stored") from exc
            append_event(
                con,
                "conversation.stored",
                {"conversation_id": conversation.conversation_id, "content_hash": row[-1]},
                conversation.run_id,
            )

    def put_conversations_batch(self, conversations: Sequence[Conversation]) -> None:
        """Bulk insert through Arrow in one transaction with one audit event (imports and benchmarks)."""
        import pyarrow as pa

        rows = [_conversation_row(conversation) for conversation in conversations]
        columns = list(zip(*rows, strict=True)) if rows else [() for _ in _CONVERSATION_COLUMNS]
        types = {"seed_version": pa.int32(), "idx": pa.int32()}
        table = pa.table(
            {
                name: pa.array(values, type=types.get(name, pa.string()))
                for name, values in zip(_CONVERSATION_COLUMNS, columns, strict=True)
            }
        )
        with self.transaction() as con:
            con.register("incoming_conversations", table)
            try:
                con.execute(
                    f"INSERT INTO conversations ({', '.join(_CONVERSATION_COLUMNS)})"
                    f" SELECT {', '.join(_CONVERSATION_COLUMNS)} FROM incoming_conversations"
                )
            finally:
                con.unregister("incoming_conversations")
            append_event(con, "conversations.batch_stored", {"count": len(rows)})

    def conversations(self, run_id: str) -> Iterator[Conversation]:
        """Stored conversations of a run, in plan order, streamed in batches."""
        cursor = self.con.execute(
            f"SELECT {', '.join(_CONVERSATION_COLUMNS[:-1])} FROM conversations WHERE run_id = ?"
            " ORDER BY seed_id, variant, idx",
            [run_id],
        )
        while batch := cursor.fetchmany(5_000):
            for row in batch:
                yield _conversation_from_row(row)

    def count_conversations(self, run_id: str | None = None) -> int:
        if run_id is None:
            return self.con.execute("SELECT count(*) FROM conversations").fetchone()[0]
        return self.con.execute("SELECT count(*) FROM conversations WHERE run_id = ?", [run_id]).fetchone()[0]

    def record_attempt(self, run_id: str, conversation_id: str, attempt: int, raw_output: str, error: str) -> None:
        """Keep the raw output of a failed generation attempt: nothing is thrown away silently."""
        with self.transaction() as con:
            con.execute(
                "INSERT INTO generation_attempts VALUES (?, ?, ?, ?, ?, current_timestamp)",
                [run_id, conversation_id, attempt, raw_output, error],
            )
            append_event(
                con, "generation.attempt_failed", {"conversation_id": conversation_id, "attempt": attempt, "error": error}, run_id
            )

    def failed_attempts(self, run_id: str) -> int:
        return self.con.execute("SELECT count(*) FROM generation_attempts WHERE run_id = ?", [run_id]).fetchone()[0]

    # -- artifacts and audit -----------------------------------------------------------------------------

    def put_artifact(self, run_id: str, kind: str, path: Path, sha256: str) -> None:
        """Record (or replace) a run's artifact of one kind, e.g. its ShareGPT export."""
        with self.transaction() as con:
            con.execute("DELETE FROM artifacts WHERE run_id = ? AND kind = ?", [run_id, kind])
            con.execute(
                "INSERT INTO artifacts VALUES (?, ?, ?, ?, current_timestamp)", [run_id, kind, str(path), sha256]
            )
            append_event(con, "artifact.written", {"kind": kind, "path": str(path), "sha256": sha256}, run_id)

    def artifacts(self, run_id: str) -> list[dict[str, str]]:
        rows = self.con.execute(
            "SELECT kind, path, sha256 FROM artifacts WHERE run_id = ? ORDER BY kind", [run_id]
        ).fetchall()
        return [{"kind": kind, "path": path, "sha256": sha} for kind, path, sha in rows]

    def audit(self, kind: str, payload: dict[str, Any], run_id: str | None = None) -> None:
        """Append a standalone audit event in its own transaction."""
        with self.transaction() as con:
            append_event(con, kind, payload, run_id)

    def verify_audit_chain(self) -> tuple[int, str]:
        """(event count, head hash) after recomputing every link."""
        return verify_chain(self.con)


def _insert_items(con: duckdb.DuckDBPyConnection, run_id: str, items: Sequence[RunItem]) -> None:
    con.executemany(
        "INSERT INTO run_items (run_id, conversation_id, seed_id, seed_version, variant, idx, replaces, regen_round)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [
            [run_id, i.conversation_id, i.seed_id, i.seed_version, i.variant, i.index, i.replaces, i.regen_round]
            for i in items
        ],
    )


_CONVERSATION_COLUMNS = (
    "conversation_id", "run_id", "seed_id", "seed_version", "variant", "idx",
    "turns", "system_prompt", "generation", "content_hash",
)  # fmt: skip


def _conversation_row(conversation: Conversation) -> list[Any]:
    turns = canonical_json([turn.document() for turn in conversation.turns])
    return [
        conversation.conversation_id,
        conversation.run_id,
        conversation.seed_id,
        conversation.seed_version,
        conversation.variant,
        conversation.index,
        turns,
        conversation.system_prompt,
        canonical_json(conversation.generation),
        conversation_hash(conversation.system_prompt, turns),
    ]


def conversation_hash(system_prompt: str, turns_json: str) -> str:
    """Content address of a conversation's text: system prompt and canonical turns JSON."""
    return "sha256:" + sha256_hex(system_prompt + "\x00" + turns_json)


_TURNS = TypeAdapter(list[Turn])


def _conversation_from_row(row: Sequence[Any]) -> Conversation:
    conversation_id, run_id, seed_id, seed_version, variant, idx, turns, system_prompt, generation = row
    return Conversation(
        conversation_id=conversation_id,
        run_id=run_id,
        seed_id=seed_id,
        seed_version=seed_version,
        variant=variant,
        index=idx,
        turns=_TURNS.validate_json(turns),
        system_prompt=system_prompt,
        generation=orjson.loads(generation),
    )


def _stored_seed(row: Sequence[Any]) -> StoredSeed:
    seed_id, version, digest, domain, tipo, document, source = row
    return StoredSeed(seed_id, version, digest, domain, tipo, json.loads(document), source)
