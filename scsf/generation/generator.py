"""Turns a conversation plan into a validated Conversation, keeping the raw output of every failed attempt."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass

from scsf.errors import GenerationError
from scsf.generation.backends.base import Backend, Completion, GenRequest
from scsf.generation.plan import ConversationPlan
from scsf.generation.prompts import (
    MAX_TURN_CHARS,
    PROMPT_VERSION,
    conversation_schema,
    generator_messages,
    training_system_prompt,
)
from scsf.hashing import content_id
from scsf.seeds.conversation import Conversation, Turn

# Called with (attempt number, raw output, reason) for every rejected attempt.
FailedAttemptHook = Callable[[int, str, str], None]


@dataclass(frozen=True)
class Sampling:
    temperature: float = 0.8
    top_p: float = 0.95
    max_attempts: int = 3
    tokens_per_turn: int = 120


@dataclass(frozen=True)
class GenerationStats:
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    attempts: int


class ConversationGenerator:
    """Whole-conversation strategy: one JSON-schema-constrained call per attempt."""

    def __init__(self, backend: Backend, sampling: Sampling) -> None:
        self.backend = backend
        self.sampling = sampling

    def generate(
        self, plan: ConversationPlan, *, run_id: str, conversation_id: str, on_failed_attempt: FailedAttemptHook
    ) -> tuple[Conversation, GenerationStats]:
        """Try up to `max_attempts` times; raises GenerationError when every attempt was rejected."""
        messages = generator_messages(plan)
        schema = conversation_schema(plan)
        prompt_tokens = completion_tokens = 0
        seconds = 0.0
        for attempt in range(1, self.sampling.max_attempts + 1):
            request = GenRequest(
                messages=messages,
                max_tokens=self.sampling.tokens_per_turn * len(plan.turns) + 64,
                temperature=self.sampling.temperature,
                top_p=self.sampling.top_p,
                seed=plan.sampling_seed + attempt - 1,
                json_schema=schema if self.backend.supports_json_schema else None,
            )
            completion = self.backend.complete(request)
            prompt_tokens += completion.prompt_tokens
            completion_tokens += completion.completion_tokens
            seconds += completion.seconds
            try:
                turns = parse_turns(completion, plan)
            except GenerationError as exc:
                on_failed_attempt(attempt, completion.text, exc.msg)
                continue
            conversation = Conversation(
                conversation_id=conversation_id,
                run_id=run_id,
                seed_id=plan.seed.seed_id,
                seed_version=plan.seed_version,
                variant=plan.variant,
                index=plan.index,
                turns=turns,
                system_prompt=training_system_prompt(plan),
                generation={
                    "strategy": "whole_conversation",
                    "prompt_version": PROMPT_VERSION,
                    "prompt_hash": content_id(messages),
                    "model": self.backend.model_info,
                    "persona": plan.persona.id,
                    "sides": {role: plan.pack.role(role).lado for role in plan.seed.roles},
                    "stage_plan": [turn.stage for turn in plan.turns],
                    "sampling": {
                        "temperature": request.temperature,
                        "top_p": request.top_p,
                        "seed": request.seed,
                        "max_tokens": request.max_tokens,
                    },
                    "attempt": attempt,
                },
            )
            return conversation, GenerationStats(prompt_tokens, completion_tokens, seconds, attempt)
        raise GenerationError(
            f"conversation {conversation_id} (seed {plan.seed.seed_id}): all {self.sampling.max_attempts} attempts "
            "were rejected; their raw outputs are stored in generation_attempts"
        )


def parse_turns(completion: Completion, plan: ConversationPlan) -> list[Turn]:
    """Check a completion against the plan: valid JSON, exact turn count, right role at every turn."""
    if completion.finish_reason == "length":
        raise GenerationError("output truncated at the token limit")
    try:
        data = json.loads(completion.text)
    except json.JSONDecodeError as exc:
        raise GenerationError(f"output is not JSON: {exc.msg} at column {exc.colno}") from None
    raw_turns = data.get("turns") if isinstance(data, dict) else None
    if not isinstance(raw_turns, list):
        raise GenerationError("output has no 'turns' list")
    expected = plan.speaking_order()
    if len(raw_turns) != len(expected):
        raise GenerationError(f"expected {len(expected)} turns, got {len(raw_turns)}")
    turns = []
    for number, (raw, role) in enumerate(zip(raw_turns, expected, strict=True), start=1):
        if not isinstance(raw, dict) or raw.get("role") != role:
            raise GenerationError(f"turn {number}: expected role {role!r}")
        if not isinstance(raw.get("text"), str):
            raise GenerationError(f"turn {number}: 'text' must be a string")
        text = raw["text"].strip()
        if len(text) < 2 or len(text) > MAX_TURN_CHARS:
            raise GenerationError(f"turn {number}: text length {len(text)} outside 2..{MAX_TURN_CHARS}")
        turns.append(Turn(role=role, text=text))
    return turns
