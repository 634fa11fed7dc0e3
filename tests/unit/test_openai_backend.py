"""OpenAIHttpBackend against `httpx.MockTransport`: request shape, retries, round-robin, air-gap, concurrency."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from scsf.errors import ConfigError, GenerationError
from scsf.generation.backends import backend_class
from scsf.generation.backends.base import Completion, GenRequest
from scsf.generation.backends.openai_http import OpenAIHttpBackend

A = "http://127.0.0.1:8001/v1"
B = "http://127.0.0.1:8002/v1"
SCHEMA = {"title": "turns", "type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]}
REQUEST = GenRequest(messages=[{"role": "user", "content": "hola"}], max_tokens=16, temperature=0.5, top_p=0.9, seed=7)

Handler = Callable[[httpx.Request], httpx.Response]


def ok(text: str = '{"text": "hola"}', **usage: int) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": usage.get("prompt", 5), "completion_tokens": usage.get("completion", 3)},
        },
    )


class Recorder:
    """Answers with `handler` and keeps every request; `sleeps` records backoff waits instead of sleeping."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []
        self._lock = threading.Lock()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            self.requests.append(request)
        return self.handler(request)

    def backend(self, endpoints: list[str] | None = None, **options: Any) -> OpenAIHttpBackend:
        opts = OpenAIHttpBackend.Options(endpoints=endpoints or [A], model="smol", **options)
        return OpenAIHttpBackend(opts, transport=httpx.MockTransport(self), sleep=self.sleeps.append)

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]

    def ports(self) -> list[int]:
        return [r.url.port for r in self.requests]


def test_registered_as_entry_point():
    assert backend_class("openai") is OpenAIHttpBackend


def test_completion_fields_and_model_info():
    rec = Recorder(lambda r: ok("hi", prompt=11, completion=2))
    backend = rec.backend([A, B + "/"], api_key="sk-local")

    completion = backend.complete(REQUEST)

    assert isinstance(completion, Completion)
    assert (completion.text, completion.prompt_tokens, completion.completion_tokens) == ("hi", 11, 2)
    assert completion.finish_reason == "stop" and completion.seconds >= 0
    assert completion.extra == {"endpoint": A, "attempts": 1}
    assert str(rec.requests[0].url) == A + "/chat/completions"
    assert rec.requests[0].headers["authorization"] == "Bearer sk-local"
    assert backend.model_info == {"backend": "openai", "name": "smol", "endpoints": [A, B]}
    assert "sk-local" not in repr(backend.options)


@pytest.mark.parametrize(
    ("mode", "expected"),
    [
        ("json_schema", {"type": "json_schema", "json_schema": {"name": "turns", "schema": SCHEMA, "strict": True}}),
        ("json_object", {"type": "json_object", "schema": SCHEMA}),
        ("none", None),
    ],
)
def test_request_body_per_structured_output_mode(mode: str, expected: dict[str, Any] | None):
    rec = Recorder(lambda r: ok())
    backend = rec.backend(structured_output=mode)

    backend.complete(GenRequest(**{**REQUEST.__dict__, "json_schema": SCHEMA}))

    body = rec.bodies()[0]
    assert body["model"] == "smol"
    assert body["messages"] == REQUEST.messages
    assert (body["max_tokens"], body["temperature"], body["top_p"], body["seed"]) == (16, 0.5, 0.9, 7)
    assert body.get("response_format") == expected
    assert backend.supports_json_schema is (mode != "none")


def test_no_schema_no_seed_sends_neither():
    rec = Recorder(lambda r: ok())
    rec.backend().complete(GenRequest(messages=[{"role": "user", "content": "x"}], max_tokens=4))
    body = rec.bodies()[0]
    assert "response_format" not in body and "seed" not in body


def test_schema_without_a_usable_title_gets_a_valid_name():
    rec = Recorder(lambda r: ok())
    rec.backend().complete(GenRequest(messages=[], max_tokens=4, json_schema={"title": "has spaces!", "type": "object"}))
    assert rec.bodies()[0]["response_format"]["json_schema"]["name"] == "scsf_output"


