"""Any OpenAI-compatible chat completions server (vLLM, llama-server, `python -m llama_cpp.server`) over HTTP.

Several endpoints spread load round-robin: this is how a run scales past one machine. Endpoints must be loopback
unless the operator opts in with `allow_remote` (the appliance is air-gapped by default).
"""

from __future__ import annotations

import ipaddress
import itertools
import random
import re
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
from pydantic import Field

from scsf.errors import ConfigError, GenerationError
from scsf.generation.backends.base import Backend, Completion, GenRequest

_SCHEMA_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_MESSAGE_LIMIT = 300


class OpenAIHttpBackend(Backend):
    """Chat completions over HTTP with retries, round-robin endpoints and a bound on requests in flight.

    Thread-safe: one pooled `httpx.Client` per endpoint, a semaphore of `max_concurrency` slots.
    """

    name = "openai"
    supports_json_schema = True

    class Options(Backend.Options):
        endpoints: list[str] = Field(min_length=1)
        model: str = Field(min_length=1)
        api_key: str | None = Field(default=None, repr=False)
        timeout_s: float = Field(default=120, gt=0)
        max_retries: int = Field(default=4, ge=0, le=100)
        backoff_s: float = Field(default=0.5, ge=0)
        max_backoff_s: float = Field(default=8.0, ge=0)
        structured_output: Literal["json_schema", "json_object", "none"] = "json_schema"
        max_concurrency: int = Field(default=64, ge=1, le=4096)
        allow_remote: bool = False

    def __init__(
        self,
        options: Options,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """`transport` replaces the network (tests pass `httpx.MockTransport`); `sleep` is the backoff wait.

        Raises:
            ConfigError: an endpoint is not an http(s) URL, or is not loopback and `allow_remote` is off.
        """
        super().__init__(options)
        self.endpoints = [_check_endpoint(url, allow_remote=options.allow_remote) for url in options.endpoints]
        # "none": the server cannot constrain output, so callers should not rely on it.
        self.supports_json_schema = options.structured_output != "none"
        self._sleep = sleep
        self._slots = threading.BoundedSemaphore(options.max_concurrency)
        self._turn = itertools.count()
        self._turn_lock = threading.Lock()
        headers = {"Authorization": f"Bearer {options.api_key}"} if options.api_key else {}
        timeout = httpx.Timeout(options.timeout_s, connect=min(options.timeout_s, 10.0))
        limits = httpx.Limits(
            max_connections=options.max_concurrency, max_keepalive_connections=options.max_concurrency
        )
        self._clients = [
            httpx.Client(
                base_url=url,
                headers=headers,
                timeout=timeout,
                limits=limits,
                transport=transport,
                trust_env=False,  # no proxy or netrc from the environment: traffic goes only where configured
                follow_redirects=False,
            )
            for url in self.endpoints
        ]

    @property
    def model_info(self) -> dict[str, Any]:
        return {"backend": self.name, "name": self.options.model, "endpoints": list(self.endpoints)}

    def request_body(self, request: GenRequest) -> dict[str, Any]:
        """The JSON body sent to `/chat/completions` for `request`."""
        body: dict[str, Any] = {
            "model": self.options.model,
            "messages": request.messages,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "top_p": request.top_p,
        }
        if request.seed is not None:
            body["seed"] = request.seed
        schema = request.json_schema
        mode = self.options.structured_output
        if schema is not None and mode == "json_schema":
            title = schema.get("title")
            name = title if isinstance(title, str) and _SCHEMA_NAME.match(title) else "scsf_output"
            body["response_format"] = {
                "type": "json_schema",
                "json_schema": {"name": name, "schema": schema, "strict": True},
            }
        elif schema is not None and mode == "json_object":
            body["response_format"] = {"type": "json_object", "schema": schema}
        return body

    def complete(self, request: GenRequest) -> Completion:
        """Send one chat completion, retrying on connection errors, timeouts, 429 and 5xx on the next endpoint.

        Raises:
            GenerationError: a 4xx other than 429 (at once, with the server's message), a malformed reply,
                or every one of `1 + max_retries` attempts failed.
        """
        body = self.request_body(request)
        attempts = self.options.max_retries + 1
        with self._turn_lock:
            first = next(self._turn)
        with self._slots:
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
                    response = self._clients[index].post("/chat/completions", json=body)
                except httpx.TimeoutException:
                    last_error = f"{endpoint}: no answer within {self.options.timeout_s:g}s"
                except httpx.TransportError as exc:
                    last_error = f"{endpoint}: {type(exc).__name__}: {_one_line(str(exc)) or 'connection failed'}"
                else:
                    status = response.status_code
                    if status == 200:
                        return _completion(response, endpoint, attempt + 1, time.perf_counter() - started)
                    message = _server_message(response)
                    if status != 429 and status < 500:
                        raise GenerationError(f"{endpoint} refused the request: HTTP {status}: {message}")
                    last_error = f"{endpoint}: HTTP {status}: {message}"
                    retry_after = _retry_after(response)
                if attempt + 1 < attempts:
                    self._sleep(self._backoff(attempt, retry_after))
        raise GenerationError(
            f"no completion after {attempts} attempt{'s' if attempts > 1 else ''} "
            f"on {', '.join(tried)}; last error: {last_error}"
        )

    def complete_many(
        self, requests: Sequence[GenRequest], concurrency: int | None = None
    ) -> list[Completion | GenerationError]:
        """Run `requests` on a thread pool (default `max_concurrency` threads); results keep the input order.

        A request that fails yields its GenerationError in its place; other exceptions propagate.
        """
        if not requests:
            return []
        workers = min(concurrency or self.options.max_concurrency, len(requests))
        if workers < 1:
            raise ValueError("concurrency must be at least 1")

        def one(request: GenRequest) -> Completion | GenerationError:
            try:
                return self.complete(request)
            except GenerationError as exc:
                return exc

        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scsf-openai") as pool:
            return list(pool.map(one, requests))

    def close(self) -> None:
        for client in self._clients:
            client.close()

    def _backoff(self, attempt: int, retry_after: float | None) -> float:
        """Exponential backoff with equal jitter, capped; a server's Retry-After is honoured up to the cap."""
        delay = min(self.options.max_backoff_s, self.options.backoff_s * 2**attempt)
        delay = delay / 2 + random.uniform(0, delay / 2)
        if retry_after is not None:
            delay = max(delay, min(retry_after, self.options.max_backoff_s))
        return delay


def is_loopback_host(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1 (also as an IPv4-mapped address)."""
    host = host.strip("[]").rstrip(".").lower()
    if host == "localhost":
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def _check_endpoint(url: str, *, allow_remote: bool) -> str:
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise ConfigError(f"openai backend: endpoint {url!r} is not a valid URL ({exc})") from exc
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigError(f"openai backend: endpoint {url!r} must be an http(s) URL such as http://127.0.0.1:8000/v1")
    if not allow_remote and not is_loopback_host(parts.hostname):
        raise ConfigError(
            f"openai backend: endpoint {url!r} is not loopback; the appliance is air-gapped, "
            "set allow_remote = true to use a server on your own network"
        )
    return url.strip().rstrip("/")


def _one_line(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MESSAGE_LIMIT else text[: _MESSAGE_LIMIT - 3] + "..."


def _server_message(response: httpx.Response) -> str:
    """The error message of an OpenAI-style (`error.message`) or FastAPI-style (`detail`) reply, else its text."""
    try:
        payload = response.json()
    except ValueError:
        return _one_line(response.text) or response.reason_phrase
    if isinstance(payload, dict):
        error = payload.get("error")
        if isinstance(error, dict) and error.get("message"):
            return _one_line(str(error["message"]))
        if isinstance(error, str) and error:
            return _one_line(error)
        for key in ("detail", "message"):
            if payload.get(key):
                detail = payload[key]
                return _one_line(detail if isinstance(detail, str) else str(detail))
    return _one_line(response.text)


def _retry_after(response: httpx.Response) -> float | None:
    try:
        value = float(response.headers.get("retry-after", ""))
    except ValueError:
        return None
    return value if value >= 0 else None


def _completion(response: httpx.Response, endpoint: str, attempts: int, seconds: float) -> Completion:
    try:
        payload = response.json()
        choice = payload["choices"][0]
        text = choice["message"].get("content") or ""
        usage = payload.get("usage") or {}
        return Completion(
            text=text,
            prompt_tokens=int(usage.get("prompt_tokens") or 0),
            completion_tokens=int(usage.get("completion_tokens") or 0),
            finish_reason=choice.get("finish_reason") or "stop",
            seconds=seconds,
            extra={"endpoint": endpoint, "attempts": attempts},
        )
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise GenerationError(
            f"{endpoint}: malformed chat completion reply ({type(exc).__name__}): {_one_line(response.text)}"
        ) from exc
