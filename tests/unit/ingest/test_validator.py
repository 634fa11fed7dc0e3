"""ValidadorConversacional: each check on hand-made conversations, exact scores and reasons."""

from __future__ import annotations

import json

from scsf.ingest.validator import TurnView, ValidadorConversacional
from scsf.seeds.schema import Seed


def no_pii(texts):
    return [0 for _ in texts]


def test_clean_conversation_passes_every_applicable_check(domains) -> None:
    turns = [
        TurnView("cliente", "Quiero cotizar el sedan compacto con enganche del 20 %"),
        TurnView("agente_ventas", "Con gusto, el sedan compacto con enganche del 20 % queda a 48 meses"),
        TurnView("cliente", "¿Y a 48 meses cuánto sería la mensualidad del sedan?"),
        TurnView("agente_ventas", "La mensualidad del sedan a 48 meses depende de la tasa"),
    ]
    report = ValidadorConversacional(domains.get("automotive.sales"), no_pii).validar(turns)
    checks = {check.name: check for check in report.checks}
    assert report.passed is True
    assert checks["roles_consistentes"].score == 1.0
    assert checks["continuidad_topica"].score == 1.0
    assert checks["fidelidad_factual"].passed is None and checks["fidelidad_factual"].reasons == ["no linked seed"]
    assert checks["longitud_objetivo"].passed is True
    assert report.score == 1.0


def test_failures_are_explained(domains) -> None:
    turns = [TurnView("cliente", "hola"), TurnView("cliente", "precio de la camioneta"), TurnView("piloto", "xyz")]
    pii = lambda texts: [0, 2, 0]  # noqa: E731
    report = ValidadorConversacional(domains.get("automotive.sales"), pii).validar(turns)
    checks = {check.name: check for check in report.checks}
    assert checks["roles_consistentes"].reasons == [
        "roles not in domain automotive.sales: piloto",
        "no asistente-side turn",
    ]
    assert checks["pii_residual"].passed is False and checks["pii_residual"].reasons == ["turn 2: 2 PII findings"]
    assert checks["continuidad_topica"].score == 0.5
    assert report.passed is False


def test_factual_fidelity_against_a_linked_seed(domains, listing1) -> None:
    seed = Seed.model_validate(listing1, context={"domains": domains})
    text = "El enganche es del 20 % y el plazo de 48 meses para el sedan compacto"
    turns = [TurnView("cliente", text), TurnView("agente_ventas", "Así es, 20 % de enganche")] * 4
    report = ValidadorConversacional(domains.get("automotive.sales"), no_pii).validar(turns, seed)
    fidelity = next(check for check in report.checks if check.name == "fidelidad_factual")
    assert (fidelity.passed, fidelity.score) == (True, 1.0)
    wrong = [TurnView("cliente", "enganche del 30 % a 48 meses"), TurnView("agente_ventas", "sí")] * 4
    fidelity = next(c for c in ValidadorConversacional(domains.get("automotive.sales"), no_pii).validar(wrong, seed).checks
                    if c.name == "fidelidad_factual")  # fmt: skip
    assert (fidelity.passed, fidelity.score, fidelity.reasons) == (False, 0.5, ["value of enganche_20pct not found"])
    assert json.dumps(ValidadorConversacional(domains.get("automotive.sales"), no_pii).validar(wrong, seed).as_dict())
