"""The acceptance gate inside a run (whitepaper 4.3): every stored conversation through the evaluator, verdicts
stored; with `judge` on, the judge model is opened first (the generator closed when both are llama.cpp models)."""

from __future__ import annotations

from collections.abc import Callable

from scsf.domains import DomainRegistry
from scsf.eval.evaluator import ClaimJudge, Evaluator
from scsf.pipeline.evaluation import RunEvaluation, evaluate_run
from scsf.pipeline.session import RunSession
from scsf.seeds.cache import SeedCache
from scsf.store import Store

EvaluatorFactory = Callable[[DomainRegistry, ClaimJudge | None], Evaluator]


def default_evaluator(domains: DomainRegistry, judge: ClaimJudge | None = None) -> Evaluator:
    """The gate's evaluator with the real PII scanner (Presidio + spaCy), loaded only when a run evaluates."""
    from scsf.privacy import PiiScanner

    return Evaluator(PiiScanner().warm_up(), domains, judge=judge)


def run_gate(session: RunSession, store: Store, seeds: SeedCache) -> RunEvaluation:
    """Evaluate (again) every stored conversation of the session's run and store the verdicts."""
    observer, config = session.observer, session.config
    observer.evaluating(store.count_conversations(session.run_id))
    if config.judge:
        session.models.judge()
    evaluation = evaluate_run(
        store, session.evaluator(), session.run_id, near_duplicate_threshold=config.near_duplicate_threshold,
        max_copies=config.max_copies, on_conversation=observer.evaluated_one, seeds=seeds,
    )  # fmt: skip
    observer.evaluated(evaluation, store.planned_count(session.run_id))
    return evaluation
