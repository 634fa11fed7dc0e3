"""The acceptance gate: six metrics per conversation, thresholds from the seed, privacy with the real scanner."""

from __future__ import annotations

import pytest

from eval_cases import FAITHFUL, NoPii, conversation, make_seed
from scsf.domains import DomainRegistry
from scsf.eval.base import METRIC_NAMES
from scsf.eval.evaluator import EvaluationError, Evaluator
from scsf.privacy import PiiScanner
from scsf.seeds.schema import DEFAULT_THRESHOLDS

CURP = "BOXW310820HNERXN09"  # check digit valid


@pytest.fixture(scope="module")
def scanner() -> PiiScanner:
    return PiiScanner().warm_up()


def test_faithful_conversation_is_accepted(domains: DomainRegistry, scanner: PiiScanner) -> None:
    seed = make_seed(domains)
    verdict = Evaluator(scanner, domains).evaluate(conversation(seed, FAITHFUL), seed)
    assert [result.name for result in verdict.results] == list(METRIC_NAMES)
    assert verdict.accepted, verdict.reasons
    assert verdict.reasons == []
    assert verdict.result("privacy_score").score == 0.0
    assert verdict.result("memorizacion").score is None


def test_valid_curp_is_rejected_for_privacy(domains: DomainRegistry, scanner: PiiScanner) -> None:
    seed = make_seed(domains)
    texts = list(FAITHFUL)
    texts[2] = ("cliente", f"No tengo historial crediticio; mi CURP es {CURP} por si la necesita.")
    verdict = Evaluator(scanner, domains).evaluate(conversation(seed, texts), seed)
    privacy = verdict.result("privacy_score")
    assert not verdict.accepted and not privacy.passed
    assert privacy.score == 1.0 and privacy.details == {"by_type": {"CURP": 1}}
    assert "privacy_score: turn 3 (cliente): 1 CURP" in verdict.reasons
    assert all(CURP not in reason for reason in verdict.reasons)
    assert [result.name for result in verdict.results if not result.passed] == ["privacy_score"]


def test_thresholds_come_from_the_seed_then_table_1(domains: DomainRegistry) -> None:
    seed = make_seed(domains, metricas_calidad={"rouge_l_min": 0.9, "diversidad_lexica_min": 0.95, "fidelidad_factual_min": 0.5})
    verdict = Evaluator(NoPii(), domains).evaluate(conversation(seed, FAITHFUL), seed)
    thresholds = {result.name: result.threshold for result in verdict.results}
    assert thresholds == {
        "rouge_l": 0.9, "fidelidad_factual": 0.5, "diversidad_lexica": 0.95,
        "coherencia_dialogo": DEFAULT_THRESHOLDS["coherencia_dialogo_min"], "privacy_score": 0.0, "memorizacion": 0.01,
    }  # fmt: skip
    assert not verdict.accepted
    assert {reason.split(":")[0] for reason in verdict.reasons} == {"rouge_l", "diversidad_lexica"}


def test_tool_results_support_quoted_values(domains: DomainRegistry) -> None:
    seed = make_seed(domains)
    texts = list(FAITHFUL)
    texts[3] = ("agente_ventas", "Le propongo enganche del 20 % a 48 meses: mensualidad de $6,512.40 con tasa de 16.9%.")
    tools = [{"name": "calcular_financiamiento", "arguments": {"tasa_anual": 16.9}, "result": {"mensualidad": 6512.4}}]
    evaluator = Evaluator(NoPii(), domains)
    assert evaluator.evaluate(conversation(seed, texts, {"tools": tools}), seed).result("fidelidad_factual").score == 1.0
    without = evaluator.evaluate(conversation(seed, texts), seed).result("fidelidad_factual")
    assert without.score == 0.5 and not without.passed


def test_another_seed_is_refused(domains: DomainRegistry) -> None:
    seed = make_seed(domains)
    other = make_seed(domains, seed_id="5d3a2c1b-0e9f-4a8b-8c7d-6e5f4a3b2c1d")
    with pytest.raises(EvaluationError, match="is not seed"):
        Evaluator(NoPii(), domains).evaluate(conversation(seed, FAITHFUL), other)


def test_verdict_round_trips_as_a_dict(domains: DomainRegistry) -> None:
    seed = make_seed(domains)
    verdict = Evaluator(NoPii(), domains).evaluate(conversation(seed, FAITHFUL[:4]), seed)
    document = verdict.as_dict()
    assert document["accepted"] is False and document["conversation_id"] == "conv-1"
    assert [result["name"] for result in document["results"]] == list(METRIC_NAMES)
    assert "coherencia_dialogo: 4 message turns outside 8..20" in document["reasons"]
