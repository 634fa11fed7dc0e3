"""Evaluation of a run (`scsf-appliance eval RUN_ID`, and the gate inside `run`): every conversation through the six
metrics (`Evaluator.evaluate_many`, batched; a conversation whose seed was extracted from an imported conversation
also gets the text ROUGE-L against that one, which does not gate), then diversity forcing over those that passed (at
most `max_copies` of any conversation, exact or near-duplicate; a surplus copy is rejected naming its twin), all
verdicts stored in one transaction, with the judge's usage in this evaluation (the run report sums them).

Incremental (`reuse_stored`, the gate's regeneration rounds and resume): a conversation keeps its stored metric
results when the same evaluator settings gave them (`evaluator_settings`: the scsf version, the evaluator's class,
the metrics' own code (`metric_rules`: a rule changed within a version), what decides the stage labeller's and PII
scanner's output (cue tables; model and prompt; pipelines and recognizers), the judge's model, sha256 and prompt
version, and the content of the domain packs) and its text ROUGE-L was taken against the reference its seed has now;
only the others reach the evaluator. The thresholds need no check: they come from the conversation's seed version,
which never changes. Diversity forcing always runs again over the whole run, from the metric results, so a surplus
copy whose twin has since been rejected is accepted."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Any

import scsf.eval
from scsf import __version__
from scsf.eval.base import ROUGE_L, MetricResult, Verdict
from scsf.eval.dedup import dialogue_text, find_near_duplicates
from scsf.eval.evaluator import Evaluator
from scsf.eval.reference import Reference
from scsf.hashing import canonical_json, content_id
from scsf.pipeline.judge_backend import current_summary, usage_since
from scsf.seeds.cache import SeedCache
from scsf.seeds.conversation import Conversation
from scsf.seeds.schema import Seed
from scsf.store import Store
from scsf.store.references import ReferenceRepository
from scsf.store.verdicts import VerdictRepository

DIVERSITY = "diversidad_dataset"


@dataclass(frozen=True)
class RunEvaluation:
    run_id: str
    conversations: int
    accepted: int
    rejected_by_metric: dict[str, int]
    surplus_copies: int
    reused: int  # conversations whose stored metric results were kept (`reuse_stored`)


def evaluator_settings(evaluator: Evaluator) -> str:
    """What, besides the conversation and its seed version, decides its metric results, as canonical JSON (stored
    with each verdict; computed once per evaluation). A component without `identity()` (a test double) is named by
    its class; every pack of the evaluator's registry counts, since a seed's domain may be any of them."""
    judge = getattr(evaluator, "judge", None)
    judge_model = getattr(getattr(judge, "backend", None), "model_info", {})
    domains = getattr(evaluator, "domains", None) or ()
    return canonical_json({
        "scsf": __version__,
        "evaluator": _kind(evaluator),
        "rules": metric_rules(),
        "labeller": _identity(getattr(evaluator, "labeller", None)),
        "scanner": _identity(getattr(evaluator, "scanner", None)),
        "judge": getattr(evaluator, "judge_identity", None),
        "judge_sha256": judge_model.get("sha256"),
        "domains": content_id([pack.model_dump(mode="json") for pack in domains]),
    })  # fmt: skip


@cache
def metric_rules(package: Path = Path(scsf.eval.__file__).parent) -> str:
    """A content address of the metrics' code (every module of `package`, scsf.eval): a changed rule, even within one
    scsf version, makes stored results stale."""
    return content_id({path.name: path.read_text(encoding="utf-8") for path in sorted(package.glob("*.py"))})


def _kind(component: Any) -> str | None:
    return None if component is None else f"{type(component).__module__}.{type(component).__qualname__}"


def _identity(component: Any) -> Any:
    """What decides a component's output: its own `identity()`, with its `fallback` labeller's identity where it has
    one (the model stage labeller's); else its class."""
    identity = getattr(component, "identity", None)
    if not callable(identity):
        return _kind(component)
    if hasattr(component, "fallback"):
        return {**identity(), "fallback": _identity(component.fallback)}
    return identity()


def evaluate_run(
    store: Store,
    evaluator: Evaluator,
    run_id: str,
    *,
    near_duplicate_threshold: float = 0.8,
    max_copies: int = 3,
    on_conversation: Callable[[], None] = lambda: None,
    seeds: SeedCache | None = None,
    reuse_stored: bool = False,
    workers: int | None = 1,
) -> RunEvaluation:
    """Evaluate every stored conversation of `run_id` (with `reuse_stored`, only those without reusable stored
    results: module docstring) and store the verdicts; `workers` as in `Evaluator.evaluate_many`."""
    store.get_run(run_id)  # a clear error for an unknown run
    seeds = seeds or SeedCache(store, evaluator.domains)
    settings = evaluator_settings(evaluator)
    judge_before = current_summary(getattr(evaluator, "judge", None))
    references = ReferenceRepository(store).of_run(run_id)  # read before the conversations' cursor is open
    stored = VerdictRepository(store).metric_results(run_id, settings) if reuse_stored else {}
    read: deque[tuple[Conversation, Verdict | None]] = deque()  # in plan order; None: awaiting the evaluator's

    def pairs() -> Iterator[tuple[Conversation, Seed]]:
        for conversation in store.conversations(run_id):
            seed = seeds.get(conversation.seed_id, conversation.seed_version)
            results = stored.get(conversation.conversation_id)
            if results and _reusable(results, references.get(seed.seed_id)):
                read.append((conversation, Verdict.from_results(conversation.conversation_id, results)))
                continue
            read.append((conversation, None))
            yield conversation, seed

    def in_plan_order() -> Iterator[tuple[Conversation, Verdict, bool]]:
        """Each conversation with its verdict and whether that was reused."""
        for verdict in evaluator.evaluate_many(pairs(), references=references, workers=workers):
            while read[0][1] is not None:
                conversation, kept = read.popleft()
                yield conversation, kept, True
            yield read.popleft()[0], verdict, False
        for conversation, kept in read:  # those after the last one evaluated
            yield conversation, kept, True

    verdicts, texts, reused = [], {}, 0
    for conversation, verdict, was_reused in in_plan_order():
        verdicts.append(verdict)
        reused += was_reused
        if verdict.accepted:
            texts[conversation.conversation_id] = dialogue_text(conversation)
        on_conversation()
    decisions = find_near_duplicates(
        texts.items(), threshold=near_duplicate_threshold, max_copies=max_copies
    )  # fmt: skip
    twins = {d.conversation_id: d.twin_id for d in decisions if d.rejected and d.twin_id}
    verdicts = [
        replace(v, accepted=False, reasons=[*v.reasons, f"{DIVERSITY}: more than {max_copies} copies; twin {twins[v.conversation_id]}"])
        if v.conversation_id in twins else v
        for v in verdicts
    ]  # fmt: skip
    judged = usage_since(judge_before, current_summary(getattr(evaluator, "judge", None)))
    VerdictRepository(store).replace_run(run_id, verdicts, twins, evaluator=settings, reused=reused, judge=judged)
    rejected: dict[str, int] = {}
    for verdict in verdicts:
        for result in verdict.results:
            if not result.passed:
                rejected[result.name] = rejected.get(result.name, 0) + 1
    if twins:
        rejected[DIVERSITY] = len(twins)
    return RunEvaluation(
        run_id, len(verdicts), sum(v.accepted for v in verdicts), rejected, len(twins), reused
    )  # fmt: skip


def _reusable(results: Sequence[MetricResult], reference: Reference | None) -> bool:
    """Whether stored results still hold: a `rouge_l` result's text ROUGE-L was taken against `reference`, the one
    the seed has now (or neither exists)."""
    rouge = [result for result in results if result.name == ROUGE_L]
    if not rouge:
        return True
    taken: Mapping[str, Any] = rouge[0].details.get("text_rouge_l") or {}
    return taken.get("reference_conversation_id") == (reference.conversation_id if reference else None)
