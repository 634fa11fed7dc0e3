"""The two generation strategies: the whole conversation in one constrained call, or turn by turn along the plan.

Both return the dialogue texts in plan order; a rejected attempt is reported through the hook with its raw output.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from scsf.errors import GenerationError
from scsf.generation.backends.base import Backend, Completion, GenRequest
from scsf.generation.plan import ConversationPlan
from scsf.generation.prompts import MAX_TURN_CHARS, conversation_schema, next_turn_messages, turn_schema, whole_messages
from scsf.hashing import content_id

# Called with (attempt number, raw output, reason) for every rejected attempt.
FailedAttemptHook = Callable[[int, str, str], None]


@dataclass(frozen=True)
class Sampling:
    temperature: float = 0.8
    top_p: float = 0.95
    max_attempts: int = 3
    tokens_per_turn: int = 120


@dataclass
class Draft:
    """What a strategy produced: dialogue texts plus the accounting of every call it made."""

    texts: list[str] = field(default_factory=list)
    prompts: list[list[dict[str, str]]] = field(default_factory=list)
    prompt_tokens: int = 0
    completion_tokens: int = 0
    seconds: float = 0.0
    calls: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)

    def complete(self, backend: Backend, request: GenRequest) -> Completion:
        """Run one request and account for it."""
        completion = backend.complete(request)
        self.calls += 1
        self.prompt_tokens += completion.prompt_tokens
        self.completion_tokens += completion.completion_tokens
        self.seconds += completion.seconds
        return completion

    def record(self, messages: list[dict[str, str]], request: GenRequest) -> None:
        """Keep the prompt and sampling of an accepted call (stored as the conversation's generation parameters)."""
        self.prompts.append(messages)
        self.requests.append(
            {"temperature": request.temperature, "top_p": request.top_p, "seed": request.seed, "max_tokens": request.max_tokens}
        )

    @property
    def prompt_hash(self) -> str:
        return content_id(self.prompts)


def whole_conversation(backend: Backend, sampling: Sampling, plan: ConversationPlan, on_failed: FailedAttemptHook) -> Draft:
    """One JSON-schema-constrained call per attempt for all turns."""
    messages = whole_messages(plan)
    schema = conversation_schema(plan)
    draft = Draft()
    for attempt in range(1, sampling.max_attempts + 1):
        request = _request(backend, sampling, messages, schema, sampling.tokens_per_turn * len(plan.turns) + 64,
                           plan.sampling_seed + attempt - 1)  # fmt: skip
        completion = draft.complete(backend, request)
        try:
            draft.texts = parse_turns(completion, plan)
        except GenerationError as exc:
            on_failed(draft.calls, completion.text, exc.msg)
            continue
        draft.record(messages, request)
        return draft
    raise _exhausted(sampling)


def turn_by_turn(backend: Backend, sampling: Sampling, plan: ConversationPlan, on_failed: FailedAttemptHook) -> Draft:
    """One constrained call per dialogue turn, as its role, in its stage, seeing the dialogue so far."""
    schema = turn_schema()
    draft = Draft()
    for turn in range(len(plan.turns)):
        messages = next_turn_messages(plan, turn, draft.texts)
        for attempt in range(1, sampling.max_attempts + 1):
            request = _request(backend, sampling, messages, schema, sampling.tokens_per_turn + 16,
                               plan.sampling_seed + 1_000 * turn + attempt - 1)  # fmt: skip
            completion = draft.complete(backend, request)
            try:
                text = parse_turn(completion, plan.turns[turn].role)
            except GenerationError as exc:
                on_failed(draft.calls, completion.text, f"turn {turn + 1}: {exc.msg}")
                continue
            draft.texts.append(text)
            draft.record(messages, request)
            break
        else:
            raise _exhausted(sampling, turn)
    return draft


STRATEGIES: dict[str, Callable[[Backend, Sampling, ConversationPlan, FailedAttemptHook], Draft]] = {
    "whole_conversation": whole_conversation,
    "turn_by_turn": turn_by_turn,
}


def _request(backend: Backend, sampling: Sampling, messages, schema, max_tokens: int, seed: int) -> GenRequest:
    return GenRequest(
        messages=messages,
        max_tokens=max_tokens,
        temperature=sampling.temperature,
        top_p=sampling.top_p,
        seed=seed,
        json_schema=schema if backend.supports_json_schema else None,
    )


def _exhausted(sampling: Sampling, turn: int | None = None) -> GenerationError:
    where = f" at turn {turn + 1}" if turn is not None else ""
    return GenerationError(
        f"all {sampling.max_attempts} attempts{where} were rejected; their raw outputs are stored in generation_attempts"
    )


def _json_object(completion: Completion) -> Any:
    if completion.finish_reason == "length":
        raise GenerationError("output truncated at the token limit")
    try:
        return json.loads(completion.text)
    except json.JSONDecodeError as exc:
        raise GenerationError(f"output is not JSON: {exc.msg} at column {exc.colno}") from None


def _checked_text(raw: Any, where: str) -> str:
    if not isinstance(raw, str):
        raise GenerationError(f"{where}'text' must be a string")
    text = raw.strip()
    if len(text) < 2 or len(text) > MAX_TURN_CHARS:
        raise GenerationError(f"{where}text length {len(text)} outside 2..{MAX_TURN_CHARS}")
    return text


def parse_turns(completion: Completion, plan: ConversationPlan) -> list[str]:
    """Check a whole-conversation completion: valid JSON, exact turn count, right role at every turn."""
    data = _json_object(completion)
    raw_turns = data.get("turns") if isinstance(data, dict) else None
    if not isinstance(raw_turns, list):
        raise GenerationError("output has no 'turns' list")
    expected = plan.speaking_order()
    if len(raw_turns) != len(expected):
        raise GenerationError(f"expected {len(expected)} turns, got {len(raw_turns)}")
    texts = []
    for number, (raw, role) in enumerate(zip(raw_turns, expected, strict=True), start=1):
        if not isinstance(raw, dict) or raw.get("role") != role:
            raise GenerationError(f"turn {number}: expected role {role!r}")
        texts.append(_checked_text(raw.get("text"), f"turn {number}: "))
    return texts


def parse_turn(completion: Completion, role: str) -> str:
    """Check a turn-by-turn completion: {"text": ...}; a leading "role:" the model echoed is removed."""
    data = _json_object(completion)
    if not isinstance(data, dict):
        raise GenerationError("output is not a JSON object")
    raw = data.get("text")
    if isinstance(raw, str):
        raw = re.sub(rf"^\s*{re.escape(role)}\s*:\s*", "", raw)
    return _checked_text(raw, "")
