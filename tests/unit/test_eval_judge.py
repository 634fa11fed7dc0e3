"""LlmJudge with scripted answers: code decides support, the guard drops what the dialogue does not say, bad answers
are asked again and then fail closed."""

from __future__ import annotations

import json
from typing import Any

import pytest
from eval_cases import FAITHFUL, SIDES, NoPii, conversation, make_seed
from scripted_backend import ScriptedBackend

from scsf.domains import DomainRegistry
from scsf.errors import GenerationError
from scsf.eval.evaluator import Evaluator
from scsf.eval.fidelity import Claim
from scsf.eval.judge import LlmJudge
from scsf.eval.judge_claims import kind_references
from scsf.eval.judge_grounding import says_number, speaks_as
from scsf.eval.judge_prompt import KINDS


def answer(valores: dict[str, tuple[int, float]] | None = None, productos: list[tuple[int, str]] = ()) -> str:
    """A whole-dialogue judge answer."""
    document: dict[str, Any] = {
        "valores": {kind: None for kind in KINDS},
        "productos": [{"turno": turn, "nombre": name} for turn, name in productos],
    }
    for kind, (turn, value) in (valores or {}).items():
        document["valores"][kind] = {"turno": turn, "valor": value}
    return json.dumps(document, ensure_ascii=False)


CHECKED = ["sin_historial_crediticio", "ingreso_informal"]  # listing 1's restrictions, both with a pack question


def turn_answers(
    texts: list[tuple[str, str]], speakers: dict[int, str] | None = None, contradicted: dict[int, list[str]] | None = None
) -> list[str]:
    """The per-turn answers in the order they are asked: the speaker (the turn's own role unless `speakers` names
    another), then on assistant turns each checked restriction's answer ("si" contradicts both, `contradicted`)."""
    speakers, contradicted = speakers or {}, contradicted or {}
    answers = []
    for number, (role, _) in enumerate(texts, start=1):
        answers.append(json.dumps({"habla": speakers.get(number, role)}))
        if SIDES[role] == "asistente":
            answers += [
                json.dumps({"respuesta": "si" if name in contradicted.get(number, []) else "no"}) for name in CHECKED
            ]
    return answers


def judge_claims(
    domains: DomainRegistry,
    texts: list[tuple[str, str]],
    judged: str,
    *,
    speakers: dict[int, str] | None = None,
    contradicted: dict[int, list[str]] | None = None,
    generation: dict | None = None,
) -> list[Claim]:
    seed = make_seed(domains)
    backend = ScriptedBackend().enqueue(judged)
    for text in turn_answers(texts, speakers, contradicted):
        backend.enqueue(text)
    return LlmJudge(backend)(conversation(seed, texts, generation), seed, domains.get(seed.dominio))


def with_turn(number: int, role: str, text: str) -> list[tuple[str, str]]:
    texts = list(FAITHFUL)
    texts[number - 1] = (role, text)
    return texts


def test_faithful_values_add_no_claims_beside_the_deterministic_ones(domains: DomainRegistry) -> None:
    # "sedán compacto" is a catalogue product: the deterministic catalogue check has counted it already.
    claims = judge_claims(
        domains, FAITHFUL, answer({"enganche_pct": (4, 20), "plazo_meses": (4, 48)}, [(1, "sedán compacto")])
    )
    assert claims == []


def test_wrong_down_payment_in_words_is_caught_without_the_judge(domains: DomainRegistry) -> None:
    texts = with_turn(4, "agente_ventas", "Le propongo un enganche del treinta por ciento y plazo de 48 meses.")
    # The deterministic reading has "treinta por ciento" (30 %): the judge's value is not counted a second time.
    assert judge_claims(domains, texts, answer({"enganche_pct": (4, 30), "plazo_meses": (4, 48)})) == []
    seed = make_seed(domains)
    result = Evaluator(NoPii(), domains).evaluate(conversation(seed, texts), seed).result("fidelidad_factual")
    assert result.score == 0.5 and not result.passed  # 30 % unsupported, 48 months supported
    assert result.reasons == [
        "score 0.5 below the threshold 0.9", "turn 4: porcentaje 30 is not stated by the seed nor by a tool result"
    ]


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
    claims = judge_claims(domains, texts, answer(productos=[(4, "Zentra GT"), (4, "auto"), (4, "Zentra")]))
    assert claims == [  # names are compared by their words of 3 letters or more: "GT" is not checked
        Claim(4, "producto", (), "'Zentra GT'", False),
        Claim(4, "producto", (), "'Zentra'", False),
    ]


