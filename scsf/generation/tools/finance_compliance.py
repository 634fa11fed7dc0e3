"""Compliance tool: `evaluar_alerta_aml`."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scsf.generation.tools.base import NOTHING, ToolImpl, catalog, require
from scsf.generation.tools.facts import SeedFacts, number_from_id, stepped, whole

AML = "evaluar_alerta_aml"
OPERATIONS = ("deposito_efectivo", "transferencia_nacional", "transferencia_internacional", "compra_divisas")
POLITICALLY_EXPOSED = "persona_politicamente_expuesta"
RISK_FACTORS = (POLITICALLY_EXPOSED, "operacion_inusual")
ACTIONS = {
    "bajo": "sin_accion_adicional",
    "medio": "documentar_origen_de_recursos",
    "alto": "escalar_a_oficial_de_cumplimiento",
}


def evaluar_alerta_aml(args: Mapping[str, Any], stated: Mapping[str, Any] = NOTHING) -> dict[str, Any]:
    """Simplified screening: the amount in USD at the catalogue's exchange rates; cash deposits and currency
    purchases from USD 7,500 are `operacion_relevante`; international transfers from USD 1,000 are
    `transferencia_internacional_reportable`; 8 or more operations in the month are `posible_fraccionamiento`;
    risk factors the seed states (`factores_riesgo`: a politically exposed person, an operation already flagged as
    unusual) are alerts too. Risk: no alert bajo, one medio, more alto; a politically exposed person is always alto
    (enhanced due diligence)."""
    kind, amount, currency = args["tipo_operacion"], args["monto"], args["moneda"]
    require(amount > 0, AML, f"monto must be > 0, got {amount}")
    rules = catalog("finance")["aml"]
    usd = amount * rules["tipo_cambio_mxn"][currency] / rules["tipo_cambio_mxn"]["USD"]
    alerts = []
    if kind in ("deposito_efectivo", "compra_divisas") and usd >= rules["umbral_relevante_usd"]:
        alerts.append("operacion_relevante")
    if kind == "transferencia_internacional" and usd >= rules["umbral_transferencia_internacional_usd"]:
        alerts.append("transferencia_internacional_reportable")
    if args.get("operaciones_mes", 0) >= rules["operaciones_mes_fraccionamiento"]:
        alerts.append("posible_fraccionamiento")
    factors = list(stated.get("factores_riesgo", []))
    require(set(factors) <= set(RISK_FACTORS), AML, f"factores_riesgo must be among {list(RISK_FACTORS)}")
    alerts += factors
    risk = "bajo" if not alerts else "medio" if len(alerts) == 1 else "alto"
    if POLITICALLY_EXPOSED in factors:
        risk = "alto"
    return {
        "tipo_operacion": kind,
        "monto_usd_equivalente": round(usd, 2),
        "tipo_cambio_usd_mxn": rules["tipo_cambio_mxn"]["USD"],
        "alertas": alerts,
        "nivel_riesgo": risk,
        "accion_sugerida": ACTIONS[risk],
    }


def derive_aml(facts: SeedFacts) -> dict[str, Any]:
    """`deposito_efectivo_200000_mxn`, `transferencia_internacional_15000_usd`; else a drawn operation in pesos."""
    pattern = rf"(?:[a-z_]*_)?({'|'.join(OPERATIONS)})_(\d+(?:_\d+)?)(_millones)?_(mxn|usd|eur)"
    if match := facts.match(pattern):
        amount = number_from_id(match[2]) * (1_000_000 if match[3] else 1)
        arguments: dict[str, Any] = {"tipo_operacion": match[1], "monto": whole(amount), "moneda": match[4].upper()}
    else:
        arguments = {
            "tipo_operacion": facts.draw("tipo_operacion", lambda rng: rng.choice(OPERATIONS)),
            "monto": facts.draw("monto", lambda rng: stepped(rng, 20000, 900000, 1000)),
            "moneda": "MXN",
        }
    if (count := facts.number("operaciones_mes", integer=True)) is not None:
        arguments["operaciones_mes"] = count
    return arguments


def observe_aml(facts: SeedFacts) -> dict[str, Any]:
    """The risk factors among the seed's constraints and entities."""
    factors = [factor for factor in RISK_FACTORS if facts.has(factor)]
    return {"factores_riesgo": factors} if factors else {}


TOOLS = (ToolImpl(AML, evaluar_alerta_aml, derive_aml, observe_aml, frozenset({"factores_riesgo"})),)
