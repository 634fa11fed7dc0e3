"""Condition-monitoring tools: `consultar_telemetria` and `estimar_vida_util_remanente`."""

from __future__ import annotations

import random
from collections.abc import Mapping
from typing import Any

from scsf.generation.tools.base import ToolError, ToolImpl, catalog, entry, require
from scsf.generation.tools.facts import SeedFacts, contains_token, stepped

TELEMETRY = "consultar_telemetria"
REMAINING_LIFE = "estimar_vida_util_remanente"
DEFAULT_WINDOW_H = 24
MAX_READINGS = 12
DRIFTS = (-0.05, 0.0, 0.0, 0.10, 0.30)  # relative change of the variable over the window
TREND_THRESHOLD = 0.03
WARNING_SHARE = 0.8  # share of the way from nominal to the limit where `alerta` starts
VARIABLE_WORDS = {
    "vibracion": "vibracion_mm_s", "temperatura": "temperatura_c", "termografia": "temperatura_c",
    "corriente": "corriente_a", "presion": "presion_bar",
}  # fmt: skip


def equipment() -> dict[str, Any]:
    return catalog("industrial")["equipos"]


def equipment_kind(name: str) -> str | None:
    """The catalogue type named inside an equipment id (`bomba_centrifuga_30_hp` -> `bomba_centrifuga`)."""
    kinds = [kind for kind in equipment() if contains_token(name, kind)]
    return max(kinds, key=len) if kinds else None


def consultar_telemetria(args: Mapping[str, Any]) -> dict[str, Any]:
    """Up to 12 evenly spaced readings over the window: nominal * (1 + drift * t + noise), with the drift (-5 % to
    +30 %) and a +-2 % noise drawn from a stream seeded by the arguments. Trend from the first and last three
    readings (+-3 % of nominal); state of the last reading: `alarma` past the limit, `alerta` past 80 % of the way
    from nominal to the limit, else `normal`."""
    name, variable, window = args["equipo"], args["variable"], args.get("ventana_horas", DEFAULT_WINDOW_H)
    kind = equipment_kind(name)
    if kind is None:
        raise ToolError(f"{TELEMETRY}: equipo: {name!r} names no monitored type (known: {', '.join(equipment())})")
    spec = entry(equipment()[kind], variable, TELEMETRY, "variable")
    rng = random.Random(f"telemetria:{name}:{variable}:{window}")
    drift, count = rng.choice(DRIFTS), min(window, MAX_READINGS)
    nominal, limit = spec["nominal"], spec["limite"]
    readings = [
        round(nominal * (1 + drift * step / max(count - 1, 1) + rng.uniform(-0.02, 0.02)), 2) for step in range(count)
    ]
    change = (sum(readings[-3:]) / len(readings[-3:]) - sum(readings[:3]) / len(readings[:3])) / nominal
    return {
        "equipo": name,
        "tipo_equipo": kind,
        "variable": variable,
        "ventana_horas": window,
        "intervalo_horas": round(window / count, 2),
        "lecturas": readings,
        "promedio": round(sum(readings) / count, 2),
        "minimo": min(readings),
        "maximo": max(readings),
        "ultimo": readings[-1],
        "nominal": nominal,
        "limite_alarma": limit,
        "lado_limite": spec["lado"],
        "tendencia": "al_alza" if change > TREND_THRESHOLD else "a_la_baja" if change < -TREND_THRESHOLD else "estable",
        "estado": _state(readings[-1], nominal, limit, spec["lado"]),
    }


def _state(value: float, nominal: float, limit: float, side: str) -> str:
    sign = 1 if side == "alto" else -1
    if sign * (value - limit) >= 0:
        return "alarma"
    return "alerta" if sign * (value - nominal) >= WARNING_SHARE * sign * (limit - nominal) else "normal"


def seed_equipment(facts: SeedFacts) -> str:
    """The seed's equipment id (`compresor_tornillo_75_kw`), else a drawn catalogue type."""
    found = next((entity for entity in facts.entities if equipment_kind(entity)), None)
    return found or facts.draw("equipo", lambda rng: rng.choice(sorted(equipment())))


def derive_telemetria(facts: SeedFacts) -> dict[str, Any]:
    name = seed_equipment(facts)
    monitored = equipment()[equipment_kind(name)]
    word = facts.key(VARIABLE_WORDS)
    variable = VARIABLE_WORDS[word] if word and VARIABLE_WORDS[word] in monitored else None
    return {"equipo": name, "variable": variable or facts.draw("variable", lambda rng: rng.choice(sorted(monitored)))}


def estimar_vida_util_remanente(args: Mapping[str, Any]) -> dict[str, Any]:
    """Adjusted life = nominal hours * vibration factor * temperature factor; vibration factor = min(1, (2.8 /
    v)^2) (life falls with the square of vibration above ISO 10816's 2.8 mm/s), temperature factor = 0.5 per
    10 degrees above the component's reference; remaining = adjusted - hours run (not below 0). A simplified rule
    of thumb, not a bearing-life (L10) calculation."""
    name, hours = args["componente"], args["horas_operacion"]
    require(hours >= 0, REMAINING_LIFE, f"horas_operacion must be >= 0, got {hours}")
    data = catalog("industrial")
    component, rules = data["componentes"][name], data["vida_util"]
    vibration, temperature = args.get("vibracion_mm_s"), args.get("temperatura_c")
    require(vibration is None or vibration > 0, REMAINING_LIFE, "vibracion_mm_s must be > 0")
    vibration_factor = 1.0 if vibration is None else min(1.0, (rules["vibracion_referencia_mm_s"] / vibration) ** 2)
    excess = 0.0 if temperature is None else max(temperature - component["temperatura_referencia_c"], 0)
    temperature_factor = 0.5 ** (excess / 10)
    adjusted = component["vida_nominal_h"] * vibration_factor * temperature_factor
    remaining = max(adjusted - hours, 0)
    advice = (
        "reemplazo_inmediato" if remaining == 0
        else "programar_reemplazo" if remaining < rules["fraccion_para_programar"] * adjusted
        else "operacion_normal"
    )  # fmt: skip
    return {
        "componente": name,
        "vida_nominal_h": component["vida_nominal_h"],
        "factor_vibracion": round(vibration_factor, 4),
        "factor_temperatura": round(temperature_factor, 4),
        "vida_ajustada_h": round(adjusted),
        "horas_operacion": hours,
        "vida_remanente_h": round(remaining),
        "vida_consumida_pct": round(min(hours / adjusted * 100, 100), 1),
        "recomendacion": advice,
    }


def derive_vida_util(facts: SeedFacts) -> dict[str, Any]:
    components = catalog("industrial")["componentes"]
    name = facts.key(components) or facts.draw("componente", lambda rng: rng.choice(sorted(components)))
    hours = facts.number("horas_operacion", integer=True)
    arguments: dict[str, Any] = {
        "componente": name,
        "horas_operacion": facts.or_draw(hours, "horas", lambda rng: int(stepped(rng, 2000, 30000, 500))),
    }
    if (vibration := facts.number("vibracion", "mm_s")) is not None:
        arguments["vibracion_mm_s"] = vibration
    if (temperature := facts.number(r"temperatura(?:_[a-z]+)*", "c")) is not None:
        arguments["temperatura_c"] = temperature
    return arguments


TOOLS = (
    ToolImpl(TELEMETRY, consultar_telemetria, derive_telemetria),
    ToolImpl(REMAINING_LIFE, estimar_vida_util_remanente, derive_vida_util),
)
