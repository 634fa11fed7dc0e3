"""After-sales and appointment tools: `agendar_cita`, `verificar_garantia`, `cotizar_refaccion`."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from scsf.generation.tools.automotive_catalog import (
    MODEL_YEAR_KEY, automotive, mileage, model_year, seed_segment, segment_entry,
)  # fmt: skip
from scsf.generation.tools.base import ToolImpl, entry, require, stable_int
from scsf.generation.tools.dates import WEEKDAYS, open_day
from scsf.generation.tools.facts import REFERENCE_DATE, SeedFacts, contains_token
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


def agendar_cita(args: Mapping[str, Any]) -> dict[str, Any]:
    """The requested day, or the next day the agency opens (no Sundays or official rest days); the hour is one of
    the type's slots (before 14:00 on Saturdays), picked by a hash of type and date; folio CITA-<date>-<nnn>."""
    kind, requested = args["tipo"], date.fromisoformat(args["fecha"])
    day = open_day(requested, saturdays=True)
    slots = [slot for slot in SLOTS[kind] if day.weekday() != SATURDAY or slot < "14:00"]
    draw = stable_int(kind, day.isoformat())
    return {
        "tipo": kind,
        "fecha_solicitada": requested.isoformat(),
        "fecha_confirmada": day.isoformat(),
        "dia_semana": WEEKDAYS[day.weekday()],
        "hora": slots[draw % len(slots)],
        "duracion_min": DURATION_MIN[kind],
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


def warranty_kind(component: str) -> tuple[str, dict[str, Any]]:
    """The warranty group covering a component (`basica` when no group lists it)."""
    kinds = automotive()["garantia"]["tipos"]
    for name, terms in kinds.items():
        if any(contains_token(component, key) for key in terms.get("componentes", [])):
            return name, terms
    return "basica", kinds["basica"]


def verificar_garantia(args: Mapping[str, Any]) -> dict[str, Any]:
    """Covered while the car is younger than the group's years AND has at most its km (years counted from the
    model year to the reference year); wear parts (`consumibles`) are never covered."""
    year, km, component = args["anio"], args["kilometraje"], args["componente"]
    require(km >= 0, WARRANTY, f"kilometraje must be >= 0, got {km}")
    age = max(REFERENCE_DATE.year - year, 0)
    policy = automotive()["garantia"]
    if any(contains_token(component, wear) for wear in policy["consumibles"]):
        return {"componente": component, "cubierto": False, "tipo_garantia": "ninguna", "motivo": "pieza_de_desgaste"}
    kind, terms = warranty_kind(component)
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


def cotizar_refaccion(args: Mapping[str, Any]) -> dict[str, Any]:
    """Part and labour prices (IVA included) = catalogue base * the segment's factor; parts not in stock, or for
    cars older than eight years, come on order (7 days, +5 for old models) with a 50 % advance."""
    name = args["refaccion"]
    part = entry(automotive()["refacciones"], name, PART, "refaccion")
    factor = segment_entry(args["segmento"], PART)["factor_refacciones"] if "segmento" in args else 1.0
    delivery = automotive()["refacciones_entrega"]
    old = "anio" in args and REFERENCE_DATE.year - args["anio"] > delivery["anios_modelo_antiguo"]
    in_stock = part["en_almacen"] and not old
    days = 0 if in_stock else delivery["dias_sobre_pedido"] + (delivery["dias_extra_modelo_antiguo"] if old else 0)
    price, labour = centavos(part["precio"] * factor), centavos(part["mano_de_obra"] * factor)
    return {
        "refaccion": name,
        "precio_refaccion": price,
        "mano_de_obra": labour,
        "total": centavos(price + labour),
        "disponibilidad": "en_almacen" if in_stock else "sobre_pedido",
        "dias_entrega": days,
        "anticipo_pct": 0 if in_stock else 50,
    }


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


TOOLS = (
    ToolImpl(APPOINTMENT, agendar_cita, derive_cita),
    ToolImpl(WARRANTY, verificar_garantia, derive_garantia),
    ToolImpl(PART, cotizar_refaccion, derive_refaccion),
)
