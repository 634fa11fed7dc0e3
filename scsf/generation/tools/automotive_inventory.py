"""Inventory search, `buscar_inventario`: the catalogue's versions of a segment, plus the units the seed speaks of (a
certified used car, last year's model, a red unit at another branch), so the search never misses the seed's car."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scsf.generation.tools.automotive_catalog import (
    MODEL_YEAR_KEY, automotive, model_name, segment, segment_entry, stated_mileage, stated_price, transmission,
)  # fmt: skip
from scsf.generation.tools.automotive_vehicles import valuar_auto_usado
from scsf.generation.tools.base import NOTHING, ToolImpl, require, stable_int
from scsf.generation.tools.facts import SeedFacts

INVENTORY = "buscar_inventario"
EXPECTED_KM_PER_YEAR = 15000
OTHER_BRANCH = "otra_sucursal"
DELIVERY_DAYS = (
    (r"traslado_(\d+)_dias(?:_habiles)?", 1), (r"entrega_en_agencia_(\d+)_dias", 1),
    (r"tiempo_entrega_(\d+)_dias(?:_habiles)?", 1), (r"tiempo_entrega_(\d+)_semanas", 7),
)  # fmt: skip
IDENTIFYING = frozenset({"precio", "version", "anio", "seminuevo"})
UNIT_FIELDS = frozenset(
    {"precio", "anio", "kilometraje", "seminuevo", "version", "color", "ubicacion", "dias_entrega", "garantia_meses",
     "transmision"}
)  # fmt: skip


def buscar_inventario(args: Mapping[str, Any], stated: Mapping[str, Any] = NOTHING) -> dict[str, Any]:
    """Versions of the segment that offer the transmission and fit the budget, cheapest first. Stock and colours
    are fixed per version (a hash of segment and version): 0-3 units at the agency, else a 3-7 day transfer.

    `stated["unidades"]` are the seed's units: one that is a catalogue version (same version or list price, new)
    takes the seed's colour, location and delivery time; any other (a certified used car, another model year) is
    listed on its own, priced at the seed's price or, for a used car, at `valuar_auto_usado`'s market value. The
    filters apply to them too. A unit the seed does not identify (no price, version, model year or used) adds nothing.
    """
    name = args["segmento"]
    wanted, budget = args.get("transmision"), args.get("precio_max")
    catalogue = segment_entry(name, INVENTORY)
    rows = [_catalogue_row(name, catalogue, version) for version in catalogue["versiones"]]
    for unit in stated.get("unidades", []):
        require(set(unit) <= UNIT_FIELDS, INVENTORY, f"stated unit fields must be among {sorted(UNIT_FIELDS)}")
        pinned = next((row for row in rows if _is_catalogue_unit(unit, row)), None)
        if pinned is not None:
            _apply_seed_details(pinned, unit)
        elif set(unit) & IDENTIFYING:
            rows.append(_seed_row(name, catalogue, unit, wanted))
    units = []
    for row in sorted(rows, key=lambda row: row["precio"]):
        offered = [t for t in row["transmisiones"] if wanted in (None, t)]
        if offered and (budget is None or row["precio"] <= budget):
            units.append({**row, "transmisiones": offered})
    filters = {key: args[key] for key in ("transmision", "precio_max") if key in args}
    return {"segmento": name, "filtros": filters, "resultados": len(units), "unidades": units}


def _catalogue_row(name: str, catalogue: Mapping[str, Any], version: Mapping[str, Any]) -> dict[str, Any]:
    draw = stable_int(name, version["version"])
    stock = draw % 4
    palette = automotive()["colores"]
    return {
        "modelo": model_name(catalogue, version),
        "version": version["version"],
        "precio": version["precio"],
        "transmisiones": list(version["transmisiones"]),
        "colores": [palette[(draw // 4 + step) % len(palette)] for step in range(3)],
        "existencias_agencia": stock,
        "ubicacion": "agencia" if stock else OTHER_BRANCH,
        "dias_entrega": 1 if stock else 3 + draw // 16 % 5,
    }


def _is_catalogue_unit(unit: Mapping[str, Any], row: Mapping[str, Any]) -> bool:
    """A new unit of the catalogue's model year that names the row's version or costs its list price."""
    new = not unit.get("seminuevo") and unit.get("anio", automotive()["anio_modelo"]) == automotive()["anio_modelo"]
    return new and (unit.get("version") == row["version"] or unit.get("precio") == row["precio"])


def _apply_seed_details(row: dict[str, Any], unit: Mapping[str, Any]) -> None:
    if "color" in unit:
        row["colores"] = [unit["color"], *(c for c in row["colores"] if c != unit["color"])][:3]
    if unit.get("ubicacion") == OTHER_BRANCH:
        row["existencias_agencia"], row["ubicacion"] = 0, OTHER_BRANCH
    if "dias_entrega" in unit:
        row["dias_entrega"] = unit["dias_entrega"]


def _seed_row(name: str, catalogue: Mapping[str, Any], unit: Mapping[str, Any], wanted: str | None) -> dict[str, Any]:
    current = automotive()["anio_modelo"]
    year = unit.get("anio", current)
    used = bool(unit.get("seminuevo"))
    km = unit.get("kilometraje", EXPECTED_KM_PER_YEAR * max(current - year, 1) if used else 0)
    price = unit.get("precio")
    if price is None:
        price = valuar_auto_usado({"anio": year, "kilometraje": km, "segmento": name})["valor_mercado_estimado"]
    offered = {t for version in catalogue["versiones"] for t in version["transmisiones"]}
    gearbox = unit.get("transmision") or wanted or ("automatica" if "automatica" in offered else "manual")
    palette = automotive()["colores"]
    version = unit.get("version") or (
        "Seminuevo certificado" if used else "Modelo anterior" if year < current else "Otra versión"
    )
    away = unit.get("ubicacion") == OTHER_BRANCH
    row: dict[str, Any] = {
        "modelo": f"{catalogue['nombre']} {version} {year}",
        "version": version,
        "anio": year,
        "kilometraje": km,
        "precio": price,
        "transmisiones": [gearbox],
        "colores": [unit.get("color") or palette[stable_int(name, year, km) % len(palette)]],
        "existencias_agencia": 0 if away else 1,
        "ubicacion": OTHER_BRANCH if away else "agencia",
        "dias_entrega": unit.get("dias_entrega", 3 if away else 1),
    }
    if "garantia_meses" in unit:
        row["garantia_meses"] = unit["garantia_meses"]
    return row


def derive_inventario(facts: SeedFacts) -> dict[str, Any]:
    arguments: dict[str, Any] = {"segmento": segment(facts)}
    if (wanted := transmission(facts)) is not None:
        arguments["transmision"] = wanted
    if (budget := facts.number("precio_max", "mxn")) is not None:
        arguments["precio_max"] = budget
    return arguments


def observe_inventario(facts: SeedFacts) -> dict[str, Any]:
    """The seed's unit (price, model year, mileage, certified used, version, colour, location, delivery time,
    used-car warranty) and a second model year it prices (`anio_modelo_2025_precio_499900_mxn`)."""
    unit = _seed_unit(facts)
    units = [unit] if set(unit) & IDENTIFYING else []
    if match := facts.match(r"anio_modelo_(\d{4})_precio_(\d+)_mxn"):
        units.append({"anio": int(match[1]), "precio": int(match[2])})
    return {"unidades": units} if units else {}


def _seed_unit(facts: SeedFacts) -> dict[str, Any]:
    versions = sorted(segment_entry(segment(facts), INVENTORY)["versiones"], key=lambda v: v["precio"])
    places = {"base": 0, "intermedia": len(versions) // 2, "tope_de_gama": len(versions) - 1}
    level = facts.match(rf"version_({'|'.join(places)})")
    color = facts.match(rf"color_({'|'.join(automotive()['colores'])})")
    delivery = next(
        (int(match[1]) * factor for pattern, factor in DELIVERY_DAYS if (match := facts.match(pattern))), None
    )
    found = {
        "precio": stated_price(facts),
        "anio": facts.number(MODEL_YEAR_KEY, integer=True),
        "kilometraje": stated_mileage(facts),
        "seminuevo": True if facts.mentions("seminuevo_certificado", "seminuevo") else None,
        "version": versions[places[level[1]]]["version"] if level else None,
        "color": color[1] if color else None,
        "ubicacion": OTHER_BRANCH if facts.has("unidad_en_otra_sucursal") else None,
        "dias_entrega": delivery,
        "garantia_meses": facts.number("garantia_seminuevo", "meses", integer=True),
        "transmision": transmission(facts),
    }
    return {key: value for key, value in found.items() if value is not None}


TOOLS = (ToolImpl(INVENTORY, buscar_inventario, derive_inventario, observe_inventario, frozenset({"unidades"})),)
