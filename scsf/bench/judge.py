"""`bench judge`: a labelled set (the calibration set of `judge_set`, or one of the held-out sets of `judge_heldout`,
written without reading the judge's checks) through the Evaluator, with deterministic checks alone and with a judge
model, side by side. A conversation is predicted faithful iff its `fidelidad_factual` metric passes.

Per mode: accuracy, recall per unfaithful kind, specificity on the faithful ones, the confusion matrix, the Pearson
correlation between the fidelity score and the label (faithful = 1: point-biserial), seconds per conversation, and
the misclassified cases with the fidelity reasons. Beside it, the accuracy had any unsupported claim failed the
conversation (score < 1): supported / checked >= 0.90 lets one unsupported claim among nine supported ones pass.
The PII scanner is not part of fidelity: the Evaluator gets one that finds nothing.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from typing import Any

from scsf.bench.generate_model import BenchModel
from scsf.bench.judge_heldout import heldout2_set, heldout_set
from scsf.bench.judge_set import FAITHFUL, KINDS, Case, calibration_set, pilot_seeds
from scsf.domains import DomainRegistry
from scsf.eval.base import FIDELIDAD_FACTUAL
from scsf.eval.evaluator import ClaimJudge, Evaluator
from scsf.eval.judge import LlmJudge
from scsf.generation.backends.llamacpp import LlamaCppBackend
from scsf.models.catalog import ModelCatalog
from scsf.paths import Home
from scsf.privacy.base import PiiFinding
from scsf.seeds.schema import Seed

MISSES_SHOWN = 3  # misclassified examples reported per kind
JUDGE_CTX = 4096
LABELLED_SETS: dict[str, Callable[[DomainRegistry], list[Case]]] = {
    "calibration": calibration_set, "heldout": heldout_set, "heldout2": heldout2_set,
}  # fmt: skip


class NoFindings:
    """A TextScanner that finds nothing: privacy is not what this benchmark measures."""

    def scan_many(self, texts: Sequence[str], langs: Any = None) -> list[list[PiiFinding]]:
        return [[] for _ in texts]


@dataclass(frozen=True)
class Outcome:
    """One case through one mode: the fidelity score, whether it passed (predicted faithful), why not, seconds."""

    case: Case
    score: float
    predicted_faithful: bool
    reasons: list[str]
    seconds: float

    @property
    def correct(self) -> bool:
        return self.predicted_faithful == self.case.faithful


def run_mode(
    cases: Sequence[Case],
    seeds: dict[str, Seed],
    domains: DomainRegistry,
    judge: ClaimJudge | None,
    on_case: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Every case through an Evaluator with `judge` (None: deterministic checks alone), in order."""
    evaluator = Evaluator(NoFindings(), domains, judge=judge)
    if cases:  # untimed, without the judge: the first evaluation loads what the metrics load lazily
        Evaluator(NoFindings(), domains).evaluate(cases[0].conversation, seeds[cases[0].conversation.seed_id])
    outcomes = []
    for case in cases:
        started = time.perf_counter()
        fidelity = evaluator.evaluate(case.conversation, seeds[case.conversation.seed_id]).result(FIDELIDAD_FACTUAL)
        outcome = Outcome(case, float(fidelity.score or 0.0), fidelity.passed, fidelity.reasons,
                          time.perf_counter() - started)  # fmt: skip
        outcomes.append(outcome)
        if on_case is not None:
            on_case(outcome)
    return outcomes


def metrics(outcomes: Sequence[Outcome]) -> dict[str, Any]:
    """The report of one mode (see the module docstring); unfaithful is the positive class."""
    faithful = [o for o in outcomes if o.case.faithful]
    unfaithful = [o for o in outcomes if not o.case.faithful]
    caught = sum(not o.predicted_faithful for o in unfaithful)
    passed = sum(o.predicted_faithful for o in faithful)
    recall = {
        kind: _ratio(sum(not o.predicted_faithful for o in of_kind), len(of_kind))
        for kind in KINDS
        if (of_kind := [o for o in unfaithful if o.case.kind == kind])
    }
    misses = [o for o in outcomes if not o.correct]
    return {
        "accuracy": _ratio(sum(o.correct for o in outcomes), len(outcomes)),
        "accuracy_if_any_unsupported_claim_fails": _ratio(
            sum((o.score == 1.0) == o.case.faithful for o in outcomes), len(outcomes)
        ),
        "recall_by_kind": recall,
        "recall_unfaithful": _ratio(caught, len(unfaithful)),
        "faithful_specificity": _ratio(passed, len(faithful)),
        "confusion": {
            "unfaithful": {"predicted_unfaithful": caught, "predicted_faithful": len(unfaithful) - caught},
            "faithful": {"predicted_unfaithful": len(faithful) - passed, "predicted_faithful": passed},
        },
        "pearson_r_score_vs_label": point_biserial([o.score for o in outcomes], [o.case.faithful for o in outcomes]),
        "mean_score": {
            FAITHFUL: _mean([o.score for o in faithful]),
            "unfaithful": _mean([o.score for o in unfaithful]),
        },
        "seconds_per_conversation": round(_mean([o.seconds for o in outcomes]) or 0.0, 4),
        "misclassified": len(misses),
        "examples": _examples(misses),
    }


