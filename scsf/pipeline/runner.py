"""The Runner: plans a run into deterministic items, generates each one in its own transaction, exports and
reports. A killed run resumes from the store: committed conversations are never generated twice."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Protocol

from scsf.domains import DomainRegistry
from scsf.errors import ConfigError, GenerationError, SeedError, StoreError
from scsf.export.sharegpt import write_sharegpt
from scsf.generation.backends.base import Backend
from scsf.generation.generator import ConversationGenerator, GenerationStats, Sampling
from scsf.generation.plan import plan_conversation
from scsf.hashing import sha256_hex
from scsf.paths import Home
from scsf.pipeline.config import RunConfig
from scsf.pipeline.report import write_run_report
from scsf.seeds.conversation import Conversation
from scsf.seeds.schema import Seed
from scsf.store import Store, StoredSeed
from scsf.store.duckdb import RunItem

BackendFactory = Callable[[RunConfig], Backend]


class RunObserver(Protocol):
    """Progress sink (a rich progress bar in the CLI, Messages in the TUI)."""

    def started(self, run_id: str, total: int, done: int) -> None: ...
    def stored(self, conversation: Conversation, stats: GenerationStats) -> None: ...
    def failed(self, item: RunItem, error: str) -> None: ...


@dataclass
class RunOutcome:
    run_id: str
    status: str
    planned: int
    stored: int
    failed: list[str] = field(default_factory=list)
    dataset: str | None = None
    report: str | None = None


def new_run_id() -> str:
    return f"run-{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def conversation_id(run_id: str, item_seed: str, version: int, variant: str, index: int) -> str:
    """Deterministic id of a planned conversation: the same plan always names the same conversation."""
    return "conv-" + sha256_hex(f"{run_id}|{item_seed}|{version}|{variant}|{index}")[:32]


class Runner:
    """Drives one run against a store; the backend is opened lazily, only when there is work."""

    def __init__(self, home: Home, store: Store, domains: DomainRegistry, backend_factory: BackendFactory) -> None:
        self.home = home
        self.store = store
        self.domains = domains
        self.backend_factory = backend_factory

    def plan(self, config: RunConfig) -> str:
        """Select seeds, plan every conversation and record the run; returns its id."""
        seeds = self._select_seeds(config)
        run_id = new_run_id()
        items = []
        for stored in seeds:
            seed = self._seed(stored)
            pack = self.domains.get(seed.dominio)
            for index in range(config.conversations_per_seed):
                plan = plan_conversation(
                    seed, stored.version, pack, index, policy=config.turn_policy, base_seed=config.random_seed
                )
                cid = conversation_id(run_id, seed.seed_id, stored.version, plan.variant, index)
                items.append(RunItem(cid, seed.seed_id, stored.version, plan.variant, index))
        self.store.create_run(run_id, config.model_dump(mode="json"), items)
        return run_id

    def execute(self, run_id: str, observer: RunObserver) -> RunOutcome:
        """Generate every pending conversation of the run, then export and sign the report."""
        run = self.store.get_run(run_id)
        if run["status"] == "completed":
            raise StoreError(f"run {run_id} is already completed; nothing to resume")
        config = RunConfig.model_validate(run["config"])
        pending = self.store.pending_items(run_id)
        planned = self.store.planned_count(run_id)
        observer.started(run_id, planned, planned - len(pending))
        failed: list[str] = []
        backend = self.backend_factory(config) if pending else None
        try:
            if backend is not None:
                generator = ConversationGenerator(
                    backend, Sampling(config.temperature, config.top_p, config.max_attempts)
                )
                for item in pending:
                    self._generate_one(run_id, item, config, generator, observer, failed)
            model = backend.model_info if backend else self._recorded_model(run_id)
        except KeyboardInterrupt:
            self.store.finish_run(run_id, "interrupted", {"stored": self.store.count_conversations(run_id)})
            raise
        finally:
            if backend is not None:
                backend.close()
        return self._finish(run_id, planned, failed, model)

    def _generate_one(self, run_id, item, config, generator, observer, failed) -> None:
        stored = self.store.get_seed(item.seed_id, item.seed_version)
        seed = self._seed(stored)
        plan = plan_conversation(
            seed, item.seed_version, self.domains.get(seed.dominio), item.index,
            policy=config.turn_policy, base_seed=config.random_seed,
        )  # fmt: skip

        def keep_failed(attempt: int, raw: str, reason: str) -> None:
            self.store.record_attempt(run_id, item.conversation_id, attempt, raw, reason)

        try:
            conversation, stats = generator.generate(
                plan, run_id=run_id, conversation_id=item.conversation_id, on_failed_attempt=keep_failed
            )
        except GenerationError as exc:
            failed.append(item.conversation_id)
            observer.failed(item, exc.msg)
            return
        self.store.put_conversation(conversation)
        observer.stored(conversation, stats)

    def _finish(self, run_id: str, planned: int, failed: list[str], model: dict) -> RunOutcome:
        stored = self.store.count_conversations(run_id)
        status = "completed" if stored == planned else "incomplete"
        run_dir = self.home.runs / run_id
        dataset = write_sharegpt(self.store.conversations(run_id), run_dir / "dataset.sharegpt.jsonl")
        self.store.put_artifact(run_id, "dataset.sharegpt", dataset.path, dataset.sha256)
        self.store.finish_run(run_id, status, {"planned": planned, "stored": stored, "failed": len(failed)})
        report = write_run_report(self.store, self.home, run_id, model)
        return RunOutcome(run_id, status, planned, stored, failed, str(dataset.path), str(report))

    def _recorded_model(self, run_id: str) -> dict:
        first = next(iter(self.store.conversations(run_id)), None)
        return first.generation.get("model", {}) if first else {}

    def _select_seeds(self, config: RunConfig) -> list[StoredSeed]:
        if config.seed_ids:
            seeds = [self.store.get_seed(seed_id) for seed_id in config.seed_ids]
        else:
            namespace = self.domains.get(config.domain).namespace
            seeds = self.store.list_seeds(namespace)
            if not seeds:
                raise ConfigError(f"no seeds of domain {namespace} in the store (run `scsf-appliance init` first)")
        return seeds[: config.max_seeds] if config.max_seeds else seeds

    def _seed(self, stored: StoredSeed) -> Seed:
        seed = Seed.model_validate(stored.document, context={"domains": self.domains})
        if seed.privacidad.contiene_pii:
            raise SeedError(f"seed {seed.seed_id}: privacidad.contiene_pii is true; refused for generation")
        return seed
