"""Automotive credit tools: `calcular_financiamiento` and `precalificar_credito`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from scsf.generation.tools.automotive_catalog import automotive, vehicle_price
from scsf.generation.tools.base import ToolImpl, require
from scsf.generation.tools.facts import SeedFacts, annual_rate_pct, stepped, term_months
from scsf.generation.tools.money import centavos, effective_annual_pct, fixed_payment, present_value

FINANCING = "calcular_financiamiento"
PREQUALIFY = "precalificar_credito"
DOWN_PAYMENTS_PCT = (10, 15, 20, 25, 30)
TERMS_MONTHS = (24, 36, 48, 60, 72)
# Rate ranges (percent, nominal annual) drawn when the seed gives none, by credit profile.
RATE_RANGES = {"con_atrasos": (18.9, 24.9), "sin_historial": (14.9, 19.9), "limpio": (10.9, 15.9)}


def calcular_financiamiento(args: Mapping[str, Any]) -> dict[str, Any]:
    """Fixed-rate car loan, French amortisation, amounts rounded to centavos (half up):

    enganche = precio * enganche_pct / 100;  monto_financiado = precio - enganche;  r = tasa_anual_pct / 1200;
    mensualidad = monto * r / (1 - (1 + r)^-plazo)  (monto / plazo at r = 0);  total_pagado = mensualidad * plazo;
    intereses = total_pagado - monto_financiado;  cat_sin_iva_pct = ((1 + r)^12 - 1) * 100, one decimal
    (no fees, so the CAT is the effective annual rate).
    """
    price, down_pct, months, rate = args["precio"], args["enganche_pct"], args["plazo_meses"], args["tasa_anual_pct"]
    require(price > 0, FINANCING, f"precio must be > 0, got {price}")
    require(0 <= down_pct < 100, FINANCING, f"enganche_pct must be in [0, 100), got {down_pct}")
    require(months >= 1, FINANCING, f"plazo_meses must be >= 1, got {months}")
    require(rate >= 0, FINANCING, f"tasa_anual_pct must be >= 0, got {rate}")
    down = centavos(price * down_pct / 100)
    financed = centavos(price - down)
    payment = centavos(fixed_payment(financed, rate, months))
    paid = centavos(payment * months)
    return {
        "precio": price,
        "enganche_pct": down_pct,
        "enganche": down,
        "monto_financiado": financed,
        "plazo_meses": months,
        "tasa_anual_pct": rate,
        "mensualidad": payment,
        "total_pagado": paid,
        "intereses": centavos(paid - financed),
        "costo_total": centavos(down + paid),
        "cat_sin_iva_pct": round(effective_annual_pct(rate), 1),
    }


def credit_history(facts: SeedFacts) -> str:
    if facts.has("buro_con_atrasos"):
        return "con_atrasos"
    if facts.has("sin_historial_crediticio"):
        return "sin_historial"
    if facts.mentions("credito_anterior_liquidado", "cliente_recurrente"):
        return "limpio"
    return facts.draw("historial", lambda rng: rng.choice(["limpio", "sin_historial"]))


def derive_financiamiento(facts: SeedFacts) -> dict[str, Any]:
    down = facts.number(r"enganche(?:_cubierto)?", "pct")
    months = term_months(facts)
    rate = annual_rate_pct(facts)
    low, high = RATE_RANGES[credit_history(facts)]
    return {
        "precio": vehicle_price(facts),
        "enganche_pct": facts.or_draw(down, "enganche_pct", lambda rng: rng.choice(DOWN_PAYMENTS_PCT)),
        "plazo_meses": facts.or_draw(months, "plazo_meses", lambda rng: rng.choice(TERMS_MONTHS)),
        "tasa_anual_pct": facts.or_draw(rate, "tasa_anual_pct", lambda rng: stepped(rng, low, high, 0.1)),
    }


def precalificar_credito(args: Mapping[str, Any]) -> dict[str, Any]:
    """Prequalification from the catalogue's policy: the largest payment is a share of income by income type;
    rate and minimum down payment by history (+10 points of down payment for informal income);
    monto_maximo_financiable = present value of that payment over the reference term, down to the thousand;
    precio_vehiculo_maximo = monto / (1 - enganche_minimo), down to the thousand. Informal income or late payments
    mean `sujeto_a_revision` instead of `preaprobado`."""
    income, kind, history = args["ingreso_mensual"], args["tipo_ingreso"], args["historial"]
    require(income > 0, PREQUALIFY, f"ingreso_mensual must be > 0, got {income}")
    policy = automotive()["credito"]
    rate = policy["tasa_pct"][history]
    months = policy["plazo_referencia_meses"]
    down_pct = policy["enganche_minimo_pct"][history] + (10 if kind == "informal" else 0)
    payment = centavos(income * policy["razon_pago_ingreso_pct"][kind] / 100)
    financed = math.floor(present_value(payment, rate, months) / 1000) * 1000
    return {
        "dictamen": "sujeto_a_revision" if kind == "informal" or history == "con_atrasos" else "preaprobado",
        "tasa_estimada_pct": rate,
        "mensualidad_maxima": payment,
        "plazo_referencia_meses": months,
        "monto_maximo_financiable": financed,
        "enganche_minimo_pct": down_pct,
        "precio_vehiculo_maximo": math.floor(financed / (1 - down_pct / 100) / 1000) * 1000,
        "documentos": list(policy["documentos"][kind]),
    }


def income_type(facts: SeedFacts) -> str:
    for constraint, kind in (
        ("ingreso_informal", "informal"), ("ingreso_por_nomina", "nomina"), ("ingreso_por_honorarios", "honorarios"),
        ("uso_comercial", "actividad_empresarial"), ("flotilla_varias_unidades", "actividad_empresarial"),
    ):  # fmt: skip
        if facts.has(constraint):
            return kind
    if facts.mentions("declaraciones_anuales"):
        return "honorarios"
    return facts.draw("tipo_ingreso", lambda rng: rng.choice(["nomina", "honorarios", "actividad_empresarial"]))


def derive_precalificacion(facts: SeedFacts) -> dict[str, Any]:
    income = facts.number("ingreso_mensual", "mxn")
    return {
        "ingreso_mensual": facts.or_draw(income, "ingreso", lambda rng: stepped(rng, 15000, 60000, 500)),
        "tipo_ingreso": income_type(facts),
        "historial": credit_history(facts),
    }


TOOLS = (
    ToolImpl(FINANCING, calcular_financiamiento, derive_financiamiento),
    ToolImpl(PREQUALIFY, precalificar_credito, derive_precalificacion),
)
