"""JSON POSTs for the HTTP backends: pooled clients that ignore the environment, a bound on requests in flight,
round-robin endpoints, and retries with backoff on connection errors, timeouts, 429 and 5xx (other 4xx fail at once).
"""

from __future__ import annotations

import itertools
import queue
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import httpx
from pydantic import BaseModel, Field

from scsf.errors import GenerationError

MESSAGE_LIMIT = 300
# Connections per httpx pool. httpcore's pool does bookkeeping proportional to connections x waiting requests on
# every request; with 256 connections in one pool the client spent ~18 ms of CPU per request (vs ~2 ms at 32).
POOL_SHARD = 32


class HttpOptions(BaseModel):
    """Options every HTTP backend shares (mixed into its `Options`)."""

    timeout_s: float = Field(default=120, gt=0)
    max_retries: int = Field(default=4, ge=0, le=100)
    backoff_s: float = Field(default=0.5, ge=0)
    max_backoff_s: float = Field(default=8.0, ge=0)
    max_concurrency: int = Field(default=64, ge=1, le=4096)

    def backoff(self, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff with equal jitter, capped; a server's Retry-After is honoured up to the cap."""
        delay = min(self.max_backoff_s, self.backoff_s * 2**attempt)
        delay = delay / 2 + random.uniform(0, delay / 2)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.max_backoff_s))
        return delay


@dataclass(frozen=True)
class Reply:
    """A successful (HTTP 200) answer, the endpoint that gave it, how many attempts it took and the seconds spent
    from the first attempt (waiting for a free slot excluded)."""

    response: httpx.Response
    endpoint: str
    attempts: int
    seconds: float


class RetryingPoster:
    """Thread-safe: `max_concurrency` slots; slot k of an endpoint uses connection pool k // POOL_SHARD, which has
    exactly as many connections as slots, so no request ever waits inside a pool."""

    def __init__(
        self,
        endpoints: Sequence[str],
        options: HttpOptions,
        *,
        headers: Mapping[str, str],
        transport: httpx.BaseTransport | None,
        sleep: Callable[[float], None],
    ) -> None:
        """`transport` replaces the network (tests pass `httpx.MockTransport`); `sleep` is the backoff wait."""
        self.endpoints = list(endpoints)
        self.options = options
        self._sleep = sleep
        self._free_slots: queue.LifoQueue[int] = queue.LifoQueue()  # LIFO: light load reuses few connections
        for slot in reversed(range(options.max_concurrency)):
            self._free_slots.put(slot)
        self._turn = itertools.count()
        self._turn_lock = threading.Lock()
        timeout = httpx.Timeout(options.timeout_s, connect=min(options.timeout_s, 10.0))
        per_pool = min(POOL_SHARD, options.max_concurrency)
        limits = httpx.Limits(max_connections=per_pool, max_keepalive_connections=per_pool)
        pools = -(-options.max_concurrency // POOL_SHARD)
        self._clients = [
            [
                httpx.Client(
                    base_url=url,
                    headers=dict(headers),
                    timeout=timeout,
                    limits=limits,
                    transport=transport,
                    trust_env=False,  # no proxy or netrc from the environment: traffic goes only where configured
                    follow_redirects=False,
                )
                for _ in range(pools)
            ]
            for url in self.endpoints
        ]

    def post(self, path: str, body: dict[str, Any]) -> Reply:
        """POST `body` to `path`, starting at the next endpoint in turn and moving to the next one on each retry.

        Raises:
            GenerationError: a 4xx other than 429 (at once, with the server's message), or every one of
                `1 + max_retries` attempts failed.
        """
        attempts = self.options.max_retries + 1
        with self._turn_lock:
            first = next(self._turn)
        slot = self._free_slots.get()
        try:
            started = time.perf_counter()
            tried: list[str] = []
            last_error = ""
            for attempt in range(attempts):
                index = (first + attempt) % len(self._clients)
                endpoint = self.endpoints[index]
                if endpoint not in tried:
                    tried.append(endpoint)
                retry_after: float | None = None
                try:
                    response = self._clients[index][slot // POOL_SHARD].post(path, json=body)
                except httpx.TimeoutException:
                    last_error = f"{endpoint}: no answer within {self.options.timeout_s:g}s"
                except httpx.TransportError as exc:
                    last_error = f"{endpoint}: {type(exc).__name__}: {one_line(str(exc)) or 'connection failed'}"
                else:
                    status = response.status_code
                    if status == 200:
                        return Reply(response, endpoint, attempt + 1, time.perf_counter() - started)
                    message = server_message(response)
                    if status != 429 and status < 500:
                        raise GenerationError(f"{endpoint} refused the request: HTTP {status}: {message}")
                    last_error = f"{endpoint}: HTTP {status}: {message}"
                    retry_after = _retry_after(response)
                if attempt + 1 < attempts:
                    self._sleep(self.options.backoff(attempt, retry_after))
        finally:
            self._free_slots.put(slot)
        raise GenerationError(
            f"no completion after {attempts} attempt{'s' if attempts > 1 else ''} "
            f"on {', '.join(tried)}; last error: {last_error}"
        )

    def close(self) -> None:
        for pools in self._clients:
            for client in pools:
                client.close()


def one_line(text: str) -> str:
    """`text` on one line, shortened to MESSAGE_LIMIT characters."""
    text = " ".join(text.split())
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 3] + "..."


def server_message(response: httpx.Response) -> str:
    """The error message of an OpenAI/Anthropic-style (`error.message`) or FastAPI-style (`detail`) reply, else
    its text."""
    try:
        payload = response.json()
    except ValueError:
        return one_line(response.text) or response.reason_phrase
    if isinstance(payload, dict):
        error = payload.get("error")
        if isinstance(error, dict) and error.get("message"):
            return one_line(str(error["message"]))
        if isinstance(error, str) and error:
            return one_line(error)
        for key in ("detail", "message"):
            if payload.get(key):
                detail = payload[key]
                return one_line(detail if isinstance(detail, str) else str(detail))
    return one_line(response.text)


def _retry_after(response: httpx.Response) -> float | None:
    try:
        value = float(response.headers.get("retry-after", ""))
    except ValueError:
        return None
    return value if value >= 0 else None
