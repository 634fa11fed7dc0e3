"""Evaluation of a run (`scsf-appliance eval RUN_ID`, and the gate inside `run`): every conversation through the six
metrics (`Evaluator.evaluate_many`, batched; a conversation whose seed was extracted from an imported conversation
also gets the text ROUGE-L against that one, which does not gate), then diversity forcing over those that passed (at
most `max_copies` of any conversation, exact or near-duplicate; a surplus copy is rejected naming its twin), all
verdicts stored in one transaction."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace

from scsf.eval.dedup import dialogue_text, find_near_duplicates
from scsf.eval.evaluator import Evaluator
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


def evaluate_run(
    store: Store,
    evaluator: Evaluator,
    run_id: str,
    *,
    near_duplicate_threshold: float = 0.8,
    max_copies: int = 3,
    on_conversation: Callable[[], None] = lambda: None,
    seeds: SeedCache | None = None,
) -> RunEvaluation:
    """Evaluate (or re-evaluate) every stored conversation of `run_id` and store the verdicts."""
    store.get_run(run_id)  # a clear error for an unknown run
    seeds = seeds or SeedCache(store, evaluator.domains)
    read: deque[Conversation] = deque()  # conversations handed to the evaluator, awaiting their verdicts
    references = ReferenceRepository(store).of_run(run_id)  # read before the conversations' cursor is open

    def pairs() -> Iterator[tuple[Conversation, Seed]]:
        for conversation in store.conversations(run_id):
            read.append(conversation)
            yield conversation, seeds.get(conversation.seed_id, conversation.seed_version)

    verdicts, texts = [], {}
    for verdict in evaluator.evaluate_many(pairs(), references=references):
        conversation = read.popleft()
        verdicts.append(verdict)
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
    VerdictRepository(store).replace_run(run_id, verdicts, twins)
    rejected: dict[str, int] = {}
    for verdict in verdicts:
        for result in verdict.results:
            if not result.passed:
                rejected[result.name] = rejected.get(result.name, 0) + 1
    if twins:
        rejected[DIVERSITY] = len(twins)
    return RunEvaluation(run_id, len(verdicts), sum(v.accepted for v in verdicts), rejected, len(twins))
