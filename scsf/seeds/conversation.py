"""Conversation and Turn: the normalised form every generator and parser produces."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class Turn(BaseModel):
    """One message of one role."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str
    text: str = Field(min_length=1)


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
