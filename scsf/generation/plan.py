"""Conversation plans: who speaks at each turn, in which stage, with which persona (all deterministic)."""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Literal

from scsf.domains import DomainPack
from scsf.domains.pack import Persona
from scsf.hashing import sha256_hex
from scsf.seeds.schema import Seed

TurnPolicy = Literal["min", "random"]


@dataclass(frozen=True)
class PlannedTurn:
    role: str
    stage: str


@dataclass(frozen=True)
class ConversationPlan:
    """Everything needed to generate one conversation, reproducibly."""

    seed: Seed
    seed_version: int
    pack: DomainPack
    persona: Persona
    turns: tuple[PlannedTurn, ...]
    variant: str
    index: int
    sampling_seed: int

    def speaking_order(self) -> list[str]:
        return [turn.role for turn in self.turns]


def speaking_order(seed: Seed, pack: DomainPack) -> list[str]:
    """Roles in turn order: user-side roles open (an inbound message), then the seed's order."""
    user_side = [role for role in seed.roles if pack.role(role).lado == "usuario"]
    assistant_side = [role for role in seed.roles if pack.role(role).lado == "asistente"]
    return user_side + assistant_side


def turn_count(seed: Seed, policy: TurnPolicy, rng: random.Random) -> int:
    """A count inside the seed's range and at least one turn per stage of its flow; with two roles it is even
    (when the range allows), so the assistant side has the last word."""
    low = max(seed.longitud_objetivo.turnos_min, len(seed.parametros_factuales.flujo_esperado))
    high = seed.longitud_objetivo.turnos_max
    count = low if policy == "min" else rng.randint(low, high)
    if len(seed.roles) == 2 and count % 2:
        count = count + 1 if count + 1 <= high else max(count - 1, low)
    return count


def stage_plan(flow: list[str], count: int) -> list[str]:
    """Spread the expected flow over `count` turns in order, every stage getting at least one turn."""
    return [flow[turn * len(flow) // count] for turn in range(count)]


def plan_conversation(
    seed: Seed, seed_version: int, pack: DomainPack, index: int, *, policy: TurnPolicy, base_seed: int
) -> ConversationPlan:
    """The plan for conversation `index` of a seed; same inputs always give the same plan."""
    sampling_seed = int(sha256_hex(f"{base_seed}:{seed.seed_id}:{seed_version}:{index}")[:8], 16)
    rng = random.Random(sampling_seed)
    persona = pack.personas[rng.randrange(len(pack.personas))]
    count = turn_count(seed, policy, rng)
    order = speaking_order(seed, pack)
    stages = stage_plan(seed.parametros_factuales.flujo_esperado, count)
    turns = tuple(PlannedTurn(order[turn % len(order)], stages[turn]) for turn in range(count))
    return ConversationPlan(seed, seed_version, pack, persona, turns, f"persona:{persona.id}", index, sampling_seed)
