"""Acceptance verdicts in the store: per-metric scores in `evaluations`, the decision and its reasons in `verdicts`.

Re-evaluating a run replaces its rows in one transaction, with one audit event, so the store always holds one
complete evaluation of a run. Each verdict names the evaluator settings behind it and each result its place in the
verdict, so an incremental evaluation can rebuild the metric results (before diversity forcing) and keep them. The
judge usage of each evaluation is added, with it, to the run's (`judge_usage`): the run's sessions summed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import orjson

from scsf.audit import append_event
from scsf.eval.base import MetricResult, Verdict
from scsf.hashing import canonical_json
from scsf.store.duckdb import Store


@dataclass(frozen=True)
class StoredVerdict:
    conversation_id: str
    accepted: bool
    reasons: list[str]
    twin_id: str | None
    scores: dict[str, float | None]


class VerdictRepository:
    """Reads and writes the verdicts of one store."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def replace_run(
        self,
        run_id: str,
        verdicts: Sequence[Verdict],
        twins: dict[str, str],
        *,
        evaluator: str,
        reused: int,
        judge: dict[str, Any] | None = None,
    ) -> None:
        """Store the run's evaluation, replacing any earlier one; `twins` names the kept twin of each surplus copy,
        `evaluator` the settings that gave the metric results (JSON), `reused` how many were kept from before,
        `judge` the judge's usage in this evaluation (`judge_summary`), kept beside earlier evaluations'."""
        with self.store.transaction() as con:
            if judge is not None:
                con.execute(
                    "INSERT INTO judge_usage (run_id, evaluation, summary) SELECT ?, count(*) + 1, ?"
                    " FROM judge_usage WHERE run_id = ?",
                    [run_id, canonical_json(judge), run_id],
                )
            con.execute(
                "DELETE FROM evaluations WHERE conversation_id IN (SELECT conversation_id FROM verdicts WHERE run_id = ?)",
                [run_id],
            )
            con.execute("DELETE FROM verdicts WHERE run_id = ?", [run_id])
            if verdicts:  # a run whose every conversation failed has nothing to insert
                results = [
                    [v.conversation_id, r.name, r.score, r.threshold, r.passed, _details(r), position]
                    for v in verdicts
                    for position, r in enumerate(v.results)
                ]
                con.executemany(
                    "INSERT INTO evaluations (conversation_id, metric, score, threshold, passed, details, position)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    results,
                )
                decisions = [
                    [
                        v.conversation_id,
                        run_id,
                        v.accepted,
                        canonical_json(v.reasons),
                        twins.get(v.conversation_id),
                        evaluator,
                    ]
                    for v in verdicts
                ]
                con.executemany(
                    "INSERT INTO verdicts (conversation_id, run_id, accepted, reasons, twin_id, evaluator)"
                    " VALUES (?, ?, ?, ?, ?, ?)",
                    decisions,
                )
            accepted = sum(verdict.accepted for verdict in verdicts)
            payload = {"conversations": len(verdicts), "accepted": accepted, "reused": reused}
            append_event(con, "run.evaluated", payload, run_id)

    def judge_usage(self, run_id: str) -> list[dict[str, Any]]:
        """The judge usage of each evaluation of the run that asked a judge, in order."""
        rows = self.store.con.execute(
            "SELECT summary FROM judge_usage WHERE run_id = ? ORDER BY evaluation", [run_id]
        ).fetchall()
        return [orjson.loads(summary) for (summary,) in rows]

    def metric_results(self, run_id: str, evaluator: str) -> dict[str, list[MetricResult]]:
        """The stored metric results (diversity forcing aside) of each conversation of the run whose verdict the
        `evaluator` settings gave, in the verdict's order."""
        rows = self.store.con.execute(
            "SELECT e.conversation_id, e.metric, e.score, e.threshold, e.passed, e.details"
            " FROM evaluations e JOIN verdicts v USING (conversation_id)"
            " WHERE v.run_id = ? AND v.evaluator = CAST(? AS JSON) ORDER BY e.conversation_id, e.position",
            [run_id, evaluator],
        ).fetchall()
        results: dict[str, list[MetricResult]] = {}
        for conversation_id, metric, score, threshold, passed, details in rows:
            results.setdefault(conversation_id, []).append(_result(metric, score, threshold, passed, details))
        return results

    def of_run(self, run_id: str) -> list[StoredVerdict]:
        """The run's verdicts with every metric's score, in conversation id order."""
        rows = self.store.con.execute(
            "SELECT v.conversation_id, v.accepted, v.reasons, v.twin_id,"
            " list(struct_pack(metric := e.metric, score := e.score)) FROM verdicts v"
            " LEFT JOIN evaluations e USING (conversation_id) WHERE v.run_id = ?"
            " GROUP BY ALL ORDER BY v.conversation_id",
            [run_id],
        ).fetchall()
        return [
            StoredVerdict(
                cid, accepted, orjson.loads(reasons), twin, {m["metric"]: m["score"] for m in metrics if m["metric"]}
            )
            for cid, accepted, reasons, twin, metrics in rows
        ]

    def decisions(self, run_id: str) -> dict[str, bool]:
        """The gate's decision on each evaluated conversation of the run (the accepted ones make its dataset)."""
        rows = self.store.con.execute("SELECT conversation_id, accepted FROM verdicts WHERE run_id = ?", [run_id])
        return dict(rows.fetchall())

    def rejections_by_metric(self, run_id: str) -> dict[str, int]:
        """Conversations each metric failed, plus surplus copies under `diversidad_dataset`, by metric name."""
        rows = self.store.con.execute(
            "SELECT e.metric, count(*) FROM evaluations e JOIN verdicts v USING (conversation_id)"
            " WHERE v.run_id = ? AND NOT e.passed GROUP BY e.metric"
            " UNION ALL SELECT 'diversidad_dataset', count(*) FROM verdicts WHERE run_id = ? AND twin_id IS NOT NULL"
            " HAVING count(*) > 0 ORDER BY 1",
            [run_id, run_id],
        ).fetchall()
        return dict(rows)

    def thresholds(self, run_id: str) -> dict[str, Any]:
        """Each metric's thresholds as applied in the run (a seed may override Table 1)."""
        rows = self.store.con.execute(
            "SELECT e.metric, min(e.threshold), max(e.threshold) FROM evaluations e JOIN verdicts v USING (conversation_id)"
            " WHERE v.run_id = ? GROUP BY e.metric ORDER BY e.metric",
            [run_id],
        ).fetchall()
        return {metric: low if low == high else [low, high] for metric, low, high in rows}


def _details(result: MetricResult) -> str:
    return canonical_json({"reasons": result.reasons, **result.details})


def _result(metric: str, score: float | None, threshold: float, passed: bool, details: str) -> MetricResult:
    """The MetricResult `_details` stored."""
    stored = orjson.loads(details)
    return MetricResult(metric, score, threshold, passed, stored.pop("reasons"), stored)
