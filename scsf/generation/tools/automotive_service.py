"""After-sales and appointment tools: `agendar_cita`, `verificar_garantia`, `cotizar_refaccion`."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from scsf.generation.tools.automotive_catalog import (
    MODEL_YEAR_KEY, automotive, mileage, model_year, seed_segment, segment_entry,
)  # fmt: skip
from scsf.generation.tools.base import NOTHING, ToolImpl, entry, require, stable_int
from scsf.generation.tools.dates import WEEKDAYS, open_day
from scsf.generation.tools.facts import REFERENCE_DATE, SeedFacts, contains_token, unit_count
from scsf.generation.tools.money import centavos

APPOINTMENT = "agendar_cita"
WARRANTY = "verificar_garantia"
PART = "cotizar_refaccion"
SATURDAY = 5
# Slots per appointment type; on Saturdays the agency closes at 14:00.
SLOTS = {
    "prueba_manejo": ("10:00", "11:00", "12:00", "13:00", "16:00", "17:00"),
    "entrega": ("11:00", "12:00", "13:00", "17:00"),
    "servicio": ("07:30", "08:00", "08:30", "09:00", "09:30", "10:00"),
}
DURATION_MIN = {"prueba_manejo": 45, "entrega": 90, "servicio": 240}
REQUIREMENTS = {
    "prueba_manejo": ["licencia de conducir vigente", "identificación oficial"],
    "entrega": ["identificación oficial", "comprobante de pago o aprobación del crédito"],
    "servicio": ["póliza de garantía o carnet de servicio", "llaves y tarjeta de circulación de la unidad"],
}
SERVICE_WORDS = ("servicio", "falla", "campana", "balatas", "refaccion", "mantenimiento", "cargador")


def agendar_cita(args: Mapping[str, Any], stated: Mapping[str, Any] = NOTHING) -> dict[str, Any]:
    """The requested day, or the next day the agency opens (no Sundays or official rest days); the hour is one of
    the type's slots (before 14:00 on Saturdays), picked by a hash of type and date; folio CITA-<date>-<nnn>. The
    seed's hour and duration win over the slot and the type's usual duration."""
    kind, requested = args["tipo"], date.fromisoformat(args["fecha"])
    day = open_day(requested, saturdays=True)
    slots = [slot for slot in SLOTS[kind] if day.weekday() != SATURDAY or slot < "14:00"]
    draw = stable_int(kind, day.isoformat())
    return {
        "tipo": kind,
        "fecha_solicitada": requested.isoformat(),
        "fecha_confirmada": day.isoformat(),
        "dia_semana": WEEKDAYS[day.weekday()],
        "hora": stated.get("hora", slots[draw % len(slots)]),
        "duracion_min": stated.get("duracion_min", DURATION_MIN[kind]),
        "reprogramada": day != requested,
        "folio": f"CITA-{day:%Y%m%d}-{draw % 1000:03d}",
        "requisitos": list(REQUIREMENTS[kind]),
    }


def derive_cita(facts: SeedFacts) -> dict[str, Any]:
    if facts.mentions("prueba_de_manejo") or facts.interaction == "agenda_prueba_manejo":
        kind = "prueba_manejo"
    elif facts.mentions(*SERVICE_WORDS) or facts.interaction == "servicio_posventa":
        kind = "servicio"
    else:
        kind = facts.draw("tipo_cita", lambda rng: rng.choice(["prueba_manejo", "entrega"]))
    day = facts.day()
    if facts.mentions("sabado"):
        day += timedelta(days=(SATURDAY - day.weekday()) % 7)
    return {"tipo": kind, "fecha": day.isoformat()}


def observe_cita(facts: SeedFacts) -> dict[str, Any]:
    """`horario_sabado_10_00` -> 10:00; `duracion_30_minutos`, `duracion_2_horas` (120), and
    `duracion_20_minutos_por_unidad` times the units (`dos_unidades_misma_cita`: 40)."""
    stated: dict[str, Any] = {}
    if hour := facts.match(r"horario_(?:[a-z]+_)?(\d{1,2})_(\d{2})"):
        stated["hora"] = f"{int(hour[1]):02d}:{hour[2]}"
    if length := facts.match(r"duracion_(\d+)_(minutos|horas)(_por_unidad)?"):
        minutes = int(length[1]) * (60 if length[2] == "horas" else 1)
        stated["duracion_min"] = minutes * ((unit_count(facts) or 1) if length[3] else 1)
    return stated


def warranty_kind(component: str) -> tuple[str, dict[str, Any]]:
    """The warranty group covering a component (`basica` when no group lists it)."""
    kinds = automotive()["garantia"]["tipos"]
    for name, terms in kinds.items():
        if any(contains_token(component, key) for key in terms.get("componentes", [])):
            return name, terms
    return "basica", kinds["basica"]


def verificar_garantia(args: Mapping[str, Any], stated: Mapping[str, Any] = NOTHING) -> dict[str, Any]:
    """Covered while the car is younger than the group's years AND has at most its km (years counted from the
    model year to the reference year); wear parts (`consumibles`) are never covered. Terms the seed states for the
    component's warranty group (`tipo_garantia`, `vigencia_anios`, `vigencia_km`) replace the catalogue's."""
    year, km, component = args["anio"], args["kilometraje"], args["componente"]
    require(km >= 0, WARRANTY, f"kilometraje must be >= 0, got {km}")
    age = max(REFERENCE_DATE.year - year, 0)
    policy = automotive()["garantia"]
    if any(contains_token(component, wear) for wear in policy["consumibles"]):
        return {"componente": component, "cubierto": False, "tipo_garantia": "ninguna", "motivo": "pieza_de_desgaste"}
    kind, terms = warranty_kind(component)
    if stated.get("tipo_garantia") == kind:
        terms = {"anios": stated["vigencia_anios"], "km": stated["vigencia_km"]}
    limits = (("tiempo", age >= terms["anios"]), ("kilometraje", km > terms["km"]))
    expired = [reason for reason, over in limits if over]
    return {
        "componente": component,
        "cubierto": not expired,
        "tipo_garantia": kind,
        "vigencia_anios": terms["anios"],
        "vigencia_km": terms["km"],
        "antiguedad_anios": age,
        "anios_restantes": max(terms["anios"] - age, 0),
        "km_restantes": max(terms["km"] - km, 0),
        "motivo": "vigente" if not expired else "vencida_por_" + "_y_".join(expired),
    }


def components() -> list[str]:
    policy = automotive()["garantia"]
    grouped = [key for terms in policy["tipos"].values() for key in terms.get("componentes", [])]
    return grouped + list(automotive()["refacciones"]) + ["aire_acondicionado", "suspension", "bolsa_de_aire"]


def derive_garantia(facts: SeedFacts) -> dict[str, Any]:
    found = facts.key(components())
    component = found or facts.draw("componente", lambda rng: rng.choice(sorted(components())))
    return {"anio": model_year(facts), "kilometraje": mileage(facts), "componente": component}


def observe_garantia(facts: SeedFacts) -> dict[str, Any]:
    """The terms of a stated warranty for the checked component's group: `garantia_bateria_8_anios_160000_km` names
    its group (by name or by a component it covers); `garantia_3_anios_60000_km` names none and is the basic one."""
    kind, _ = warranty_kind(derive_garantia(facts)["componente"])
    groups = automotive()["garantia"]["tipos"]
    for entity in facts.entities:
        if match := re.fullmatch(r"garantia_(?:([a-z_]+)_)?(\d+)_anios_(\d+)_km", entity):
            named = match[1] or "basica"
            if contains_token(kind, named) or named in groups[kind].get("componentes", []):
                return {"tipo_garantia": kind, "vigencia_anios": int(match[2]), "vigencia_km": int(match[3])}
    return {}


def cotizar_refaccion(args: Mapping[str, Any], stated: Mapping[str, Any] = NOTHING) -> dict[str, Any]:
    """Part and labour prices (IVA included) = catalogue base * the segment's factor; parts not in stock, or for
    cars older than eight years, come on order (7 days, +5 for old models) with a 50 % advance.

    The seed's figures win: part and labour prices; a total alone splits in the catalogue's proportion (or leaves
    labour as the rest of a stated part price); a stated delivery time or `sobre_pedido` means the part is ordered."""
    name = args["refaccion"]
    part = entry(automotive()["refacciones"], name, PART, "refaccion")
    factor = segment_entry(args["segmento"], PART)["factor_refacciones"] if "segmento" in args else 1.0
    delivery = automotive()["refacciones_entrega"]
    old = "anio" in args and REFERENCE_DATE.year - args["anio"] > delivery["anios_modelo_antiguo"]
    ordered = old or not part["en_almacen"] or bool(stated.get("dias_entrega"))
    in_stock = stated.get("disponibilidad", "sobre_pedido" if ordered else "en_almacen") == "en_almacen"
    days = 0 if in_stock else delivery["dias_sobre_pedido"] + (delivery["dias_extra_modelo_antiguo"] if old else 0)
    price, labour = _prices(part["precio"] * factor, part["mano_de_obra"] * factor, stated)
    return {
        "refaccion": name,
        "precio_refaccion": price,
        "mano_de_obra": labour,
        "total": centavos(price + labour),
        "disponibilidad": "en_almacen" if in_stock else "sobre_pedido",
        "dias_entrega": stated.get("dias_entrega", days),
        "anticipo_pct": stated.get("anticipo_pct", 0 if in_stock else 50),
    }


def _prices(part: float, labour: float, stated: Mapping[str, Any]) -> tuple[float, float]:
    """(part, labour) in centavos: the stated ones, the rest of a stated total, or the catalogue's."""
    total = stated.get("total")
    if "precio_refaccion" in stated:
        part = stated["precio_refaccion"]
        labour = stated.get("mano_de_obra", labour if total is None else total - part)
    elif "mano_de_obra" in stated:
        labour = stated["mano_de_obra"]
        part = part if total is None else total - labour
    elif total is not None:
        part = centavos(total * part / (part + labour))
        labour = total - part
    return centavos(part), centavos(labour)


