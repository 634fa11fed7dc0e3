"""The Runner: plans a run into deterministic items, generates them concurrently, commits each conversation in its
own transaction, exports and reports. A killed run resumes from the store: committed conversations are never
generated twice. Ctrl-C (or a time budget) stops new work and lets the conversations in flight finish and commit."""

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
from scsf.export.sharegpt import write_sharegpt
from scsf.generation.backends.base import Backend
from scsf.generation.generator import ConversationGenerator, GenerationStats
from scsf.generation.plan import ConversationPlan, plan_conversation
from scsf.hashing import sha256_hex
from scsf.paths import Home
from scsf.pipeline.config import RunConfig
from scsf.pipeline.interrupts import first_ctrl_c_sets
from scsf.pipeline.report import write_run_report
from scsf.pipeline.selection import select_seeds
from scsf.seeds.conversation import Conversation
from scsf.seeds.schema import Seed
from scsf.store import Store, StoredSeed
from scsf.store.duckdb import RunItem

BackendFactory = Callable[[RunConfig], Backend]
POLL_SECONDS = 0.25


class RunObserver(Protocol):
    """Progress sink (a rich progress bar in the CLI, Messages in the TUI)."""

    def started(self, run_id: str, total: int, done: int) -> None: ...
    def stored(self, conversation: Conversation, stats: GenerationStats) -> None: ...
    def failed(self, item: RunItem, error: str) -> None: ...
    def stopping(self, reason: str, in_flight: int) -> None: ...


@dataclass
class RunOutcome:
    run_id: str
    status: str
    planned: int
    stored: int
    failed: list[str] = field(default_factory=list)
    dataset: str | None = None
    report: str | None = None


@dataclass
class _Result:
    """What a worker thread hands back: the conversation or the error, and every rejected attempt's raw output."""

    item: RunItem
    conversation: Conversation | None = None
    stats: GenerationStats | None = None
    error: str | None = None
    attempts: list[tuple[int, str, str]] = field(default_factory=list)


def new_run_id() -> str:
    return f"run-{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def conversation_id(run_id: str, item_seed: str, version: int, variant: str, index: int) -> str:
    """Deterministic id of a planned conversation: the same plan always names the same conversation."""
    return "conv-" + sha256_hex(f"{run_id}|{item_seed}|{version}|{variant}|{index}")[:32]