def test_product_named_by_a_tool_result_is_supported(domains: DomainRegistry) -> None:
    texts = with_turn(4, "agente_ventas", "Tenemos el Zentra Sport EX con enganche del 20 % a 48 meses.")
    tools = [{"name": "buscar_inventario", "arguments": {}, "result": {"unidades": [{"modelo": "Zentra Sport 2026"}]}}]
    claims = judge_claims(domains, texts, answer(productos=[(4, "Zentra Sport EX")]), generation={"tools": tools})
    assert claims == [Claim(4, "producto", (), "'Zentra Sport EX'", True)]


def test_the_customers_own_things_are_no_products(domains: DomainRegistry) -> None:
    texts = with_turn(3, "cliente", "Mi Zentra GT 2019 ya no me alcanza; no tengo historial ni ingresos de nómina.")
    assert judge_claims(domains, texts, answer(productos=[(3, "Zentra GT")])) == []
    offered = with_turn(4, "agente_ventas", "Le propongo el Zentra GT con enganche del 20 % y plazo de 48 meses.")
    assert judge_claims(domains, offered, answer(productos=[(3, "Zentra GT")])) == [
        Claim(4, "producto", (), "'Zentra GT'", False)  # the judge miscounted: the nearest assistant turn says it
    ]


def test_a_seed_id_states_a_kind_from_any_of_its_words(domains: DomainRegistry) -> None:
    entities = ["sedan_compacto", "suv_compacta_precio_459900_mxn", "enganche_20pct", "plazo_48_meses"]
    seed = make_seed(domains, parametros_factuales__entidades_clave=entities)
    assert set(kind_references("precio", seed, [])) == {459900.0}
    assert set(kind_references("plazo_meses", seed, [])) == {48.0}
    assert kind_references("tasa_pct", seed, []) == []


def test_contradicted_restriction_is_unsupported(domains: DomainRegistry) -> None:
    texts = with_turn(6, "agente_ventas", "Como tiene buen historial en buró, la aprobación sale segura.")
    claims = judge_claims(domains, texts, answer(), contradicted={6: ["sin_historial_crediticio"]})
    assert claims == [Claim(6, "restriccion", (), "sin_historial_crediticio contradicted by the dialogue", False)]


def test_a_swapped_exchange_is_two_role_claims(domains: DomainRegistry) -> None:
    texts = list(FAITHFUL)
    texts[2], texts[3] = ("cliente", FAITHFUL[3][1]), ("agente_ventas", FAITHFUL[2][1])
    claims = judge_claims(domains, texts, answer(), speakers={3: "agente_ventas", 4: "cliente"})
    assert claims == [
        Claim(3, "rol", (), "cliente says what the asistente side says", False),
        Claim(4, "rol", (), "agente_ventas says what the usuario side says", False),
    ]


def test_one_misplaced_turn_counts_only_with_a_speech_act_of_the_other_side(domains: DomainRegistry) -> None:
    assert judge_claims(domains, FAITHFUL, answer(), speakers={7: "agente_ventas"}) == []
    texts = with_turn(3, "cliente", "Le puedo ofrecer un plan con enganche del 20 % a 48 meses, sin historial.")
    claims = judge_claims(domains, texts, answer(), speakers={3: "agente_ventas"})
    assert claims == [Claim(3, "rol", (), "cliente says what the asistente side says", False)]


def test_a_turn_with_a_speech_act_of_its_own_side_is_not_misplaced(domains: DomainRegistry) -> None:
    closing = {7: "agente_ventas", 8: "cliente"}  # the judge gives the faithful closing exchange to the other sides
    assert len(judge_claims(domains, FAITHFUL, answer(), speakers=closing)) == 2
    texts = with_turn(8, "agente_ventas", "Quedo al pendiente. Muchas gracias por su preferencia.")
    assert judge_claims(domains, texts, answer(), speakers=closing) == []  # turn 7 alone has no act of the agent


def test_hallucinated_values_and_products_are_ignored(domains: DomainRegistry) -> None:
    claims = judge_claims(domains, FAITHFUL, answer({"precio": (4, 450000), "tasa_pct": (4, 12.5)}, [(4, "Zentra GT")]))
    assert claims == []


def test_malformed_answer_is_asked_again_sampled(domains: DomainRegistry) -> None:
    seed = make_seed(domains)
    backend = ScriptedBackend().enqueue("{not json").enqueue(answer(productos=[(4, "plan")]))
    answers = turn_answers(FAITHFUL)
    for text in [answers[0], '{"habla": "vendedor"}', *answers[1:]]:  # turn 2's speaker asked twice
        backend.enqueue(text)
    judge = LlmJudge(backend, max_attempts=2)
    assert judge(conversation(seed, FAITHFUL), seed, domains.get(seed.dominio)) == []
    temperatures = [request.temperature for request in backend.requests]
    assert temperatures == [0.0, 0.7, 0.0, 0.0, 0.7, *[0.0] * 14]
    assert judge.usage.calls == 19 and judge.usage.failed == 0


