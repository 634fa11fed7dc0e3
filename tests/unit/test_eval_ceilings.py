"""The seed's monthly-payment ceiling against the monthly amounts the assistant proposes: exact claims, the tool
exemption, the sides and cues that count, and the verdict through the Evaluator."""

from __future__ import annotations

import pytest
from eval_cases import FAITHFUL, NoPii, conversation, make_seed, turns

from scsf.domains import DomainRegistry
from scsf.eval.ceilings import ceiling_claims, monthly_ceiling
from scsf.eval.evaluator import Evaluator
from scsf.seeds.schema import Seed

ENTITIES = ["sedan_compacto", "precio_389900_mxn", "enganche_20pct", "plazo_48_meses", "mensualidad_max_8500_mxn"]


@pytest.fixture
def seed(domains: DomainRegistry) -> Seed:
    return make_seed(
        domains,
        parametros_factuales__entidades_clave=ENTITIES,
        parametros_factuales__restricciones=["sin_historial_crediticio", "mensualidad_maxima"],
    )


def test_the_ceiling_comes_from_the_entity_only_with_the_restriction(domains: DomainRegistry, seed: Seed) -> None:
    assert monthly_ceiling(seed) == 8500
    assert monthly_ceiling(make_seed(domains, parametros_factuales__entidades_clave=ENTITIES)) is None


@pytest.mark.parametrize(
    "text",
    [
        "Le recomiendo que suba el pago a unos nueve mil al mes, para terminar antes.",
        "Con ese plazo la mensualidad queda en $9,200 y el CAT en 14.8%.",
        "Serían 48 pagos mensuales de $8,900.",
    ],
)
def test_a_monthly_amount_above_the_ceiling_contradicts_it(seed: Seed, text: str) -> None:
    [claim] = ceiling_claims(turns([("agente_ventas", text)]), seed, [])
    assert (claim.kind, claim.supported, claim.critical) == ("restriccion", False, True)
    assert claim.label.startswith("mensualidad_maxima: ") and claim.label.endswith("above the seed's ceiling of 8,500")


@pytest.mark.parametrize(
    "role, text",
    [
        ("agente_ventas", "Con enganche del 20 % la mensualidad queda en $8,400."),  # below
        ("agente_ventas", "El precio de lista es de $389,900 y el enganche de $77,980."),  # not monthly
        ("cliente", "Más de $9,000 al mes no puedo pagar."),  # the customer's side
        ("agente_ventas", "Sobre el precio de lista la mensualidad sale en $9,108.04."),  # a tool computed it
    ],
)
def test_what_does_not_contradict_the_ceiling(seed: Seed, role: str, text: str) -> None:
    result = {"precio": 389900, "enganche": 77980.0, "mensualidad": 9108.04, "intereses": 96465.92}  # unsorted
    tools = [{"name": "calcular_financiamiento", "arguments": {"plazo_meses": 48}, "result": result}]
    assert ceiling_claims(turns([(role, text)]), seed, tools) == []


def test_a_payment_above_the_ceiling_fails_factual_fidelity(seed: Seed, domains: DomainRegistry) -> None:
    texts = list(FAITHFUL)
    texts[5] = ("agente_ventas", "Para terminar antes, le conviene subir el pago a unos 9 mil al mes.")
    result = Evaluator(NoPii(), domains).evaluate(conversation(seed, texts), seed).result("fidelidad_factual")
    assert not result.passed and result.score == 0.5  # 20 % and 48 months supported; 9,000 and the ceiling not
    assert (
        "turn 6: restriccion mensualidad_maxima: 9,000 a month is above the seed's ceiling of 8,500" in result.reasons
    )
