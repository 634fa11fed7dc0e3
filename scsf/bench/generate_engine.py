"""Engine overhead: completion tokens/s through the engine (ConversationGenerator over LlamaCppBackend: prompt
building, schema, parsing and validation included) against raw llama-cpp-python `create_chat_completion` given
exactly the requests the engine makes (same messages, JSON schema, max_tokens, sampling and seeds).

Each engine call is paired with its raw twin at the moment the engine makes it, the two in alternating order, so the
drift of a shared machine hits both sides alike; the engine's time is its wall time minus the raw calls made inside
it. Each side has its own `Llama` with the same settings (neither inherits the other's prompt cache), both warmed up.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from scsf.domains import DomainRegistry
from scsf.errors import GenerationError
from scsf.generation.backends.base import Backend, Completion, GenRequest
from scsf.generation.backends.llamacpp import LlamaCppBackend
from scsf.generation.generator import ConversationGenerator, Sampling
from scsf.generation.plan import ConversationPlan, plan_conversation
from scsf.generation.variation import Strategy, VariationConfig
from scsf.seeds.importer import pilot_seed_files
from scsf.seeds.loader import load_seed_file

if TYPE_CHECKING:
    from llama_cpp import Llama

    from scsf.bench.generate_model import BenchModel

BENCH_RUN = "run-bench-generate"
TARGET_RATIO = 0.90
WARM_UP = GenRequest(messages=[{"role": "user", "content": "Hola"}], max_tokens=8, seed=1)


RawCall = Callable[[GenRequest], tuple[str, int]]


@dataclass(frozen=True)
class PairedCall:
    request: GenRequest
    completion: Completion
    raw_text: str
    raw_tokens: int
    raw_seconds: float


class PairedBaselineBackend(Backend):
    """Passes every request to `inner` (the engine's backend) and runs it through `raw` too, raw first on every
    other call; keeps both results and the raw timings."""

    name = "bench-paired"

    def __init__(self, inner: Backend, raw: RawCall) -> None:
        super().__init__(inner.options)
        self.inner = inner
        self.raw = raw
        self.supports_json_schema = inner.supports_json_schema
        self.calls: list[PairedCall] = []
        self._count = 0

    @property
    def model_info(self) -> dict[str, Any]:
        return self.inner.model_info

    def complete(self, request: GenRequest) -> Completion:
        raw_first = self._count % 2 == 1
        self._count += 1
        if raw_first:
            raw_text, raw_tokens, raw_seconds = self._timed_raw(request)
        completion = self.inner.complete(request)
        if not raw_first:
            raw_text, raw_tokens, raw_seconds = self._timed_raw(request)
        self.calls.append(PairedCall(request, completion, raw_text, raw_tokens, raw_seconds))
        return completion

    def take(self) -> list[PairedCall]:
        """The calls made since the last `take`."""
        calls, self.calls = self.calls, []
        return calls

    def _timed_raw(self, request: GenRequest) -> tuple[str, int, float]:
        started = time.perf_counter()
        text, tokens = self.raw(request)
        return text, tokens, time.perf_counter() - started


def pilot_plans(count: int, strategy: Strategy, base_seed: int = 20261127) -> list[ConversationPlan]:
    """Plans of the first pilot seed of each domain in turn (happy path, no noise, no tools, fewest turns)."""
    domains = DomainRegistry.load()
    seeds = [next(load_seed_file(path, domains))[1] for path in pilot_seed_files()]
    variation = VariationConfig(strategies={strategy: 1.0}, flows={"happy_path": 1.0}, noise_rate=0.0, tools=False)
    return [
        plan_conversation(seed, 1, domains.get(seed.dominio), number // len(seeds), policy="min",
                          base_seed=base_seed, variation=variation)  # fmt: skip
        for number, seed in ((n, seeds[n % len(seeds)]) for n in range(count))
    ]


def raw_call(llama: Llama, request: GenRequest) -> tuple[str, int]:
    """llama-cpp-python called directly with the request's messages, schema, token budget, sampling and seed."""
    extra: dict[str, Any] = {}
    if request.json_schema is not None:
        extra["response_format"] = {"type": "json_object", "schema": request.json_schema}
    if request.seed is not None:
        llama.set_seed(request.seed)
    result = llama.create_chat_completion(
        messages=request.messages, max_tokens=request.max_tokens, temperature=request.temperature,
        top_p=request.top_p, seed=request.seed, **extra,
    )  # fmt: skip
    return result["choices"][0]["message"]["content"] or "", int(result["usage"]["completion_tokens"])


def bench_engine_overhead(
    model: BenchModel, plans: list[ConversationPlan], sampling: Sampling, on_step: Callable[[str], None]
) -> dict[str, Any]:
    """Generate every plan through the engine, each call paired with its raw twin; tokens/s of both, their ratio."""
    from llama_cpp import Llama

    options = model.backend_options()
    backend = LlamaCppBackend(options)
    llama = Llama(model_path=str(model.path), n_ctx=options.n_ctx, n_threads=options.n_threads,
                  n_threads_batch=options.n_threads, n_batch=options.n_batch, verbose=False)  # fmt: skip
    try:
        backend.complete(WARM_UP)
        raw_call(llama, WARM_UP)
        paired = PairedBaselineBackend(backend, partial(raw_call, llama))
        generator = ConversationGenerator(paired, sampling)
        rows = []
        for number, plan in enumerate(plans):
            on_step(f"engine overhead {number + 1}/{len(plans)}: {plan.seed.dominio}, {len(plan.turns)} turns, "
                    f"{plan.strategy}")  # fmt: skip
            rows.append(measure_plan(generator, paired, plan, number))
    finally:
        backend.close()
        llama.close()
    return _summary(rows, sampling)


def measure_plan(
    generator: ConversationGenerator, paired: PairedBaselineBackend, plan: ConversationPlan, number: int
) -> dict[str, Any]:
    """One conversation through the engine over `paired`: engine time is wall time minus the raw twins' time."""
    started = time.perf_counter()
    try:
        generator.generate(plan, run_id=BENCH_RUN, conversation_id=f"conv-bench-{number}",
                           on_failed_attempt=lambda attempt, text, reason: None)  # fmt: skip
        accepted = True
    except GenerationError:
        accepted = False
    wall = time.perf_counter() - started
    calls = paired.take()
    raw_seconds = sum(call.raw_seconds for call in calls)
    return {
        "domain": plan.seed.dominio,
        "turns": len(plan.turns),
        "accepted": accepted,
        "calls": len(calls),
        "identical_outputs": sum(call.raw_text == call.completion.text for call in calls),
        "engine_tokens": sum(call.completion.completion_tokens for call in calls),
        "engine_seconds": wall - raw_seconds,
        "engine_backend_seconds": sum(call.completion.seconds for call in calls),
        "raw_tokens": sum(call.raw_tokens for call in calls),
        "raw_seconds": raw_seconds,
    }


def _summary(rows: list[dict[str, Any]], sampling: Sampling) -> dict[str, Any]:
    def total(key: str) -> float:
        return sum(row[key] for row in rows)

    engine_rate = total("engine_tokens") / total("engine_seconds")
    raw_rate = total("raw_tokens") / total("raw_seconds")
    return {
        "conversations": len(rows),
        "accepted_conversations": sum(row["accepted"] for row in rows),
        "calls": int(total("calls")),
        "identical_outputs": int(total("identical_outputs")),
        "sampling": {"temperature": sampling.temperature, "top_p": sampling.top_p,
                     "tokens_per_turn": sampling.tokens_per_turn, "max_attempts": sampling.max_attempts},  # fmt: skip
        "engine": {
            "completion_tokens": int(total("engine_tokens")),
            "seconds": round(total("engine_seconds"), 3),
            "seconds_outside_backend": round(total("engine_seconds") - total("engine_backend_seconds"), 4),
            "tokens_per_s": round(engine_rate, 2),
        },
        "raw": {
            "completion_tokens": int(total("raw_tokens")),
            "seconds": round(total("raw_seconds"), 3),
            "tokens_per_s": round(raw_rate, 2),
        },
        "ratio": round(engine_rate / raw_rate, 4),
        "target_ratio": TARGET_RATIO,
        "meets_target": engine_rate / raw_rate >= TARGET_RATIO,
        "per_conversation": [
            {"domain": row["domain"], "turns": row["turns"], "calls": row["calls"], "accepted": row["accepted"],
             "engine_tokens_per_s": round(row["engine_tokens"] / row["engine_seconds"], 2),
             "raw_tokens_per_s": round(row["raw_tokens"] / row["raw_seconds"], 2)}
            for row in rows
        ],  # fmt: skip
    }
