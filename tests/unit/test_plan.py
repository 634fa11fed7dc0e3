"""Conversation plans: side-aware stages, flow variations, personas, noise and tool placement (all deterministic)."""

from __future__ import annotations

import random
from typing import Any

import pytest

from scsf.domains import DomainRegistry
from scsf.errors import ConfigError
from scsf.generation.plan import ConversationPlan, plan_conversation, speaking_order, turn_count
from scsf.generation.stages import assign_stages, min_turns
from scsf.generation.variation import VariationConfig, varied_flow, weighted_choice
from scsf.seeds.importer import pilot_seed_files
from scsf.seeds.loader import load_seed_file, parse_seed
from scsf.seeds.schema import Seed

BASE_SEED = 20261127
PLAIN = VariationConfig(flows={"happy_path": 1.0}, noise_rate=0.0, tools=False)
ALL_FLOWS = ("happy_path", "objecion_temprana", "abandono_recuperacion", "escalacion_humano")
U, A = "usuario", "asistente"


def make_seed(document: dict[str, Any], domains: DomainRegistry, **changes: Any) -> Seed:
    return parse_seed({**document, **changes}, domains, "test")


def make_plan(seed: Seed, domains: DomainRegistry, index: int = 0, variation: VariationConfig = PLAIN, **kwargs: Any) -> ConversationPlan:
    options = {"policy": "min", "base_seed": BASE_SEED, "variation": variation, **kwargs}
    return plan_conversation(seed, 1, domains.get(seed.dominio), index, **options)


def lengths(low: int, high: int) -> dict[str, int]:
    return {"turnos_min": low, "turnos_max": high}


@pytest.fixture
def seed(listing1: dict[str, Any], domains: DomainRegistry) -> Seed:
    return make_seed(listing1, domains)


def pilot_seeds(domains: DomainRegistry) -> list[Seed]:
    return [seed for path in pilot_seed_files() for _, seed in load_seed_file(path, domains)]


