"""Vehicle tools: `valuar_auto_usado`, `cotizar_seguro`, `comparar_costo_operacion`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scsf.generation.tools.automotive_catalog import (
    automotive, mileage, model_year, reference_price, seed_segment, segment, segment_entry,
)  # fmt: skip
from scsf.generation.tools.base import NOTHING, ToolImpl, require
from scsf.generation.tools.facts import REFERENCE_DATE, SeedFacts, stepped, unit_count, whole
from scsf.generation.tools.money import centavos

VALUATION = "valuar_auto_usado"
INSURANCE = "cotizar_seguro"
ENERGY = "comparar_costo_operacion"
WORKING_DAYS_PER_MONTH = 26
COVERS = ("amplia", "limitada", "responsabilidad_civil")


def valuar_auto_usado(args: Mapping[str, Any], stated: Mapping[str, Any] = NOTHING) -> dict[str, Any]:
    """Market value = reference new price (segment's middle version, or a generic one) * share retained at the
    car's age - 0.60 MXN per km above 15,000 km per year (floor: 10 % of the reference), less a stated accident
    discount, to the thousand; valor_toma = market value less the dealer's 12 % margin, to the thousand.

    A value the seed states wins (`origen_valor: avaluo_registrado`): a stated valor_toma gives market = valor_toma /
    (1 - margin), to the thousand; stated market and buy values give the margin between them. With `unidades` the
    stated valor_toma is per unit and `valor_toma_total` adds them up.
    """
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
    discount = stated.get("descuento_por_siniestro_pct", 0)
    table = max(reference * retained - excess_km * policy["castigo_por_km_excedente"], reference * 0.10)
    margin = policy["margen_toma_pct"]
    buy, market = stated.get("valor_toma"), stated.get("valor_mercado_estimado")
    if market is None:
        market = round(buy / (1 - margin / 100), -3) if buy is not None else round(table * (1 - discount / 100), -3)
    elif buy is not None:
        margin = round((1 - buy / market) * 100, 1)
    if buy is None:
        buy = round(market * (1 - margin / 100), -3)
    result = {
        "anio": year,
        "antiguedad_anios": age,
        "kilometraje": km,
        "km_esperados": expected_km,
        "km_excedentes": excess_km,
        "precio_referencia_nuevo": reference,
        "valor_mercado_estimado": int(market),
        "valor_toma": int(buy),
        "margen_toma_pct": margin,
        "origen_valor": "avaluo_registrado" if {"valor_toma", "valor_mercado_estimado"} & set(stated) else "tabla",
    }
    if "descuento_por_siniestro_pct" in stated:
        result["descuento_por_siniestro_pct"] = discount
    if "unidades" in stated:
        result |= {"unidades": stated["unidades"], "valor_toma_total": int(buy) * stated["unidades"]}
    return result


def derive_valuacion(facts: SeedFacts) -> dict[str, Any]:
    arguments: dict[str, Any] = {"anio": model_year(facts), "kilometraje": mileage(facts)}
    if (name := seed_segment(facts)) is not None:
        arguments["segmento"] = name
    return arguments


def observe_valuacion(facts: SeedFacts) -> dict[str, Any]:
    """`valor_toma_148000_mxn` (or `_preliminar_`), `valor_toma_total_390000_mxn` over `auto_a_cuenta_3_unidades_...`,
    the market value (`precio_venta_particular_185000_mxn`) and `descuento_por_siniestro_15pct`."""
    stated: dict[str, Any] = {}
    buy = facts.number(r"valor_toma(?:_preliminar)?", "mxn")
    total, units = facts.number("valor_toma_total", "mxn"), unit_count(facts, "auto_a_cuenta")
    if buy is None and total is not None and units:
        buy, stated["unidades"] = whole(total / units), units
    found = {
        "valor_toma": buy,
        "valor_mercado_estimado": facts.number(r"(?:valor_mercado|precio_venta_particular)", "mxn"),
        "descuento_por_siniestro_pct": facts.number("descuento_por_siniestro", "pct"),
    }
    return stated | {key: value for key, value in found.items() if value is not None}


def cotizar_seguro(args: Mapping[str, Any], stated: Mapping[str, Any] = NOTHING) -> dict[str, Any]:
    """Annual premium: insured value (segment's middle version) * 3.6 % (amplia) or 2.4 % (limitada), or a fixed
    civil-liability premium (higher for work vehicles); monthly = annual / 12; centavos. A premium or deductible the
    seed states wins."""
    name, cover = args["segmento"], args["cobertura"]
    policy = automotive()["seguro"]
    insured = reference_price(segment_entry(name, INSURANCE))
    if cover == "responsabilidad_civil":
        commercial = name in policy["segmentos_comerciales"]
        premium = policy["responsabilidad_civil_comercial_mxn" if commercial else "responsabilidad_civil_mxn"]
    else:
        premium = insured * policy[f"tasa_{cover}_pct"] / 100
    premium = stated.get("prima_anual", premium)
    return {
        "segmento": name,
        "cobertura": cover,
        "suma_asegurada": insured if cover != "responsabilidad_civil" else 0,
        "prima_anual": centavos(premium),
        "prima_mensual": centavos(premium / 12),
        "deducible_danos_pct": stated.get(
            "deducible_danos_pct", policy["deducible_danos_pct"] if cover == "amplia" else 0
        ),
        "deducible_robo_pct": stated.get(
            "deducible_robo_pct", policy["deducible_robo_pct"] if cover != "responsabilidad_civil" else 0
        ),
        "coberturas": list(policy["coberturas"][cover]),
    }


def derive_seguro(facts: SeedFacts) -> dict[str, Any]:
    cover = facts.key(COVERS) or facts.draw("cobertura", lambda rng: rng.choice(COVERS))
    return {"segmento": segment(facts), "cobertura": cover}


def observe_seguro(facts: SeedFacts) -> dict[str, Any]:
    """`prima_anual_14800_mxn` or the premium of the quoted cover (`prima_amplia_11200_mxn`), and the deductibles
    (`deducible_danos_5pct`, `deducible_robo_10pct`)."""
    cover = derive_seguro(facts)["cobertura"]
    found = {
        "prima_anual": facts.number(rf"prima_(?:anual|{cover})", "mxn"),
        "deducible_danos_pct": facts.number("deducible_danos", "pct"),
        "deducible_robo_pct": facts.number("deducible_robo", "pct"),
    }
    return {key: value for key, value in found.items() if value is not None}


def comparar_costo_operacion(args: Mapping[str, Any], stated: Mapping[str, Any] = NOTHING) -> dict[str, Any]:
    """Monthly energy cost = litres * fuel price + kWh * electricity price, from the catalogue's consumption per
    motorisation (a plug-in hybrid drives `fraccion_electrica` of its km on electricity); compared with a
    gasoline car over the same km. The seed's fuel economy wins: `km_por_litro` for the car (when it burns fuel),
    `km_por_litro_gasolina` for the gasoline car it is compared with."""
    km, kind = args["km_mensuales"], args["motorizacion"]
    require(km > 0, ENERGY, f"km_mensuales must be > 0, got {km}")
    energy = automotive()["energia"]
    profile = dict(energy["motorizaciones"][kind])
    if "km_por_litro" in profile and "km_por_litro" in stated:
        profile["km_por_litro"] = stated["km_por_litro"]
    litres, kwh = _consumption(profile, km)
    cost = litres * energy["precio_litro_gasolina"] + kwh * energy["precio_kwh"]
    reference = stated.get("km_por_litro_gasolina", energy["motorizaciones"]["gasolina"]["km_por_litro"])
    gasoline = km / reference * energy["precio_litro_gasolina"]
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


def observe_costo_operacion(facts: SeedFacts) -> dict[str, Any]:
    """`rendimiento_22_km_por_litro` (the car) and `rendimiento_actual_13_km_por_litro` (the car it replaces)."""
    found = {
        "km_por_litro": facts.number("rendimiento", "km_por_litro"),
        "km_por_litro_gasolina": facts.number("rendimiento_actual", "km_por_litro"),
    }
    return {key: value for key, value in found.items() if value is not None}


TOOLS = (
    ToolImpl(
        VALUATION, valuar_auto_usado, derive_valuacion, observe_valuacion,
        frozenset({"valor_toma", "valor_mercado_estimado", "descuento_por_siniestro_pct", "unidades"}),
    ),
    ToolImpl(
        INSURANCE, cotizar_seguro, derive_seguro, observe_seguro,
        frozenset({"prima_anual", "deducible_danos_pct", "deducible_robo_pct"}),
    ),
    ToolImpl(
        ENERGY, comparar_costo_operacion, derive_costo_operacion, observe_costo_operacion,
        frozenset({"km_por_litro", "km_por_litro_gasolina"}),
    ),
)  # fmt: skip
