"""Automotive credit tools: `calcular_financiamiento` and `precalificar_credito`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

from scsf.generation.tools.automotive_catalog import automotive, vehicle_price
from scsf.generation.tools.base import NOTHING, ToolImpl, require
from scsf.generation.tools.facts import SeedFacts, annual_rate_pct, stepped, term_months
from scsf.generation.tools.money import (
    centavos, effective_annual_pct, effective_annual_pct_with_fee, fixed_payment, present_value,
)  # fmt: skip

FINANCING = "calcular_financiamiento"
PREQUALIFY = "precalificar_credito"
DOWN_PAYMENTS_PCT = (10, 15, 20, 25, 30)
TERMS_MONTHS = (24, 36, 48, 60, 72)
# Rate ranges (percent, nominal annual) drawn when the seed gives none, by credit profile.
RATE_RANGES = {"con_atrasos": (18.9, 24.9), "sin_historial": (14.9, 19.9), "limpio": (10.9, 15.9)}


def calcular_financiamiento(args: Mapping[str, Any], stated: Mapping[str, Any] = NOTHING) -> dict[str, Any]:
    """Fixed-rate car loan, French amortisation, amounts rounded to centavos (half up):

    enganche = precio * enganche_pct / 100;  monto_financiado = precio - enganche;  r = tasa_anual_pct / 1200;
    mensualidad = monto * r / (1 - (1 + r)^-plazo)  (monto / plazo at r = 0);  total_pagado = mensualidad * plazo;
    intereses = total_pagado - monto_financiado;  cat_sin_iva_pct = ((1 + r)^12 - 1) * 100, one decimal
    (no fees, so the CAT is the effective annual rate).

    A stated opening fee (`comision_apertura_pct` of the amount financed) is added to costo_total and to the CAT
    (the rate at which the payments repay what the buyer receives); a stated CAT wins over the computed one.
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
    fee_pct = stated.get("comision_apertura_pct", 0)
    fee = centavos(financed * fee_pct / 100)
    cat = effective_annual_pct_with_fee(financed, fee, payment, months) if fee else effective_annual_pct(rate)
    fees = {"comision_apertura_pct": fee_pct, "comision_apertura": fee} if "comision_apertura_pct" in stated else {}
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
        **fees,
        "costo_total": centavos(down + paid + fee),
        "cat_sin_iva_pct": stated.get("cat_sin_iva_pct", round(cat, 1)),
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


def precalificar_credito(args: Mapping[str, Any], stated: Mapping[str, Any] = NOTHING) -> dict[str, Any]:
    """Prequalification from the catalogue's policy: the largest payment is a share of income by income type;
    rate and minimum down payment by history (+10 points of down payment for informal income);
    monto_maximo_financiable = present value of that payment over the reference term, down to the thousand;
    precio_vehiculo_maximo = monto / (1 - enganche_minimo), down to the thousand. Informal income or late payments
    mean `sujeto_a_revision` instead of `preaprobado`. The seed's rate and term replace the policy's, and the
    buyer's own ceiling (`mensualidad_maxima`) caps the payment."""
    income, kind, history = args["ingreso_mensual"], args["tipo_ingreso"], args["historial"]
    require(income > 0, PREQUALIFY, f"ingreso_mensual must be > 0, got {income}")
    policy = automotive()["credito"]
    rate = stated.get("tasa_estimada_pct", policy["tasa_pct"][history])
    months = stated.get("plazo_referencia_meses", policy["plazo_referencia_meses"])
    down_pct = policy["enganche_minimo_pct"][history] + (10 if kind == "informal" else 0)
    payment = centavos(min(income * payment_share(kind) / 100, stated.get("mensualidad_maxima", math.inf)))
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


def payment_share(kind: str) -> float:
    """The share of income (percent) the policy lets a car payment take, by income type."""
    return automotive()["credito"]["razon_pago_ingreso_pct"][kind]


def buyer_ceiling(facts: SeedFacts) -> int | float | None:
    """`mensualidad_max_6000_mxn`: the largest payment the buyer accepts."""
    return facts.number(r"mensualidad_max(?:ima)?", "mxn")


def derive_precalificacion(facts: SeedFacts) -> dict[str, Any]:
    """The stated income; else, with a stated payment ceiling, the smallest income (in steps of 500) whose share
    covers it, so the lender allows what the buyer asks; else a drawn income."""
    income, kind, ceiling = facts.number("ingreso_mensual", "mxn"), income_type(facts), buyer_ceiling(facts)
    if income is None and ceiling is not None:
        income = math.ceil(ceiling * 100 / payment_share(kind) / 500) * 500
    return {
        "ingreso_mensual": facts.or_draw(income, "ingreso", lambda rng: stepped(rng, 15000, 60000, 500)),
        "tipo_ingreso": kind,
        "historial": credit_history(facts),
    }


def observe_precalificacion(facts: SeedFacts) -> dict[str, Any]:
    """The seed's rate (`tasa_16_5pct_anual`), term (`plazo_60_meses`) and payment ceiling."""
    found = {
        "tasa_estimada_pct": annual_rate_pct(facts),
        "plazo_referencia_meses": term_months(facts),
        "mensualidad_maxima": buyer_ceiling(facts),
    }
    return {key: value for key, value in found.items() if value is not None}


def observe_financiamiento(facts: SeedFacts) -> dict[str, Any]:
    """`comision_apertura_2pct` and the CAT (`cat_17_4pct_sin_iva`)."""
    found = {
        "comision_apertura_pct": facts.number("comision_apertura", "pct"),
        "cat_sin_iva_pct": facts.number(r"cat(?:_[a-z]+)*", "pct"),
    }
    return {key: value for key, value in found.items() if value is not None}


TOOLS = (
    ToolImpl(
        FINANCING, calcular_financiamiento, derive_financiamiento, observe_financiamiento,
        frozenset({"comision_apertura_pct", "cat_sin_iva_pct"}),
    ),
    ToolImpl(
        PREQUALIFY, precalificar_credito, derive_precalificacion, observe_precalificacion,
        frozenset({"tasa_estimada_pct", "plazo_referencia_meses", "mensualidad_maxima"}),
    ),
)  # fmt: skip
