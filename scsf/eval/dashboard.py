"""The quality dashboard of a run (`scsf-appliance quality RUN_ID`): metric distributions against their thresholds,
rejection reasons, the worst examples, and (given the conversations) the distribution report, read from the stored
verdicts; given the text ROUGE-L of conversations that have a reference (`ReferenceRepository.text_rouge_l`), its
distribution too, with the conversations closest to their real source (a privacy signal, no threshold)."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from scsf.eval.distribution import distribution
from scsf.seeds.conversation import Conversation
from scsf.store.verdicts import StoredVerdict

_NUMBERS = re.compile(r"\d+(?:[.,]\d+)*")


def quality_dashboard(
    verdicts: list[StoredVerdict],
    thresholds: dict[str, Any],
    worst: int = 3,
    conversations: Iterable[Conversation] | None = None,
    text_rouge_l: Mapping[str, float] | None = None,
) -> dict[str, Any]:
    """Counts, per-metric distributions (min, quartiles, max), reasons grouped by kind, worst examples; with the run's
    `conversations`, also `distribution` (scsf.eval.distribution: accepted vs all, per-seed acceptance); with a
    non-empty `text_rouge_l` (conversation id -> F-measure against its reference), `text_rouge_l`: its distribution
    and the `closest` conversations (highest first)."""
    metrics: dict[str, Any] = {}
    for name in sorted({metric for verdict in verdicts for metric in verdict.scores}):
        scored = sorted((v.scores[name], v.conversation_id) for v in verdicts if v.scores.get(name) is not None)
        metrics[name] = {"threshold": thresholds.get(name), **_spread(scored)}
        if scored:
            metrics[name]["worst"] = [conversation_id for _, conversation_id in scored[:worst]]
    dashboard = {
        "conversations": len(verdicts),
        "accepted": sum(verdict.accepted for verdict in verdicts),
        "rejected": sum(not verdict.accepted for verdict in verdicts),
        "metrics": metrics,
        "rejection_reasons": rejection_reasons(verdicts),
        "worst_examples": [
            {"conversation_id": v.conversation_id, "reasons": v.reasons[:5]}
            for v in sorted((v for v in verdicts if not v.accepted), key=lambda v: -len(v.reasons))[:worst]
        ],
    }
    if conversations is not None:
        dashboard["distribution"] = distribution(conversations, {v.conversation_id: v.accepted for v in verdicts})
    if text_rouge_l:
        scored = sorted((score, conversation_id) for conversation_id, score in text_rouge_l.items())
        closest = [conversation_id for _, conversation_id in sorted(scored, key=lambda pair: -pair[0])[:worst]]
        dashboard["text_rouge_l"] = {"gates": False, **_spread(scored), "closest": closest}
    return dashboard


def _spread(scored: list[tuple[float, str]]) -> dict[str, Any]:
    """Count, min, quartiles and max of sorted (score, conversation id) pairs."""
    if not scored:
        return {"measured": 0}
    values = [score for score, _ in scored]
    quartiles = statistics.quantiles(values, n=4) if len(values) > 1 else [values[0]] * 3
    return {
        "measured": len(values),
        "min": values[0], "q1": round(quartiles[0], 4), "median": round(quartiles[1], 4),
        "q3": round(quartiles[2], 4), "max": values[-1],
    }  # fmt: skip


def rejection_reasons(verdicts: Iterable[StoredVerdict]) -> dict[str, int]:
    """Rejection reasons grouped by kind (numbers and ids taken out), most frequent first."""
    return dict(Counter(_reason_kind(reason) for verdict in verdicts for reason in verdict.reasons).most_common())


def _reason_kind(reason: str) -> str:
    """A reason with its numbers and conversation ids taken out, so like reasons count together."""
    return _NUMBERS.sub("N", re.sub(r"conv-[0-9a-f]+", "<id>", reason))
