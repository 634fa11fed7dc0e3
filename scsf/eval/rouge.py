"""ROUGE-L (Table 1) with Google's `rouge-score`: structural coherence of a conversation with its seed, and text
ROUGE-L against a reference conversation where one exists.

A seed has no reference text, so structural coherence compares stages: each message turn is labelled with a stage of
the domain pack (`scsf.eval.stages`), a turn that carries two stages (a greeting that states the need, a follow-up
that closes) giving both where the labeller says so (`observed_sequence`), consecutive repeats collapse, and the score
is the ROUGE-L F-measure between that observed stage sequence and a reference flow, stage ids being the tokens
(whitespace tokenizer).

Which flow gates: the planned flow when the generation record has one (`flow`: the seed's `flujo_esperado` with the
stages of the plan's flow variation inserted, `scsf.generation.plan`), else `flujo_esperado`. The planned flow is what
the generator was asked to follow: a conversation that follows an `objecion_temprana` plan faithfully has an objection
and its handling that `flujo_esperado` lacks (lower precision), and the variation may move a seed stage (a stage
already in the flow moves rather than repeats), so gating on `flujo_esperado` would reject exactly the diversity the
variations exist to add. It forgives nothing else: every seed stage is still in the planned flow, in the seed's order
apart from a moved one, so a missing or out-of-order seed stage still costs recall. The score against
`flujo_esperado` is always in the details (`seed_flow`), so an auditor sees both.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from scsf.domains import DomainPack
from scsf.eval.base import ROUGE_L, MetricResult, at_least
from scsf.eval.dialogue import DialogueTurn
from scsf.eval.stages import StageLabeller, label_stages, observed_sequence
from scsf.eval.text import words


class _Tokens:
    """rouge-score tokenizer: whitespace-separated tokens as they are (stage ids) or Unicode word tokens (text)."""

    def __init__(self, split_words: bool) -> None:
        self.split_words = split_words

    def tokenize(self, text: str) -> list[str]:
        return words(text) if self.split_words else text.split()


@cache
def _scorer(split_words: bool) -> Any:
    from rouge_score.rouge_scorer import RougeScorer  # imports nltk (about 2 s): only when first scored

    return RougeScorer(["rougeL"], tokenizer=_Tokens(split_words))


def sequence_rouge_l(observed: Sequence[str], expected: Sequence[str]) -> tuple[float, float, float]:
    """(precision, recall, F-measure) of ROUGE-L between two sequences of identifiers."""
    score = _scorer(False).score(" ".join(expected), " ".join(observed))["rougeL"]
    return score.precision, score.recall, score.fmeasure


def text_rouge_l(candidate: str, reference: str) -> float:
    """ROUGE-L F-measure of a text against a reference text (lower-case word tokens, accents kept)."""
    return _scorer(True).score(reference, candidate)["rougeL"].fmeasure


def structural_coherence(
    turns: Sequence[DialogueTurn],
    pack: DomainPack,
    expected: Sequence[str],
    threshold: float,
    labeller: StageLabeller,
    stage_plan: Sequence[str] | None = None,
    flow: Sequence[str] | None = None,
) -> MetricResult:
    """The `rouge_l` metric against `flow` (the planned flow, when recorded) or else `expected` (the seed's
    `flujo_esperado`); see the module docstring. `stage_plan` (the generator's planned stage per turn, when recorded)
    only adds the labeller's agreement with it to the details."""
    labelling = label_stages(labeller, turns, pack)
    labels = labelling.labels
    observed = observed_sequence(labelling)
    reference = list(flow) if flow else list(expected)
    precision, recall, fmeasure = sequence_rouge_l(observed, reference)
    details: dict[str, Any] = {
        "labels": labels,
        "observed": observed,
        "reference": "planned_flow" if flow else "flujo_esperado",
        "expected": reference,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
    }
    if flow:
        details["seed_flow"] = {
            "expected": list(expected),
            "fmeasure": round(sequence_rouge_l(observed, expected)[2], 4),
        }
    if labelling.fallback:
        details["labeller_fallback"] = labelling.fallback
    if stage_plan is not None and len(stage_plan) == len(labels) and labels:
        details["stage_plan_agreement"] = round(sum(map(str.__eq__, labels, stage_plan)) / len(labels), 4)
    missing = [stage for stage in reference if stage not in observed]
    reasons = [f"expected stages not observed: {', '.join(missing)}"] if missing else []
    if fmeasure < threshold:
        reasons.append(f"observed stage sequence: {' > '.join(observed) or '(none)'}")
    return at_least(ROUGE_L, fmeasure, threshold, reasons, details)
