"""One `Runner.execute` call: the run's config, its deadline and stop event, its models and gate's evaluator (each
opened only when first needed), and the progress observer."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Protocol

from scsf.eval.evaluator import Evaluator
from scsf.generation.generator import GenerationStats
from scsf.pipeline.config import RunConfig
from scsf.pipeline.evaluation import RunEvaluation
from scsf.pipeline.loaded_models import LoadedModels
from scsf.seeds.conversation import Conversation
from scsf.store.duckdb import RunItem


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
class RunSession:
    run_id: str
    config: RunConfig
    observer: RunObserver
    stop: threading.Event
    models: LoadedModels
    evaluator_factory: Callable[[], Evaluator]
    deadline: float | None
    failed: list[str] = field(default_factory=list)
    evaluation: RunEvaluation | None = None
    _evaluator: Evaluator | None = None

    def evaluator(self) -> Evaluator:
        if self._evaluator is None:
            self._evaluator = self.evaluator_factory()
        return self._evaluator

    def stop_reason(self) -> str | None:
        if self.stop.is_set():
            return "stop requested"
        return "time budget reached" if self.deadline is not None and time.monotonic() > self.deadline else None
