"""The tool registry: each implemented tool by name, its schema from the bundled domain packs, `run_tool` and
`derive_arguments`.

Schemas live only in the packs (`[[herramientas]].parametros`); an implementation is looked up by the tool's name.
`run_tool` validates against the bundled pack that declares the tool, since that is the signature it implements.
"""

from __future__ import annotations

import copy
import random
from collections.abc import Mapping
from functools import cache
from typing import Any

from scsf.domains import DomainPack, DomainRegistry, ToolSpec
from scsf.generation.tools import (
    automotive_credit, automotive_inventory, automotive_service, automotive_vehicles, education, finance_compliance,
    finance_credit, finance_investment, industrial_maintenance, industrial_monitoring, legal_calculations,
    legal_records, medical_drugs, medical_labs, medical_triage,
)  # fmt: skip
from scsf.generation.tools.base import ToolError, ToolImpl
from scsf.generation.tools.facts import SeedFacts
from scsf.generation.tools.schema import validate_arguments
from scsf.seeds.schema import Seed

DOMAIN_MODULES = (
    automotive_credit, automotive_inventory, automotive_vehicles, automotive_service, education, finance_credit,
    finance_investment, finance_compliance, industrial_monitoring, industrial_maintenance, legal_calculations,
    legal_records, medical_triage, medical_drugs, medical_labs,
)  # fmt: skip


def _index(modules: tuple[Any, ...]) -> dict[str, ToolImpl]:
    tools: dict[str, ToolImpl] = {}
    for module in modules:
        for tool in module.TOOLS:
            if tool.name in tools:
                raise ToolError(f"tool {tool.name!r} is implemented twice ({module.__name__})")
            tools[tool.name] = tool
    return tools


IMPLEMENTATIONS: dict[str, ToolImpl] = _index(DOMAIN_MODULES)


@cache
def bundled_specs() -> dict[str, ToolSpec]:
    """Every tool the bundled domain packs declare, by name (a name declared twice must keep one schema)."""
    specs: dict[str, ToolSpec] = {}
    for pack in DomainRegistry.load():
        for spec in pack.herramientas:
            if spec.nombre in specs and specs[spec.nombre].parametros != spec.parametros:
                raise ToolError(f"{pack.namespace}: tool {spec.nombre!r} is declared with two different schemas")
            specs[spec.nombre] = spec
    return specs


def implementation(name: str) -> ToolImpl:
    if name not in IMPLEMENTATIONS:
        raise ToolError(f"unknown tool {name!r}: no simulated implementation (known: {len(IMPLEMENTATIONS)} tools)")
    return IMPLEMENTATIONS[name]


def run_tool(name: str, arguments: Mapping[str, Any], stated: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The tool's result for these arguments and the seed's `stated` facts (`derive_stated`): pure and deterministic
    (same inputs, same result, in any process).

    Raises ToolError for an unknown tool, arguments that do not match the tool's JSON schema in its domain pack
    (required fields, types, enums, bounds, closed argument names), a stated fact the tool does not report, or
    values the computation cannot use (a negative price, a segment the fictional catalogue does not hold).
    """
    tool = implementation(name)
    spec = bundled_specs().get(name)
    if spec is None:
        raise ToolError(f"unknown tool {name!r}: no bundled domain pack declares it")
    validate_arguments(spec.parametros, arguments, name)
    if not stated:
        return tool.compute(arguments)
    if unknown := sorted(set(stated) - tool.stated_fields):
        known = ", ".join(sorted(tool.stated_fields)) or "none"
        raise ToolError(f"{name}: stated: {unknown[0]!r} is not a fact this tool reports (known: {known})")
    return tool.compute(arguments, stated)


def derive_arguments(tool: ToolSpec, seed: Seed, pack: DomainPack, rng: random.Random) -> dict[str, Any]:
    """Arguments from the seed's facts (numbers, segments and profiles in its entity ids and constraints); what the
    seed does not fix is drawn from `rng` within realistic Mexican ranges or from the fictional catalogues. Optional
    arguments appear when the seed fixes them (or follow from another tool's rule, such as a consultation's priority
    from the triage of the seed's symptoms); an item's format is drawn. The result validates against
    `tool.parametros`. `pack` is the seed's domain pack (the interface keeps it for packs whose tools need it)."""
    return derive_from_facts(tool, SeedFacts(seed, rng))


def derive_stated(tool: ToolSpec, seed: Seed, pack: DomainPack, rng: random.Random) -> dict[str, Any]:
    """What the seed states that the tool's result reports beyond its arguments (`valor_toma_148000_mxn` for
    `valuar_auto_usado`, `vibracion_12_mm_s` for `consultar_telemetria`); empty when it states none."""
    return stated_from_facts(tool, SeedFacts(seed, rng))


def stated_from_facts(tool: ToolSpec, facts: SeedFacts) -> dict[str, Any]:
    return copy.deepcopy(implementation(tool.nombre).observe(facts))


def derive_from_facts(tool: ToolSpec, facts: SeedFacts) -> dict[str, Any]:
    """Validated arguments, copied so that no caller can alter a value `facts` keeps for the other tools."""
    arguments = copy.deepcopy(implementation(tool.nombre).derive(facts))
    validate_arguments(tool.parametros, arguments, tool.nombre)
    return arguments
