"""The Runner: plans a run into deterministic items, generates them concurrently (`generation_loop`), commits each
conversation in its own transaction, evaluates the run (the acceptance gate, `gate`), exports the accepted
conversations and reports. With `regenerate_rejected` it plans a replacement for each rejected conversation
(`regeneration`) and goes round again until the planned count is accepted or the budget is spent. A killed run
resumes from the store: committed conversations are never generated twice, and evaluation and planning are
deterministic. Ctrl-C (or a time budget) stops new work and lets the conversations in flight finish and commit."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scsf.domains import DomainRegistry
from scsf.errors import StoreError
from scsf.eval.judge import LlmJudge
from scsf.export.sharegpt import write_sharegpt
from scsf.paths import Home
from scsf.pipeline.backend import BackendFactory
from scsf.pipeline.config import RunConfig
from scsf.pipeline.gate import EvaluatorFactory, default_evaluator, run_gate
from scsf.pipeline.generation_loop import Interrupted, generate
from scsf.pipeline.judge_backend import judge_backend_config
from scsf.pipeline.loaded_models import JudgeFactory, LoadedModels
from scsf.pipeline.planner import Planner, new_run_id
from scsf.pipeline.regeneration import replacements
from scsf.pipeline.report import write_run_report
from scsf.pipeline.selection import select_seeds
from scsf.pipeline.session import RunObserver, RunSession
from scsf.seeds.conversation import Conversation
from scsf.store import Store
from scsf.store.verdicts import VerdictRepository


@dataclass
class RunOutcome:
    """`accepted` is None when the quality gate was off (the dataset then holds every stored conversation); `judge`
    is the gate's judge model and usage (`judge_summary`), None without one."""

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
    judge: dict[str, Any] | None = None


class Runner:
    """Drives one run against a store; the models and the evaluator are opened lazily, only when there is work.
    `backend_factory` opens the generator's backend and, with `judge` on, the judge's (`judge_backend_config`).

    Only the calling thread touches the store; worker threads only call the backend.
    """

    def __init__(
        self,
        home: Home,
        store: Store,
        domains: DomainRegistry,
        backend_factory: BackendFactory,
        evaluator_factory: EvaluatorFactory = default_evaluator,
        judge_factory: JudgeFactory = LlmJudge,
    ) -> None:
        self.home = home
        self.store = store
        self.domains = domains
        self.backend_factory = backend_factory
        self.evaluator_factory = evaluator_factory
        self.judge_factory = judge_factory
        self.planner = Planner(store, domains)

    def plan(self, config: RunConfig) -> str:
        """Select seeds, plan every conversation and record the run; returns its id."""
        run_id = new_run_id()
        items = [
            self.planner.item(run_id, config, stored.seed_id, stored.version, index)
            for stored in select_seeds(self.store, self.domains, config)
            for index in range(config.conversations_per_seed)
        ]
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
        models = LoadedModels(
            config, self.backend_factory, lambda: judge_backend_config(config, self.home), self.judge_factory
        )
        judge = models.current_judge() if config.judge else None
        session = RunSession(
            run_id, config, observer, stop or threading.Event(), models,
            lambda: self.evaluator_factory(self.domains, judge), deadline,
        )  # fmt: skip
        observer.started(run_id, len(self.store.run_items(run_id)), self.store.count_conversations(run_id))
        try:
            try:
                stopped = self._rounds(session)
            finally:
                models.close()
            return self._finish(session, planned, stopped)
        except (KeyboardInterrupt, Interrupted) as exc:
            stored = self.store.count_conversations(run_id)
            self.store.finish_run(run_id, "interrupted", {"stored": stored})
            if isinstance(exc, KeyboardInterrupt):
                raise
            return RunOutcome(run_id, "interrupted", planned, stored, session.failed)

    def _rounds(self, session: RunSession) -> str | None:
        """Generate what is pending, evaluate, plan replacements of the rejects; again until done. Returns why the run
        stopped short (it is then `incomplete`), None when it finished."""
        config, run_id = session.config, session.run_id
        while True:
            pending = self.store.pending_items(run_id)
            stopped = generate(session, self.store, self.planner, pending) if pending else None
            if config.quality_gate:
                session.evaluation = run_gate(session, self.store, self.planner.seeds)
            if stopped or session.failed or not config.regenerate_rejected:
                return stopped or ("generation failed" if session.failed else None)
            if stopped := session.stop_reason():
                return stopped
            planned = replacements(self.store, self.planner, run_id, config)
            if not planned:
                return None
            self.store.add_replacements(run_id, planned)
            session.observer.regenerating(planned[0].regen_round, len(planned))

    def _finish(self, session: RunSession, planned: int, stopped: str | None) -> RunOutcome:
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
        replaced = sum(1 for item in self.store.run_items(run_id) if item.replaces)
        summary = {"planned": planned, "stored": stored, "failed": len(session.failed), "exported": dataset.count}
        self.store.finish_run(run_id, status, summary | ({"stopped": stopped} if stopped else {}))
        model = session.models.generator_info or self._recorded_model(run_id)
        judge = session.models.judge_summary()
        report = write_run_report(self.store, self.home, run_id, model, run_dir, judge)
        evaluation = session.evaluation
        return RunOutcome(
            run_id, status, planned, stored, session.failed, str(dataset.path), str(report),
            dataset.count if config.quality_gate else None,
            evaluation.rejected_by_metric if evaluation else {}, replaced, judge,
        )  # fmt: skip

    def run_dir(self, config: RunConfig, run_id: str) -> Path:
        """The run's folder: `output_dir/run_id` when the config names one, else `$SCSF_HOME/runs/run_id`."""
        return (config.output_dir or self.home.runs) / run_id

    def _recorded_model(self, run_id: str) -> dict:
        first = next(iter(self.store.conversations(run_id)), None)
        return first.generation.get("model", {}) if first else {}
