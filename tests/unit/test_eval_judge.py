"""LlmJudge with scripted answers: code decides support, the guard drops what the dialogue does not say, bad answers
are asked again and then fail closed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from eval_cases import FAITHFUL, NoPii, conversation, make_seed
from scripted_backend import ScriptedBackend

from scsf.domains import DomainRegistry
from scsf.errors import GenerationError
from scsf.eval.evaluator import Evaluator
from scsf.eval.fidelity import Claim
from scsf.eval.judge import LlmJudge
from scsf.eval.judge_grounding import says_number, speaks_as
from scsf.eval.judge_prompt import KINDS


def answer(
    valores: dict[str, tuple[int, float]] | None = None,
    productos: list[tuple[int, str]] = (),
    restricciones: dict[str, tuple[str, int]] | None = None,
    cambio_rol: list[int] = (),
) -> str:
    """A judge answer for listing 1's seed; restrictions default to not mentioned."""
    states = {"sin_historial_crediticio": ("no_mencionada", 1), "ingreso_informal": ("no_mencionada", 1)}
    states.update(restricciones or {})
    document: dict[str, Any] = {
        "valores": {kind: None for kind in KINDS},
        "productos": [{"turno": turn, "nombre": name} for turn, name in productos],
        "restricciones": {name: {"estado": state, "turno": turn} for name, (state, turn) in states.items()},
        "cambio_rol": list(cambio_rol),
    }
    for kind, (turn, value) in (valores or {}).items():
        document["valores"][kind] = {"turno": turn, "valor": value}
    return json.dumps(document, ensure_ascii=False)


def judge_claims(domains: DomainRegistry, texts, *answers: str, generation: dict | None = None) -> list[Claim]:
    seed = make_seed(domains)
    backend = ScriptedBackend()
    for text in answers:
        backend.enqueue(text)
    return LlmJudge(backend)(conversation(seed, texts, generation), seed, domains.get(seed.dominio))


def with_turn(number: int, role: str, text: str) -> list[tuple[str, str]]:
    texts = list(FAITHFUL)
    texts[number - 1] = (role, text)
    return texts


def test_faithful_values_add_no_claims_beside_the_deterministic_ones(domains: DomainRegistry) -> None:
    claims = judge_claims(
        domains, FAITHFUL,
        answer({"enganche_pct": (4, 20), "plazo_meses": (4, 48)}, [(1, "sedán compacto")],
               {"sin_historial_crediticio": ("respeta", 4)}),
    )  # fmt: skip
    assert claims == [
        Claim(1, "producto", (), "'sedán compacto'", True),
        Claim(4, "restriccion", (), "sin_historial_crediticio honoured", True),
    ]


def test_wrong_down_payment_in_words_is_caught(domains: DomainRegistry) -> None:
    texts = with_turn(4, "agente_ventas", "Le propongo un enganche del treinta por ciento y plazo de 48 meses.")
    claims = judge_claims(domains, texts, answer({"enganche_pct": (4, 30), "plazo_meses": (4, 48)}))
    assert claims == [Claim(4, "enganche_pct", (30.0,), "30", False)]


def test_a_term_that_is_another_facts_number_is_caught_by_kind(domains: DomainRegistry) -> None:
    # "20 meses" is supported by number (the 20 % down payment) but is no term of the seed: 48.
    texts = with_turn(4, "agente_ventas", "Le propongo enganche del 20 % y un plazo de 20 meses.")
    claims = judge_claims(domains, texts, answer({"enganche_pct": (4, 20), "plazo_meses": (4, 20)}))
    assert claims == [Claim(4, "plazo_meses", (20.0,), "20 (the seed's or tools' plazo_meses: 48)", False)]


def test_a_wrong_value_the_deterministic_claims_catch_is_counted_once(domains: DomainRegistry) -> None:
    texts = with_turn(4, "agente_ventas", "Le propongo enganche del 35 % y plazo de 48 meses.")
    assert judge_claims(domains, texts, answer({"enganche_pct": (4, 35)})) == []


def test_a_mislabelled_value_is_left_to_the_deterministic_reading(domains: DomainRegistry) -> None:
    # The judge calls the 48 months a down payment amount: the text says months, so the judge is ignored.
    assert judge_claims(domains, FAITHFUL, answer({"enganche_monto": (4, 48)})) == []


