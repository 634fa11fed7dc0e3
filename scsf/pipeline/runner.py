"""The Runner: plans a run into deterministic items, generates them concurrently, commits each conversation in its
own transaction, evaluates the run (the acceptance gate), exports the accepted conversations and reports. With
`regenerate_rejected` it plans a replacement for each rejected conversation and goes round again until the planned
count is accepted or the budget is spent. A killed run resumes from the store: committed conversations are never
generated twice, and evaluation and planning are deterministic. Ctrl-C (or a time budget) stops new work and lets
the conversations in flight finish and commit."""

from __future__ import annotations

import secrets
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from scsf.domains import DomainRegistry
from scsf.errors import GenerationError, SeedError, StoreError
from scsf.eval.evaluator import Evaluator
from scsf.export.sharegpt import write_sharegpt
from scsf.generation.backends.base import Backend
from scsf.generation.generator import ConversationGenerator, GenerationStats
from scsf.generation.plan import ConversationPlan, plan_conversation
from scsf.hashing import sha256_hex
from scsf.paths import Home
from scsf.pipeline.config import RunConfig
from scsf.pipeline.evaluation import RunEvaluation, evaluate_run
from scsf.pipeline.interrupts import first_ctrl_c_sets
from scsf.pipeline.report import write_run_report
from scsf.pipeline.selection import select_seeds
from scsf.seeds.cache import SeedCache
from scsf.seeds.conversation import Conversation
from scsf.seeds.schema import Seed
from scsf.store import Store
from scsf.store.duckdb import RunItem
from scsf.store.verdicts import VerdictRepository

BackendFactory = Callable[[RunConfig], Backend]
EvaluatorFactory = Callable[[DomainRegistry], Evaluator]
Submit = Callable[[RunItem, ConversationPlan], "Future[_Result]"]
POLL_SECONDS = 0.25
CTRL_C_STOPPING = "Ctrl-C: finishing the conversations in flight (Ctrl-C again to abort)"


def default_evaluator(domains: DomainRegistry) -> Evaluator:
    """The gate's evaluator with the real PII scanner (Presidio + spaCy), loaded only when a run evaluates."""
    from scsf.privacy import PiiScanner

    return Evaluator(PiiScanner().warm_up(), domains)


class RunObserver(Protocol):
    """Progress sink (a rich progress bar in the CLI, Messages in the TUI)."""

    def started(self, run_id: str, total: int, done: int) -> None: ...
    def stored(self, conversation: Conversation, stats: GenerationStats) -> None: ...
    def failed(self, item: RunItem, error: str) -> None: ...
    def stopping(self, reason: str, in_flight: int) -> None: ...
    def evaluating(self, conversations: int) -> None: ...
    def evaluated_one(self) -> None: ...
    def evaluated(self, evaluation: RunEvaluation, target: int) -> None: ...
    def regenerating(self, round_number: int, replacements: int) -> None: ...


@dataclass
class RunOutcome:
    """`accepted` is None when the quality gate was off (the dataset then holds every stored conversation)."""

    run_id: str
    status: str
    planned: int
    stored: int
    failed: list[str] = field(default_factory=list)
    dataset: str | None = None
    report: str | None = None
    accepted: int | None = None
    rejected_by_metric: dict[str, int] = field(default_factory=dict)
    replacements: int = 0


@dataclass
class _Result:
    """What a worker thread hands back: the conversation or the error, and every rejected attempt's raw output."""

    item: RunItem
    conversation: Conversation | None = None
    stats: GenerationStats | None = None
    error: str | None = None
    attempts: list[tuple[int, str, str]] = field(default_factory=list)


class _Interrupted(Exception):
    """The first Ctrl-C stopped generation after the conversations in flight were stored."""


