"""`bench generate`: the generation engine's benchmarks, run one after another in one process, as one JSON document.

Sections, one module each:
- `engine_overhead` (generate_engine.py): engine vs raw llama-cpp-python tokens/s, target ratio >= 0.90;
- `http_parallel` (generate_http.py): the HTTP backend against a real llama_cpp.server, N requests in parallel;
- `memory_in_flight` (generate_memory.py): hundreds of requests in flight and queued against a fake server;
- `pipeline_in_flight`, `pipeline_local` (generate_pipeline.py): the whole run pipeline against a fake server (requests
  in flight, conversations/s) and on the local model (conversations/hour of the CPU demo).
A new section is a function `(BenchContext) -> dict` registered in SECTIONS.
"""

from __future__ import annotations

import resource
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from scsf.bench.generate_engine import bench_engine_overhead, pilot_plans
from scsf.bench.generate_http import bench_http_parallel
from scsf.bench.generate_memory import bench_memory_in_flight
from scsf.bench.generate_model import BenchModel
from scsf.bench.generate_pipeline import bench_pipeline_in_flight, bench_pipeline_local
from scsf.errors import ConfigError
from scsf.generation.generator import Sampling
from scsf.generation.variation import Strategy

StepHook = Callable[[str], None]


@dataclass(frozen=True)
class GenerateBenchSettings:
    """Sizes and model of a `bench generate` run (defaults: the CLI's)."""

    model: str | None = None  # manifest name; None: the manifest's test model
    n_threads: int = 2
    n_ctx: int = 4096
    plans: int = 3
    strategy: Strategy = "whole_conversation"
    parallel: tuple[int, ...] = (1, 2, 4, 8)
    http_requests_per_pass: int = 4
    http_max_tokens: int = 48
    in_flight: int = 256
    queued: int = 1024
    fake_delay_s: float = 1.0
    pipeline_conversations: int = 268
    pipeline_concurrency: int = 64
    pipeline_delay_s: float = 0.25
    local_conversations: int = 3


class BenchContext:
    """What a section gets: the settings, the progress hook and the model, resolved (and verified) on first use."""

    def __init__(self, settings: GenerateBenchSettings, on_step: StepHook) -> None:
        self.settings = settings
        self.on_step = on_step
        self._model: BenchModel | None = None

    @property
    def model(self) -> BenchModel:
        """Raises ModelError: the model is unknown or its file fails verification."""
        if self._model is None:
            s = self.settings
            self._model = BenchModel.resolve(s.model, n_threads=s.n_threads, n_ctx=s.n_ctx)
        return self._model

    def model_used(self) -> dict[str, Any] | None:
        return self._model.describe() if self._model else None


def _engine_overhead(ctx: BenchContext) -> dict[str, Any]:
    plans = pilot_plans(ctx.settings.plans, ctx.settings.strategy)
    return bench_engine_overhead(ctx.model, plans, Sampling(), ctx.on_step)


def _http_parallel(ctx: BenchContext) -> dict[str, Any]:
    s = ctx.settings
    return bench_http_parallel(ctx.model, s.parallel, s.http_requests_per_pass, s.http_max_tokens, ctx.on_step)


def _memory_in_flight(ctx: BenchContext) -> dict[str, Any]:
    s = ctx.settings
    return bench_memory_in_flight(s.in_flight, s.queued, s.fake_delay_s, ctx.on_step)


def _pipeline_in_flight(ctx: BenchContext) -> dict[str, Any]:
    s = ctx.settings
    return bench_pipeline_in_flight(s.pipeline_conversations, s.pipeline_concurrency, s.pipeline_delay_s, ctx.on_step)


def _pipeline_local(ctx: BenchContext) -> dict[str, Any]:
    return bench_pipeline_local(ctx.model, ctx.settings.local_conversations, ctx.on_step)


SECTIONS: dict[str, Callable[[BenchContext], dict[str, Any]]] = {
    "engine_overhead": _engine_overhead,
    "http_parallel": _http_parallel,
    "memory_in_flight": _memory_in_flight,
    "pipeline_in_flight": _pipeline_in_flight,
    "pipeline_local": _pipeline_local,
}


def bench_generate(
    settings: GenerateBenchSettings, sections: Sequence[str] = tuple(SECTIONS), on_step: StepHook = print
) -> dict[str, Any]:
    """Run the chosen sections in order; the model is resolved (and verified) only if one of them uses it.

    Raises:
        ConfigError: an unknown section name.
        ModelError: the model is unknown or its file fails verification.
    """
    unknown = [name for name in sections if name not in SECTIONS]
    if unknown:
        raise ConfigError(f"bench generate: unknown section {unknown[0]!r} (known: {', '.join(SECTIONS)})")
    ctx = BenchContext(settings, on_step)
    result: dict[str, Any] = {"benchmark": "generate"}
    for name in sections:
        started = time.perf_counter()
        result[name] = SECTIONS[name](ctx)
        result[name]["section_seconds"] = round(time.perf_counter() - started, 1)
    result["model"] = ctx.model_used()
    result["peak_rss_mib"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    return result
