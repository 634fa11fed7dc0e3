"""AnthropicHttpBackend against `httpx.MockTransport`: egress refusal, key handling, request shape, tool forcing,
reply parsing, retries."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from scsf.errors import ConfigError, GenerationError
from scsf.generation.backends import backend_class
from scsf.generation.backends.anthropic_http import API_VERSION, OUTPUT_TOOL, AnthropicHttpBackend
from scsf.generation.backends.base import GenRequest

KEY = "sk-ant-test-0123456789"
API = "https://api.anthropic.com"
SCHEMA = {
    "type": "object",
    "properties": {"turns": {"type": "array", "items": {"type": "string"}}},
    "required": ["turns"],
}
MESSAGES = [
    {"role": "system", "content": "Eres un guionista."},
    {"role": "user", "content": "Escribe dos turnos."},
]
REQUEST = GenRequest(messages=MESSAGES, max_tokens=256, temperature=0.7, top_p=0.9, seed=11, json_schema=SCHEMA)

Handler = Callable[[httpx.Request], httpx.Response]


def message(content: list[dict[str, Any]], stop_reason: str = "tool_use", **usage: int) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "id": "msg_01",
            "type": "message",
            "role": "assistant",
            "model": "claude-test",
            "content": content,
            "stop_reason": stop_reason,
            "usage": {"input_tokens": usage.get("input", 40), "output_tokens": usage.get("output", 12)},
        },
    )


def tool_reply(data: Any, stop_reason: str = "tool_use") -> httpx.Response:
    return message([{"type": "tool_use", "id": "toolu_01", "name": OUTPUT_TOOL, "input": data}], stop_reason)


def api_error(kind: str, text: str) -> dict[str, Any]:
    return {"type": "error", "error": {"type": kind, "message": text}}


class Recorder:
    """Answers with `handler`, keeps every request; `sleeps` records backoff waits instead of sleeping."""

    def __init__(self, handler: Handler) -> None:
        self.handler = handler
        self.requests: list[httpx.Request] = []
        self.sleeps: list[float] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)

    def backend(self, **options: Any) -> AnthropicHttpBackend:
        settings = {"model": "claude-test", "allow_network_egress": True, **options}
        return AnthropicHttpBackend(
            AnthropicHttpBackend.Options(**settings), transport=httpx.MockTransport(self), sleep=self.sleeps.append
        )

    def bodies(self) -> list[dict[str, Any]]:
        return [json.loads(r.content) for r in self.requests]


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", KEY)


def test_registered_as_entry_point() -> None:
    assert backend_class("anthropic") is AnthropicHttpBackend


def test_refuses_to_start_without_network_egress() -> None:
    rec = Recorder(lambda r: tool_reply({}))
    with pytest.raises(ConfigError) as info:
        rec.backend(allow_network_egress=False)
    message_text = str(info.value)
    assert message_text.startswith("anthropic backend refuses to start: network egress is off;")
    assert "set allow_network_egress = true in the run config" in message_text
    assert "\n" not in message_text
    with pytest.raises(ConfigError, match="network egress is off"):
        AnthropicHttpBackend(AnthropicHttpBackend.Options(model="claude-test"))  # off by default
    assert rec.requests == []


@pytest.mark.parametrize("value", [None, "", "   "])
def test_missing_key_is_a_config_error_naming_the_variable(monkeypatch: pytest.MonkeyPatch, value: str | None) -> None:
    monkeypatch.delenv("SCSF_CLAUDE_KEY", raising=False)
    if value is not None:
        monkeypatch.setenv("SCSF_CLAUDE_KEY", value)
    with pytest.raises(ConfigError) as info:
        Recorder(lambda r: tool_reply({})).backend(api_key_env="SCSF_CLAUDE_KEY")
    assert str(info.value).startswith("anthropic backend: environment variable SCSF_CLAUDE_KEY is not set;")


def test_key_is_sent_as_header_and_never_kept_in_options_or_model_info(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCSF_CLAUDE_KEY", "sk-other-key")
    rec = Recorder(lambda r: tool_reply({"turns": ["hola"]}))
    backend = rec.backend(api_key_env="SCSF_CLAUDE_KEY")

    backend.complete(REQUEST)

    headers = rec.requests[0].headers
    assert headers["x-api-key"] == "sk-other-key"
    assert headers["anthropic-version"] == API_VERSION
    assert str(rec.requests[0].url) == f"{API}/v1/messages"
    assert rec.requests[0].method == "POST"
    assert backend.model_info == {"backend": "anthropic", "name": "claude-test", "base_url": API}
    for record in (backend.options.model_dump_json(), repr(backend.options), json.dumps(backend.model_info)):
        assert "sk-other-key" not in record


def test_request_shape_forces_the_schema_tool() -> None:
    rec = Recorder(lambda r: tool_reply({"turns": ["hola"]}))

    rec.backend().complete(REQUEST)

    assert rec.bodies()[0] == {
        "model": "claude-test",
        "max_tokens": 256,
        "temperature": 0.7,
        "system": "Eres un guionista.",
        "messages": [{"role": "user", "content": "Escribe dos turnos."}],
        "tools": [{"name": OUTPUT_TOOL, "description": "Return the requested output; its input is the whole answer.",
                   "input_schema": SCHEMA}],
        "tool_choice": {"type": "tool", "name": OUTPUT_TOOL},
    }  # fmt: skip


def test_plain_request_has_no_tools_and_joins_text_blocks() -> None:
    blocks = [{"type": "text", "text": "Hola, "}, {"type": "text", "text": "¿qué tal?"}]
    rec = Recorder(lambda r: message(blocks, "end_turn"))
    completion = rec.backend().complete(
        GenRequest(messages=[{"role": "user", "content": "hola"}, {"role": "assistant", "content": "Hola"},
                             {"role": "user", "content": "sigue"}], max_tokens=8)  # fmt: skip
    )
    body = rec.bodies()[0]
    assert "tools" not in body and "tool_choice" not in body and "system" not in body
    assert [m["role"] for m in body["messages"]] == ["user", "assistant", "user"]
    assert (completion.text, completion.finish_reason) == ("Hola, ¿qué tal?", "stop")


def test_several_system_messages_are_joined() -> None:
    rec = Recorder(lambda r: message([{"type": "text", "text": "ok"}], "end_turn"))
    rec.backend().complete(
        GenRequest(messages=[{"role": "system", "content": "A"}, {"role": "system", "content": "B"},
                             {"role": "user", "content": "x"}], max_tokens=4)  # fmt: skip
    )
    assert rec.bodies()[0]["system"] == "A\n\nB"


def test_tool_input_becomes_the_completion_text_as_json() -> None:
    data = {"turns": ["¿Cuánto cuesta el sedán?", "Cuesta $389,900 MXN."]}
    rec = Recorder(lambda r: message(
        [{"type": "text", "text": "Aquí va:"},
         {"type": "tool_use", "id": "toolu_01", "name": OUTPUT_TOOL, "input": data}], "tool_use", input=120, output=33,
    ))  # fmt: skip

    completion = rec.backend().complete(REQUEST)

    assert json.loads(completion.text) == data
    assert "¿Cuánto" in completion.text  # not ASCII-escaped
    assert (completion.prompt_tokens, completion.completion_tokens, completion.finish_reason) == (120, 33, "stop")
    assert completion.extra == {"endpoint": API, "attempts": 1, "stop_reason": "tool_use"}


def test_cached_input_tokens_count_as_prompt_tokens() -> None:
    reply = tool_reply({"turns": []})
    payload = reply.json()
    payload["usage"] |= {"cache_creation_input_tokens": 5, "cache_read_input_tokens": 100}
    rec = Recorder(lambda r: httpx.Response(200, json=payload))
    assert rec.backend().complete(REQUEST).prompt_tokens == 40 + 5 + 100


def test_max_tokens_stop_is_a_length_finish() -> None:
    rec = Recorder(lambda r: tool_reply({"turns": ["hol"]}, stop_reason="max_tokens"))
    completion = rec.backend().complete(REQUEST)
    assert completion.finish_reason == "length" and completion.extra["stop_reason"] == "max_tokens"


def test_a_reply_without_the_tool_keeps_the_text_for_the_caller_to_reject() -> None:
    rec = Recorder(lambda r: message([{"type": "text", "text": "No puedo ayudar con eso."}], "refusal"))
    completion = rec.backend().complete(REQUEST)
    assert completion.text == "No puedo ayudar con eso."
    assert completion.extra["stop_reason"] == "refusal"


def test_non_object_schema_and_unknown_roles_fail_before_sending() -> None:
    rec = Recorder(lambda r: tool_reply({}))
    backend = rec.backend()
    with pytest.raises(GenerationError, match="needs an object JSON schema.*got type 'array'"):
        backend.complete(GenRequest(messages=MESSAGES, max_tokens=8, json_schema={"type": "array"}))
    with pytest.raises(GenerationError, match="message 2 has role 'tool'"):
        backend.complete(GenRequest(messages=[*MESSAGES, {"role": "tool", "content": "{}"}], max_tokens=8))
    assert rec.requests == []


def test_retries_on_429_529_and_connection_errors_then_succeeds() -> None:
    answers: list[httpx.Response | Exception] = [
        httpx.Response(429, headers={"retry-after": "2"}, json=api_error("rate_limit_error", "slow down")),
        httpx.Response(529, json=api_error("overloaded_error", "Overloaded")),
        httpx.ConnectError("connection reset"),
        tool_reply({"turns": ["listo"]}),
    ]

    def handler(request: httpx.Request) -> httpx.Response:
        answer = answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer

    rec = Recorder(handler)
    completion = rec.backend(backoff_s=0.5, max_backoff_s=8).complete(REQUEST)

    assert json.loads(completion.text) == {"turns": ["listo"]}
    assert completion.extra["attempts"] == 4
    assert len(rec.requests) == 4 and len(rec.sleeps) == 3
    assert rec.sleeps[0] >= 2  # Retry-After honoured
    assert 0.5 <= rec.sleeps[1] <= 1.0 and 1.0 <= rec.sleeps[2] <= 2.0


def test_exhausted_retries_give_one_line_with_the_api_message() -> None:
    rec = Recorder(lambda r: httpx.Response(529, json=api_error("overloaded_error", "Overloaded")))
    with pytest.raises(GenerationError) as info:
        rec.backend(max_retries=2).complete(REQUEST)
    assert str(info.value) == f"no completion after 3 attempts on {API}; last error: {API}: HTTP 529: Overloaded"
    assert len(rec.requests) == 3


def test_client_error_fails_at_once_with_the_api_message() -> None:
    error = api_error("invalid_request_error", "max_tokens: must be at most 8192")
    rec = Recorder(lambda r: httpx.Response(400, json=error))
    with pytest.raises(GenerationError) as info:
        rec.backend().complete(REQUEST)
    assert str(info.value) == f"{API} refused the request: HTTP 400: max_tokens: must be at most 8192"
    assert len(rec.requests) == 1 and rec.sleeps == []


def test_malformed_reply_is_a_generation_error() -> None:
    rec = Recorder(lambda r: httpx.Response(200, json={"content": [{"type": "tool_use"}]}))
    with pytest.raises(GenerationError, match="malformed Messages API reply"):
        rec.backend().complete(REQUEST)


@pytest.mark.parametrize(
    ("url", "accepted"),
    [
        ("https://api.anthropic.com/", True),
        ("http://127.0.0.1:8080", True),  # a local proxy
        ("http://api.anthropic.com", False),
        ("ftp://api.anthropic.com", False),
        ("api.anthropic.com", False),
    ],
)
def test_base_url_must_be_https_except_on_loopback(url: str, accepted: bool) -> None:
    rec = Recorder(lambda r: tool_reply({}))
    if accepted:
        assert rec.backend(base_url=url).model_info["base_url"] == url.rstrip("/")
    else:
        with pytest.raises(ConfigError, match="base_url"):
            rec.backend(base_url=url)


def test_options_forbid_unknown_fields_and_bad_env_names() -> None:
    with pytest.raises(ValueError):
        AnthropicHttpBackend.Options(model="m", api_key="sk-in-config")  # type: ignore[call-arg]
    with pytest.raises(ValueError):
        AnthropicHttpBackend.Options(model="m", api_key_env="not a name")
