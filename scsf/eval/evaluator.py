"""The acceptance gate of one conversation (whitepaper 4.3): the six metrics of Table 1, thresholds from the seed's
`metricas_calidad` (Table 1 defaults where the seed leaves one out), one explainable Verdict.

`Evaluator.evaluate_many` gives the same verdicts as `evaluate` one by one, batched: the message turns of a batch of
conversations go through one `scan_many` call, each distinct text once; with `workers` > 1 batches are evaluated in
this process and worker processes, each with its own warmed scanner, this one evaluating alone until a worker has
started (the judge, a model, is asked in this process).

Two details do not gate: the `rouge_l` result's `text_rouge_l`, against the real conversation a seed was extracted
from where one is given (`scsf.eval.reference`: a privacy signal, not a quality), and with a judge the
`fidelidad_factual` result's `judge` (its model and prompt version), so a verdict names the judge behind it."""

from __future__ import annotations

import os
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, ThreadPoolExecutor, wait
from dataclasses import replace
from itertools import islice
from multiprocessing import get_context
from multiprocessing.context import BaseContext
from typing import Any, NamedTuple, Protocol

from scsf.domains import DomainPack, DomainRegistry
from scsf.errors import ScsfError
from scsf.eval.base import (
    COHERENCIA_DIALOGO,
    DIVERSIDAD_LEXICA,
    FIDELIDAD_FACTUAL,
    MEMORIZACION,
    PRIVACY_SCORE,
    ROUGE_L,
    THRESHOLD_FIELDS,
    Verdict,
)
from scsf.eval.catalogue import catalogue_claims
from scsf.eval.ceilings import ceiling_claims
from scsf.eval.coherence import dialogue_coherence
from scsf.eval.dialogue import DialogueTurn, dialogue
from scsf.eval.diversity import lexical_diversity
from scsf.eval.fidelity import Claim, claims_from_dialogue, factual_fidelity, seed_references, tool_references
from scsf.eval.judge_prompt import PROMPT_VERSION
from scsf.eval.memorization import memorization_not_measured
from scsf.eval.privacy import TextScanner, privacy_score
from scsf.eval.reference import Reference, reference_rouge_l
from scsf.eval.rouge import structural_coherence
from scsf.eval.stages import KeywordStageLabeller, StageLabeller
from scsf.privacy.base import PiiFinding
from scsf.seeds.conversation import Conversation
from scsf.seeds.schema import Seed

BATCH_SIZE = 64
"""Conversations whose message turns are scanned together (and handed to a worker as one task)."""


class Item(NamedTuple):
    """What a batch (in this process or a worker) needs of one conversation: the judge's claims and identity, asked
    for in this process, and its reference conversation, read from the store."""

    conversation: Conversation
    seed: Seed
    judge_claims: Sequence[Claim] = ()
    judge: dict[str, Any] | None = None
    reference: Reference | None = None


class EvaluationError(ScsfError):
    """A conversation cannot be evaluated against the seed given (another seed, an unknown domain)."""

    title = "evaluation"


class ClaimJudge(Protocol):
    """A judge model: the verifiable claims of a conversation, each already checked (`supported`) or carrying the
    values factual fidelity compares with the seed's and the tools' references."""

    def __call__(self, conversation: Conversation, seed: Seed, pack: DomainPack) -> Sequence[Claim]: ...


