"""Reference conversations of generated ones: a seed approved from a draft (`seeds extract`) has the imported
conversation the draft came from as its reference; and the text ROUGE-L against it that a run's verdicts stored."""

from __future__ import annotations

import orjson

from scsf.eval.base import ROUGE_L
from scsf.eval.reference import Reference
from scsf.store.duckdb import Store


class ReferenceRepository:
    """Reads the seed drafts, imported conversations and evaluations of a Store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def of_run(self, run_id: str) -> dict[str, Reference]:
        """Seed id -> reference, for the seeds of the run's conversations that were approved from a draft. The
        reference text is the imported conversation's message turns (roles mapped), one text a line, redacted as
        stored."""
        rows = self.store.con.execute(
            "SELECT d.seed_id, c.conversation_id, c.turns FROM seed_drafts d"
            " JOIN imported_conversations c ON c.conversation_id = d.source_conversation_id"
            " WHERE d.status = 'approved' AND d.seed_id IN (SELECT seed_id FROM conversations WHERE run_id = ?)",
            [run_id],
        ).fetchall()
        return {seed_id: Reference(conversation_id, _dialogue_text(turns)) for seed_id, conversation_id, turns in rows}

    def text_rouge_l(self, run_id: str) -> dict[str, float]:
        """Conversation id -> text ROUGE-L F-measure stored in the run's verdicts (conversations with a reference)."""
        rows = self.store.con.execute(
            "SELECT conversation_id, CAST(json_extract(e.details, '$.text_rouge_l.fmeasure') AS DOUBLE) AS fmeasure"
            " FROM evaluations e JOIN verdicts v USING (conversation_id)"
            " WHERE v.run_id = ? AND e.metric = ? AND fmeasure IS NOT NULL ORDER BY conversation_id",
            [run_id, ROUGE_L],
        ).fetchall()
        return dict(rows)


def _dialogue_text(turns: str) -> str:
    return "\n".join(
        turn.get("text") or ""
        for turn in orjson.loads(turns)
        if turn.get("kind", "message") == "message" and turn.get("role")
    )