def test_tool_results_support_quoted_values_by_kind(domains: DomainRegistry) -> None:
    texts = with_turn(
        4, "agente_ventas", "Con enganche del 20 % a 48 meses su mensualidad queda en seis mil quinientos."
    )
    tools = [{"name": "calcular_financiamiento", "arguments": {}, "result": {"mensualidad": 6500, "plazo_meses": 48}}]
    judged = answer({"mensualidad": (4, 6500)})
    assert judge_claims(domains, texts, judged, generation={"tools": tools}) == [
        Claim(4, "mensualidad", (6500.0,), "6,500", True)
    ]
    assert judge_claims(domains, texts, judged) == [Claim(4, "mensualidad", (6500.0,), "6,500", None)]


def test_invented_product_is_caught_and_generic_names_are_no_products(domains: DomainRegistry) -> None:
    texts = with_turn(4, "agente_ventas", "Le propongo el Zentra GT, un auto con enganche del 20 % a 48 meses.")
    claims = judge_claims(domains, texts, answer(productos=[(4, "Zentra GT"), (4, "auto"), (1, "Sedán compacto LX")]))
    assert claims == [  # names are compared by their words of 3 letters or more: trim codes (LX) are not checked
        Claim(4, "producto", (), "'Zentra GT'", False),
        Claim(1, "producto", (), "'Sedán compacto LX'", True),
    ]


def test_product_named_by_a_tool_result_is_supported(domains: DomainRegistry) -> None:
    texts = with_turn(4, "agente_ventas", "Tenemos el Sedán compacto EX con enganche del 20 % a 48 meses.")
    tools = [
        {"name": "buscar_inventario", "arguments": {}, "result": {"unidades": [{"modelo": "Sedán compacto EX 2026"}]}}
    ]
    claims = judge_claims(domains, texts, answer(productos=[(4, "Sedán compacto EX")]), generation={"tools": tools})
    assert claims == [Claim(4, "producto", (), "'Sedán compacto EX'", True)]


def test_contradicted_restriction_is_unsupported(domains: DomainRegistry) -> None:
    texts = with_turn(6, "agente_ventas", "Sin historial crediticio no podemos; necesitará un aval con buen historial.")
    claims = judge_claims(domains, texts, answer(restricciones={"sin_historial_crediticio": ("contradice", 6)}))
    assert claims == [Claim(6, "restriccion", (), "sin_historial_crediticio contradicted by the dialogue", False)]


def test_restriction_in_a_turn_that_does_not_speak_of_it_is_ignored(domains: DomainRegistry) -> None:
    claims = judge_claims(domains, FAITHFUL, answer(restricciones={"ingreso_informal": ("contradice", 8)}))
    assert claims == [Claim(6, "restriccion", (), "ingreso_informal contradicted by the dialogue", False)]
    texts = [(role, "Gracias, hasta luego.") for role, _ in FAITHFUL]
    assert judge_claims(domains, texts, answer(restricciones={"ingreso_informal": ("contradice", 8)})) == []


def test_role_swap_is_unsupported_only_where_the_turn_speaks_as_the_other_side(domains: DomainRegistry) -> None:
    texts = with_turn(3, "cliente", "Le puedo ofrecer un plan con enganche del 20 % a 48 meses, sin historial.")
    claims = judge_claims(domains, texts, answer(cambio_rol=[4, 7]))  # 4: a neighbour of the swapped turn
    assert claims == [Claim(3, "rol", (), "cliente says what the asistente side says", False)]


def test_hallucinated_values_and_products_are_ignored(domains: DomainRegistry) -> None:
    claims = judge_claims(domains, FAITHFUL, answer({"precio": (4, 450000), "tasa_pct": (4, 12.5)}, [(4, "Zentra GT")]))
    assert claims == []


