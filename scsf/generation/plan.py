"""Conversation plans: strategy, flow variation, persona, who speaks each turn in which stage, noise and tool calls.

Every choice comes from RNGs seeded by (run seed, seed id, version, index), one per aspect, so the same inputs always
give the same plan and changing one setting (say the noise rate) does not reshuffle the others.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from scsf.domains import DomainPack
from scsf.domains.pack import Persona
from scsf.errors import ConfigError
from scsf.generation.noise import NoiseEvent, plan_noise
from scsf.generation.stages import assign_stages, min_turns
from scsf.generation.tools import ToolInvocation, plan_tool_calls
from scsf.generation.variation import VariationConfig, varied_flow, weighted_choice
from scsf.hashing import sha256_hex
from scsf.seeds.schema import Seed

TurnPolicy = Literal["min", "random"]


@dataclass(frozen=True)
class PlannedTurn:
    role: str
    side: str
    stage: str


@dataclass(frozen=True)
class PlannedToolCall:
    """A tool call made by the assistant right before dialogue turn `turn`, with its precomputed result."""

    turn: int
    invocation: ToolInvocation


@dataclass(frozen=True)
class ConversationPlan:
    """Everything needed to generate one conversation, reproducibly."""

    seed: Seed
    seed_version: int
    pack: DomainPack
    index: int
    sampling_seed: int
    strategy: str
    flow_variation: str
    flow: tuple[str, ...]
    persona: Persona
    turns: tuple[PlannedTurn, ...]
    noise: tuple[NoiseEvent, ...] = ()
    tool_calls: tuple[PlannedToolCall, ...] = ()

    @property
    def variant(self) -> str:
        return f"{self.strategy}/{self.flow_variation}/{self.persona.id}"

    def speaking_order(self) -> list[str]:
        return [turn.role for turn in self.turns]

    def noise_at(self, turn: int) -> list[NoiseEvent]:
        return [event for event in self.noise if event.turn == turn]

    def tool_calls_before(self, turn: int) -> list[PlannedToolCall]:
        return [call for call in self.tool_calls if call.turn == turn]

    def parameters(self) -> dict:
        """The variation record stored with the conversation."""
        return {
            "strategy": self.strategy,
            "flow_variation": self.flow_variation,
            "flow": list(self.flow),
            "persona": self.persona.id,
            "sides": {role: self.pack.role(role).lado for role in self.seed.roles},
            "stage_plan": [turn.stage for turn in self.turns],
            "noise": [event.record() for event in self.noise],
            "tools": [
                {"turn": call.turn, "stage": call.invocation.stage, "name": call.invocation.name,
                 "arguments": call.invocation.arguments, "stated": call.invocation.stated,
                 "result": call.invocation.result}
                for call in self.tool_calls
            ],  # fmt: skip
        }


def speaking_order(seed: Seed, pack: DomainPack) -> list[str]:
    """Roles in turn order: user-side roles open (an inbound message), then the seed's order."""
    user_side = [role for role in seed.roles if pack.role(role).lado == "usuario"]
    assistant_side = [role for role in seed.roles if pack.role(role).lado == "asistente"]
    return user_side + assistant_side


def turn_count(seed: Seed, needed: int, policy: TurnPolicy, rng: random.Random) -> int:
    """A count inside the seed's range and at least `needed` (one turn per stage, each opened on its side, where the
    range allows); with two roles it is even (when the range allows), so the assistant side has the last word."""
    high = seed.longitud_objetivo.turnos_max
    low = min(max(seed.longitud_objetivo.turnos_min, needed), max(high, len(seed.parametros_factuales.flujo_esperado)))
    count = low if policy == "min" else rng.randint(low, high)
    if len(seed.roles) == 2 and count % 2:
        count = count + 1 if count + 1 <= high else max(count - 1, low)
    return count


def plan_conversation(
    seed: Seed,
    seed_version: int,
    pack: DomainPack,
    index: int,
    *,
    policy: TurnPolicy,
    base_seed: int,
    variation: VariationConfig,
) -> ConversationPlan:
    """The plan for conversation `index` of a seed; same inputs always give the same plan."""
    sampling_seed = int(sha256_hex(f"{base_seed}:{seed.seed_id}:{seed_version}:{index}")[:8], 16)

    def rng(aspect: str) -> random.Random:
        return random.Random(f"{sampling_seed}:{aspect}")

    strategy = weighted_choice(variation.strategies, rng("strategy"))
    flow_variation, flow = _choose_flow(seed, pack, variation, rng("flow"))
    persona = _persona(seed, pack, variation, index, base_seed)
    order = speaking_order(seed, pack)
    stage_sides = [pack.stage(stage).lado for stage in flow]
    needed = min_turns(stage_sides, [pack.role(role).lado for role in order])
    count = turn_count(seed, max(needed, len(flow)), policy, rng("length"))
    roles = [order[turn % len(order)] for turn in range(count)]
    sides = [pack.role(role).lado for role in roles]
    stage_index = assign_stages(stage_sides, sides)
    turns = tuple(PlannedTurn(role, side, flow[i]) for role, side, i in zip(roles, sides, stage_index, strict=True))
    noise = plan_noise(sides, variation.noise_rate, variation.noise_kinds, rng("noise")) if variation.noise_rate else ()
    tool_calls = _tool_calls(seed, pack, flow, turns, rng("tools")) if variation.tools else ()
    return ConversationPlan(
        seed, seed_version, pack, index, sampling_seed, strategy, flow_variation, tuple(flow), persona, turns,
        tuple(noise), tool_calls,
    )  # fmt: skip


def _choose_flow(seed: Seed, pack: DomainPack, variation: VariationConfig, rng: random.Random) -> tuple[str, list[str]]:
    """A flow variation the pack defines and the seed's turn range can hold; happy path when none can."""
    flows = {}
    for name, weight in variation.flows.items():
        flow = varied_flow(seed.parametros_factuales.flujo_esperado, name, pack)
        if weight > 0 and flow is not None and len(flow) <= seed.longitud_objetivo.turnos_max:
            flows[name] = (weight, flow)
    if not flows:
        return "happy_path", list(seed.parametros_factuales.flujo_esperado)
    name = weighted_choice({name: weight for name, (weight, _) in flows.items()}, rng)
    return name, flows[name][1]


def _persona(seed: Seed, pack: DomainPack, variation: VariationConfig, index: int, base_seed: int) -> Persona:
    """Personas in turn, from a per-seed starting point, so every allowed persona is used as evenly as possible."""
    allowed = [p for p in pack.personas if not variation.personas or p.id in variation.personas]
    if not allowed:
        raise ConfigError(f"variation.personas: none of {variation.personas} is a persona of {pack.namespace}")
    offset = int(sha256_hex(f"{base_seed}:{seed.seed_id}:persona")[:8], 16)
    return allowed[(offset + index) % len(allowed)]


def _tool_calls(
    seed: Seed, pack: DomainPack, flow: list[str], turns: tuple[PlannedTurn, ...], rng: random.Random
) -> tuple[PlannedToolCall, ...]:
    """Each invocation goes before the first assistant turn of its stage (or the first one after it)."""
    assistant_turns = [n for n, turn in enumerate(turns) if turn.side == "asistente"]
    calls = []
    for invocation in plan_tool_calls(seed, pack, flow, rng):
        position = flow.index(invocation.stage) if invocation.stage in flow else len(flow) // 2
        later = [n for n in assistant_turns if flow.index(turns[n].stage) >= position]
        calls.append(PlannedToolCall(later[0] if later else assistant_turns[-1], invocation))
    return tuple(calls)
