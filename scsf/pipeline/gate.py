"""The acceptance gate inside a run (whitepaper 4.3): the stored conversations through the evaluator, verdicts
stored; with `judge` on, the judge model is opened first (the generator closed when both are llama.cpp models).
Incremental: after a regeneration round (or on resume) only the conversations without stored results of the same
evaluator settings are evaluated; diversity forcing runs over the whole run each time."""

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
    """Evaluate the session's run (the conversations not evaluated yet) and store the verdicts of all."""
    observer, config = session.observer, session.config
    observer.evaluating(store.count_conversations(session.run_id))
    if config.judge:
        session.models.judge()
    evaluation = evaluate_run(
        store, session.evaluator(), session.run_id, near_duplicate_threshold=config.near_duplicate_threshold,
        max_copies=config.max_copies, on_conversation=observer.evaluated_one, seeds=seeds, reuse_stored=True,
    )  # fmt: skip
    observer.evaluated(evaluation, store.planned_count(session.run_id))
    return evaluation