# -- side-aware stage assignment -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stage_sides", "turns", "expected"),
    [
        (["ambos"] * 5, 8, [0, 0, 1, 2, 2, 3, 4, 4]),
        (["ambos", "ambos"], 2, [0, 1]),
        (["ambos"] * 3, 3, [0, 1, 2]),
        (["ambos"], 3, [0, 0, 0]),
        # the proposal (assistant) opens on turn 3, the objection (user) on turn 4 and the agent answers it on turn 5
        (["ambos", "ambos", A, U, "ambos"], 8, [0, 0, 1, 2, 3, 3, 4, 4]),
        (["ambos", U, A, "ambos", "ambos"], 8, [0, 0, 1, 2, 2, 3, 4, 4]),
        (["ambos", "ambos", "ambos", U, "ambos"], 8, [0, 0, 1, 2, 3, 3, 4, 4]),
    ],
)
def test_assign_stages_exact(stage_sides: list[str], turns: int, expected: list[int]) -> None:
    assert assign_stages(stage_sides, [U, A] * (turns // 2) + [U] * (turns % 2)) == expected


@pytest.mark.parametrize("stages", range(1, 9))
def test_assign_stages_keeps_every_stage_in_order(stages: int) -> None:
    rng = random.Random(stages)
    for turns in range(stages, 31):
        sides = [rng.choice(["ambos", U, A]) for _ in range(stages)]
        path = assign_stages(sides, [U, A] * (turns // 2) + [U] * (turns % 2))
        assert path[0] == 0 and path[-1] == stages - 1
        assert all(b - a in (0, 1) for a, b in zip(path, path[1:], strict=False))


def opened_on_wrong_side(path: list[int], stage_sides: list[str], turn_sides: list[str]) -> list[int]:
    """Turns that open a stage of the other side."""
    return [
        turn for turn, stage in enumerate(path)
        if (turn == 0 or path[turn - 1] != stage) and stage_sides[stage] not in ("ambos", turn_sides[turn])
    ]  # fmt: skip


def test_assign_stages_opens_each_stage_on_its_side() -> None:
    turn_sides = [U, A] * 5
    for stage_sides in ([U, A, U, A], ["ambos", U, A, "ambos", U, A, "ambos"], ["ambos", A, U, A]):
        path = assign_stages(stage_sides, turn_sides)
        assert opened_on_wrong_side(path, stage_sides, turn_sides) == [], path


def test_assign_stages_needs_a_turn_per_stage() -> None:
    with pytest.raises(ValueError, match="2 turns cannot hold 3 stages"):
        assign_stages(["ambos"] * 3, [U, A])


# -- turn counts and speaking order ----------------------------------------------------------------------


def test_min_policy_uses_turnos_min(listing1: dict, domains: DomainRegistry) -> None:
    seed = make_seed(listing1, domains, longitud_objetivo=lengths(8, 20))
    assert turn_count(seed, 5, "min", random.Random(0)) == 8


@pytest.mark.parametrize(("low", "high", "expected"), [(7, 20, 8), (9, 10, 10), (7, 7, 7), (6, 6, 6)])
def test_two_roles_min_count_is_even_when_the_range_allows(
    listing1: dict, domains: DomainRegistry, low: int, high: int, expected: int
) -> None:
    seed = make_seed(listing1, domains, longitud_objetivo=lengths(low, high))
    assert turn_count(seed, 5, "min", random.Random(0)) == expected


def test_two_roles_random_count_is_even_and_in_range(listing1: dict, domains: DomainRegistry) -> None:
    for low, high in [(6, 7), (5, 9), (8, 20), (6, 6), (5, 5)]:
        seed = make_seed(listing1, domains, longitud_objetivo=lengths(low, high))
        counts = {turn_count(seed, 5, "random", random.Random(n)) for n in range(200)}
        assert all(low <= count <= high for count in counts), (low, high, counts)
        if low < high:
            assert all(count % 2 == 0 for count in counts), (low, high, counts)


def test_count_covers_every_stage_of_the_varied_flow(listing1: dict, domains: DomainRegistry) -> None:
    seed = make_seed(listing1, domains, longitud_objetivo=lengths(6, 14))
    assert turn_count(seed, 7, "min", random.Random(0)) == 8


def test_speaking_order_user_side_first(seed: Seed, domains: DomainRegistry, listing1: dict) -> None:
    pack = domains.get("automotive.sales")
    assert speaking_order(seed, pack) == ["cliente", "agente_ventas"]
    three = make_seed(listing1, domains, roles=["asesor_servicio", "cliente", "agente_ventas"])
    assert speaking_order(three, pack) == ["cliente", "asesor_servicio", "agente_ventas"]


def test_listing1_plan(seed: Seed, domains: DomainRegistry) -> None:
    plan = make_plan(seed, domains)
    assert plan.speaking_order() == ["cliente", "agente_ventas"] * 4
    assert [turn.stage for turn in plan.turns] == [
        "saludo", "saludo", "identificacion_necesidad", "propuesta", "objecion", "objecion", "cierre", "cierre",
    ]  # fmt: skip
    assert (plan.strategy, plan.flow_variation, plan.noise, plan.tool_calls) == ("whole_conversation", "happy_path", (), ())
    assert plan.variant == f"whole_conversation/happy_path/{plan.persona.id}"


def test_three_role_plan_cycles_the_order(listing1: dict, domains: DomainRegistry) -> None:
    seed = make_seed(listing1, domains, roles=["agente_ventas", "asesor_servicio", "cliente"])
    assert make_plan(seed, domains).speaking_order() == [
        "cliente", "agente_ventas", "asesor_servicio", "cliente", "agente_ventas", "asesor_servicio",
        "cliente", "agente_ventas",
    ]  # fmt: skip


# -- flow variations -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("variation", "expected"),
    [
        ("happy_path", ["saludo", "identificacion_necesidad", "propuesta", "objecion", "cierre"]),
        ("objecion_temprana", ["saludo", "objecion", "manejo_objecion", "identificacion_necesidad", "propuesta", "cierre"]),
        ("abandono_recuperacion", ["saludo", "identificacion_necesidad", "propuesta", "objecion", "abandono", "recuperacion", "cierre"]),
        ("escalacion_humano", ["saludo", "identificacion_necesidad", "propuesta", "objecion", "escalacion_humano", "cierre"]),
    ],
)
def test_varied_flow(seed: Seed, domains: DomainRegistry, variation: str, expected: list[str]) -> None:
    assert varied_flow(seed.parametros_factuales.flujo_esperado, variation, domains.get("automotive.sales")) == expected


def test_varied_flow_uses_the_pack_escalation_stage(domains: DomainRegistry) -> None:
    flow = ["saludo", "interrogatorio_sintomas", "cierre"]
    assert varied_flow(flow, "escalacion_humano", domains.get("medical.consultation")) == [
        "saludo", "interrogatorio_sintomas", "escalacion_urgencias", "cierre",
    ]  # fmt: skip


def test_every_pilot_seed_plans_every_variation(domains: DomainRegistry) -> None:
    """Each flow variation of every pilot seed: all stages in order, side-correct where the count allows, in range."""
    for seed in pilot_seeds(domains):
        pack = domains.get(seed.dominio)
        for flow_name in ALL_FLOWS:
            variation = VariationConfig(flows={flow_name: 1.0}, noise_rate=0.0, tools=False)
            for index, policy in [(0, "min"), (1, "random")]:
                plan = make_plan(seed, domains, index, variation, policy=policy)
                assert list(dict.fromkeys(turn.stage for turn in plan.turns)) == list(plan.flow), seed.seed_id
                assert seed.longitud_objetivo.turnos_min <= len(plan.turns) <= seed.longitud_objetivo.turnos_max
                expected = varied_flow(seed.parametros_factuales.flujo_esperado, flow_name, pack)
                if len(expected) <= seed.longitud_objetivo.turnos_max:
                    assert plan.flow_variation == flow_name and list(plan.flow) == expected
                if len(seed.roles) == 2:
                    assert plan.turns[-1].side == "asistente", seed.seed_id
                    stages = [plan.flow.index(t.stage) for t in plan.turns]
                    stage_sides = [pack.stage(stage).lado for stage in plan.flow]
                    wrong = opened_on_wrong_side(stages, stage_sides, [t.side for t in plan.turns])
                    assert wrong == [], (seed.seed_id, flow_name, wrong)


def test_flow_too_long_for_the_range_falls_back_to_happy_path(listing1: dict, domains: DomainRegistry) -> None:
    seed = make_seed(listing1, domains, longitud_objetivo=lengths(5, 6))
    plan = make_plan(seed, domains, variation=VariationConfig(flows={"abandono_recuperacion": 1.0}, noise_rate=0.0))
    assert (plan.flow_variation, list(plan.flow)) == ("happy_path", seed.parametros_factuales.flujo_esperado)


# -- variation draws -------------------------------------------------------------------------------------


def test_weighted_choice_follows_weights() -> None:
    rng = random.Random(7)
    draws = [weighted_choice({"a": 3.0, "b": 1.0, "c": 0.0}, rng) for _ in range(4000)]
    assert draws.count("c") == 0
    assert 0.70 < draws.count("a") / len(draws) < 0.80


@pytest.mark.parametrize("field", ["strategies", "flows"])
def test_variation_weights_are_checked(field: str) -> None:
    with pytest.raises(ValueError, match="at least one > 0"):
        VariationConfig(**{field: {"happy_path" if field == "flows" else "turn_by_turn": 0.0}})


def test_mix_of_strategies_and_flows_over_many_conversations(seed: Seed, domains: DomainRegistry) -> None:
    variation = VariationConfig(strategies={"whole_conversation": 1.0, "turn_by_turn": 1.0}, noise_rate=0.0, tools=False)
    plans = [make_plan(seed, domains, index, variation) for index in range(200)]
    strategies = [plan.strategy for plan in plans]
    assert 70 < strategies.count("turn_by_turn") < 130
    assert {plan.flow_variation for plan in plans} == set(ALL_FLOWS)


def test_personas_rotate_evenly_and_can_be_restricted(seed: Seed, domains: DomainRegistry) -> None:
    personas = domains.get("automotive.sales").personas
    plans = [make_plan(seed, domains, index) for index in range(len(personas) * 2)]
    assert sorted(plan.persona.id for plan in plans) == sorted([p.id for p in personas] * 2)
    only = VariationConfig(personas=["familia_norte"], noise_rate=0.0, tools=False)
    assert {make_plan(seed, domains, index, only).persona.id for index in range(5)} == {"familia_norte"}
    with pytest.raises(ConfigError, match="none of \\['nadie'\\] is a persona of automotive.sales"):
        make_plan(seed, domains, 0, VariationConfig(personas=["nadie"]))


def test_plan_is_deterministic_and_aspects_are_independent(seed: Seed, domains: DomainRegistry) -> None:
    noisy = VariationConfig(noise_rate=0.5)
    assert make_plan(seed, domains, 3, noisy, policy="random") == make_plan(seed, domains, 3, noisy, policy="random")
    quiet = make_plan(seed, domains, 3, VariationConfig(noise_rate=0.0), policy="random")
    loud = make_plan(seed, domains, 3, noisy, policy="random")
    assert (quiet.strategy, quiet.flow, quiet.persona, quiet.turns) == (loud.strategy, loud.flow, loud.persona, loud.turns)
    assert loud.noise and not quiet.noise


def test_plan_depends_on_base_seed_and_version(seed: Seed, domains: DomainRegistry) -> None:
    pack = domains.get("automotive.sales")
    first = plan_conversation(seed, 1, pack, 0, policy="min", base_seed=1, variation=PLAIN)
    assert plan_conversation(seed, 1, pack, 0, policy="min", base_seed=2, variation=PLAIN).sampling_seed != first.sampling_seed
    assert plan_conversation(seed, 2, pack, 0, policy="min", base_seed=1, variation=PLAIN).sampling_seed != first.sampling_seed


# -- noise and tools in the plan -------------------------------------------------------------------------


def test_noise_only_on_user_turns(seed: Seed, domains: DomainRegistry) -> None:
    for index in range(30):
        plan = make_plan(seed, domains, index, VariationConfig(noise_rate=1.0, tools=False))
        assert plan.noise
        assert all(plan.turns[event.turn].side == "usuario" and event.turn > 0 for event in plan.noise)


def test_tool_calls_go_before_an_assistant_turn_of_their_stage(domains: DomainRegistry) -> None:
    with_tools = VariationConfig(noise_rate=0.0, tools=True)
    planned = 0
    for seed in pilot_seeds(domains):
        plan = make_plan(seed, domains, 0, with_tools)
        assert sorted(call.invocation.name for call in plan.tool_calls) == sorted(seed.herramientas_disponibles)
        assert [call.turn for call in plan.tool_calls] == sorted(call.turn for call in plan.tool_calls)
        for call in plan.tool_calls:
            planned += 1
            turn = plan.turns[call.turn]
            assert turn.side == "asistente", (seed.seed_id, call)
            if call.invocation.stage in plan.flow:
                assert plan.flow.index(turn.stage) >= plan.flow.index(call.invocation.stage), (seed.seed_id, call)
    assert planned > 100
    seed = pilot_seeds(domains)[0]
    assert make_plan(seed, domains, 0, VariationConfig(tools=False)).tool_calls == ()


@pytest.mark.parametrize(
    ("stage_sides", "expected"),
    [
        (["ambos"] * 4, 4),
        ([U, A, U, A], 4),
        (["ambos", A], 2),
        (["ambos", U], 3),
        (["ambos", U, A, A, "ambos"], 7),  # two assistant stages in a row: a user turn between them
        (["ambos", "ambos", "ambos", "ambos", U, A, A, "ambos"], 9),
    ],
)
def test_min_turns(stage_sides: list[str], expected: int) -> None:
    assert min_turns(stage_sides, [U, A]) == expected
    path = assign_stages(stage_sides, [U, A] * (expected // 2) + [U] * (expected % 2))
    assert opened_on_wrong_side(path, stage_sides, ([U, A] * expected)[:expected]) == []
