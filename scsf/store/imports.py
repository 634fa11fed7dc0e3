"""Imports of real conversations: files, redacted conversations, PII findings (never their text), review queue."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import orjson

from scsf.audit import append_event
from scsf.hashing import canonical_json
from scsf.store.duckdb import Store


@dataclass(frozen=True)
class StoredFinding:
    turn_index: int
    entity_type: str
    start: int
    end: int
    score: float
    recognizer: str


@dataclass(frozen=True)
class ImportedConversation:
    """A parsed, role-mapped, redacted and validated conversation ready to store."""

    conversation_id: str
    source: str
    source_sha256: str
    source_key: str
    format: str
    domain: str
    role_reason: str
    turns: list[dict[str, Any]]
    metadata: dict[str, Any]
    redaction: str
    findings: list[StoredFinding]
    risk_score: float
    validation: dict[str, Any]
    review_status: str  # clean | pending_review


class ImportRepository:
    """The ingest tables of a Store. One source file is stored in one transaction, or not at all."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def start(self, import_id: str, options: dict[str, Any]) -> None:
        with self.store.transaction() as con:
            con.execute("INSERT INTO imports (import_id, options) VALUES (?, ?)", [import_id, canonical_json(options)])
            append_event(con, "import.started", {"options": options}, import_id)

    def known_conversations(self, ids: Sequence[str]) -> set[str]:
        if not ids:
            return set()
        rows = self.store.con.execute(
            "SELECT conversation_id FROM imported_conversations WHERE list_contains(?, conversation_id)", [list(ids)]
        ).fetchall()
        return {row[0] for row in rows}

    @contextmanager
    def file_transaction(self, import_id: str, path: str, sha256: str, fmt: str, reason: str) -> Iterator[FileWriter]:
        """Stream one source file's conversations into one transaction; any exception stores nothing of it."""
        with self.store.transaction() as con:
            writer = FileWriter(con, import_id)
            yield writer
            con.execute(
                "INSERT INTO source_files VALUES (?, ?, ?, ?, ?, 'imported', NULL, ?)",
                [import_id, path, sha256, fmt, reason, writer.count],
            )
            append_event(
                con,
                "import.file_stored",
                {"path": path, "sha256": sha256, "format": fmt, "conversations": writer.count},
                import_id,
            )

    def record_failure(self, import_id: str, path: str, sha256: str, fmt: str | None, error: str) -> None:
        with self.store.transaction() as con:
            con.execute(
                "INSERT INTO source_files VALUES (?, ?, ?, ?, NULL, 'failed', ?, 0)", [import_id, path, sha256, fmt, error]
            )
            append_event(con, "import.file_rejected", {"path": path, "sha256": sha256, "error": error}, import_id)

    def finish(self, import_id: str, report: dict[str, Any]) -> None:
        with self.store.transaction() as con:
            con.execute(
                "UPDATE imports SET finished_at = current_timestamp, report = ? WHERE import_id = ?",
                [canonical_json(report), import_id],
            )
            append_event(con, "import.finished", {"totals": report.get("totals", {})}, import_id)

    def conversations(self, import_id: str | None = None) -> list[dict[str, Any]]:
        query = (
            "SELECT conversation_id, source, source_key, format, domain, turns, pii_counts, risk_score, validation,"
            " review_status FROM imported_conversations"
        )
        params: list[Any] = []
        if import_id:
            query += " WHERE import_id = ?"
            params.append(import_id)
        rows = self.store.con.execute(query + " ORDER BY source, source_key", params).fetchall()
        keys = ("conversation_id", "source", "source_key", "format", "domain", "turns", "pii_counts", "risk_score",
                "validation", "review_status")  # fmt: skip
        decoded = []
        for row in rows:
            record = dict(zip(keys, row, strict=True))
            for key in ("turns", "pii_counts", "validation"):
                record[key] = orjson.loads(record[key])
            decoded.append(record)
        return decoded

    def review_queue(self) -> list[dict[str, Any]]:
        rows = self.store.con.execute(
            "SELECT conversation_id, risk_score, reason FROM review_queue WHERE decision IS NULL ORDER BY risk_score DESC"
        ).fetchall()
        return [{"conversation_id": cid, "risk_score": risk, "reason": reason} for cid, risk, reason in rows]


class FileWriter:
    """Adds conversations inside a file's open transaction."""

    def __init__(self, con: Any, import_id: str) -> None:
        self.con = con
        self.import_id = import_id
        self.count = 0

    def add(self, c: ImportedConversation) -> None:
        con, import_id = self.con, self.import_id
        self.count += 1
        counts: dict[str, int] = {}
        for finding in c.findings:
            counts[finding.entity_type] = counts.get(finding.entity_type, 0) + 1
        con.execute(
            "INSERT INTO imported_conversations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, current_timestamp)",
            [
                c.conversation_id, import_id, c.source, c.source_sha256, c.source_key, c.format, c.domain, c.role_reason,
                canonical_json(c.turns), canonical_json(c.metadata), c.redaction, canonical_json(counts), c.risk_score,
                canonical_json(c.validation), c.review_status,
            ],
        )  # fmt: skip
        if c.findings:
            con.executemany(
                "INSERT INTO pii_findings VALUES (?, ?, ?, ?, ?, ?, ?)",
                [[c.conversation_id, f.turn_index, f.entity_type, f.start, f.end, f.score, f.recognizer] for f in c.findings],
            )
        if c.review_status == "pending_review":
            con.execute(
                "INSERT INTO review_queue (conversation_id, risk_score, reason) VALUES (?, ?, ?)",
                [c.conversation_id, c.risk_score, f"risk {c.risk_score:.2f} above threshold"],
            )
