"""`bench generate` through the whole run pipeline (plan, generate, store, export, signed report) in a throwaway home:

- `pipeline_local`: conversations/hour with the local llama.cpp model (the CPU demo);
- `pipeline_in_flight`: the engine against a fake OpenAI-compatible server, to show it keeps `concurrency` requests in
  flight and is not the bottleneck of a GPU server (server-side peak in flight, conversations/s, peak RSS).
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scsf.bench.generate_fake_server import fake_server
from scsf.bench.generate_memory import RssSampler
from scsf.bench.generate_model import BenchModel
from scsf.domains import DomainRegistry
from scsf.generation.backends.llamacpp import LlamaCppBackend
from scsf.generation.generator import GenerationStats
from scsf.paths import Home
from scsf.pipeline.backend import open_backend
from scsf.pipeline.config import RunConfig
from scsf.pipeline.evaluation import RunEvaluation
from scsf.pipeline.runner import BackendFactory, Runner, RunOutcome
from scsf.reports import generate_keypair
from scsf.seeds.conversation import Conversation
from scsf.seeds.importer import import_seed_files, pilot_seed_files
from scsf.store import Store
from scsf.store.duckdb import RunItem

StepHook = Callable[[str], None]


class _Tally:
    """A RunObserver that only counts (no output inside the measured loop)."""

    def __init__(self) -> None:
        self.completion_tokens = 0
        self.errors: list[str] = []

    def started(self, run_id: str, total: int, done: int) -> None: ...

    def stored(self, conversation: Conversation, stats: GenerationStats) -> None:
        self.completion_tokens += stats.completion_tokens

    def failed(self, item: RunItem, error: str) -> None:
        self.errors.append(error)

    def stopping(self, reason: str, in_flight: int) -> None: ...
    def evaluating(self, conversations: int) -> None: ...
    def evaluated_one(self) -> None: ...
    def evaluated(self, evaluation: RunEvaluation, target: int) -> None: ...
    def regenerating(self, round_number: int, replacements: int) -> None: ...


def _run(config: RunConfig, factory: Callable[[RunConfig, Home], Any]) -> tuple[RunOutcome, _Tally, float]:
    """One run in a fresh home with the pilot seeds; returns the outcome, the tally and the seconds of `execute`."""
    with tempfile.TemporaryDirectory(prefix="scsf-bench-") as root:
        home = Home(Path(root)).ensure()
        generate_keypair(home.keys)
        domains = DomainRegistry.load()
        with Store.open(home.database) as store:
            import_seed_files(pilot_seed_files(), store, domains)
            backend_factory: BackendFactory = lambda cfg: factory(cfg, home)  # noqa: E731
            runner = Runner(home, store, domains, backend_factory)
            run_id = runner.plan(config)
            tally = _Tally()
            started = time.perf_counter()
            outcome = runner.execute(run_id, tally)
            return outcome, tally, time.perf_counter() - started


def bench_pipeline_local(model: BenchModel, conversations: int, on_step: StepHook) -> dict[str, Any]:
    """Conversations/hour with the run defaults (variation mix, tools, noise) on the local model."""
    on_step(f"pipeline_local: {conversations} conversations with {model.name}")
    config = RunConfig(
        model=model.name, max_seeds=conversations, conversations_per_seed=1, n_threads=model.n_threads, quality_gate=False
    )
    outcome, tally, seconds = _run(config, lambda cfg, home: LlamaCppBackend(model.backend_options()))
    return {
        "conversations": outcome.planned,
        "stored": outcome.stored,
        "acceptance": round(outcome.stored / outcome.planned, 3),
        "seconds": round(seconds, 1),
        "conversations_per_hour": round(outcome.stored / seconds * 3600, 1),
        "completion_tokens_per_s": round(tally.completion_tokens / seconds, 2),
        "failures": tally.errors[:3],
    }


def bench_pipeline_in_flight(conversations: int, concurrency: int, delay_s: float, on_step: StepHook) -> dict[str, Any]:
    """The run pipeline against a fake server answering every turn after `delay_s`: turn by turn, tools and noise on."""
    on_step(f"pipeline_in_flight: {conversations} conversations, {concurrency} in flight, server delay {delay_s}s")
    with fake_server(delay_s) as server:
        config = RunConfig.build({
            "backend": "openai", "model": "fake", "endpoints": [server.endpoint], "concurrency": concurrency,
            "max_seeds": None, "conversations_per_seed": max(1, conversations // 67), "domain": "automotive.sales",
            "backend_options": {"timeout_s": 60}, "quality_gate": False,
            "variation": {"strategies": {"turn_by_turn": 1.0}, "noise_rate": 0.2, "tools": True},
        })  # fmt: skip
        server.stats(reset=True)
        with RssSampler() as rss:
            outcome, tally, seconds = _run(config, open_backend)
        stats = server.stats()
    return {
        "conversations": outcome.planned,
        "stored": outcome.stored,
        "concurrency": concurrency,
        "server_delay_s": delay_s,
        "server_peak_in_flight": stats["peak_in_flight"],
        "requests": stats["served"],
        "seconds": round(seconds, 1),
        "conversations_per_s": round(outcome.stored / seconds, 2),
        "requests_per_s": round(stats["served"] / seconds, 1),
        "ideal_requests_per_s": round(concurrency / delay_s, 1),
        "peak_rss_mib": round(rss.peak, 1),
        "failures": tally.errors[:3],
    }
