"""What every metric returns and what the acceptance gate decides (whitepaper 4.3, Table 1).

A metric gives a `MetricResult`: its score, the threshold it was held to, whether it passed, and reasons an auditor
can read (never the personal data itself). The `Verdict` accepts a conversation only when every metric passed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

ROUGE_L = "rouge_l"
FIDELIDAD_FACTUAL = "fidelidad_factual"
DIVERSIDAD_LEXICA = "diversidad_lexica"
COHERENCIA_DIALOGO = "coherencia_dialogo"
PRIVACY_SCORE = "privacy_score"
MEMORIZACION = "memorizacion"

METRIC_NAMES: tuple[str, ...] = (
    ROUGE_L, FIDELIDAD_FACTUAL, DIVERSIDAD_LEXICA, COHERENCIA_DIALOGO, PRIVACY_SCORE, MEMORIZACION,
)  # fmt: skip

# The seed's `metricas_calidad` field holding each metric's threshold (see scsf.seeds.schema.DEFAULT_THRESHOLDS).
THRESHOLD_FIELDS: dict[str, str] = {
    ROUGE_L: "rouge_l_min",
    FIDELIDAD_FACTUAL: "fidelidad_factual_min",
    DIVERSIDAD_LEXICA: "diversidad_lexica_min",
    COHERENCIA_DIALOGO: "coherencia_dialogo_min",
    PRIVACY_SCORE: "privacy_score_max",
    MEMORIZACION: "memorizacion_max",
}


@dataclass(frozen=True)
class MetricResult:
    """One metric of one conversation. `score` is None only for a metric that was not measured."""

    name: str
    score: float | None
    threshold: float
    passed: bool
    reasons: list[str] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def at_least(name: str, score: float, threshold: float, reasons: list[str], details: dict[str, Any]) -> MetricResult:
    """A metric that passes when `score >= threshold`; a failing one says so as its first reason."""
    score = round(score, 4)
    passed = score >= threshold
    head = [] if passed else [f"score {score} below the threshold {threshold}"]
    return MetricResult(name, score, threshold, passed, head + reasons, details)


@dataclass(frozen=True)
class Verdict:
    """The gate's decision for one conversation: accepted only when every metric passed."""

    conversation_id: str
    accepted: bool
    results: list[MetricResult]
    reasons: list[str]

    @classmethod
    def from_results(cls, conversation_id: str, results: Sequence[MetricResult]) -> Verdict:
        """Reasons are those of the failed metrics, each prefixed with the metric's name."""
        failed = [result for result in results if not result.passed]
        reasons = [f"{result.name}: {reason}" for result in failed for reason in result.reasons]
        return cls(conversation_id, not failed, list(results), reasons)

    def result(self, name: str) -> MetricResult:
        """The result of metric `name` (KeyError when the verdict has none)."""
        for result in self.results:
            if result.name == name:
                return result
        raise KeyError(name)

    def as_dict(self) -> dict[str, Any]:
        return {
            "conversation_id": self.conversation_id,
            "accepted": self.accepted,
            "reasons": list(self.reasons),
            "results": [result.as_dict() for result in self.results],
        }
