"""Maintenance tools: `buscar_codigo_falla`, `consultar_inventario_refacciones`, `crear_orden_trabajo`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scsf.generation.tools.base import NOTHING, ToolImpl, catalog, stable_int
from scsf.generation.tools.facts import REFERENCE_DATE, SeedFacts
from scsf.generation.tools.industrial_monitoring import seed_equipment

FAULT_CODE = "buscar_codigo_falla"
SPARE_PARTS = "consultar_inventario_refacciones"
WORK_ORDER = "crear_orden_trabajo"
FAULT_EQUIPMENT = ("plc", "variador_frecuencia", "robot", "inyectora", "compresor")
ORDER_KIND_WORDS = {
    "correctivo": ("linea_detenida", "falla", "fuga", "atascado", "conexion_floja", "codigo_falla"),
    "predictivo": ("vibracion", "termografia", "tendencia", "temperatura"),
    "preventivo": ("cambio_aceite", "filtro", "mantenimiento_preventivo", "preventivo"),
}  # checked in this order: the first kind the seed mentions
URGENT_WORDS = ("linea_detenida", "alarma", "punto_caliente", "fuga")


def buscar_codigo_falla(args: Mapping[str, Any]) -> dict[str, Any]:
    """The code's meaning, causes and actions from the catalogue (case-insensitive); an unknown code answers
    `encontrado: false` with the codes known for that equipment type."""
    kind, code = args["tipo_equipo"], args["codigo"].strip().upper()
    codes = catalog("industrial")["codigos"].get(kind, {})
    if code not in codes:
        return {"encontrado": False, "tipo_equipo": kind, "codigo": code, "codigos_del_equipo": sorted(codes)}
    found = codes[code]
    return {
        "encontrado": True,
        "tipo_equipo": kind,
        "codigo": code,
        "descripcion": found["descripcion"],
        "severidad": found["severidad"],
        "causas": list(found["causas"]),
        "acciones": list(found["acciones"]),
    }


def derive_codigo(facts: SeedFacts) -> dict[str, Any]:
    kind = facts.key(FAULT_EQUIPMENT) or facts.draw("tipo_equipo", lambda rng: rng.choice(FAULT_EQUIPMENT))
    codes = catalog("industrial")["codigos"].get(kind, {})
    if match := facts.match(r"codigo_falla_([a-z]\d+)"):
        code = match[1].upper()
    else:
        pointed = [name for name, found in codes.items() if facts.mentions(*found["palabras"])]
        code = pointed[0] if pointed else facts.draw("codigo", lambda rng: rng.choice(sorted(codes)))
    return {"tipo_equipo": kind, "codigo": code}


def consultar_inventario_refacciones(
    args: Mapping[str, Any], stated: Mapping[str, Any] = NOTHING
) -> dict[str, Any]:
    """Stock, location and lead time of a part; when it is out of stock and an equivalent is accepted, the
    equivalent's stock. Unknown parts answer `encontrado: false`. A stock or lead time the seed states wins (a
    stated lead time means the part must be ordered)."""
    name, equivalent_ok = args["refaccion"], args.get("aceptar_equivalente", False)
    parts = catalog("industrial")["refacciones"]
    if name not in parts:
        return {"encontrado": False, "refaccion": name}
    part = parts[name]
    stock = stated.get("existencias", 0 if "dias_entrega" in stated else part["existencias"])
    result: dict[str, Any] = {
        "encontrado": True,
        "refaccion": name,
        "descripcion": part["descripcion"],
        "existencias": stock,
        "ubicacion": part["ubicacion"],
        "dias_entrega": 0 if stock else stated.get("dias_entrega", part["dias_entrega"]),
    }
    if not stock and equivalent_ok and "equivalente" in part:
        result["equivalente"] = dict(part["equivalente"])
    return result


def derive_refacciones(facts: SeedFacts) -> dict[str, Any]:
    parts = catalog("industrial")["refacciones"]
    arguments: dict[str, Any] = {
        "refaccion": facts.key(parts) or facts.draw("refaccion", lambda rng: rng.choice(sorted(parts)))
    }
    if facts.mentions("refaccion_equivalente_disponible", "sin_refacciones_en_almacen"):
        arguments["aceptar_equivalente"] = True
    return arguments


def observe_refacciones(facts: SeedFacts) -> dict[str, Any]:
    """`tiempo_entrega_fabricante_15_dias` and `sin_refacciones_en_almacen` (no stock)."""
    stated: dict[str, Any] = {}
    if (days := facts.number(r"tiempo_entrega(?:_[a-z]+)*", "dias", integer=True)) is not None:
        stated["dias_entrega"] = days
    if facts.has("sin_refacciones_en_almacen"):
        stated["existencias"] = 0
    return stated


def crear_orden_trabajo(args: Mapping[str, Any]) -> dict[str, Any]:
    """Opens a work order: folio from a hash of the arguments, response time by priority (alta 4 h, media 24 h,
    baja 72 h) and the standard steps of the order type."""
    name, kind, priority = args["equipo"], args["tipo"], args["prioridad"]
    rules = catalog("industrial")["ordenes"]
    number = stable_int(name, kind, priority, args.get("descripcion", "")) % 100000
    return {
        "folio": f"OT-{REFERENCE_DATE.year}-{number:05d}",
        "estado": "abierta",
        "equipo": name,
        "tipo": kind,
        "prioridad": priority,
        "tiempo_respuesta_h": rules["sla_horas"][priority],
        "requiere_paro": kind != "predictivo",
        "pasos": list(rules["pasos"][kind]),
        **({"descripcion": args["descripcion"]} if "descripcion" in args else {}),
    }


def derive_orden(facts: SeedFacts) -> dict[str, Any]:
    kind = next((k for k, words in ORDER_KIND_WORDS.items() if facts.mentions(*words)), None)
    if facts.mentions(*URGENT_WORDS):
        priority = "alta"
    elif facts.has("ventana_mantenimiento_4_horas", "presupuesto_mantenimiento_limitado"):
        priority = "media"
    else:
        priority = facts.draw("prioridad", lambda rng: rng.choice(["alta", "media", "baja"]))
    return {
        "equipo": seed_equipment(facts),
        "tipo": kind or facts.draw("tipo_orden", lambda rng: rng.choice(sorted(ORDER_KIND_WORDS))),
        "prioridad": priority,
    }


TOOLS = (
    ToolImpl(FAULT_CODE, buscar_codigo_falla, derive_codigo),
    ToolImpl(
        SPARE_PARTS, consultar_inventario_refacciones, derive_refacciones, observe_refacciones,
        frozenset({"dias_entrega", "existencias"}),
    ),
    ToolImpl(WORK_ORDER, crear_orden_trabajo, derive_orden),
)
