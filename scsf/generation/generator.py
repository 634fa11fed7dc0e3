"""Turns a conversation plan into a Conversation: runs the plan's strategy, applies code-side noise (typos), inserts
the tool calls with their precomputed results, and records every generation parameter."""

from __future__ import annotations

import random
from dataclasses import dataclass

from scsf.errors import GenerationError
from scsf.generation.backends.base import Backend
from scsf.generation.noise import apply_typos
from scsf.generation.plan import ConversationPlan
from scsf.generation.prompts import PROMPT_VERSION, humanize, training_system_prompt
from scsf.generation.strategies import STRATEGIES, Draft, FailedAttemptHook, Sampling
from scsf.seeds.conversation import TOOL_ROLE, Conversation, ToolCall, Turn

__all__ = ["ConversationGenerator", "GenerationStats", "Sampling"]


@dataclass(frozen=True)
class GenerationStats:
    prompt_tokens: int
    completion_tokens: int
    seconds: float
    attempts: int


class ConversationGenerator:
    """Generates one conversation per plan with the plan's strategy."""

    def __init__(self, backend: Backend, sampling: Sampling) -> None:
        self.backend = backend
        self.sampling = sampling

    def generate(
        self, plan: ConversationPlan, *, run_id: str, conversation_id: str, on_failed_attempt: FailedAttemptHook
    ) -> tuple[Conversation, GenerationStats]:
        """Raises GenerationError when the strategy used up its attempts (raw outputs went to the hook)."""
        try:
            draft = STRATEGIES[plan.strategy](self.backend, self.sampling, plan, on_failed_attempt)
        except GenerationError as exc:
            raise GenerationError(f"conversation {conversation_id} (seed {plan.seed.seed_id}): {exc.msg}") from exc
        texts, typos = _with_typos(plan, draft.texts)
        conversation = Conversation(
            conversation_id=conversation_id,
            run_id=run_id,
            seed_id=plan.seed.seed_id,
            seed_version=plan.seed_version,
            variant=plan.variant,
            index=plan.index,
            turns=_turns_with_tools(plan, texts),
            system_prompt=training_system_prompt(plan),
            generation=self._parameters(plan, draft, typos),
        )
        stats = GenerationStats(draft.prompt_tokens, draft.completion_tokens, draft.seconds, draft.calls)
        return conversation, stats

    def _parameters(self, plan: ConversationPlan, draft: Draft, typos: list[dict]) -> dict:
        tool_specs = [
            {"name": spec.nombre, "description": spec.descripcion, "parameters": spec.parametros}
            for spec in (plan.pack.tool(call.invocation.name) for call in plan.tool_calls)
        ]
        return {
            **plan.parameters(),
            "prompt_version": PROMPT_VERSION,
            "prompt_hash": draft.prompt_hash,
            "model": self.backend.model_info,
            "sampling": draft.requests[0] if len(draft.requests) == 1 else draft.requests,
            "calls": draft.calls,
            "typos": typos,
            **({"tool_specs": tool_specs} if tool_specs else {}),
        }


def _with_typos(plan: ConversationPlan, texts: list[str]) -> tuple[list[str], list[dict]]:
    """Apply the planned typo noise in code (seeded per turn); the seed's facts and every number stay intact."""
    protected = [humanize(term) for term in plan.seed.parametros_factuales.entidades_clave]
    texts = list(texts)
    record = []
    for event in plan.noise:
        if event.kind == "errores_tipograficos":
            rng = random.Random(f"{plan.sampling_seed}:typos:{event.turn}")
            texts[event.turn], edits = apply_typos(texts[event.turn], rng, protected=protected, at_least_one=True)
            record.append({"turn": event.turn, "edits": edits})
    return texts, record


def _turns_with_tools(plan: ConversationPlan, texts: list[str]) -> list[Turn]:
    """Dialogue turns, each preceded by the tool calls planned before it and their results."""
    turns = []
    for number, text in enumerate(texts):
        role = plan.turns[number].role
        for call in plan.tool_calls_before(number):
            turns.append(Turn(role=role, tool_call=ToolCall(name=call.invocation.name, arguments=call.invocation.arguments)))
            turns.append(Turn(role=TOOL_ROLE, tool_result=call.invocation.result))
        turns.append(Turn(role=role, text=text))
    return turns
