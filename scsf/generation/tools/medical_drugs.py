"""Medication tool: `consultar_interacciones`."""

from __future__ import annotations

from collections.abc import Mapping
from itertools import combinations
from typing import Any

from scsf.generation.tools.base import ToolImpl, catalog
from scsf.generation.tools.facts import SeedFacts, contains_token

INTERACTIONS = "consultar_interacciones"
SEVERITY_ORDER = {"contraindicada": 0, "grave": 1, "moderada": 2}


def drugs() -> dict[str, str]:
    return catalog("medical")["medicamentos"]


def drug_name(text: str) -> str | None:
    """The table drug inside a name (`metformina_850_mg` -> metformina)."""
    return next((name for name in drugs() if contains_token(text.lower(), name)), None)


def _names(drug: str) -> tuple[str, str]:
    return drug, drugs()[drug]


def consultar_interacciones(args: Mapping[str, Any]) -> dict[str, Any]:
    """Pairs from the interaction table (a side names a drug or its group; two drugs of one group are a
    duplication), pregnancy warnings by drug or group, and allergy conflicts (allergy word -> groups); most severe
    first. Names the table lacks are listed as not recognised."""
    data = catalog("medical")
    known = [name for name in (drug_name(text) for text in args["medicamentos"]) if name]
    unknown = [text for text in args["medicamentos"] if drug_name(text) is None]
    found = []
    for first, second in combinations(dict.fromkeys(known), 2):
        for a, b, severity, effect, advice in data["interacciones"]:
            if (a in _names(first) and b in _names(second)) or (a in _names(second) and b in _names(first)):
                found.append({"medicamentos": [first, second], "severidad": severity, "efecto": effect,
                              "recomendacion": advice})  # fmt: skip
        if drugs()[first] == drugs()[second]:
            found.append({"medicamentos": [first, second], "severidad": "moderada", "efecto": "duplicidad terapéutica",
                          "recomendacion": "usar solo uno de los dos"})  # fmt: skip
    found.sort(key=lambda item: SEVERITY_ORDER[item["severidad"]])
    pregnancy = []
    if args.get("embarazo", False):
        pregnancy = [
            {"medicamento": drug, "advertencia": data["embarazo"].get(drug) or data["embarazo"][drugs()[drug]]}
            for drug in dict.fromkeys(known)
            if drug in data["embarazo"] or drugs()[drug] in data["embarazo"]
        ]
    allergic_groups = {group for allergy in args.get("alergias", []) for word, groups in data["alergias"].items()
                       if contains_token(allergy.lower(), word) for group in groups}  # fmt: skip
    allergies = [drug for drug in dict.fromkeys(known) if drugs()[drug] in allergic_groups]
    return {
        "medicamentos_reconocidos": list(dict.fromkeys(known)),
        "no_reconocidos": unknown,
        "interacciones": found,
        "advertencias_embarazo": pregnancy,
        "contraindicados_por_alergia": allergies,
        "nota": data["nota"],
    }


def derive_interacciones(facts: SeedFacts) -> dict[str, Any]:
    """The seed's drugs (`metformina_850_mg` -> metformina); with `polifarmacia` or no drug named, drawn table drugs
    complete a list of three (two without polypharmacy)."""
    named = list(dict.fromkeys(name for entity in facts.entities if (name := drug_name(entity))))
    wanted = 3 if facts.has("polifarmacia") else max(len(named), 1)
    if len(named) < wanted:
        others = [drug for drug in sorted(drugs()) if drug not in named]
        named += facts.draw("medicamentos", lambda rng: rng.sample(others, wanted - len(named)))
    arguments: dict[str, Any] = {"medicamentos": named}
    if facts.mentions("embarazo", "embarazo_en_curso"):
        arguments["embarazo"] = True
    if allergies := [entity.removeprefix("alergia_") for entity in facts.entities if entity.startswith("alergia_")]:
        arguments["alergias"] = allergies
    return arguments


TOOLS = (ToolImpl(INTERACTIONS, consultar_interacciones, derive_interacciones),)