@dataclass
class _Session:
    """One `execute` call: the run's config, its deadline and stop event, and the backend and evaluator, each opened
    only when first needed."""

    run_id: str
    config: RunConfig
    observer: RunObserver
    stop: threading.Event
    backend_factory: BackendFactory
    evaluator_factory: Callable[[], Evaluator]
    deadline: float | None
    failed: list[str] = field(default_factory=list)
    evaluation: RunEvaluation | None = None
    _backend: Backend | None = None
    _evaluator: Evaluator | None = None

    def backend(self) -> Backend:
        if self._backend is None:
            self._backend = self.backend_factory(self.config)
        return self._backend

    def model_info(self) -> dict | None:
        """The backend's model, when this session opened one."""
        return self._backend.model_info if self._backend is not None else None

    def evaluator(self) -> Evaluator:
        if self._evaluator is None:
            self._evaluator = self.evaluator_factory()
        return self._evaluator

    def stop_reason(self) -> str | None:
        if self.stop.is_set():
            return "stop requested"
        return "time budget reached" if self.deadline is not None and time.monotonic() > self.deadline else None

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()


def new_run_id() -> str:
    return f"run-{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def conversation_id(run_id: str, item_seed: str, version: int, variant: str, index: int) -> str:
    """Deterministic id of a planned conversation: the same plan always names the same conversation."""
    return "conv-" + sha256_hex(f"{run_id}|{item_seed}|{version}|{variant}|{index}")[:32]


