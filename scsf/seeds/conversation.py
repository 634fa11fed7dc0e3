"""Conversation and Turn: the normalised form every generator produces.

A turn is one of three kinds: a message (`text`), a tool call by an assistant-side role (`tool_call`), or the result
of that call (`tool_result`, role `herramienta`). Message turns are the dialogue; tool turns sit between them.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, model_validator

TOOL_ROLE = "herramienta"


class ToolCall(BaseModel):
    """A function call: the tool's name and its JSON arguments."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    arguments: dict[str, Any]


class Turn(BaseModel):
    """One message of one role, or a tool call, or a tool result."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str
    text: str = ""
    tool_call: ToolCall | None = None
    tool_result: dict[str, Any] | None = None

    @model_validator(mode="after")
    def _one_kind(self) -> Turn:
        kinds = [bool(self.text), self.tool_call is not None, self.tool_result is not None]
        if sum(kinds) != 1:
            raise ValueError("a turn has exactly one of: non-empty text, tool_call, tool_result")
        if (self.tool_result is not None) != (self.role == TOOL_ROLE):
            raise ValueError(f"tool_result turns, and only they, have role {TOOL_ROLE!r}")
        return self

    @property
    def is_message(self) -> bool:
        return bool(self.text)

    def document(self) -> dict[str, Any]:
        """Compact JSON form: a message turn is exactly {"role", "text"}."""
        return self.model_dump(mode="json", exclude_defaults=True)


class Conversation(BaseModel):
    """A generated conversation, always pointing at the seed id and version it came from."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    conversation_id: str
    run_id: str
    seed_id: str
    seed_version: int
    variant: str
    index: int
    turns: list[Turn] = Field(min_length=1)
    system_prompt: str
    generation: dict[str, Any] = Field(default_factory=dict, description="model, sampling and variation parameters")

    def messages(self) -> list[Turn]:
        """The dialogue: message turns only, tool calls and results left out."""
        return [turn for turn in self.turns if turn.is_message]
