"""Memorization (Table 1): the extraction-attack success rate of a trained adapter. The audit computes it per adapter
after fine-tuning; until then the evaluator reports it as not measured, without holding the conversation back."""

from __future__ import annotations

from scsf.eval.base import MEMORIZACION, MetricResult


def memorization_not_measured(threshold: float) -> MetricResult:
    reason = "not measured: the extraction-attack audit runs per adapter after fine-tuning"
    return MetricResult(MEMORIZACION, None, threshold, True, [reason], {})