def point_biserial(scores: Sequence[float], labels: Sequence[bool]) -> float | None:
    """Pearson r between the scores and the 0/1 labels; None when either does not vary."""
    if len(set(scores)) < 2 or len(set(labels)) < 2:
        return None
    return round(statistics.correlation(list(scores), [float(label) for label in labels]), 4)


def _examples(misses: Sequence[Outcome]) -> list[dict[str, Any]]:
    shown: dict[str, int] = {}
    examples = []
    for outcome in misses:
        kind = outcome.case.kind
        shown[kind] = shown.get(kind, 0) + 1
        if shown[kind] > MISSES_SHOWN:
            continue
        change = outcome.case.change
        examples.append({
            "case": outcome.case.case_id, "kind": kind, "score": outcome.score, "reasons": outcome.reasons,
            **({"turns": [n + 1 for n in change.turns], "after": change.after} if change else {}),
        })  # fmt: skip
    return examples


def set_summary(cases: Sequence[Case], seeds: dict[str, Seed]) -> dict[str, Any]:
    """Size and make-up of the set: conversations per kind, bases, seeds and their interaction types."""
    used = sorted({case.conversation.seed_id for case in cases})
    kinds = [FAITHFUL, *KINDS]
    return {
        "conversations": len(cases),
        "by_kind": {kind: sum(case.kind == kind for case in cases) for kind in kinds},
        "bases": len({case.base.name for case in cases}),
        "seeds": len(used),
        "interaction_types": sorted({seeds[seed_id].tipo_interaccion for seed_id in used}),
    }


def select(cases: Sequence[Case], limit: int | None) -> list[Case]:
    """The first `limit` cases taking the kinds in turn (faithful, then each unfaithful kind), so a small limit still
    mixes labels; all cases, in that order, when `limit` is None."""
    by_kind = [[case for case in cases if case.kind == kind] for kind in (FAITHFUL, *KINDS)]
    interleaved = [group[i] for i in range(max(map(len, by_kind))) for group in by_kind if i < len(group)]
    return interleaved if limit is None else interleaved[:limit]


def bench_judge(
    *,
    model: str | None,
    limit: int | None,
    deterministic_only: bool,
    n_threads: int,
    labelled_set: str = "calibration",
    on_mode: Callable[[str, int], None] | None = None,
    on_case: Callable[[Outcome], None] | None = None,
) -> dict[str, Any]:
    """Both modes over the labelled set `labelled_set` (a name of LABELLED_SETS), or `limit` cases of it:
    deterministic checks alone, then the LLM judge with manifest model `model` (default: the manifest's judge) unless
    `deterministic_only`. `on_mode(name, cases)` is called as a mode starts, `on_case` after each case."""
    domains = DomainRegistry.load()
    seeds = pilot_seeds(domains)
    every = LABELLED_SETS[labelled_set](domains)
    cases = select(every, limit)
    report: dict[str, Any] = {
        "benchmark": "judge", "set": {"name": labelled_set, **set_summary(every, seeds)}, "evaluated": len(cases),
        "prediction": f"faithful iff {FIDELIDAD_FACTUAL} passes",
        "pii_scanner": "none (a scanner that finds nothing: fidelity does not use it)",
    }  # fmt: skip
    if on_mode is not None:
        on_mode("deterministic", len(cases))
    report["deterministic"] = metrics(run_mode(cases, seeds, domains, None, on_case))
    if deterministic_only:
        return report
    bench_model = judge_model(model, n_threads)
    backend = LlamaCppBackend(bench_model.backend_options())
    try:
        judge = LlmJudge(backend)
        if on_mode is not None:
            on_mode("llm_judge", len(cases))
        report["llm_judge"] = {
            **metrics(run_mode(cases, seeds, domains, judge, on_case)),
            "model": {"name": bench_model.name, "sha256": bench_model.sha256, "n_threads": bench_model.n_threads},
            "usage": asdict(judge.usage),
        }
    finally:
        backend.close()
    return report


def judge_model(name: str | None, n_threads: int) -> BenchModel:
    """Manifest model `name`, or the manifest's default judge, verified."""
    if name is None:
        name = ModelCatalog.load(Home.resolve()).default("judge").name
    return BenchModel.resolve(name, n_threads=n_threads, n_ctx=JUDGE_CTX)


def _ratio(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _mean(values: Sequence[float]) -> float | None:
    return round(statistics.fmean(values), 4) if values else None
