"""Memory with hundreds of requests in flight: concurrent `OpenAIHttpBackend.complete` calls from a thread pool
against the fake OpenAI-compatible server (its own process), first as many requests as slots, then four times as
many queued behind the same slots. Peak in flight is what the server saw; RSS is this process's, sampled."""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Callable
from typing import Any

from scsf.bench.generate_fake_server import FakeServerHandle, fake_server
from scsf.bench.generate_http import customer_requests
from scsf.generation.backends.base import Completion
from scsf.generation.backends.openai_http import OpenAIHttpBackend

TARGET_PEAK_IN_FLIGHT = 64
_PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_mib() -> float:
    """This process's resident set size now (Linux /proc)."""
    with open("/proc/self/statm", encoding="ascii") as statm:
        return int(statm.read().split()[1]) * _PAGE / 2**20


class RssSampler:
    """Samples RSS every `interval_s` in a thread while the block runs; `peak` is the largest value seen."""

    def __init__(self, interval_s: float = 0.005) -> None:
        self.interval_s = interval_s
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="scsf-rss-sampler", daemon=True)

    def __enter__(self) -> RssSampler:
        self.peak = rss_mib()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mib())

    def _run(self) -> None:
        while not self._stop.wait(self.interval_s):
            self.peak = max(self.peak, rss_mib())


def bench_memory_in_flight(
    in_flight: int, queued: int, delay_s: float, on_step: Callable[[str], None]
) -> dict[str, Any]:
    """`in_flight` requests on `in_flight` slots, then `queued` requests on the same number of slots."""
    with fake_server(delay_s) as server:
        phases = []
        for requests in (in_flight, queued):
            on_step(f"HTTP backend: {requests} requests, {in_flight} slots, fake server answering after {delay_s:g}s")
            phases.append(_phase(server, slots=in_flight, requests=requests))
    peak = phases[0]["server_peak_in_flight"]
    return {
        "server": "fake OpenAI-compatible server (loopback, own process)",
        "answer_delay_s": delay_s,
        "max_concurrency": in_flight,
        "phases": phases,
        "queue_rss_growth_mib": round(phases[1]["rss_growth_mib"] - phases[0]["rss_growth_mib"], 1),
        "peak_in_flight": peak,
        "target_peak_in_flight": TARGET_PEAK_IN_FLIGHT,
        "meets_target": peak >= TARGET_PEAK_IN_FLIGHT,
    }


def _phase(server: FakeServerHandle, *, slots: int, requests: int) -> dict[str, Any]:
    backend = OpenAIHttpBackend(
        OpenAIHttpBackend.Options(endpoints=[server.endpoint], model="fake", max_concurrency=slots, timeout_s=120,
                                  max_retries=0)  # fmt: skip
    )
    server.stats(reset=True)
    gc.collect()
    before = rss_mib()
    try:
        with RssSampler() as sampler:
            batch = customer_requests(requests, max_tokens=32)
            started = time.perf_counter()
            results = backend.complete_many(batch)
            seconds = time.perf_counter() - started
    finally:
        backend.close()
    failed = [str(result) for result in results if not isinstance(result, Completion)]
    del batch, results
    gc.collect()
    after = rss_mib()
    stats = server.stats()
    return {
        "requests": requests,
        "failed": len(failed),
        "first_error": failed[0] if failed else None,
        "seconds": round(seconds, 3),
        "requests_per_s": round(requests / seconds, 1),
        "server_peak_in_flight": stats["peak_in_flight"],
        "server_served": stats["served"],
        "rss_before_mib": round(before, 1),
        "rss_peak_mib": round(sampler.peak, 1),
        "rss_after_mib": round(after, 1),
        "rss_growth_mib": round(sampler.peak - before, 1),
    }
