"""Investment tools: `perfilar_riesgo_inversion` and `proyectar_portafolio`."""

from __future__ import annotations

import bisect
import math
from collections.abc import Mapping
from typing import Any

from scsf.generation.tools.base import ToolImpl, catalog, entry, require
from scsf.generation.tools.facts import SeedFacts, term_months
from scsf.generation.tools.money import centavos

PROFILE = "perfilar_riesgo_inversion"
PROJECTION = "proyectar_portafolio"
TOLERANCE_BY_PROFILE = {"conservador": 5, "moderado": 15, "agresivo": 30}


def perfilar_riesgo_inversion(args: Mapping[str, Any]) -> dict[str, Any]:
    """Points = horizon band (0-4) + loss-tolerance band (0-4) + experience (0-2, none when not given); the first
    profile whose `hasta_puntos` holds the total, with its suggested allocation."""
    horizon, tolerance = args["horizonte_anios"], args["tolerancia_perdida_pct"]
    require(horizon >= 0 and tolerance >= 0, PROFILE, "horizonte_anios and tolerancia_perdida_pct must be >= 0")
    rules = catalog("finance")["perfil"]
    points = {
        "horizonte": bisect.bisect_right(rules["horizonte_limites"], horizon),
        "tolerancia": bisect.bisect_right(rules["tolerancia_limites"], tolerance),
        "experiencia": rules["experiencia"][args.get("experiencia", "ninguna")],
    }
    total = sum(points.values())
    profile = next(p for p in rules["perfiles"] if total <= p["hasta_puntos"])
    return {
        "puntos": points,
        "puntaje_total": total,
        "perfil": profile["nombre"],
        "asignacion_sugerida": dict(profile["asignacion"]),
    }


def horizon_years(facts: SeedFacts) -> int:
    """`horizonte_5_anios`; `edad_35_anios` with `meta_retiro_65_anios` (30); a term in months rounded up to years;
    else drawn (1-2 years when the client needs liquidity soon, else 1-20)."""
    if (years := facts.number("horizonte", "anios", integer=True)) is not None:
        return years
    age, goal = facts.number("edad", "anios", integer=True), facts.number("meta_retiro", "anios", integer=True)
    if age is not None and goal is not None and goal > age:
        return goal - age
    if (months := term_months(facts)) is not None:
        return math.ceil(months / 12)
    longest = 2 if facts.has("liquidez_inmediata") else 20
    return facts.draw("horizonte", lambda rng: rng.randint(1, longest))


def derive_perfil(facts: SeedFacts) -> dict[str, Any]:
    tolerance = facts.number("tolerancia_perdida", "pct")
    if tolerance is None:
        stated = facts.key(TOLERANCE_BY_PROFILE)
        if stated:
            tolerance = TOLERANCE_BY_PROFILE[stated]
        elif facts.has("liquidez_inmediata"):
            tolerance = 3
        else:
            tolerance = facts.draw("tolerancia", lambda rng: rng.choice([3, 5, 10, 15, 20, 30]))
    return {"horizonte_anios": horizon_years(facts), "tolerancia_perdida_pct": tolerance}


def proyectar_portafolio(args: Mapping[str, Any]) -> dict[str, Any]:
    """Expected annual return R = sum(weight * class return); scenarios R - s/2, R, R + s/2 with s the weighted
    volatility. Per scenario: factor_crecimiento = (1 + R)^years (value of each peso invested today) and, with a
    monthly contribution A, valor_final = A * ((1 + i)^(12 * years) - 1) / i, i = (1 + R)^(1/12) - 1."""
    allocation, years = args["asignacion"], args["horizonte_anios"]
    contribution = args.get("aportacion_mensual")
    classes = catalog("finance")["clases"]
    for name, weight in allocation.items():
        entry(classes, name, PROJECTION, "asignacion")
        require(isinstance(weight, (int, float)) and not isinstance(weight, bool) and weight >= 0, PROJECTION,
                f"asignacion.{name} must be a percentage >= 0")  # fmt: skip
    require(abs(sum(allocation.values()) - 100) < 0.01, PROJECTION, "asignacion must add up to 100")
    require(years >= 1, PROJECTION, f"horizonte_anios must be >= 1, got {years}")
    require(contribution is None or contribution >= 0, PROJECTION, "aportacion_mensual must be >= 0")
    expected = sum(weight * classes[name]["rendimiento_pct"] for name, weight in allocation.items()) / 100
    spread = sum(weight * classes[name]["volatilidad_pct"] for name, weight in allocation.items()) / 100 / 2
    scenarios = {"pesimista": expected - spread, "base": expected, "optimista": expected + spread}
    result: dict[str, Any] = {
        "rendimiento_esperado_anual_pct": round(expected, 2),
        "volatilidad_ponderada_pct": round(2 * spread, 2),
        "horizonte_anios": years,
        "escenarios": {name: _scenario(rate, years, contribution) for name, rate in scenarios.items()},
    }
    if contribution is not None:
        result["total_aportado"] = centavos(contribution * 12 * years)
    return result


def _scenario(rate_pct: float, years: int, contribution: float | None) -> dict[str, Any]:
    annual = rate_pct / 100
    scenario: dict[str, Any] = {
        "rendimiento_anual_pct": round(rate_pct, 2),
        "factor_crecimiento": round((1 + annual) ** years, 4),
    }
    if contribution is not None:
        monthly = (1 + annual) ** (1 / 12) - 1
        months = 12 * years
        value = contribution * months if monthly == 0 else contribution * ((1 + monthly) ** months - 1) / monthly
        scenario["valor_final"] = centavos(value)
    return scenario


def derive_proyeccion(facts: SeedFacts) -> dict[str, Any]:
    """A stated split (`portafolio_60_40`: renta variable 60 / deuda 40, the usual reading of a 60/40 portfolio;
    `renta_variable_72pct`), else the allocation `perfilar_riesgo_inversion` suggests for the seed, so both tools
    agree."""
    if match := facts.match(r"portafolio_(\d+)_(\d+)"):
        allocation = {"deuda": int(match[2]), "renta_variable": int(match[1])}
    elif (equity := facts.number("renta_variable", "pct", integer=True)) is not None:
        allocation = {"deuda": 100 - equity, "renta_variable": equity}
    else:
        allocation = perfilar_riesgo_inversion(derive_perfil(facts))["asignacion_sugerida"]
    arguments: dict[str, Any] = {"asignacion": allocation, "horizonte_anios": max(horizon_years(facts), 1)}
    if (contribution := facts.number("aportacion_mensual", "mxn")) is not None:
        arguments["aportacion_mensual"] = contribution
    return arguments


TOOLS = (
    ToolImpl(PROFILE, perfilar_riesgo_inversion, derive_perfil),
    ToolImpl(PROJECTION, proyectar_portafolio, derive_proyeccion),
)