class Evaluator:
    """Scores conversations against their seeds. `labeller` replaces the keyword stage labeller (a model-based one);
    `judge` adds a judge model's claims to the deterministic ones of factual fidelity."""

    def __init__(
        self,
        scanner: TextScanner,
        domains: DomainRegistry,
        labeller: StageLabeller | None = None,
        judge: ClaimJudge | None = None,
    ) -> None:
        self.scanner = scanner
        self.domains = domains
        self.labeller = labeller or KeywordStageLabeller()
        self.judge = judge

    @property
    def judge_identity(self) -> dict[str, Any] | None:
        """The judge's model and prompt version, recorded in the `fidelidad_factual` details; None without a judge."""
        if self.judge is None:
            return None
        return {"model": getattr(self.judge, "model_name", None), "prompt_version": PROMPT_VERSION}

    def evaluate(
        self,
        conversation: Conversation,
        seed: Seed,
        judge_claims: Sequence[Claim] = (),
        reference: Reference | None = None,
    ) -> Verdict:
        """All six metrics; `judge_claims` (from a judge model) are checked beside the deterministic ones; with a
        `reference` (the real conversation the seed was extracted from) the text ROUGE-L against it is recorded."""
        return self._evaluate_batch([self._item(conversation, seed, judge_claims, reference)])[0]

    def evaluate_many(
        self,
        pairs: Iterable[tuple[Conversation, Seed]],
        *,
        workers: int | None = 1,
        batch_size: int = BATCH_SIZE,
        references: Mapping[str, Reference] | None = None,
    ) -> Iterator[Verdict]:
        """The verdict of each (conversation, seed), in order, equal to `evaluate`'s (with the reference that
        `references` gives the seed id, if any). `workers` > 1 evaluates batches in that many processes, this one and
        `workers` - 1 worker processes (None: one per CPU), which the scanner, domains and labeller must pickle to; a
        script doing so needs the `if __name__ == "__main__":` guard."""
        workers = workers or len(os.sched_getaffinity(0))
        references = references or {}
        items = (self._item(conversation, seed, reference=references.get(seed.seed_id)) for conversation, seed in pairs)
        batches = iter(lambda: list(islice(items, batch_size)), [])
        if workers == 1:
            for batch in batches:
                yield from self._evaluate_batch(batch)
            return
        yield from self._evaluate_shared(batches, workers - 1)

    def _evaluate_shared(self, batches: Iterator[list[Item]], children: int) -> Iterator[Verdict]:
        """Verdicts of `batches`, in order, evaluated by this process and `children` worker processes. The workers
        start in a thread of this process (the server they fork from imports the evaluator first, seconds; each then
        loads its scanner), and until one has, this process evaluates every batch; then it hands batches to the
        workers, at most two a worker in flight, and evaluates the next one itself when they are busy. At most four
        batches a process wait to be yielded: a long run is not read all at once."""
        with ProcessPoolExecutor(
            children, mp_context=_worker_context(), initializer=_start_worker,
            initargs=(self.scanner, self.domains, self.labeller),
        ) as pool, ThreadPoolExecutor(1) as launcher:  # fmt: skip
            started = launcher.submit(_start_workers, pool, children)
            pending: deque[Future[list[Verdict]] | list[Verdict]] = deque()
            for batch in batches:
                in_flight = sum(isinstance(entry, Future) and not entry.done() for entry in pending)
                if in_flight < 2 * children and started.done():
                    pending.append(pool.submit(_evaluate_in_worker, batch))
                else:
                    pending.append(self._evaluate_batch(batch))
                while pending and (len(pending) > 4 * (children + 1) or _done(pending[0])):
                    yield from _verdicts(pending.popleft())
            while pending:
                yield from _verdicts(pending.popleft())

    def _item(
        self, conversation: Conversation, seed: Seed, claims: Sequence[Claim] = (), reference: Reference | None = None
    ) -> Item:
        """The item of a conversation, the judge (if any) asked here."""
        if self.judge is None:
            return Item(conversation, seed, claims, None, reference)
        self._check_seed(conversation, seed)
        claims = [*claims, *self.judge(conversation, seed, self.domains.get(seed.dominio))]
        return Item(conversation, seed, claims, self.judge_identity, reference)

    def _evaluate_batch(self, batch: Sequence[Item]) -> list[Verdict]:
        """Verdicts of a batch whose turn texts are scanned in one call, each distinct text once."""
        dialogues = []
        for conversation, seed, *_ in batch:
            self._check_seed(conversation, seed)
            pack = self.domains.get(seed.dominio)
            dialogues.append((pack, dialogue(conversation, pack)))
        texts = list(dict.fromkeys(turn.text for _, turns in dialogues for turn in turns))
        found = dict(zip(texts, self.scanner.scan_many(texts), strict=True))
        return [
            self._verdict(item, pack, turns, [found[turn.text] for turn in turns])
            for item, (pack, turns) in zip(batch, dialogues, strict=True)
        ]

    def _verdict(
        self, item: Item, pack: DomainPack, turns: Sequence[DialogueTurn], findings: Sequence[Sequence[PiiFinding]]
    ) -> Verdict:
        conversation, seed, judge_claims = item.conversation, item.seed, item.judge_claims
        generation = conversation.generation

        def threshold(metric: str) -> float:
            return seed.metricas_calidad.threshold(THRESHOLD_FIELDS[metric])

        tools = generation.get("tools") or []
        references = seed_references(seed) + tool_references(tools)
        claims = [
            *claims_from_dialogue(turns), *catalogue_claims(turns, seed, pack, tools),
            *ceiling_claims(turns, seed, tools), *judge_claims,
        ]  # fmt: skip
        structure = structural_coherence(
            turns, pack, seed.parametros_factuales.flujo_esperado, threshold(ROUGE_L), self.labeller,
            generation.get("stage_plan"), generation.get("flow"),
        )  # fmt: skip
        fidelity = factual_fidelity(claims, references, threshold(FIDELIDAD_FACTUAL))
        if item.reference is not None:
            structure = replace(
                structure, details={**structure.details, "text_rouge_l": reference_rouge_l(turns, item.reference)}
            )
        if item.judge is not None:
            fidelity = replace(fidelity, details={**fidelity.details, "judge": item.judge})
        results = [
            structure,
            fidelity,
            lexical_diversity([turn.text for turn in turns], threshold(DIVERSIDAD_LEXICA)),
            dialogue_coherence(turns, seed, pack, threshold(COHERENCIA_DIALOGO)),
            privacy_score(turns, findings, threshold(PRIVACY_SCORE)),
            memorization_not_measured(threshold(MEMORIZACION)),
        ]  # fmt: skip
        return Verdict.from_results(conversation.conversation_id, results)

    @staticmethod
    def _check_seed(conversation: Conversation, seed: Seed) -> None:
        if conversation.seed_id != seed.seed_id:
            raise EvaluationError(
                f"conversation {conversation.conversation_id}: seed_id {conversation.seed_id} is not seed {seed.seed_id}"
            )