def derive_refaccion(facts: SeedFacts) -> dict[str, Any]:
    parts = automotive()["refacciones"]
    arguments: dict[str, Any] = {
        "refaccion": facts.key(parts) or facts.draw("refaccion", lambda rng: rng.choice(sorted(parts)))
    }
    if (name := seed_segment(facts)) is not None:
        arguments["segmento"] = name
    if facts.number(MODEL_YEAR_KEY, integer=True) is not None:
        arguments["anio"] = model_year(facts)
    return arguments


def observe_refaccion(facts: SeedFacts) -> dict[str, Any]:
    """`precio_refaccion_2350_mxn`, `mano_de_obra_900_mxn`, `costo_reparacion_7200_mxn` (the total),
    `tiempo_entrega_10_dias_habiles`, `refaccion_sobre_pedido`, `anticipo_50pct`."""
    found = {
        "precio_refaccion": facts.number("precio_refaccion", "mxn"),
        "mano_de_obra": facts.number("mano_de_obra", "mxn"),
        "total": facts.number("costo_reparacion", "mxn"),
        "dias_entrega": facts.number("tiempo_entrega", "dias", integer=True),
        "disponibilidad": "sobre_pedido" if facts.has("refaccion_sobre_pedido") else None,
        "anticipo_pct": facts.number("anticipo", "pct"),
    }
    return {key: value for key, value in found.items() if value is not None}


TOOLS = (
    ToolImpl(APPOINTMENT, agendar_cita, derive_cita, observe_cita, frozenset({"hora", "duracion_min"})),
    ToolImpl(
        WARRANTY, verificar_garantia, derive_garantia, observe_garantia,
        frozenset({"tipo_garantia", "vigencia_anios", "vigencia_km"}),
    ),
    ToolImpl(
        PART, cotizar_refaccion, derive_refaccion, observe_refaccion,
        frozenset({"precio_refaccion", "mano_de_obra", "total", "dias_entrega", "disponibilidad", "anticipo_pct"}),
    ),
)  # fmt: skip
