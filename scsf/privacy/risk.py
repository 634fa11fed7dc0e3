"""Conversation-level PII risk in [0, 1], and whether a human must review it (whitepaper 6.2, stage 4).

Each distinct finding (same type and same normalised text counted once, at its best score) contributes
`weight[type] * score`; contributions combine as a noisy-OR: risk = 1 - prod(1 - weight * score). One validated CURP,
CLABE or card alone gives ~1.0; one first name alone stays below the default 0.5 threshold, two distinct names pass it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from scsf.privacy.base import (
    CLABE, CREDIT_CARD, CURP, EMAIL_ADDRESS, GEO_COORDINATE, IP_ADDRESS, PERSON, PHONE_NUMBER, RFC, PiiFinding,
)  # fmt: skip
from scsf.privacy.lexicon import fold

DEFAULT_THRESHOLD = 0.5
DEFAULT_WEIGHTS: Mapping[str, float] = {
    CURP: 1.0, CLABE: 1.0, CREDIT_CARD: 1.0, RFC: 0.9, PHONE_NUMBER: 0.8, EMAIL_ADDRESS: 0.8, GEO_COORDINATE: 0.8,
    IP_ADDRESS: 0.5, PERSON: 0.45,
}  # fmt: skip
UNKNOWN_TYPE_WEIGHT = 0.5


def _key(finding: PiiFinding) -> tuple[str, str]:
    text = finding.text if finding.entity_type == PERSON else "".join(ch for ch in finding.text if ch.isalnum())
    return finding.entity_type, fold(text)


def risk_score(findings: Iterable[PiiFinding], weights: Mapping[str, float] | None = None) -> float:
    """Noisy-OR of weighted scores over distinct findings; 0.0 without findings."""
    weights = DEFAULT_WEIGHTS if weights is None else weights
    best: dict[tuple[str, str], PiiFinding] = {}
    for finding in findings:
        key = _key(finding)
        if key not in best or finding.score > best[key].score:
            best[key] = finding
    keep = 1.0
    for finding in best.values():
        weight = weights.get(finding.entity_type, UNKNOWN_TYPE_WEIGHT)
        keep *= 1.0 - min(1.0, max(0.0, weight * finding.score))
    return round(1.0 - keep, 6)


@dataclass(frozen=True)
class RiskAssessment:
    """The risk of one conversation and the review decision at `threshold` (review when score >= threshold)."""

    score: float
    threshold: float
    needs_review: bool
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"score": self.score, "threshold": self.threshold, "needs_review": self.needs_review,
                "counts": dict(self.counts)}  # fmt: skip


def assess_conversation(
    findings_per_turn: Sequence[Iterable[PiiFinding]],
    threshold: float = DEFAULT_THRESHOLD,
    weights: Mapping[str, float] | None = None,
) -> RiskAssessment:
    """Risk of a conversation from the findings of all its turns."""
    if not 0.0 <= threshold <= 1.0:
        raise ValueError("threshold must be within [0, 1]")
    findings = [f for turn in findings_per_turn for f in turn]
    counts: dict[str, int] = {}
    for finding in findings:
        counts[finding.entity_type] = counts.get(finding.entity_type, 0) + 1
    score = risk_score(findings, weights)
    return RiskAssessment(score=score, threshold=threshold, needs_review=score >= threshold, counts=counts)