def test_malformed_answer_is_asked_again_sampled(domains: DomainRegistry) -> None:
    seed = make_seed(domains)
    backend = ScriptedBackend().enqueue("{not json").enqueue(answer(productos=[(1, "sedán compacto")]))
    judge = LlmJudge(backend, max_attempts=2)
    claims = judge(conversation(seed, FAITHFUL), seed, domains.get(seed.dominio))
    assert claims == [Claim(1, "producto", (), "'sedán compacto'", True)]
    assert [request.temperature for request in backend.requests] == [0.0, 0.7]
    assert judge.usage.calls == 2 and judge.usage.failed == 0


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        (answer(cambio_rol=[9]), "turns [9] do not exist (the dialogue has 8)"),
        (answer(restricciones={"sin_aval": ("respeta", 1)}), "restricciones must be exactly"),
        (json.dumps({"valores": {}}), "productos"),
    ],
)
def test_answers_that_stay_invalid_fail_closed(domains: DomainRegistry, bad: str, why: str) -> None:
    seed = make_seed(domains)
    backend = ScriptedBackend().enqueue_error(GenerationError("server down")).enqueue(bad)
    judge = LlmJudge(backend, max_attempts=2)
    (claim,) = judge(conversation(seed, FAITHFUL), seed, domains.get(seed.dominio))
    assert (claim.turn, claim.kind, claim.supported) == (0, "juez", False)
    assert claim.label.startswith(f"the judge model {backend.model_info['name']} gave no valid answer in 2 attempts")
    assert why in claim.label and judge.usage.failed == 1


def test_prompt_gives_the_seed_facts_tools_and_numbered_dialogue(domains: DomainRegistry) -> None:
    seed = make_seed(domains)
    backend = ScriptedBackend().enqueue(answer())
    tools = [{"name": "calcular_financiamiento", "arguments": {}, "result": {"mensualidad": 6512.4}}]
    LlmJudge(backend)(conversation(seed, FAITHFUL, {"tools": tools}), seed, domains.get(seed.dominio))
    (request,) = backend.requests
    prompt = request.messages[-1]["content"]
    for fact in ["sedan_compacto", "enganche_20pct", "plazo_48_meses", "sin_historial_crediticio", "ingreso_informal"]:
        assert fact in prompt
    assert 'calcular_financiamiento: {"mensualidad":6512.4}' in prompt
    assert f"4. [agente_ventas] {FAITHFUL[3][1]}" in prompt and "Diálogo (8 turnos)" in prompt
    schema = request.json_schema["properties"]
    assert schema["cambio_rol"]["items"]["enum"] == list(range(1, 9))
    assert schema["restricciones"]["required"] == ["sin_historial_crediticio", "ingreso_informal"]
    assert list(schema["valores"]["properties"]) == list(KINDS)
    assert request.temperature == 0.0


def test_judge_claims_join_factual_fidelity(domains: DomainRegistry) -> None:
    seed = make_seed(domains)
    texts = with_turn(4, "agente_ventas", "Le propongo el Zentra GT con enganche del 20 % y plazo de 48 meses.")
    backend = ScriptedBackend().enqueue(answer(productos=[(4, "Zentra GT")]))
    verdict = Evaluator(NoPii(), domains, judge=LlmJudge(backend)).evaluate(conversation(seed, texts), seed)
    fidelity = verdict.result("fidelidad_factual")
    assert fidelity.details["checked"] == 3 and fidelity.score == round(2 / 3, 4) and not verdict.accepted
    assert "fidelidad_factual: turn 4: producto 'Zentra GT' is named by neither the seed nor a tool result" in (
        verdict.reasons
    )


@pytest.mark.parametrize(
    ("text", "value", "months", "says"),
    [
        ("plazo de cuarenta y ocho meses", 48, False, True),
        ("a cuatro años", 48, True, True),
        ("a cuatro años", 48, False, False),
        ("enganche de $77,980 pesos", 77980, False, True),
        ("unos veinte mil de enganche", 20000, False, True),
        ("precio de 389 mil", 389000, False, True),
        ("hasta luego", 20, False, False),
    ],
)
def test_numbers_are_found_in_any_written_form(text: str, value: float, months: bool, says: bool) -> None:
    assert says_number(text, value, months=months) is says


def test_speech_acts_of_each_side(domains: DomainRegistry) -> None:
    pack = domains.get("automotive.sales")
    assert speaks_as("asistente", "Le ofrezco un plan a 48 meses", pack)
    assert speaks_as("usuario", "Busco un sedán para la familia", pack)
    assert not speaks_as("asistente", "Me preocupa la mensualidad", pack)
