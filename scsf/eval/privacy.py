"""Privacy score (Table 1, whitepaper 6.2): the number of residual-PII findings in the message turns; the dataset
tolerates none. Reasons name the turn and the entity types, never the text found."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from scsf.eval.base import PRIVACY_SCORE, MetricResult
from scsf.eval.dialogue import DialogueTurn
from scsf.privacy.base import PiiFinding


class TextScanner(Protocol):
    """What the metric needs of `scsf.privacy.PiiScanner`."""

    def scan_many(
        self, texts: Sequence[str], langs: Sequence[str | None] | str | None = None
    ) -> list[list[PiiFinding]]: ...


def privacy_score(
    turns: Sequence[DialogueTurn], findings: Sequence[Sequence[PiiFinding]], threshold: float
) -> MetricResult:
    """The metric from each turn's findings, scanned beforehand (`Evaluator.evaluate_many` scans many at once)."""
    by_type: Counter[str] = Counter()
    reasons = []
    for turn, found in zip(turns, findings, strict=True):
        if found:
            types = Counter(finding.entity_type for finding in found)
            by_type.update(types)
            listed = ", ".join(f"{count} {entity}" for entity, count in sorted(types.items()))
            reasons.append(f"turn {turn.number} ({turn.role}): {listed}")
    score = float(sum(by_type.values()))
    passed = score <= threshold
    head = [] if passed else [f"{int(score)} PII findings; the tolerance is {threshold:g}"]
    details = {"by_type": dict(sorted(by_type.items()))}
    return MetricResult(PRIVACY_SCORE, score, threshold, passed, head + reasons, details)