@pytest.mark.parametrize(
    ("good", "bad", "why"),
    [
        ([], answer(productos=[(9, "Zentra")]), "turns [9] do not exist (the dialogue has 8)"),
        ([], json.dumps({"valores": {}}), "productos"),
        ([answer()], '{"habla": "gerente"}', "turn 1: attempt 2: habla 'gerente' is not one of"),
        ([answer(), *turn_answers(FAITHFUL)[:2]], '{"respuesta": "tal vez"}', "turn 2, sin_historial_crediticio:"),
    ],
)
def test_answers_that_stay_invalid_fail_closed(domains: DomainRegistry, good: list[str], bad: str, why: str) -> None:
    seed = make_seed(domains)
    backend = ScriptedBackend()
    for text in good:
        backend.enqueue(text)
    backend.enqueue_error(GenerationError("server down")).enqueue(bad)
    judge = LlmJudge(backend, max_attempts=2)
    (claim,) = judge(conversation(seed, FAITHFUL), seed, domains.get(seed.dominio))
    assert (claim.turn, claim.kind, claim.supported) == (0, "juez", False)
    assert claim.label.startswith(f"the judge model {backend.model_info['name']} gave no valid answer in 2 attempts")
    assert why in claim.label and judge.usage.failed == 1


def test_prompts_give_the_facts_the_dialogue_and_one_turn_at_a_time(domains: DomainRegistry) -> None:
    seed = make_seed(domains)
    backend = ScriptedBackend().enqueue(answer())
    for text in turn_answers(FAITHFUL):
        backend.enqueue(text)
    tools = [{"name": "calcular_financiamiento", "arguments": {}, "result": {"mensualidad": 6512.4}}]
    LlmJudge(backend)(conversation(seed, FAITHFUL, {"tools": tools}), seed, domains.get(seed.dominio))
    whole, *per_turn = backend.requests
    prompt = whole.messages[-1]["content"]
    for fact in ["sedan_compacto", "enganche_20pct", "plazo_48_meses"]:
        assert fact in prompt
    assert 'calcular_financiamiento: {"mensualidad":6512.4}' in prompt
    assert f"4. [agente_ventas] {FAITHFUL[3][1]}" in prompt and "Diálogo (8 turnos)" in prompt
    assert list(whole.json_schema["properties"]["valores"]["properties"]) == list(KINDS)
    # 8 speaker questions and, on the 4 assistant turns, one question per restriction: one shared system message
    assert len(per_turn) == 16 and len({request.messages[0]["content"] for request in per_turn}) == 1
    speaker, historial, informal = per_turn[5:8]  # turn 4: the speaker withheld, then the pack's two questions
    sentence = f"Frase: «{FAITHFUL[3][1]}»\n"
    assert speaker.messages[-1]["content"] == sentence + "¿Quién dice la frase: agente_ventas o cliente?"
    assert historial.messages[-1]["content"].startswith(sentence + "Según la frase, ¿el cliente ya tiene historial")
    assert "¿se aceptan solo ingresos comprobados con nómina?" in informal.messages[-1]["content"]
    assert speaker.json_schema["properties"]["habla"]["enum"] == ["agente_ventas", "cliente"]
    assert historial.json_schema["properties"]["respuesta"]["enum"] == ["si", "no", "no_lo_dice"]
    assert {request.temperature for request in backend.requests} == {0.0}


def test_a_restriction_the_pack_cannot_check_is_not_asked(domains: DomainRegistry) -> None:
    seed = make_seed(domains, parametros_factuales__restricciones=["entrega_inmediata"])
    backend = ScriptedBackend().enqueue(answer())
    for role, _ in FAITHFUL:
        backend.enqueue(json.dumps({"habla": role}))
    assert LlmJudge(backend)(conversation(seed, FAITHFUL), seed, domains.get(seed.dominio)) == []
    assert len(backend.requests) == 9


def test_judge_claims_join_factual_fidelity(domains: DomainRegistry) -> None:
    seed = make_seed(domains)
    texts = with_turn(4, "agente_ventas", "Le propongo el Zentra GT con enganche del 20 % y plazo de 48 meses.")
    backend = ScriptedBackend().enqueue(answer(productos=[(4, "Zentra GT")]))
    for text in turn_answers(texts):
        backend.enqueue(text)
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
        ("a cinco años", 48, True, False),
        ("si un mes le va mejor", 1, False, False),  # "un" is an article
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