class Runner:
    """Drives one run against a store; the backend is opened lazily, only when there is work.

    Only the calling thread touches the store; worker threads only call the backend.
    """

    def __init__(self, home: Home, store: Store, domains: DomainRegistry, backend_factory: BackendFactory) -> None:
        self.home = home
        self.store = store
        self.domains = domains
        self.backend_factory = backend_factory

    def plan(self, config: RunConfig) -> str:
        """Select seeds, plan every conversation and record the run; returns its id."""
        run_id = new_run_id()
        items = []
        for stored in select_seeds(self.store, self.domains, config):
            seed = self._seed(stored)
            for index in range(config.conversations_per_seed):
                plan = self._plan(config, seed, stored.version, index)
                cid = conversation_id(run_id, stored.seed_id, stored.version, plan.variant, index)
                items.append(RunItem(cid, stored.seed_id, stored.version, plan.variant, index))
        self.store.create_run(run_id, config.model_dump(mode="json"), items)
        return run_id

    def execute(self, run_id: str, observer: RunObserver, stop: threading.Event | None = None) -> RunOutcome:
        """Generate every pending conversation, then export and sign the report.

        `stop` (or Ctrl-C, or the time budget) ends the run early after the conversations in flight are committed:
        Ctrl-C leaves it `interrupted` (resume it), the budget or `stop` leaves it `incomplete` with its dataset and
        report. A second Ctrl-C while finishing re-raises KeyboardInterrupt at once.
        """
        run = self.store.get_run(run_id)
        if run["status"] == "completed":
            raise StoreError(f"run {run_id} is already completed; nothing to resume")
        config = RunConfig.model_validate(run["config"])
        pending = self.store.pending_items(run_id)
        planned = self.store.planned_count(run_id)
        observer.started(run_id, planned, planned - len(pending))
        failed: list[str] = []
        backend = self.backend_factory(config) if pending else None
        interrupted = False
        try:
            if backend is not None:
                interrupted = self._generate(run_id, config, backend, pending, observer, failed, stop or threading.Event())
            model = backend.model_info if backend else self._recorded_model(run_id)
        except KeyboardInterrupt:
            self.store.finish_run(run_id, "interrupted", {"stored": self.store.count_conversations(run_id)})
            raise
        finally:
            if backend is not None:
                backend.close()
        if interrupted:
            stored = self.store.count_conversations(run_id)
            self.store.finish_run(run_id, "interrupted", {"stored": stored})
            return RunOutcome(run_id, "interrupted", planned, stored, failed)
        return self._finish(run_id, config, planned, failed, model)

    def _generate(
        self, run_id: str, config: RunConfig, backend: Backend, pending: list[RunItem],
        observer: RunObserver, failed: list[str], stop: threading.Event,
    ) -> bool:  # fmt: skip
        """Keep `concurrency` conversations in flight; store each as it finishes. True when Ctrl-C stopped it."""
        generator = ConversationGenerator(backend, config.sampling())
        workers = config.concurrency or backend.parallelism
        deadline = time.monotonic() + config.time_budget_s if config.time_budget_s else None
        plans = self._plans(run_id, config, pending)
        pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scsf-generate")

        def submit(item: RunItem, plan: ConversationPlan) -> Future[_Result]:
            return pool.submit(_generate_one, generator, run_id, item, plan)

        def should_stop() -> str | None:
            if stop.is_set():
                return "stop requested"
            return "time budget reached" if deadline is not None and time.monotonic() > deadline else None

        try:
            with first_ctrl_c_sets(threading.Event()) as ctrl_c:
                interrupted = self._drive(run_id, plans, submit, workers, should_stop, ctrl_c, observer, failed)
        except BaseException:
            pool.shutdown(wait=False, cancel_futures=True)  # a second Ctrl-C: nobody will store what is in flight
            raise
        pool.shutdown()
        return interrupted

    def _drive(self, run_id, plans, submit, workers, should_stop, ctrl_c, observer, failed) -> bool:
        """The scheduling loop: refill up to `workers`, store what finished, stop refilling when asked to."""
        in_flight: dict[Future[_Result], RunItem] = {}
        stopping = False
        while True:
            if not stopping and ctrl_c.is_set():
                stopping = True
                observer.stopping("Ctrl-C: finishing the conversations in flight (Ctrl-C again to abort)", len(in_flight))
            if not stopping and (reason := should_stop()):
                stopping = True
                observer.stopping(reason, len(in_flight))
            while not stopping and len(in_flight) < workers and (next_plan := next(plans, None)) is not None:
                in_flight[submit(*next_plan)] = next_plan[0]
            if not in_flight:
                return ctrl_c.is_set()
            done, _ = wait(in_flight, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
            for future in done:
                in_flight.pop(future)
                self._store(run_id, future.result(), observer, failed)

    def _plans(self, run_id: str, config: RunConfig, pending: list[RunItem]) -> Iterator[tuple[RunItem, ConversationPlan]]:
        """Plans of the pending items, rebuilt from the stored seeds (the same plan as at planning time)."""
        seeds: dict[tuple[str, int], Seed] = {}
        for item in pending:
            key = (item.seed_id, item.seed_version)
            if key not in seeds:
                seeds[key] = self._seed(self.store.get_seed(*key))
            yield item, self._plan(config, seeds[key], item.seed_version, item.index)

    def _store(self, run_id: str, result: _Result, observer: RunObserver, failed: list[str]) -> None:
        for attempt, raw, reason in result.attempts:
            self.store.record_attempt(run_id, result.item.conversation_id, attempt, raw, reason)
        if result.conversation is None:
            failed.append(result.item.conversation_id)
            observer.failed(result.item, result.error or "generation failed")
            return
        self.store.put_conversation(result.conversation)
        observer.stored(result.conversation, result.stats)

    def _finish(self, run_id: str, config: RunConfig, planned: int, failed: list[str], model: dict) -> RunOutcome:
        stored = self.store.count_conversations(run_id)
        status = "completed" if stored == planned else "incomplete"
        run_dir = self.run_dir(config, run_id)
        dataset = write_sharegpt(self.store.conversations(run_id), run_dir / "dataset.sharegpt.jsonl")
        self.store.put_artifact(run_id, "dataset.sharegpt", dataset.path, dataset.sha256)
        self.store.finish_run(run_id, status, {"planned": planned, "stored": stored, "failed": len(failed)})
        report = write_run_report(self.store, self.home, run_id, model, run_dir)
        return RunOutcome(run_id, status, planned, stored, failed, str(dataset.path), str(report))

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

    def _seed(self, stored: StoredSeed) -> Seed:
        seed = Seed.model_validate(stored.document, context={"domains": self.domains})
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
