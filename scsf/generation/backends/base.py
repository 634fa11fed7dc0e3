"""The one interface every generation backend implements."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict


@dataclass(frozen=True)
class GenRequest:
    """A chat completion request; `json_schema` constrains the output where the backend supports it."""

    messages: list[dict[str, str]]
    max_tokens: int
    temperature: float = 0.8
    top_p: float = 0.95
    seed: int | None = None
    json_schema: dict[str, Any] | None = None


RETRY_TEMPERATURE = 0.7


def attempt_request(
    backend: Backend,
    messages: list[dict[str, str]],
    schema: dict[str, Any] | None,
    *,
    attempt: int,
    max_tokens: int,
    seed: int,
    temperature: float = 0.0,
) -> GenRequest:
    """Request `attempt` (1-based) of a constrained call asked again while its answer is unusable: the first at
    `temperature` (greedy by default), later ones sampled at RETRY_TEMPERATURE with the next seed; the schema is sent
    only to a backend that enforces one."""
    return GenRequest(
        messages=messages,
        max_tokens=max_tokens,
        temperature=temperature if attempt == 1 else RETRY_TEMPERATURE,
        seed=seed + attempt - 1,
        json_schema=schema if backend.supports_json_schema else None,
    )


@dataclass(frozen=True)
class Completion:
    """What a backend returns: the text, token counts and why it stopped ("stop" or "length")."""

    text: str
    prompt_tokens: int
    completion_tokens: int
    finish_reason: str
    seconds: float
    extra: dict[str, Any] = field(default_factory=dict)


class Backend(ABC):
    """A text generator. Subclasses define `name`, an `Options` model and `complete`."""

    name: ClassVar[str]
    supports_json_schema: ClassVar[bool] = False

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid")

    def __init__(self, options: Options) -> None:
        self.options = options

    @property
    @abstractmethod
    def model_info(self) -> dict[str, Any]:
        """Identity of the model behind this backend (name, file sha256...), recorded with every output."""

    @property
    def parallelism(self) -> int:
        """Requests this backend usefully runs at once: its `max_concurrency` option where it has one, else 1
        (the runner's default number of conversations in flight)."""
        return getattr(self.options, "max_concurrency", 1)

    @abstractmethod
    def complete(self, request: GenRequest) -> Completion:
        """Run one request to completion.

        Raises:
            GenerationError: the backend could not produce any output.
        """

    def close(self) -> None:
        """Release the model or connections (no-op by default)."""