def test_retries_with_backoff_on_503_then_succeeds():
    answers = iter([httpx.Response(503, text="busy"), httpx.Response(503, text="busy"), ok("done")])
    rec = Recorder(lambda r: next(answers))
    backend = rec.backend(backoff_s=0.5, max_backoff_s=8)

    completion = backend.complete(REQUEST)

    assert completion.text == "done" and completion.extra["attempts"] == 3
    assert len(rec.requests) == 3
    assert len(rec.sleeps) == 2
    assert 0.25 <= rec.sleeps[0] <= 0.5  # equal jitter around 0.5 * 2**0
    assert 0.5 <= rec.sleeps[1] <= 1.0  # 0.5 * 2**1


def test_backoff_is_capped_and_honours_retry_after():
    rec = Recorder(lambda r: httpx.Response(429, headers={"Retry-After": "3"}, json={"error": {"message": "slow down"}}))
    backend = rec.backend(max_retries=6, backoff_s=1, max_backoff_s=4)

    with pytest.raises(GenerationError, match="HTTP 429: slow down"):
        backend.complete(REQUEST)

    assert len(rec.sleeps) == 6
    assert all(3 <= s <= 4 for s in rec.sleeps)


def test_round_robin_across_two_endpoints():
    rec = Recorder(lambda r: ok())
    backend = rec.backend([A, B])

    for _ in range(4):
        backend.complete(REQUEST)

    assert rec.ports() == [8001, 8002, 8001, 8002]


def test_a_retry_moves_to_the_next_endpoint():
    rec = Recorder(lambda r: httpx.Response(502) if r.url.port == 8001 else ok("from b"))
    backend = rec.backend([A, B])

    completion = backend.complete(REQUEST)

    assert rec.ports() == [8001, 8002]
    assert completion.text == "from b" and completion.extra == {"endpoint": B, "attempts": 2}


def test_connect_errors_and_timeouts_are_retried():
    failures = iter([httpx.ConnectError("refused"), httpx.ReadTimeout("slow")])

    def handler(request: httpx.Request) -> httpx.Response:
        exc = next(failures, None)
        if exc is not None:
            raise exc
        return ok("third time")

    rec = Recorder(handler)
    assert rec.backend().complete(REQUEST).text == "third time"
    assert len(rec.requests) == 3 and len(rec.sleeps) == 2


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.5:8000/v1",
        "http://192.168.1.20:8000/v1",
        "https://api.openai.com/v1",
        "http://[2001:db8::1]:8000/v1",
        "http://0.0.0.0:8000/v1",
    ],
)
def test_non_loopback_endpoint_refused_unless_allow_remote(url: str):
    rec = Recorder(lambda r: ok())
    with pytest.raises(ConfigError) as info:
        rec.backend([A, url])
    assert "not loopback" in str(info.value) and "allow_remote" in str(info.value)
    assert "\n" not in str(info.value)

    backend = rec.backend([url], allow_remote=True)
    assert backend.model_info["endpoints"] == [url]


@pytest.mark.parametrize(
    "url", ["http://localhost:8000/v1", "http://127.0.0.2:9000/v1", "http://[::1]:8000/v1", "https://LOCALHOST/v1"]
)
def test_loopback_endpoints_accepted(url: str):
    Recorder(lambda r: ok()).backend([url])


@pytest.mark.parametrize("url", ["ftp://127.0.0.1/v1", "127.0.0.1:8000", "http://127.0.0.1:notaport/v1"])
def test_malformed_endpoint_is_a_config_error(url: str):
    with pytest.raises(ConfigError, match="endpoint"):
        Recorder(lambda r: ok()).backend([url])


def test_options_forbid_unknown_fields():
    with pytest.raises(ValueError):
        OpenAIHttpBackend.Options(endpoints=[A], model="m", temprature=1)  # type: ignore[call-arg]


