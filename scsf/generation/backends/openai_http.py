"""Any OpenAI-compatible chat completions server (vLLM, llama-server, `python -m llama_cpp.server`) over HTTP.

Several endpoints spread load round-robin: this is how a run scales past one machine. Endpoints must be loopback
unless the operator opts in with `allow_remote` (the appliance is air-gapped by default).
"""

from __future__ import annotations

import ipaddress
import re
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Literal
from urllib.parse import urlsplit

import httpx
from pydantic import Field

from scsf.errors import ConfigError, GenerationError
from scsf.generation.backends.base import Backend, Completion, GenRequest
from scsf.generation.backends.retry import HttpOptions, Reply, RetryingPoster, one_line

_SCHEMA_NAME = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


class OpenAIHttpBackend(Backend):
    """Chat completions over HTTP with retries, round-robin endpoints and a bound on requests in flight.

    Thread-safe: requests go through a RetryingPoster (pooled connections, `max_concurrency` slots).
    """

    name = "openai"
    supports_json_schema = True

    class Options(Backend.Options, HttpOptions):
        endpoints: list[str] = Field(min_length=1)
        model: str = Field(min_length=1)
        api_key: str | None = Field(default=None, repr=False)
        structured_output: Literal["json_schema", "json_object", "none"] = "json_schema"
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
        headers = {"Authorization": f"Bearer {options.api_key}"} if options.api_key else {}
        self._poster = RetryingPoster(self.endpoints, options, headers=headers, transport=transport, sleep=sleep)

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
        return _completion(self._poster.post("/chat/completions", self.request_body(request)))

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
        self._poster.close()


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


def _completion(reply: Reply) -> Completion:
    response = reply.response
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
            seconds=reply.seconds,
            extra={"endpoint": reply.endpoint, "attempts": reply.attempts},
        )
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise GenerationError(
            f"{reply.endpoint}: malformed chat completion reply ({type(exc).__name__}): {one_line(response.text)}"
        ) from exc