_worker: Evaluator | None = None
WORKER_PRELOAD = ["scsf.eval.evaluator", "rouge_score.rouge_scorer", "scsf.eval.worker_preload"]


def _worker_context() -> BaseContext:
    """Workers fork from a fresh server process (not from this one, whose threads a fork would not take along) that
    has imported the evaluator and rouge-score and loaded the PII scanner once (`scsf.eval.worker_preload`); it
    stays up for the process's later `evaluate_many` calls, whose workers then start at once."""
    context = get_context("forkserver")
    context.set_forkserver_preload(WORKER_PRELOAD)
    return context


def _start_worker(scanner: TextScanner, domains: DomainRegistry, labeller: StageLabeller) -> None:
    """A worker process's evaluator (no judge: its claims come with each item), its scanner loaded now."""
    global _worker
    warm_up = getattr(scanner, "warm_up", None)
    if warm_up is not None:
        warm_up()
    _worker = Evaluator(scanner, domains, labeller)


def _start_workers(pool: ProcessPoolExecutor, count: int) -> None:
    """Start `count` workers of `pool` (each submit starts one), returning once one of them has started."""
    wait([pool.submit(_worker_started) for _ in range(count)], return_when=FIRST_COMPLETED)


def _worker_started() -> bool:
    """A first task: done once a worker has run `_start_worker`."""
    return True


def _done(entry: Future[list[Verdict]] | list[Verdict]) -> bool:
    return not isinstance(entry, Future) or entry.done()


def _verdicts(entry: Future[list[Verdict]] | list[Verdict]) -> list[Verdict]:
    return entry.result() if isinstance(entry, Future) else entry


def _evaluate_in_worker(batch: list[Item]) -> list[Verdict]:
    assert _worker is not None, "worker not started"
    return _worker._evaluate_batch(batch)