@pytest.mark.parametrize(
    ("response", "message"),
    [
        (httpx.Response(400, json={"error": {"message": "max_tokens is too large", "type": "invalid_request_error"}}),
         "HTTP 400: max_tokens is too large"),
        (httpx.Response(422, json={"detail": [{"loc": ["body", "messages"], "msg": "field required"}]}),
         "HTTP 422: [{'loc': ['body', 'messages'], 'msg': 'field required'}]"),
        (httpx.Response(404, text="Not Found\n"), "HTTP 404: Not Found"),
    ],
)
def test_client_error_fails_at_once_with_the_server_message(response: httpx.Response, message: str):
    rec = Recorder(lambda r: response)
    backend = rec.backend([A, B])

    with pytest.raises(GenerationError) as info:
        backend.complete(REQUEST)

    assert str(info.value) == f"{A} refused the request: {message}"
    assert len(rec.requests) == 1 and rec.sleeps == []


def test_all_retries_exhausted_is_one_line_naming_endpoints_and_last_error():
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.port == 8001:
            raise httpx.ConnectError("[Errno 111] Connection refused")
        return httpx.Response(500, json={"error": {"message": "CUDA out of\nmemory"}})

    rec = Recorder(handler)
    backend = rec.backend([A, B], max_retries=3)

    with pytest.raises(GenerationError) as info:
        backend.complete(REQUEST)

    message = str(info.value)
    assert "\n" not in message
    assert message == (
        f"no completion after 4 attempts on {A}, {B}; last error: {B}: HTTP 500: CUDA out of memory"
    )
    assert len(rec.requests) == 4 and len(rec.sleeps) == 3


def test_zero_retries_makes_a_single_attempt():
    rec = Recorder(lambda r: httpx.Response(503))
    with pytest.raises(GenerationError, match=r"after 1 attempt on .*HTTP 503"):
        rec.backend(max_retries=0).complete(REQUEST)
    assert len(rec.requests) == 1 and rec.sleeps == []


def test_malformed_success_reply_is_a_generation_error():
    rec = Recorder(lambda r: httpx.Response(200, json={"choices": []}))
    with pytest.raises(GenerationError, match="malformed chat completion reply"):
        rec.backend().complete(REQUEST)


def test_complete_many_keeps_order_and_returns_errors_in_place():
    def handler(request: httpx.Request) -> httpx.Response:
        content = json.loads(request.content)["messages"][0]["content"]
        time.sleep(0.01 * (5 - int(content)) if content.isdigit() else 0)
        if content == "3":
            return httpx.Response(400, json={"error": {"message": "bad request 3"}})
        return ok(f"echo {content}")

    rec = Recorder(handler)
    backend = rec.backend([A, B])
    requests = [GenRequest(messages=[{"role": "user", "content": str(i)}], max_tokens=4) for i in range(6)]

    results = backend.complete_many(requests, concurrency=4)

    assert [r.text if isinstance(r, Completion) else str(r) for r in results] == [
        "echo 0", "echo 1", "echo 2", f"{B} refused the request: HTTP 400: bad request 3", "echo 4", "echo 5",
    ]
    assert backend.complete_many([], concurrency=4) == []


def test_concurrency_bound_is_respected():
    limit = 3
    lock = threading.Lock()
    in_flight = 0
    peak = 0
    reached = threading.Event()

    def handler(request: httpx.Request) -> httpx.Response:
        nonlocal in_flight, peak
        with lock:
            in_flight += 1
            peak = max(peak, in_flight)
            if in_flight >= limit:
                reached.set()
        reached.wait(timeout=2)  # hold the slot until the bound is reached, so the peak is deterministic
        time.sleep(0.01)
        with lock:
            in_flight -= 1
        return ok()

    rec = Recorder(handler)
    backend = rec.backend([A, B], max_concurrency=limit)

    results = backend.complete_many([REQUEST] * 20, concurrency=12)

    assert all(isinstance(r, Completion) for r in results)
    assert len(rec.requests) == 20
    assert peak == limit
