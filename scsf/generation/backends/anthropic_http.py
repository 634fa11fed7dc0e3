"""Anthropic's Messages API (Claude) over HTTP: an opt-in cloud backend, refused unless network egress is allowed.

Structured output forces a single tool whose `input_schema` is the request's JSON schema; the tool input, as JSON,
becomes the completion text. The API key is read from an environment variable and never stored in options, configs,
reports or `model_info`. The API takes no sampling seed, and only `temperature` is sent (recent Claude models refuse
`temperature` and `top_p` together), so outputs are not reproducible the way local ones are.
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import httpx
from pydantic import Field

from scsf.errors import ConfigError, GenerationError
from scsf.generation.backends.base import Backend, Completion, GenRequest
from scsf.generation.backends.openai_http import is_loopback_host
from scsf.generation.backends.retry import HttpOptions, Reply, RetryingPoster, one_line

API_VERSION = "2023-06-01"
OUTPUT_TOOL = "scsf_output"
_ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]*$"


class AnthropicHttpBackend(Backend):
    """Claude through `POST {base_url}/v1/messages`, with retries on 429/5xx/connection errors and a bound on
    requests in flight (shared with the OpenAI-compatible backend)."""

    name = "anthropic"
    supports_json_schema = True

    class Options(Backend.Options, HttpOptions):
        model: str = Field(min_length=1)
        base_url: str = "https://api.anthropic.com"
        api_key_env: str = Field(default="ANTHROPIC_API_KEY", pattern=_ENV_NAME)
        allow_network_egress: bool = False

    def __init__(
        self,
        options: Options,
        *,
        transport: httpx.BaseTransport | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        """`transport` replaces the network (tests pass `httpx.MockTransport`); `sleep` is the backoff wait.

        Raises:
            ConfigError: network egress is not allowed, `base_url` is not https (plain http only on loopback),
                or the API key's environment variable is unset or empty.
        """
        super().__init__(options)
        if not options.allow_network_egress:
            raise ConfigError(
                "anthropic backend refuses to start: network egress is off; set allow_network_egress = true in the "
                "run config to send prompts to the Anthropic API"
            )
        self.base_url = _check_base_url(options.base_url)
        key = os.environ.get(options.api_key_env, "").strip()
        if not key:
            raise ConfigError(
                f"anthropic backend: environment variable {options.api_key_env} is not set; export the API key "
                "there (keys are never stored in run configs)"
            )
        headers = {"x-api-key": key, "anthropic-version": API_VERSION}
        self._poster = RetryingPoster([self.base_url], options, headers=headers, transport=transport, sleep=sleep)

    @property
    def model_info(self) -> dict[str, Any]:
        return {"backend": self.name, "name": self.options.model, "base_url": self.base_url}

    def request_body(self, request: GenRequest) -> dict[str, Any]:
        """The JSON body sent to `/v1/messages`: system messages joined into `system`, the schema as a forced tool.

        Raises:
            GenerationError: a message role the Messages API has no place for, or a schema that is not an object.
        """
        system = [m["content"] for m in request.messages if m["role"] == "system"]
        dialogue = [m for m in request.messages if m["role"] != "system"]
        for number, message in enumerate(dialogue, start=1):
            if message["role"] not in ("user", "assistant"):
                raise GenerationError(
                    f"anthropic backend: message {number} has role {message['role']!r}; "
                    "the Messages API takes only system, user and assistant"
                )
        body: dict[str, Any] = {
            "model": self.options.model,
            "max_tokens": request.max_tokens,
            "temperature": request.temperature,
            "messages": [{"role": m["role"], "content": m["content"]} for m in dialogue],
        }
        if system:
            body["system"] = "\n\n".join(system)
        if request.json_schema is not None:
            if request.json_schema.get("type") != "object":
                raise GenerationError(
                    "anthropic backend: structured output needs an object JSON schema (a tool input), "
                    f"got type {request.json_schema.get('type')!r}"
                )
            body["tools"] = [
                {
                    "name": OUTPUT_TOOL,
                    "description": "Return the requested output; its input is the whole answer.",
                    "input_schema": request.json_schema,
                }
            ]
            body["tool_choice"] = {"type": "tool", "name": OUTPUT_TOOL}
        return body

    def complete(self, request: GenRequest) -> Completion:
        """Send one Messages request, retrying on connection errors, timeouts, 429 and 5xx (529 overloaded included).

        Raises:
            GenerationError: a 4xx other than 429 (at once, with the API's message), a malformed reply,
                or every one of `1 + max_retries` attempts failed.
        """
        body = self.request_body(request)
        return _completion(self._poster.post("/v1/messages", body), forced_tool=request.json_schema is not None)

    def close(self) -> None:
        self._poster.close()


def _check_base_url(url: str) -> str:
    """https, or plain http to a loopback host (a local proxy): the API key must not cross a network in clear."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError as exc:
        raise ConfigError(f"anthropic backend: base_url {url!r} is not a valid URL ({exc})") from exc
    if not parts.hostname or parts.scheme not in ("http", "https"):
        raise ConfigError(f"anthropic backend: base_url {url!r} must be an https URL such as https://api.anthropic.com")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise ConfigError(f"anthropic backend: base_url {url!r} must use https (plain http only on loopback)")
    return url.strip().rstrip("/")


def _completion(reply: Reply, *, forced_tool: bool) -> Completion:
    """The forced tool's input as JSON text when a schema was sent, else the text blocks joined."""
    response = reply.response
    try:
        payload = response.json()
        blocks = payload["content"]
        tool_inputs = [b["input"] for b in blocks if b["type"] == "tool_use" and b["name"] == OUTPUT_TOOL]
        if forced_tool and tool_inputs:
            text = json.dumps(tool_inputs[0], ensure_ascii=False)
        else:
            text = "".join(b["text"] for b in blocks if b["type"] == "text")
        usage = payload["usage"]
        prompt_tokens = sum(
            int(usage.get(key) or 0)
            for key in ("input_tokens", "cache_creation_input_tokens", "cache_read_input_tokens")
        )
        stop_reason = payload.get("stop_reason") or "end_turn"
        return Completion(
            text=text,
            prompt_tokens=prompt_tokens,
            completion_tokens=int(usage.get("output_tokens") or 0),
            finish_reason="length" if stop_reason == "max_tokens" else "stop",
            seconds=reply.seconds,
            extra={"endpoint": reply.endpoint, "attempts": reply.attempts, "stop_reason": stop_reason},
        )
    except (ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        raise GenerationError(
            f"{reply.endpoint}: malformed Messages API reply ({type(exc).__name__}): {one_line(response.text)}"
        ) from exc
