"""plan_tool_calls: one call per seed tool, at the first flow stage the tool lists (else the documented fallback),
ordered by flow position, with facts shared between tools and results equal to run_tool on the arguments and the
seed's stated facts."""

from __future__ import annotations

import random
from typing import Any

import pytest

from scsf.domains import DomainRegistry
from scsf.generation.tools import ToolError, call_stage, plan_tool_calls, run_tool
from scsf.seeds.importer import pilot_seed_files, validate_seed_files
from scsf.seeds.schema import Seed


@pytest.fixture(scope="module")
def pilot(domains: DomainRegistry) -> list[Seed]:
    return [seed for seed, _ in validate_seed_files(pilot_seed_files(), domains)]


def variant(seed: Seed, **factual: Any) -> Seed:
    """The seed with other factual parameters and tools (validated for shape only)."""
    document = seed.document()
    tools = factual.pop("herramientas_disponibles", document.get("herramientas_disponibles", []))
    document["parametros_factuales"] = {**document["parametros_factuales"], **factual}
    return Seed.model_validate({**document, "herramientas_disponibles": tools})


def test_every_pilot_seed_gets_one_call_per_tool_at_a_listed_stage(pilot: list[Seed], domains: DomainRegistry) -> None:
    for seed in pilot:
        pack = domains.get(seed.namespace)
        flow = seed.parametros_factuales.flujo_esperado
        invocations = plan_tool_calls(seed, pack, flow, random.Random(seed.seed_id))
        assert sorted(i.name for i in invocations) == sorted(seed.herramientas_disponibles)
        positions = [flow.index(i.stage) for i in invocations]
        assert positions == sorted(positions), seed.seed_id
        for invocation in invocations:
            tool = pack.tool(invocation.name)
            listed = next(stage for stage in flow if stage in tool.etapas)
            assert invocation.stage == listed, (seed.seed_id, tool.nombre)
            assert invocation.result == run_tool(invocation.name, invocation.arguments, invocation.stated)


def test_pack_tool_stages_are_stages_the_assistant_speaks(domains: DomainRegistry) -> None:
    for pack in domains:
        for tool in pack.herramientas:
            assert tool.etapas, f"{pack.namespace}: {tool.nombre} has no etapas"
            assert all(pack.stage(stage).lado != "usuario" for stage in tool.etapas), (pack.namespace, tool.nombre)


@pytest.mark.parametrize(
    ("flow", "stage"),
    [
        (["saludo", "identificacion_necesidad", "objecion", "manejo_objecion", "cierre"], "manejo_objecion"),
        (["saludo", "identificacion_necesidad", "objecion", "cierre"], "identificacion_necesidad"),
        (["saludo", "objecion"], "objecion"),
    ],
)
def test_fallback_stage_when_the_flow_lacks_the_tools_stages(domains: DomainRegistry, flow: list, stage: str) -> None:
    """First assistant-only stage; else the first `ambos` stage after the opening; else the last stage."""
    pack = domains.get("automotive.sales")
    assert call_stage(pack.tool("calcular_financiamiento"), pack, flow) == stage


def test_flow_variation_stages_change_where_calls_land(pilot: list[Seed], domains: DomainRegistry) -> None:
    seed = next(s for s in pilot if s.herramientas_disponibles == ["calcular_financiamiento", "precalificar_credito"])
    pack = domains.get(seed.namespace)
    early_objection = ["saludo", "objecion", "manejo_objecion", "identificacion_necesidad", "calculo_financiamiento",
                       "requisitos_documentacion", "cierre"]  # fmt: skip
    stages = {i.name: i.stage for i in plan_tool_calls(seed, pack, early_objection, random.Random(1))}
    assert stages == {"precalificar_credito": "manejo_objecion", "calcular_financiamiento": "calculo_financiamiento"}


def test_tools_share_the_facts_the_seed_leaves_open(pilot: list[Seed], domains: DomainRegistry) -> None:
    """Without a stated price, financing uses the list price of a version the inventory search shows."""
    pack = domains.get("automotive.sales")
    base = next(s for s in pilot if "calcular_financiamiento" in s.herramientas_disponibles)
    for number in range(20):
        seed = variant(
            base, entidades_clave=["suv_compacta", "enganche_20pct"],
            herramientas_disponibles=["buscar_inventario", "calcular_financiamiento"],
        )  # fmt: skip
        flow = ["saludo", "consulta_inventario", "calculo_financiamiento"]
        calls = {i.name: i for i in plan_tool_calls(seed, pack, flow, random.Random(number))}
        prices = [unit["precio"] for unit in calls["buscar_inventario"].result["unidades"]]
        assert calls["calcular_financiamiento"].arguments["precio"] in prices


def test_same_rng_same_plan_and_tool_order_changes_no_argument(pilot: list[Seed], domains: DomainRegistry) -> None:
    seed = next(s for s in pilot if len(s.herramientas_disponibles) >= 3)
    pack = domains.get(seed.namespace)
    flow = seed.parametros_factuales.flujo_esperado
    first = plan_tool_calls(seed, pack, flow, random.Random(99))
    assert first == plan_tool_calls(seed, pack, flow, random.Random(99))
    reversed_seed = variant(seed, herramientas_disponibles=list(reversed(seed.herramientas_disponibles)))
    again = {i.name: i.arguments for i in plan_tool_calls(reversed_seed, pack, flow, random.Random(99))}
    assert again == {i.name: i.arguments for i in first}


def test_drawn_values_vary_with_the_rng(pilot: list[Seed], domains: DomainRegistry) -> None:
    seed = next(s for s in pilot if s.herramientas_disponibles == ["agendar_cita"])
    pack = domains.get(seed.namespace)
    flow = ["saludo", "agenda_cita"]
    dates = {plan_tool_calls(seed, pack, flow, random.Random(n))[0].arguments["fecha"] for n in range(10)}
    assert len(dates) > 5


def test_a_tool_the_pack_lacks_is_refused(pilot: list[Seed], domains: DomainRegistry) -> None:
    seed = variant(pilot[0], herramientas_disponibles=["rastrear_pedido"])
    with pytest.raises(ToolError, match="'rastrear_pedido' is not a tool of automotive.sales"):
        plan_tool_calls(seed, domains.get("automotive.sales"), ["saludo", "cierre"], random.Random(0))
