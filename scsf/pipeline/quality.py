"""The `quality` section of a run report: what the acceptance gate decided and why, regeneration, and the
distribution report, all read back from the store (so a resumed run reports the same), and the judge model the
gate asked with its usage summed over every evaluation of the run stored (the sessions before a resume included; an
evaluation interrupted before its verdicts were stored left no usage)."""

from __future__ import annotations

from typing import Any

from scsf.eval.dashboard import rejection_reasons
from scsf.eval.distribution import distribution
from scsf.pipeline.config import RunConfig
from scsf.pipeline.judge_backend import summed
from scsf.store import Store
from scsf.store.verdicts import VerdictRepository

TOP_REASONS = 5


def quality_section(store: Store, run_id: str, judge: dict[str, Any] | None = None) -> dict[str, Any]:
    """Gate on/off, the judge (`judge_summary`: model, sha256, prompt version, calls, failures, seconds, summed over
    the run's stored evaluations; `judge`, this session's, where none is stored; None when off), accepted/rejected counts, rejections per metric and their most frequent reasons, thresholds, regeneration
    rounds and replacements, per-seed acceptance and the distributions over accepted vs all."""
    config = RunConfig.model_validate(store.get_run(run_id)["config"])
    target = store.planned_count(run_id)
    if not config.quality_gate:
        summary = "quality gate off: the dataset holds every stored conversation, unevaluated"
        return {"gate": "off", "judge": None, "summary": summary}
    repository = VerdictRepository(store)
    judge = summed(repository.judge_usage(run_id)) or judge
    verdicts = repository.of_run(run_id)
    accepted = sum(verdict.accepted for verdict in verdicts)
    by_metric = repository.rejections_by_metric(run_id)
    replacements = [item for item in store.run_items(run_id) if item.replaces]
    decisions = {verdict.conversation_id: verdict.accepted for verdict in verdicts}
    return {
        "gate": "on",
        "judge": judge,
        "target": target,
        "evaluated": len(verdicts),
        "accepted": accepted,
        "rejected": len(verdicts) - accepted,
        "rejections_by_metric": by_metric,
        "top_rejection_reasons": dict(list(rejection_reasons(verdicts).items())[:TOP_REASONS]),
        "thresholds": {
            **repository.thresholds(run_id),
            "near_duplicate_threshold": config.near_duplicate_threshold,
            "max_copies": config.max_copies,
        },
        "regeneration": {
            "enabled": config.regenerate_rejected,
            "budget": config.regeneration_budget(target) if config.regenerate_rejected else 0,
            "rounds": max((item.regen_round for item in replacements), default=0),
            "replacements": len(replacements),
            "replaced": {item.conversation_id: item.replaces for item in replacements},
        },
        "distribution": distribution(store.conversations(run_id), decisions),
        "summary": _summary(run_id, accepted, target, by_metric),
    }


def _summary(run_id: str, accepted: int, target: int, by_metric: dict[str, int]) -> str:
    """One line for people: how many were accepted and, when short of the target, the top rejecting metrics."""
    line = f"accepted {accepted}/{target}"
    if accepted >= target:
        return line
    top = ", ".join(f"{metric} {count}" for metric, count in sorted(by_metric.items(), key=lambda kv: -kv[1])[:3])
    return (
        f"{line}; rejected most by {top or 'generation failures'}. The dataset holds the accepted conversations only;"
        f" the rejected ones stay in the store with their reasons (`scsf-appliance quality {run_id}`)."
        " Small CPU demo models write repetitive text, so a demo run may have none accepted."
    )
