"""Where and with what the assistant calls each of a seed's tools in one conversation."""

from __future__ import annotations

import random
from collections.abc import Sequence

from scsf.domains import DomainPack, ToolSpec
from scsf.generation.tools.base import ToolError, ToolInvocation
from scsf.generation.tools.facts import SeedFacts
from scsf.generation.tools.registry import derive_from_facts, run_tool, stated_from_facts
from scsf.seeds.schema import Seed


def call_stage(tool: ToolSpec, pack: DomainPack, flow: Sequence[str]) -> str:
    """The stage at which the assistant calls `tool` in `flow`.

    Rule: the first stage of the flow listed in the tool's `etapas`; else the first stage only the assistant speaks
    (`lado = "asistente"`, e.g. propuesta); else the first stage after the opening one that the assistant may speak
    (`ambos`); else the last stage.
    """
    if not flow:
        raise ToolError(f"{tool.nombre}: cannot place a tool call in an empty flow")
    listed = [stage for stage in flow if stage in tool.etapas]
    if listed:
        return listed[0]
    sides = {stage: (pack.stage(stage).lado if pack.stage(stage) else "ambos") for stage in flow}
    assistant = [stage for stage in flow if sides[stage] == "asistente"]
    either = [stage for stage in flow[1:] if sides[stage] == "ambos"]
    return (assistant or either or [flow[-1]])[0]


def plan_tool_calls(
    seed: Seed, pack: DomainPack, flow: Sequence[str], rng: random.Random
) -> tuple[ToolInvocation, ...]:
    """One invocation per tool in `seed.herramientas_disponibles`, placed by `call_stage`, ordered by the position of
    its stage in `flow` (ties keep the seed's order). All tools read one `SeedFacts`, so a value the seed leaves open
    (the car's price, the appointment date) is drawn once and shared; a value the seed states wins over the
    simulated one in the result (`ToolImpl.observe`)."""
    facts = SeedFacts(seed, rng)
    invocations = []
    for name in seed.herramientas_disponibles:
        tool = pack.tool(name)
        if tool is None:
            raise ToolError(
                f"seed {seed.seed_id}: herramientas_disponibles: {name!r} is not a tool of {pack.namespace}"
            )
        arguments, stated = derive_from_facts(tool, facts), stated_from_facts(tool, facts)
        result = run_tool(name, arguments, stated)
        invocations.append(ToolInvocation(name, arguments, result, call_stage(tool, pack, flow), stated))
    return tuple(sorted(invocations, key=lambda invocation: list(flow).index(invocation.stage)))
