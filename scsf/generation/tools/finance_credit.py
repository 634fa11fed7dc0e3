"""Banking credit tools: `simular_credito` and `evaluar_capacidad_pago`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scsf.generation.tools.base import ToolImpl, catalog, require
from scsf.generation.tools.facts import SeedFacts, annual_rate_pct, stepped, term_months
from scsf.generation.tools.money import (
    centavos, effective_annual_pct, fixed_payment, monthly_rate, nominal_from_effective_pct,
)  # fmt: skip

SIMULATION = "simular_credito"
CAPACITY = "evaluar_capacidad_pago"
ROWS_SHOWN = 3
TERMS_MONTHS = (12, 24, 36, 48, 60)


def simular_credito(args: Mapping[str, Any]) -> dict[str, Any]:
    """Monthly payments at a fixed nominal rate, r = tasa_anual_pct / 1200, amounts in centavos (half up).

    pagos_fijos (French): pago = monto * r / (1 - (1 + r)^-n); total = pago * n.
    capital_constante (German): capital = monto / n; pago_k = capital + r * saldo_k; first = capital + r * monto,
    last = capital * (1 + r); intereses = r * monto * (n + 1) / 2.
    CAT without fees or IVA = ((1 + r)^12 - 1) * 100, one decimal. `primeros_pagos` shows the first rows.
    """
    amount, months, rate = args["monto"], args["plazo_meses"], args["tasa_anual_pct"]
    kind = args.get("tipo_amortizacion", "pagos_fijos")
    require(amount > 0, SIMULATION, f"monto must be > 0, got {amount}")
    require(months >= 1, SIMULATION, f"plazo_meses must be >= 1, got {months}")
    require(rate >= 0, SIMULATION, f"tasa_anual_pct must be >= 0, got {rate}")
    r = monthly_rate(rate)
    if kind == "pagos_fijos":
        payment = centavos(fixed_payment(amount, rate, months))
        first = last = payment
        interest = centavos(payment * months - amount)
    else:
        capital = amount / months
        first, last = centavos(capital + r * amount), centavos(capital * (1 + r))
        interest = centavos(r * amount * (months + 1) / 2)
    return {
        "monto": amount,
        "plazo_meses": months,
        "tasa_anual_pct": rate,
        "tipo_amortizacion": kind,
        "primer_pago": first,
        "ultimo_pago": last,
        "total_pagado": centavos(amount + interest),
        "intereses_totales": interest,
        "cat_sin_iva_pct": round(effective_annual_pct(rate), 1),
        "primeros_pagos": _first_rows(amount, r, months, kind, first),
    }


def _first_rows(amount: float, r: float, months: int, kind: str, fixed: float) -> list[dict[str, Any]]:
    rows, balance = [], amount
    for period in range(1, min(months, ROWS_SHOWN) + 1):
        interest = centavos(balance * r)
        capital = centavos(fixed - interest) if kind == "pagos_fijos" else centavos(amount / months)
        balance = centavos(balance - capital)
        rows.append({"periodo": period, "pago": centavos(capital + interest), "interes": interest, "capital": capital,
                     "saldo": balance})  # fmt: skip
    return rows


def derive_simulacion(facts: SeedFacts) -> dict[str, Any]:
    """The stated amount, term and rate; without a rate, the one whose CAT is the seed's (`cat_promedio_22pct`:
    20.05 %); else drawn."""
    amount = facts.number(r"(?:credito(?:_[a-z]+)*|saldo|monto)", "mxn")
    months, rate = term_months(facts), annual_rate_pct(facts)
    if rate is None and (cat := facts.number(r"cat(?:_[a-z]+)*", "pct")) is not None:
        rate = round(nominal_from_effective_pct(cat), 2)
    return {
        "monto": amount if amount is not None else facts.draw("monto", lambda r: stepped(r, 50000, 500000, 5000)),
        "plazo_meses": months if months is not None else facts.draw("plazo_meses", lambda r: r.choice(TERMS_MONTHS)),
        "tasa_anual_pct": rate if rate is not None else facts.draw("tasa", lambda r: stepped(r, 12, 30, 0.5)),
    }


def evaluar_capacidad_pago(args: Mapping[str, Any]) -> dict[str, Any]:
    """Debt-to-income ratio = pagos / ingreso considerado * 100 (income that cannot be proven counts at 70 %);
    recommended ceiling for all debt payments = 35 % of that income; up to 30 % saludable, up to 40 % en_limite,
    above sobreendeudado."""
    income, debts = args["ingreso_mensual"], args["pagos_deuda_mensual"]
    proven = args.get("ingreso_comprobable", True)
    require(income > 0, CAPACITY, f"ingreso_mensual must be > 0, got {income}")
    require(debts >= 0, CAPACITY, f"pagos_deuda_mensual must be >= 0, got {debts}")
    policy = catalog("finance")["capacidad_pago"]
    considered = income if proven else income * policy["factor_ingreso_no_comprobable"]
    ratio = debts / considered * 100
    ceiling = considered * policy["razon_maxima_pct"] / 100
    level = (
        "saludable" if ratio <= policy["saludable_hasta_pct"]
        else "en_limite" if ratio <= policy["en_limite_hasta_pct"]
        else "sobreendeudado"
    )  # fmt: skip
    return {
        "ingreso_considerado": centavos(considered),
        "razon_deuda_ingreso_pct": round(ratio, 2),
        "razon_maxima_pct": policy["razon_maxima_pct"],
        "pago_maximo_recomendable": centavos(ceiling),
        "capacidad_disponible": centavos(max(ceiling - debts, 0)),
        "nivel": level,
    }


def derive_capacidad(facts: SeedFacts) -> dict[str, Any]:
    income = facts.number("(?:ingreso_mensual|ventas_mensuales)", "mxn")
    if income is None:
        income = facts.draw("ingreso", lambda rng: stepped(rng, 12000, 80000, 500))
    if (ratio := facts.number("razon_deuda_ingreso", "pct")) is not None:
        debts = centavos(income * ratio / 100)
    else:
        debts = facts.number(r"pagos?_deuda(?:_mensual)?", "mxn")
    if debts is None:
        debts = facts.draw("pagos_deuda", lambda rng: round(income * rng.uniform(0.05, 0.40), -2))
    arguments: dict[str, Any] = {"ingreso_mensual": income, "pagos_deuda_mensual": debts}
    if facts.has("ingreso_informal", "ingreso_por_nomina"):
        arguments["ingreso_comprobable"] = not facts.has("ingreso_informal")
    return arguments


TOOLS = (
    ToolImpl(SIMULATION, simular_credito, derive_simulacion),
    ToolImpl(CAPACITY, evaluar_capacidad_pago, derive_capacidad),
)
