"""Vehicle tools: `buscar_inventario`, `valuar_auto_usado`, `cotizar_seguro`, `comparar_costo_operacion`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scsf.generation.tools.automotive_catalog import (
    automotive, mileage, model_name, model_year, reference_price, seed_segment, segment, segment_entry, transmission,
)  # fmt: skip
from scsf.generation.tools.base import ToolImpl, require, stable_int
from scsf.generation.tools.facts import REFERENCE_DATE, SeedFacts, stepped
from scsf.generation.tools.money import centavos

INVENTORY = "buscar_inventario"
VALUATION = "valuar_auto_usado"
INSURANCE = "cotizar_seguro"
ENERGY = "comparar_costo_operacion"
WORKING_DAYS_PER_MONTH = 26


def buscar_inventario(args: Mapping[str, Any]) -> dict[str, Any]:
    """Versions of the segment that offer the transmission and fit the budget, cheapest first. Stock and colours
    are fixed per version (a hash of segment and version): 0-3 units at the agency, else a 3-7 day transfer."""
    name = args["segmento"]
    wanted, budget = args.get("transmision"), args.get("precio_max")
    catalogue = segment_entry(name, INVENTORY)
    palette = automotive()["colores"]
    units = []
    for version in sorted(catalogue["versiones"], key=lambda v: v["precio"]):
        offered = [t for t in version["transmisiones"] if wanted in (None, t)]
        if not offered or (budget is not None and version["precio"] > budget):
            continue
        draw = stable_int(name, version["version"])
        stock = draw % 4
        units.append({
            "modelo": model_name(catalogue, version),
            "version": version["version"],
            "precio": version["precio"],
            "transmisiones": offered,
            "colores": [palette[(draw // 4 + step) % len(palette)] for step in range(3)],
            "existencias_agencia": stock,
            "ubicacion": "agencia" if stock else "otra_sucursal",
            "dias_entrega": 1 if stock else 3 + draw // 16 % 5,
        })  # fmt: skip
    filters = {key: args[key] for key in ("transmision", "precio_max") if key in args}
    return {"segmento": name, "filtros": filters, "resultados": len(units), "unidades": units}


def derive_inventario(facts: SeedFacts) -> dict[str, Any]:
    arguments: dict[str, Any] = {"segmento": segment(facts)}
    if (wanted := transmission(facts)) is not None:
        arguments["transmision"] = wanted
    if (budget := facts.number("precio_max", "mxn")) is not None:
        arguments["precio_max"] = budget
    return arguments


def valuar_auto_usado(args: Mapping[str, Any]) -> dict[str, Any]:
    """Market value = reference new price (segment's middle version, or a generic one) * share retained at the
    car's age - 0.60 MXN per km above 15,000 km per year (floor: 10 % of the reference), to the thousand;
    valor_toma = market value less the dealer's 12 % margin, to the thousand."""
    year, km = args["anio"], args["kilometraje"]
    newest = REFERENCE_DATE.year + 1
    require(1980 <= year <= newest, VALUATION, f"anio must be 1980-{newest}, got {year}")
    require(km >= 0, VALUATION, f"kilometraje must be >= 0, got {km}")
    policy = automotive()["valuacion"]
    name = args.get("segmento")
    reference = reference_price(segment_entry(name, VALUATION)) if name else policy["precio_referencia_sin_segmento"]
    age = max(REFERENCE_DATE.year - year, 0)
    retained = policy["valor_retenido_por_anio"][min(age, len(policy["valor_retenido_por_anio"]) - 1)]
    expected_km = policy["km_esperados_por_anio"] * max(age, 1)
    excess_km = max(km - expected_km, 0)
    market = max(reference * retained - excess_km * policy["castigo_por_km_excedente"], reference * 0.10)
    market = round(market, -3)
    return {
        "anio": year,
        "antiguedad_anios": age,
        "kilometraje": km,
        "km_esperados": expected_km,
        "km_excedentes": excess_km,
        "precio_referencia_nuevo": reference,
        "valor_mercado_estimado": int(market),
        "valor_toma": int(round(market * (1 - policy["margen_toma_pct"] / 100), -3)),
        "margen_toma_pct": policy["margen_toma_pct"],
    }


def derive_valuacion(facts: SeedFacts) -> dict[str, Any]:
    arguments: dict[str, Any] = {"anio": model_year(facts), "kilometraje": mileage(facts)}
    if (name := seed_segment(facts)) is not None:
        arguments["segmento"] = name
    return arguments


def cotizar_seguro(args: Mapping[str, Any]) -> dict[str, Any]:
    """Annual premium: insured value (segment's middle version) * 3.6 % (amplia) or 2.4 % (limitada), or a fixed
    civil-liability premium (higher for work vehicles); monthly = annual / 12; centavos."""
    name, cover = args["segmento"], args["cobertura"]
    policy = automotive()["seguro"]
    insured = reference_price(segment_entry(name, INSURANCE))
    if cover == "responsabilidad_civil":
        commercial = name in policy["segmentos_comerciales"]
        premium = policy["responsabilidad_civil_comercial_mxn" if commercial else "responsabilidad_civil_mxn"]
    else:
        premium = insured * policy[f"tasa_{cover}_pct"] / 100
    return {
        "segmento": name,
        "cobertura": cover,
        "suma_asegurada": insured if cover != "responsabilidad_civil" else 0,
        "prima_anual": centavos(premium),
        "prima_mensual": centavos(premium / 12),
        "deducible_danos_pct": policy["deducible_danos_pct"] if cover == "amplia" else 0,
        "deducible_robo_pct": policy["deducible_robo_pct"] if cover != "responsabilidad_civil" else 0,
        "coberturas": list(policy["coberturas"][cover]),
    }


def derive_seguro(facts: SeedFacts) -> dict[str, Any]:
    covers = ("amplia", "limitada", "responsabilidad_civil")
    cover = facts.key(covers) or facts.draw("cobertura", lambda rng: rng.choice(covers))
    return {"segmento": segment(facts), "cobertura": cover}


def comparar_costo_operacion(args: Mapping[str, Any]) -> dict[str, Any]:
    """Monthly energy cost = litres * fuel price + kWh * electricity price, from the catalogue's consumption per
    motorisation (a plug-in hybrid drives `fraccion_electrica` of its km on electricity); compared with a
    gasoline car over the same km."""
    km, kind = args["km_mensuales"], args["motorizacion"]
    require(km > 0, ENERGY, f"km_mensuales must be > 0, got {km}")
    energy = automotive()["energia"]
    litres, kwh = _consumption(energy["motorizaciones"][kind], km)
    cost = litres * energy["precio_litro_gasolina"] + kwh * energy["precio_kwh"]
    gasoline = km / energy["motorizaciones"]["gasolina"]["km_por_litro"] * energy["precio_litro_gasolina"]
    return {
        "km_mensuales": km,
        "motorizacion": kind,
        "litros_mes": round(litres, 1),
        "kwh_mes": round(kwh, 1),
        "costo_mensual": centavos(cost),
        "costo_por_km": round(cost / km, 2),
        "costo_anual": centavos(cost * 12),
        "costo_mensual_gasolina": centavos(gasoline),
        "ahorro_mensual_vs_gasolina": centavos(gasoline - cost),
        "precio_litro_gasolina": energy["precio_litro_gasolina"],
        "precio_kwh": energy["precio_kwh"],
    }


def _consumption(profile: Mapping[str, float], km: float) -> tuple[float, float]:
    """(litres, kWh) for `km` kilometres."""
    electric_km = km * profile.get("fraccion_electrica", 1.0 if "km_por_kwh" in profile else 0.0)
    litres = (km - electric_km) / profile["km_por_litro"] if "km_por_litro" in profile else 0.0
    return litres, electric_km / profile["km_por_kwh"] if electric_km else 0.0


MOTORISATIONS = {
    "auto_electrico": "electrico", "van_de_carga_electrica": "electrico", "hibrido_enchufable": "hibrido_enchufable",
    "auto_hibrido": "hibrido",
}  # fmt: skip


def derive_costo_operacion(facts: SeedFacts) -> dict[str, Any]:
    km = facts.number("km_mensuales", integer=True)
    if km is None and (daily := facts.number("ruta_diaria", "km", integer=True)) is not None:
        km = daily * WORKING_DAYS_PER_MONTH
    if km is None:
        km = facts.draw("km_mensuales", lambda rng: int(stepped(rng, 800, 4000, 100)))
    found = facts.key(MOTORISATIONS)
    kinds = sorted(automotive()["energia"]["motorizaciones"])
    kind = MOTORISATIONS[found] if found else facts.draw("motorizacion", lambda rng: rng.choice(kinds))
    return {"km_mensuales": km, "motorizacion": kind}


TOOLS = (
    ToolImpl(INVENTORY, buscar_inventario, derive_inventario),
    ToolImpl(VALUATION, valuar_auto_usado, derive_valuacion),
    ToolImpl(INSURANCE, cotizar_seguro, derive_seguro),
    ToolImpl(ENERGY, comparar_costo_operacion, derive_costo_operacion),
)
