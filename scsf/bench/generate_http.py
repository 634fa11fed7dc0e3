"""HTTP backend against a real `llama_cpp.server` on loopback: throughput with N requests in parallel."""

from __future__ import annotations

import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from scsf.bench.generate_llama_server import llama_server
from scsf.bench.generate_model import BenchModel
from scsf.generation.backends.base import Completion, GenRequest
from scsf.generation.backends.openai_http import OpenAIHttpBackend

REPLY_SCHEMA = {
    "type": "object",
    "properties": {"text": {"type": "string", "minLength": 2, "maxLength": 300}},
    "required": ["text"],
    "additionalProperties": False,
}


def customer_requests(count: int, max_tokens: int) -> list[GenRequest]:
    """Short JSON-constrained requests, each with its own prompt and seed."""
    return [
        GenRequest(
            messages=[
                {"role": "system", "content": "Escribes mensajes de chat de clientes de agencias de autos en México."},
                {"role": "user", "content": f"Escribe el mensaje {number + 1} de un cliente que pregunta por un "
                                            f"crédito a {12 * (1 + number % 5)} meses. Responde en JSON."},
            ],  # fmt: skip
            max_tokens=max_tokens,
            seed=1_000 + number,
            json_schema=REPLY_SCHEMA,
        )
        for number in range(count)
    ]


def bench_http_parallel(
    model: BenchModel,
    levels: Sequence[int],
    requests_per_pass: int,
    max_tokens: int,
    on_step: Callable[[str], None],
) -> dict[str, Any]:
    """Start the server, warm it up, then send `requests_per_pass` requests at each parallelism level, in two passes
    (levels in order, then reversed) so drift of a shared machine hits every level alike."""
    timings: dict[int, list[dict[str, Any]]] = {parallel: [] for parallel in levels}
    with tempfile.TemporaryDirectory(prefix="scsf-bench-") as tmp:
        on_step(f"starting llama_cpp.server with {model.name}")
        with llama_server(model, Path(tmp) / "server.log") as endpoint:
            warm_up = _backend(endpoint, model, 1)
            try:
                warm_up.complete(customer_requests(1, 8)[0])
            finally:
                warm_up.close()
            requests = customer_requests(requests_per_pass, max_tokens)
            for parallel in [*levels, *reversed(levels)]:
                on_step(f"HTTP backend: {requests_per_pass} requests, {parallel} in parallel")
                timings[parallel].append(_run(endpoint, model, parallel, requests))
    return {
        "server": "python -m llama_cpp.server (loopback)",
        "passes": 2,
        "requests_per_pass": requests_per_pass,
        "max_tokens": max_tokens,
        "levels": [_level(parallel, runs) for parallel, runs in timings.items()],
    }


def _backend(endpoint: str, model: BenchModel, parallel: int) -> OpenAIHttpBackend:
    options = OpenAIHttpBackend.Options(
        endpoints=[endpoint], model=model.name, structured_output="json_object", max_concurrency=parallel,
        timeout_s=600, max_retries=0,
    )  # fmt: skip
    return OpenAIHttpBackend(options)


def _run(endpoint: str, model: BenchModel, parallel: int, requests: list[GenRequest]) -> dict[str, Any]:
    backend = _backend(endpoint, model, parallel)
    try:
        started = time.perf_counter()
        results = backend.complete_many(requests, concurrency=parallel)
        seconds = time.perf_counter() - started
    finally:
        backend.close()
    return {"seconds": seconds, "results": results}


def _level(parallel: int, runs: list[dict[str, Any]]) -> dict[str, Any]:
    seconds = sum(run["seconds"] for run in runs)
    results = [result for run in runs for result in run["results"]]
    done = [result for result in results if isinstance(result, Completion)]
    errors = [str(result) for result in results if not isinstance(result, Completion)]
    tokens = sum(completion.completion_tokens for completion in done)
    latencies = [completion.seconds for completion in done]
    return {
        "parallel": parallel,
        "requests": len(results),
        "failed": len(errors),
        "first_error": errors[0] if errors else None,
        "seconds": round(seconds, 3),
        "completion_tokens": tokens,
        "tokens_per_s": round(tokens / seconds, 2),
        "requests_per_s": round(len(done) / seconds, 3),
        "mean_latency_s": round(sum(latencies) / len(latencies), 3) if latencies else None,
        "max_latency_s": round(max(latencies), 3) if latencies else None,
    }