class Runner:
    """Drives one run against a store; the backend and the evaluator are opened lazily, only when there is work.

    Only the calling thread touches the store; worker threads only call the backend.
    """

    def __init__(
        self,
        home: Home,
        store: Store,
        domains: DomainRegistry,
        backend_factory: BackendFactory,
        evaluator_factory: EvaluatorFactory = default_evaluator,
    ) -> None:
        self.home = home
        self.store = store
        self.domains = domains
        self.backend_factory = backend_factory
        self.evaluator_factory = evaluator_factory
        self.seeds = SeedCache(store, domains)

    def plan(self, config: RunConfig) -> str:
        """Select seeds, plan every conversation and record the run; returns its id."""
        run_id = new_run_id()
        items = []
        for stored in select_seeds(self.store, self.domains, config):
            seed = self._seed(stored.seed_id, stored.version)
            for index in range(config.conversations_per_seed):
                plan = self._plan(config, seed, stored.version, index)
                cid = conversation_id(run_id, stored.seed_id, stored.version, plan.variant, index)
                items.append(RunItem(cid, stored.seed_id, stored.version, plan.variant, index))
        self.store.create_run(run_id, config.model_dump(mode="json"), items)
        return run_id

    def execute(self, run_id: str, observer: RunObserver, stop: threading.Event | None = None) -> RunOutcome:
        """Generate every pending conversation, evaluate (and regenerate rejects when asked), export, sign the report.

        `stop` (or Ctrl-C, or the time budget) ends the run early after the conversations in flight are committed:
        Ctrl-C leaves it `interrupted` (resume it), the budget or `stop` leaves it `incomplete` with its dataset and
        report. A second Ctrl-C while finishing re-raises KeyboardInterrupt at once.
        """
        run = self.store.get_run(run_id)
        if run["status"] == "completed":
            raise StoreError(f"run {run_id} is already completed; nothing to resume")
        config = RunConfig.model_validate(run["config"])
        planned = self.store.planned_count(run_id)
        deadline = time.monotonic() + config.time_budget_s if config.time_budget_s else None
        session = _Session(
            run_id, config, observer, stop or threading.Event(), self.backend_factory,
            lambda: self.evaluator_factory(self.domains), deadline,
        )  # fmt: skip
        observer.started(run_id, len(self.store.run_items(run_id)), self.store.count_conversations(run_id))
        try:
            try:
                stopped = self._rounds(session)
                model = session.model_info() or self._recorded_model(run_id)
            finally:
                session.close()
            return self._finish(session, planned, stopped, model)
        except (KeyboardInterrupt, _Interrupted) as exc:
            stored = self.store.count_conversations(run_id)
            self.store.finish_run(run_id, "interrupted", {"stored": stored})
            if isinstance(exc, KeyboardInterrupt):
                raise
            return RunOutcome(run_id, "interrupted", planned, stored, session.failed)

    def _rounds(self, session: _Session) -> str | None:
        """Generate what is pending, evaluate, plan replacements of the rejects; again until done. Returns why the run
        stopped short (it is then `incomplete`), None when it finished."""
        config, run_id = session.config, session.run_id
        while True:
            pending = self.store.pending_items(run_id)
            stopped = self._generate(session, pending) if pending else None
            if config.quality_gate:
                session.evaluation = self._evaluate(session)
            if stopped or session.failed or not config.regenerate_rejected:
                return stopped or ("generation failed" if session.failed else None)
            if stopped := session.stop_reason():
                return stopped
            replacements = self._replacements(run_id, config)
            if not replacements:
                return None
            self.store.add_replacements(run_id, replacements)
            session.observer.regenerating(replacements[0].regen_round, len(replacements))

    def _evaluate(self, session: _Session) -> RunEvaluation:
        observer, config = session.observer, session.config
        observer.evaluating(self.store.count_conversations(session.run_id))
        evaluation = evaluate_run(
            self.store, session.evaluator(), session.run_id, near_duplicate_threshold=config.near_duplicate_threshold,
            max_copies=config.max_copies, on_conversation=observer.evaluated_one, seeds=self.seeds,
        )  # fmt: skip
        observer.evaluated(evaluation, self.store.planned_count(session.run_id))
        return evaluation

    def _replacements(self, run_id: str, config: RunConfig) -> list[RunItem]:
        """One new item per rejected conversation not yet replaced, while fewer than the target are accepted and the
        budget allows: the same seed at its next free index, so the plan (and the conversation) differs."""
        items = self.store.run_items(run_id)
        target = self.store.planned_count(run_id)
        decisions = VerdictRepository(self.store).decisions(run_id)
        replaced = {item.replaces for item in items if item.replaces}
        budget = config.regeneration_budget(target) - len(replaced)
        if sum(decisions.values()) >= target or budget <= 0:
            return []
        next_index: dict[tuple[str, int], int] = {}
        for item in items:
            key = (item.seed_id, item.seed_version)
            next_index[key] = max(next_index.get(key, 0), item.index + 1)
        replacements = []
        for item in items:
            if len(replacements) == budget:
                break
            if decisions.get(item.conversation_id, True) or item.conversation_id in replaced:
                continue
            key = (item.seed_id, item.seed_version)
            index = next_index[key]
            next_index[key] += 1
            plan = self._plan(config, self._seed(*key), item.seed_version, index)
            cid = conversation_id(run_id, item.seed_id, item.seed_version, plan.variant, index)
            round_number = item.regen_round + 1
            replacements.append(
                RunItem(cid, item.seed_id, item.seed_version, plan.variant, index, item.conversation_id, round_number)
            )
        return replacements

    def _generate(self, session: _Session, pending: list[RunItem]) -> str | None:
        """Keep `concurrency` conversations in flight; store each as it finishes. Returns why it stopped short (None
        when every pending item was tried); raises _Interrupted when Ctrl-C stopped it."""
        backend = session.backend()
        generator = ConversationGenerator(backend, session.config.sampling())
        workers = session.config.concurrency or backend.parallelism
        plans = self._plans(session.config, pending)
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scsf-generate")

        def submit(item: RunItem, plan: ConversationPlan) -> Future[_Result]:
            return pool.submit(_generate_one, generator, session.run_id, item, plan)

        try:
            with first_ctrl_c_sets(threading.Event()) as ctrl_c:
                stopped = self._drive(session, plans, submit, workers, ctrl_c)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)  # a second Ctrl-C: nobody will store what is in flight
            raise
        pool.shutdown()
        if ctrl_c.is_set():
            raise _Interrupted
        return stopped

    def _drive(
        self, session: _Session, plans: Iterator[tuple[RunItem, ConversationPlan]], submit: Submit, workers: int,
        ctrl_c: threading.Event,
    ) -> str | None:  # fmt: skip
        """The scheduling loop: refill up to `workers`, store what finished, stop refilling when asked to."""
        in_flight: dict[Future[_Result], RunItem] = {}
        stopped: str | None = None
        while True:
            if not stopped and ctrl_c.is_set():
                stopped = "Ctrl-C"
                session.observer.stopping(CTRL_C_STOPPING, len(in_flight))
            if not stopped and (stopped := session.stop_reason()):
                session.observer.stopping(stopped, len(in_flight))
            while not stopped and len(in_flight) < workers and (next_plan := next(plans, None)) is not None:
                in_flight[submit(*next_plan)] = next_plan[0]
            if not in_flight:
                return stopped
            done, _ = wait(in_flight, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            for future in done:
                in_flight.pop(future)
                self._store(session, future.result())

    def _plans(self, config: RunConfig, pending: list[RunItem]) -> Iterator[tuple[RunItem, ConversationPlan]]:
        """Plans of the pending items, rebuilt from the stored seeds (the same plan as at planning time)."""
        for item in pending:
            yield item, self._plan(config, self._seed(item.seed_id, item.seed_version), item.seed_version, item.index)

    def _store(self, session: _Session, result: _Result) -> None:
        for attempt, raw, reason in result.attempts:
            self.store.record_attempt(session.run_id, result.item.conversation_id, attempt, raw, reason)
        if result.conversation is None:
            session.failed.append(result.item.conversation_id)
            session.observer.failed(result.item, result.error or "generation failed")
            return
        self.store.put_conversation(result.conversation)
        session.observer.stored(result.conversation, result.stats)

    def _finish(self, session: _Session, planned: int, stopped: str | None, model: dict) -> RunOutcome:
        """Export the dataset (the accepted conversations; all with the gate off), record the end, sign the report."""
        run_id, config = session.run_id, session.config
        stored = self.store.count_conversations(run_id)
        status = "incomplete" if stopped else "completed"
        conversations: Iterator[Conversation] = self.store.conversations(run_id)
        if config.quality_gate:
            decisions = VerdictRepository(self.store).decisions(run_id)
            conversations = (c for c in conversations if decisions.get(c.conversation_id))
        run_dir = self.run_dir(config, run_id)
        dataset = write_sharegpt(conversations, run_dir / "dataset.sharegpt.jsonl")
        self.store.put_artifact(run_id, "dataset.sharegpt", dataset.path, dataset.sha256)
        replacements = sum(1 for item in self.store.run_items(run_id) if item.replaces)
        summary = {"planned": planned, "stored": stored, "failed": len(session.failed), "exported": dataset.count}
        self.store.finish_run(run_id, status, summary | ({"stopped": stopped} if stopped else {}))
        report = write_run_report(self.store, self.home, run_id, model, run_dir)
        evaluation = session.evaluation
        return RunOutcome(
            run_id, status, planned, stored, session.failed, str(dataset.path), str(report),
            dataset.count if config.quality_gate else None,
            evaluation.rejected_by_metric if evaluation else {}, replacements,
        )  # fmt: skip

    def run_dir(self, config: RunConfig, run_id: str) -> Path:
        """The run's folder: `output_dir/run_id` when the config names one, else `$SCSF_HOME/runs/run_id`."""
        return (config.output_dir or self.home.runs) / run_id

    def _recorded_model(self, run_id: str) -> dict:
        first = next(iter(self.store.conversations(run_id)), None)
        return first.generation.get("model", {}) if first else {}

    def _plan(self, config: RunConfig, seed: Seed, version: int, index: int) -> ConversationPlan:
        return plan_conversation(
            seed, version, self.domains.get(seed.dominio), index,
            policy=config.turn_policy, base_seed=config.random_seed, variation=config.variation,
        )  # fmt: skip

    def _seed(self, seed_id: str, version: int) -> Seed:
        """A stored seed for generation: one that declares PII is refused."""
        seed = self.seeds.get(seed_id, version)
        if seed.privacidad.contiene_pii:
            raise SeedError(f"seed {seed.seed_id}: privacidad.contiene_pii is true; refused for generation")
        return seed


def _generate_one(generator: ConversationGenerator, run_id: str, item: RunItem, plan: ConversationPlan) -> _Result:
    """Worker thread: generate one conversation; errors and rejected attempts travel back in the result."""
    result = _Result(item)
    try:
        result.conversation, result.stats = generator.generate(
            plan, run_id=run_id, conversation_id=item.conversation_id,
            on_failed_attempt=lambda attempt, raw, reason: result.attempts.append((attempt, raw, reason)),
        )  # fmt: skip
    except GenerationError as exc:
        result.error = exc.msg
    return result
