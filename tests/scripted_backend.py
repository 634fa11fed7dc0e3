"""ScriptedBackend: a generation backend for tests that answers from a script instead of a model.

Queued answers (`enqueue`, `enqueue_error`) are used first, in order; after that every request gets the
`default` answer, which unless replaced is a valid conversation for the request's JSON schema.
`raise_on_call(n, error)` makes the n-th call (counting from 1, over all calls) raise instead. Every request
is recorded in `requests`, including one that is answered with an error.
"""

from __future__ import annotations

import json
from collections import deque
from collections.abc import Callable
from typing import Any, ClassVar

from scsf.generation.backends.base import Backend, Completion, GenRequest

MODEL_INFO = {"backend": "scripted", "name": "scripted-test-model", "sha256": "0" * 64}


def valid_conversation(request: GenRequest) -> str:
    """An answer that satisfies `request.json_schema`: for a whole conversation one short turn per role the schema
    fixes, for a single turn (turn by turn) one short text."""
    if request.json_schema is None:
        raise ValueError("ScriptedBackend's default answer needs a request with a json_schema")
    if "turns" not in request.json_schema["properties"]:
        return json.dumps({"text": f"Mensaje del turno {len(request.messages[-1]['content']) % 97}."}, ensure_ascii=False)
    items = request.json_schema["properties"]["turns"]["prefixItems"]
    roles = [item["properties"]["role"]["const"] for item in items]
    turns = [{"role": role, "text": f"Mensaje {number} de {role}."} for number, role in enumerate(roles, start=1)]
    return json.dumps({"turns": turns}, ensure_ascii=False)


class ScriptedBackend(Backend):
    """Test double: scripted completions, a fixed model identity, and a record of what it was asked."""

    name: ClassVar[str] = "scripted"
    supports_json_schema: ClassVar[bool] = True

    def __init__(self, default: Callable[[GenRequest], str] = valid_conversation) -> None:
        super().__init__(self.Options())
        self.default = default
        self.requests: list[GenRequest] = []
        self.closed = False
        self._script: deque[tuple[str, str] | BaseException] = deque()
        self._errors_at: dict[int, BaseException] = {}

    def enqueue(self, text: str, finish_reason: str = "stop") -> ScriptedBackend:
        """Queue `text` as the answer to a coming request (queued answers are used in order)."""
        self._script.append((text, finish_reason))
        return self

    def enqueue_error(self, error: BaseException) -> ScriptedBackend:
        """Queue `error` (e.g. GenerationError) to be raised, in order with the queued answers."""
        self._script.append(error)
        return self

    def raise_on_call(self, number: int, error: BaseException) -> ScriptedBackend:
        """Raise `error` from the `number`-th call (1-based), e.g. KeyboardInterrupt to simulate Ctrl-C."""
        self._errors_at[number] = error
        return self

    @property
    def model_info(self) -> dict[str, Any]:
        return dict(MODEL_INFO)

    def complete(self, request: GenRequest) -> Completion:
        self.requests.append(request)
        if len(self.requests) in self._errors_at:
            raise self._errors_at[len(self.requests)]
        step = self._script.popleft() if self._script else (self.default(request), "stop")
        if isinstance(step, BaseException):
            raise step
        text, finish_reason = step
        return Completion(
            text=text,
            prompt_tokens=100,
            completion_tokens=len(text) // 4,
            finish_reason=finish_reason,
            seconds=0.01,
        )

    def close(self) -> None:
        self.closed = True
