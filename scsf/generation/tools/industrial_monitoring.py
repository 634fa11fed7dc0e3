"""Condition-monitoring tools: `consultar_telemetria` and `estimar_vida_util_remanente`."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping
from typing import Any

from scsf.generation.tools.base import NOTHING, ToolError, ToolImpl, catalog, entry, require
from scsf.generation.tools.facts import SeedFacts, contains_token, number_from_id, stepped

TELEMETRY = "consultar_telemetria"
REMAINING_LIFE = "estimar_vida_util_remanente"
DEFAULT_WINDOW_H = 24
MAX_READINGS = 12
DRIFTS = (-0.05, 0.0, 0.0, 0.10, 0.30)  # relative change of the variable over the window
TREND_THRESHOLD = 0.03
WARNING_SHARE = 0.8  # share of the way from nominal to the limit where `alerta` starts
DRIFTS_BY_TREND = {"al_alza": (0.10, 0.30), "a_la_baja": (-0.05,)}
STATED_NOISE = 0.005  # relative noise around a series the seed pins
# Per variable: the words that name it in a seed id, and its unit there.
READINGS = {
    "vibracion_mm_s": ("vibracion", "mm_s"), "temperatura_c": ("temperatura|termografia", "c"),
    "corriente_a": ("corriente", "a"), "presion_bar": ("presion", "bar"),
}  # fmt: skip
NOMINAL_WORDS = frozenset({"nominal", "base"})
OTHER_QUANTITIES = frozenset({"delta", "limite", "objetivo", "tolerancia", "maxima", "minima", "max", "min"})
HOURS = {"hora": 1, "dia": 24, "semana": 168}
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


def consultar_telemetria(args: Mapping[str, Any], stated: Mapping[str, Any] = NOTHING) -> dict[str, Any]:
    """Up to 12 evenly spaced readings over the window: nominal * (1 + drift * t + noise), with the drift (-5 % to
    +30 %) and a +-2 % noise drawn from a stream seeded by the arguments. Trend from the first and last three
    readings (+-3 % of nominal); state of the last reading: `alarma` past the limit, `alerta` past 80 % of the way
    from nominal to the limit, else `normal`.

    What the seed states wins: the last reading (`ultimo`), where the series starts (`primero`, or `ultimo` less
    `cambio_por_hora` over the window, else flat at `ultimo`), with a +-0.5 % noise in between; `nominal`,
    `limite_alarma` and the `tendencia` the seed names (a simulated series then drifts that way). State and trend
    follow from them.
    """
    name, variable, window = args["equipo"], args["variable"], args.get("ventana_horas", DEFAULT_WINDOW_H)
    kind = equipment_kind(name)
    if kind is None:
        raise ToolError(f"{TELEMETRY}: equipo: {name!r} names no monitored type (known: {', '.join(equipment())})")
    spec = entry(equipment()[kind], variable, TELEMETRY, "variable")
    rng = random.Random(f"telemetria:{name}:{variable}:{window}")
    drift, count = rng.choice(DRIFTS_BY_TREND.get(stated.get("tendencia"), DRIFTS)), min(window, MAX_READINGS)
    nominal, limit = stated.get("nominal", spec["nominal"]), stated.get("limite_alarma", spec["limite"])
    steps = max(count - 1, 1)
    if "ultimo" in stated:
        end = stated["ultimo"]
        start = stated.get("primero", end - stated.get("cambio_por_hora", 0) * window)
        readings = [
            round(start + (end - start) * step / steps + nominal * rng.uniform(-STATED_NOISE, STATED_NOISE), 2)
            for step in range(count)
        ]
        readings[-1] = end
        if "primero" in stated:
            readings[0] = start
    else:
        readings = [
            round(nominal * (1 + drift * step / steps + rng.uniform(-0.02, 0.02)), 2) for step in range(count)
        ]
    change = (sum(readings[-3:]) / len(readings[-3:]) - sum(readings[:3]) / len(readings[:3])) / nominal
    trend = "al_alza" if change > TREND_THRESHOLD else "a_la_baja" if change < -TREND_THRESHOLD else "estable"
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
        "tendencia": stated.get("tendencia", trend),
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


def observe_telemetria(facts: SeedFacts) -> dict[str, Any]:
    """The seed's figures for the variable read: a reading (`temperatura_descarga_110c`, `vibracion_12_mm_s`), a
    drop or rise (`caida_presion_180_a_140_bar`), the nominal (`corriente_nominal_32_a`, `vibracion_base_3_mm_s`),
    the alarm limit (`limite_alarma_90c`) and a trend (`tendencia_alza_2c_por_semana`)."""
    variable = derive_telemetria(facts)["variable"]
    words, unit = READINGS[variable]
    value = r"(\d+(?:_\d+)?)"
    stated: dict[str, Any] = {}
    for entity in facts.entities:
        if match := re.fullmatch(rf"((?:[a-z0-9]+_)*?(?:{words})(?:_[a-z]+)*)_{value}_?{unit}", entity):
            qualifiers = set(match[1].split("_"))
            aspect = "nominal" if qualifiers & NOMINAL_WORDS else None if qualifiers & OTHER_QUANTITIES else "ultimo"
            if aspect is not None:
                stated.setdefault(aspect, number_from_id(match[2]))
        elif match := re.fullmatch(rf"(caida|aumento|subida)_(?:{words})_{value}_a_{value}_?{unit}", entity):
            stated.setdefault("primero", number_from_id(match[2]))
            stated.setdefault("ultimo", number_from_id(match[3]))
        elif match := re.fullmatch(rf"limite_alarma_{value}_?{unit}", entity):
            stated["limite_alarma"] = number_from_id(match[1])
        elif match := re.fullmatch(rf"tendencia_(alza|baja)(?:_{value}_?{unit}_por_(hora|dia|semana))?", entity):
            stated["tendencia"] = "al_alza" if match[1] == "alza" else "a_la_baja"
            if match[2]:
                sign = 1 if match[1] == "alza" else -1
                stated["cambio_por_hora"] = sign * number_from_id(match[2]) / HOURS[match[3]]
    return stated


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
    ToolImpl(
        TELEMETRY, consultar_telemetria, derive_telemetria, observe_telemetria,
        frozenset({"ultimo", "primero", "cambio_por_hora", "nominal", "limite_alarma", "tendencia"}),
    ),
    ToolImpl(REMAINING_LIFE, estimar_vida_util_remanente, derive_vida_util),
)
