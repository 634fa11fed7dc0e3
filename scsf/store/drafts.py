"""Seed drafts: seeds derived from imported conversations, held for a human decision before they become seeds.

Every draft's `document` is a complete, valid SeedSchema v1 document; `evidence` says for each field whether a model
or a heuristic decided it, and why. Approving a draft imports its document through `Store.import_seeds` (version
bookkeeping as for any seed) and then records the decision; both steps are idempotent, so an approval interrupted
between them is finished by approving again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import orjson
from pydantic import ValidationError

from scsf.audit import append_event
from scsf.errors import SeedError, StoreError
from scsf.hashing import canonical_json
from scsf.seeds.schema import Seed
from scsf.store.duckdb import Store, StoredSeed
from scsf.validation import describe_first_error

DraftStatus = Literal["pending_review", "approved", "rejected"]
Decision = Literal["approved", "rejected"]
_COLUMNS = ("draft_id", "seed_id", "source_conversation_id", "import_id", "domain", "document", "evidence", "status",
            "created_at", "decided_at")  # fmt: skip
_CANDIDATE_COLUMNS = ("conversation_id", "import_id", "source_key", "format", "domain", "turns", "validation",
                      "review_status", "risk_score")  # fmt: skip


@dataclass(frozen=True)
class SeedDraft:
    """A draft seed: a full SeedSchema v1 document, its provenance, and per-field evidence."""

    draft_id: str
    seed_id: str
    source_conversation_id: str
    import_id: str | None
    domain: str
    document: dict[str, Any]
    evidence: dict[str, Any]
    status: DraftStatus = "pending_review"
    created_at: str | None = None
    decided_at: str | None = None

    def summary(self) -> dict[str, Any]:
        """The listing row: identity, status and the fields a reviewer scans first."""
        return {
            "draft_id": self.draft_id,
            "seed_id": self.seed_id,
            "status": self.status,
            "domain": self.domain,
            "tipo_interaccion": self.document["tipo_interaccion"],
            "source_conversation_id": self.source_conversation_id,
            "import_id": self.import_id,
            "created_at": self.created_at,
            "decided_at": self.decided_at,
        }


class SeedDraftRepository:
    """The `seed_drafts` table of a Store. Every write is one transaction with its audit event."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def put(self, draft: SeedDraft) -> None:
        """Store a new draft (status pending_review)."""
        with self.store.transaction() as con:
            con.execute(
                "INSERT INTO seed_drafts (draft_id, seed_id, source_conversation_id, import_id, domain, document,"
                " evidence, status) VALUES (?, ?, ?, ?, ?, ?, ?, 'pending_review')",
                [draft.draft_id, draft.seed_id, draft.source_conversation_id, draft.import_id, draft.domain,
                 canonical_json(draft.document), canonical_json(draft.evidence)],
            )  # fmt: skip
            append_event(
                con,
                "seed_draft.stored",
                {"draft_id": draft.draft_id, "seed_id": draft.seed_id,
                 "source_conversation_id": draft.source_conversation_id, "import_id": draft.import_id},
            )  # fmt: skip

    def get(self, draft_id: str) -> SeedDraft:
        row = self.store.con.execute(f"SELECT {_select()} FROM seed_drafts WHERE draft_id = ?", [draft_id]).fetchone()
        if row is None:
            raise StoreError(f"seed draft {draft_id} is not in the store (see `scsf-appliance seeds drafts list`)")
        return _draft(row)

    def list_drafts(self, status: DraftStatus | None = None, import_id: str | None = None) -> list[SeedDraft]:
        """Drafts in creation order, optionally of one status or one import."""
        query, params = f"SELECT {_select()} FROM seed_drafts WHERE true", []
        if status is not None:
            query += " AND status = ?"
            params.append(status)
        if import_id is not None:
            query += " AND import_id = ?"
            params.append(import_id)
        rows = self.store.con.execute(query + " ORDER BY created_at, draft_id", params).fetchall()
        return [_draft(row) for row in rows]

    def decide(self, draft_id: str, decision: Decision, *, detail: dict[str, Any] | None = None) -> SeedDraft:
        """Record a reviewer's decision on a pending draft; a decided draft cannot be decided again."""
        if decision not in ("approved", "rejected"):
            raise ValueError(f"decision must be approved or rejected, not {decision!r}")
        with self.store.transaction() as con:
            row = con.execute("SELECT status, seed_id FROM seed_drafts WHERE draft_id = ?", [draft_id]).fetchone()
            if row is None:
                raise StoreError(f"seed draft {draft_id} is not in the store (see `scsf-appliance seeds drafts list`)")
            if row[0] != "pending_review":
                raise StoreError(f"seed draft {draft_id} is already {row[0]}")
            con.execute(
                "UPDATE seed_drafts SET status = ?, decided_at = current_timestamp WHERE draft_id = ?",
                [decision, draft_id],
            )
            append_event(con, f"seed_draft.{decision}", {"draft_id": draft_id, "seed_id": row[1], **(detail or {})})
        return self.get(draft_id)

    def approve(self, draft_id: str, domains: Any) -> StoredSeed:
        """Import the draft's document as a seed (`Store.import_seeds`, source `draft:<id>`), then mark it approved.

        Raises:
            StoreError: unknown or already decided draft.
            SeedError: the document no longer validates (e.g. its domain pack changed since extraction).
        """
        draft = self.get(draft_id)
        if draft.status != "pending_review":
            raise StoreError(f"seed draft {draft_id} is already {draft.status}")
        try:
            seed = Seed.model_validate(draft.document, context={"domains": domains})
        except ValidationError as exc:
            raise SeedError(f"seed draft {draft_id}: {describe_first_error(exc, schema='SeedSchema v1')}") from exc
        (stored,) = self.store.import_seeds([(seed, f"draft:{draft_id}")])
        self.decide(draft_id, "approved", detail={"seed_version": stored.version, "content_hash": stored.content_hash})
        return stored

    def drafted_conversations(self) -> set[str]:
        """Imported conversations that already have a draft (of any status)."""
        rows = self.store.con.execute("SELECT DISTINCT source_conversation_id FROM seed_drafts").fetchall()
        return {row[0] for row in rows}

    def candidates(self, import_id: str | None = None) -> list[dict[str, Any]]:
        """Imported conversations without a draft yet (of one import, or all), oldest first, as records for
        `SeedExtractor.extract`. Eligibility (clean, validated) is the extractor's call, so skips get a reason.

        Raises:
            StoreError: `import_id` names no import.
        """
        con = self.store.con
        known = import_id is None or con.execute("SELECT 1 FROM imports WHERE import_id = ?", [import_id]).fetchone()
        if not known:
            raise StoreError(f"import {import_id} is not in the store")
        query = (
            f"SELECT {', '.join(_CANDIDATE_COLUMNS)} FROM imported_conversations c"
            " WHERE NOT EXISTS (SELECT 1 FROM seed_drafts d WHERE d.source_conversation_id = c.conversation_id)"
        )
        params: list[Any] = []
        if import_id is not None:
            query += " AND import_id = ?"
            params.append(import_id)
        rows = con.execute(query + " ORDER BY created_at, source, source_key", params).fetchall()
        records = []
        for row in rows:
            record = dict(zip(_CANDIDATE_COLUMNS, row, strict=True))
            record["turns"] = orjson.loads(record["turns"])
            record["validation"] = orjson.loads(record["validation"])
            records.append(record)
        return records

    def count_imported(self, import_id: str | None = None) -> int:
        query, params = "SELECT count(*) FROM imported_conversations", []
        if import_id is not None:
            query += " WHERE import_id = ?"
            params.append(import_id)
        return self.store.con.execute(query, params).fetchone()[0]


def _select() -> str:
    return ", ".join(
        f"CAST({column} AS VARCHAR)" if column in ("created_at", "decided_at") else column for column in _COLUMNS
    )


def _draft(row: Sequence[Any]) -> SeedDraft:
    values = dict(zip(_COLUMNS, row, strict=True))
    values["document"] = orjson.loads(values["document"])
    values["evidence"] = orjson.loads(values["evidence"])
    return SeedDraft(**values)
