"""Results tools: `interpretar_laboratorio` and `calcular_riesgo_cardiovascular`."""

from __future__ import annotations

import bisect
from collections.abc import Mapping
from typing import Any

from scsf.generation.tools.base import ToolImpl, catalog, require
from scsf.generation.tools.facts import SeedFacts, stepped

LAB = "interpretar_laboratorio"
CARDIO = "calcular_riesgo_cardiovascular"
STUDY_WORDS = {
    "biometria_hematica": "biometria_hematica", "hemoglobina": "biometria_hematica", "hba1c": "hba1c",
    "colesterol_total": "perfil_lipidico", "ldl": "perfil_lipidico", "hdl": "perfil_lipidico",
    "trigliceridos": "perfil_lipidico", "glucosa_ayuno": "quimica_sanguinea", "creatinina": "quimica_sanguinea",
    "orina": "examen_general_orina",
}  # fmt: skip


def studies() -> dict[str, Any]:
    return catalog("medical")["laboratorio"]


def interpret(analyte: Mapping[str, Any], value: float) -> str:
    """The label of the first band whose upper bound is above the value, else `arriba`."""
    return next((label for bound, label in analyte["bandas"] if value < bound), analyte["arriba"])


def interpretar_laboratorio(args: Mapping[str, Any]) -> dict[str, Any]:
    """Each known analyte of the study against its reference bands; analytes the study lacks are listed apart."""
    name, values = args["estudio"], args["valores"]
    analytes = studies()[name]
    results, unknown = [], []
    for key, value in values.items():
        require(isinstance(value, (int, float)) and not isinstance(value, bool), LAB, f"valores.{key} must be a number")
        if key not in analytes:
            unknown.append(key)
            continue
        analyte = analytes[key]
        label = interpret(analyte, value)
        results.append({
            "analito": key, "valor": value, "unidad": analyte["unidad"], "referencia": analyte["referencia"],
            "interpretacion": label, "en_rango": label in analyte["en_rango"],
        })  # fmt: skip
    return {
        "estudio": name,
        "resultados": results,
        "fuera_de_rango": sum(not result["en_rango"] for result in results),
        "analitos_no_reconocidos": unknown,
        "nota": catalog("medical")["nota"],
    }


def derive_laboratorio(facts: SeedFacts) -> dict[str, Any]:
    """The study the seed points to and the values it states (`hba1c_8_2pct`, `colesterol_total_240_mg_dl`);
    a study without stated values gets drawn values for all its analytes."""
    word = facts.key(STUDY_WORDS)
    name = STUDY_WORDS[word] if word else facts.draw("estudio", lambda rng: rng.choice(sorted(studies())))
    analytes = studies()[name]
    stated = {key: facts.number(*analyte["semilla"]) for key, analyte in analytes.items()}
    values = {key: value for key, value in stated.items() if value is not None}
    if not values:
        values = facts.draw(f"valores_{name}", lambda rng: {
            key: round(rng.uniform(*analyte["sorteo"]), 3 if analyte["sorteo"][1] < 2 else 1)
            for key, analyte in analytes.items()
        })  # fmt: skip
    return {"estudio": name, "valores": values}


def _points(table: list[list[int]], value: float) -> int:
    bounds = [bound for bound, _ in table]
    return table[bisect.bisect_right(bounds, value) - 1][1]


def calcular_riesgo_cardiovascular(args: Mapping[str, Any]) -> dict[str, Any]:
    """A simplified points score (not Framingham or WHO charts, which need sex and region): points for age, systolic
    pressure and total cholesterol bands, +2 smoking, +2 diabetes; the 10-year risk comes from a fixed table of
    points; bajo below 10 %, moderado below 20 %, alto from 20 %."""
    rules = catalog("medical")["riesgo_cv"]
    require(args["edad"] >= 18, CARDIO, f"edad must be >= 18, got {args['edad']}")
    points = {
        "edad": _points(rules["edad"], args["edad"]),
        "presion_sistolica": _points(rules["presion_sistolica"], args["presion_sistolica"]),
        "colesterol_total": _points(rules["colesterol_total"], args["colesterol_total"]),
        "tabaquismo": rules["tabaquismo"] if args["tabaquismo"] else 0,
        "diabetes": rules["diabetes"] if args.get("diabetes", False) else 0,
    }
    total = sum(points.values())
    risk = rules["riesgo_por_puntos"][min(total, len(rules["riesgo_por_puntos"]) - 1)]
    category = (
        "alto" if risk >= rules["alto_desde_pct"] else "moderado" if risk >= rules["moderado_desde_pct"] else "bajo"
    )
    return {
        "puntos": points,
        "puntaje_total": total,
        "riesgo_10_anios_pct": risk,
        "categoria": category,
        "nota": catalog("medical")["nota"],
    }


def derive_riesgo(facts: SeedFacts) -> dict[str, Any]:
    age = facts.number("edad", "anios", integer=True)
    if age is None:
        low, high = (65, 80) if facts.has("adulto_mayor") else (35, 75)
        age = facts.draw("edad", lambda rng: rng.randint(low, high))
    pressure = facts.match(r"presion_arterial_(\d+)_(\d+)")
    cholesterol = facts.number("colesterol_total", "mg_dl", integer=True)
    smoker = facts.mentions("tabaquismo", "fumador") or facts.draw("tabaquismo", lambda rng: rng.random() < 0.2)
    arguments: dict[str, Any] = {
        "edad": age,
        "presion_sistolica": facts.or_draw(
            int(pressure[1]) if pressure else None, "sistolica", lambda rng: int(stepped(rng, 110, 170, 5))
        ),
        "colesterol_total": facts.or_draw(cholesterol, "colesterol", lambda rng: int(stepped(rng, 160, 280, 5))),
        "tabaquismo": smoker,
    }
    if facts.mentions("diabetes"):
        arguments["diabetes"] = True
    return arguments


TOOLS = (
    ToolImpl(LAB, interpretar_laboratorio, derive_laboratorio),
    ToolImpl(CARDIO, calcular_riesgo_cardiovascular, derive_riesgo),
)
