"""Each per-conversation metric on hand-computed cases (exact values)."""

from __future__ import annotations

import pytest

from eval_cases import FAITHFUL, make_seed, turns
from scsf.domains import DomainRegistry
from scsf.eval.coherence import dialogue_coherence
from scsf.eval.diversity import lexical_diversity, moving_average_ttr
from scsf.eval.fidelity import Claim, claims_from_dialogue, factual_fidelity, seed_references, tool_references
from scsf.eval.memorization import memorization_not_measured
from scsf.eval.numbers import parse_number, stated_values
from scsf.eval.rouge import sequence_rouge_l, structural_coherence, text_rouge_l
from scsf.eval.stages import KeywordStageLabeller, collapse_repeats

# lexical diversity


def test_ttr_counts_lower_case_word_tokens() -> None:
    result = lexical_diversity(["El auto rojo.", "el AUTO azul"], threshold=0.55)
    assert result.score == pytest.approx(0.6667)  # 4 types / 6 tokens
    assert result.details["tokens"] == 6 and result.details["types"] == 4
    assert result.passed


def test_ttr_below_threshold_fails() -> None:
    result = lexical_diversity(["sí sí sí no"], threshold=0.55)
    assert result.score == 0.5 and not result.passed
    assert result.reasons == ["score 0.5 below the threshold 0.55"]


def test_mattr_averages_windows() -> None:
    assert moving_average_ttr(["a", "a", "b", "b"], window=2) == pytest.approx((0.5 + 1 + 0.5) / 3)
    assert moving_average_ttr(["el", "auto", "rojo", "el", "auto", "azul"], window=3) == 1.0
    assert moving_average_ttr(["a", "a", "b"], window=50) == pytest.approx(2 / 3)  # shorter than the window: TTR


# numbers and factual fidelity


@pytest.mark.parametrize(
    ("text", "value"),
    [("389,900", 389900), ("389,900.50", 389900.5), ("1.500", 1500), ("13,9", 13.9), ("13.9", 13.9), ("1.234,5", 1234.5)],
)
def test_parse_number_spanish_formats(text: str, value: float) -> None:
    assert parse_number(text) == value


def test_stated_values_kinds() -> None:
    text = "Cuesta $389,900 o 390 mil pesos, enganche 20 %, tasa 13.9%, a 48 meses o 4 años; 40,000 km; turno 2 a las 10:30"
    found = [(value.kind, value.values) for value in stated_values(text)]
    assert found == [
        ("monto", (389900.0,)), ("monto", (390000.0,)), ("porcentaje", (20.0,)), ("porcentaje", (13.9,)),
        ("plazo", (48.0,)), ("plazo", (48.0,)), ("cantidad", (40000.0,)),
    ]  # fmt: skip


def test_stated_values_after_a_currency_sign() -> None:
    found = [value.values for value in stated_values("$1,049.90, $1.049,90, $1.049.90 y $12,5")]
    assert found == [(1049.9,), (1049.9,), (1049.0,), (12.5,)]  # a malformed 1.049.90 reads as 1049


def test_stated_values_in_words() -> None:
    text = (
        "Enganche del treinta por ciento, o sea una cuarta parte más, a cinco años; unos 40 mil pesos y nueve mil "
        "pesos de comisión. Si un mes le va mejor, adelanta pagos; se lo garantizo al cien por ciento."
    )
    found = [(value.kind, value.values) for value in stated_values(text)]
    assert found == [
        ("porcentaje", (30.0,)), ("porcentaje", (25.0,)), ("plazo", (60.0,)), ("monto", (40000.0,)),
        ("monto", (9000.0,)),
    ]  # fmt: skip  # "un mes": an article; "cien por ciento": an idiom


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Suba el pago a unos nueve mil al mes.", [("cantidad", (9000.0,))]),  # "unos" is about, not 1
        ("Unas veinte mil pesos", [("monto", (20000.0,))]),
        ("Su auto es del año dos mil veinte.", []),  # a year in words stays a bare year
    ],
)
def test_worded_thousands_read_as_amounts(text: str, expected: list) -> None:
    assert [(value.kind, value.values) for value in stated_values(text)] == expected


def test_a_term_in_years_is_compared_in_months() -> None:
    # "a cinco años" is 60 months: a stray 5 among the references (5 business days) does not support it, while a
    # tool's years (vigencia_anios: 3) support "3 años".
    term = claims_from_dialogue(turns([("agente_ventas", "Financiamos a cinco años.")]))
    assert [claim.values for claim in term] == [(60.0,)]
    assert not factual_fidelity(term, [5.0, 48.0], 0.9).passed
    warranty = claims_from_dialogue(turns([("agente_ventas", "Su garantía era de 3 años.")]))
    references = tool_references([{"name": "verificar_garantia", "result": {"vigencia_anios": 3, "dias": 5}}])
    assert sorted(references) == [3.0, 5.0, 36.0]
    assert factual_fidelity(warranty, references, 0.9).passed


def test_seed_references_read_ids_and_derive_percentages(domains: DomainRegistry) -> None:
    seed = make_seed(
        domains, parametros_factuales__entidades_clave=["sedan_compacto", "precio_389900_mxn", "enganche_20pct", "tasa_13_9pct_anual"]
    )
    references = seed_references(seed)
    for value in (389900, 20, 13.9, 77980, 311920):
        assert value in references


def test_fidelity_supported_over_checked_with_reasons(domains: DomainRegistry) -> None:
    seed = make_seed(domains)  # enganche_20pct, plazo_48_meses
    dialogue = turns([
        ("cliente", "¿Y el enganche?"),
        ("agente_ventas", "Enganche del 20 % a 48 meses, con tasa de 15% y precio de $389,900."),
    ])  # fmt: skip
    claims = claims_from_dialogue(dialogue)
    assert len(claims) == 4
    without_tools = factual_fidelity(claims, seed_references(seed), threshold=0.9)
    assert without_tools.score == 0.5 and not without_tools.passed
    assert without_tools.reasons[1:] == [
        "turn 2: porcentaje 15 is not stated by the seed nor by a tool result",
        "turn 2: monto 389,900 is not stated by the seed nor by a tool result",
    ]
    tools = [{"name": "calcular_financiamiento", "arguments": {"precio": 389900}, "result": {"tasa": "15 % anual"}}]
    with_tools = factual_fidelity(claims, seed_references(seed) + tool_references(tools), threshold=0.9)
    assert with_tools.score == 1.0 and with_tools.passed


def test_fidelity_rounding_within_tolerance_is_supported(domains: DomainRegistry) -> None:
    seed = make_seed(domains, parametros_factuales__entidades_clave=["precio_389900_mxn"])
    claims = claims_from_dialogue(turns([("agente_ventas", "Son unos 390 mil pesos, no 400 mil.")]))
    result = factual_fidelity(claims, seed_references(seed), threshold=0.9)
    assert result.score == 0.5  # 390,000 is 0.03 % off 389,900; 400,000 is 2.6 % off


def test_fidelity_nothing_checkable_scores_one() -> None:
    result = factual_fidelity([], [48.0], threshold=0.9)
    assert result.score == 1.0 and result.passed
    assert result.reasons == ["nothing checkable: the dialogue states no values"]


def test_fidelity_counts_decided_judge_claims() -> None:
    claims = [Claim(2, "producto", label="suv_mediana", supported=False), Claim(3, "plazo", (48.0,), "48")]
    result = factual_fidelity(claims, [48.0], threshold=0.9)
    assert result.score == 0.5
    assert "turn 2: producto suv_mediana is named by neither the seed nor a tool result" in result.reasons


def test_fidelity_fails_on_one_critical_claim_whatever_the_ratio() -> None:
    holding = [Claim(turn, "plazo", (48.0,), "48") for turn in range(1, 11)]
    contradicted = Claim(5, "restriccion", (), "sin_aval contradicted by the dialogue", supported=False)
    result = factual_fidelity([*holding, contradicted], [48.0], threshold=0.9)
    assert result.score == round(10 / 11, 4) and result.score >= 0.9
    assert not result.passed
    assert result.reasons == [
        "unsupported restriccion claim: fails whatever the score",
        "turn 5: restriccion sin_aval contradicted by the dialogue",
    ]
    wrong_value = factual_fidelity([*holding, Claim(5, "plazo", (36.0,), "36")], [48.0], threshold=0.9)
    assert wrong_value.passed  # a value claim no one attributes to the assistant stays proportional


def test_a_wrong_term_or_percentage_the_assistant_states_fails_whatever_the_ratio() -> None:
    dialogue = turns(
        [("agente_ventas", f"Son {48} meses, {48} meses.") for _ in range(6)]
        + [("cliente", "Mi auto tiene 5 años."), ("agente_ventas", "Le queda a 36 meses, con 25 % de enganche y $9,000.")]
    )  # fmt: skip
    claims = claims_from_dialogue(dialogue)
    result = factual_fidelity(claims, [48.0], threshold=0.7)
    assert result.score == round(12 / 16, 4) and not result.passed
    assert result.reasons[0] == "unsupported plazo, porcentaje claim: fails whatever the score"
    customer_only = factual_fidelity(claims[:13], [48.0], threshold=0.9)  # the customer's 5 años (and 60 months)
    assert customer_only.score == round(12 / 13, 4) and customer_only.passed


def test_fidelity_holding_decided_claims_do_not_dilute_a_wrong_value() -> None:
    values = [Claim(turn, "plazo", (48.0,), "48") for turn in range(1, 9)] + [Claim(9, "plazo", (36.0,), "36")]
    honoured = [Claim(turn, "restriccion", (), "sin_aval honoured", supported=True) for turn in range(1, 5)]
    result = factual_fidelity([*values, *honoured], [48.0], threshold=0.9)
    assert result.score == round(8 / 9, 4) and not result.passed
    assert result.details["checked"] == 9 and result.details["confirmed"] == 4


# dialogue coherence


def test_coherence_clean_dialogue_scores_one(domains: DomainRegistry) -> None:
    result = dialogue_coherence(turns(FAITHFUL), make_seed(domains), domains.get("automotive.sales"), threshold=0.85)
    assert result.score == 1.0 and result.reasons == []


def test_repeated_turns_lower_coherence_exactly(domains: DomainRegistry) -> None:
    pack, seed = domains.get("automotive.sales"), make_seed(domains)
    once = list(FAITHFUL)
    once[5] = once[1]  # turn 6 repeats turn 2
    result = dialogue_coherence(turns(once), seed, pack, threshold=0.85)
    assert result.score == pytest.approx(round((4 + 6 / 7) / 5, 4))  # repetition: 6 of 7 later turns pass
    assert result.reasons == ["turn 6 repeats turn 2"]
    thrice = list(FAITHFUL)
    thrice[3] = thrice[5] = thrice[7] = thrice[1]
    result = dialogue_coherence(turns(thrice), seed, pack, threshold=0.85)
    assert result.score == pytest.approx(round((4 + 4 / 7) / 5, 4))
    assert result.details["repetition"] == {"passed": 4, "items": 7}


def test_near_exact_repeat_counts(domains: DomainRegistry) -> None:
    near = list(FAITHFUL)
    near[7] = ("agente_ventas", "Bienvenido a la agencia! ¿Cuál es su presupuesto y qué uso le daría al auto??")
    result = dialogue_coherence(turns(near), make_seed(domains), domains.get("automotive.sales"), threshold=0.85)
    assert "turn 8 repeats turn 2" in result.reasons


def test_role_swap_alternation_and_length(domains: DomainRegistry) -> None:
    pack, seed = domains.get("automotive.sales"), make_seed(domains)
    swapped = list(FAITHFUL)
    swapped[2] = ("cliente", "Hola, ¿en qué puedo ayudarle hoy con su auto?")
    result = dialogue_coherence(turns(swapped), seed, pack, threshold=0.85)
    assert result.score == pytest.approx(round((4 + 7 / 8) / 5, 4))
    assert result.reasons == ["turn 3: cliente says what the asistente side says"]
    short = FAITHFUL[:3]  # 3 turns, the seed allows 8..20
    result = dialogue_coherence(turns(short), seed, pack, threshold=0.85)
    assert result.score == pytest.approx(round(4 / 5, 4))
    assert result.reasons == ["score 0.8 below the threshold 0.85", "3 message turns outside 8..20"]
    doubled = [FAITHFUL[0], FAITHFUL[2], *FAITHFUL[1:2], *FAITHFUL[3:]]
    result = dialogue_coherence(turns(doubled), seed, pack, threshold=0.85)
    assert result.details["alternation"] == {"passed": 5, "items": 7}


# structural coherence (ROUGE-L over stages) and text ROUGE-L


def test_sequence_rouge_l_exact() -> None:
    precision, recall, fmeasure = sequence_rouge_l(["saludo", "propuesta", "cierre"], ["saludo", "objecion", "propuesta", "cierre"])
    assert (precision, recall) == (1.0, 0.75)
    assert fmeasure == pytest.approx(2 * 0.75 / 1.75)


def test_text_rouge_l_keeps_accents() -> None:
    assert text_rouge_l("el auto rojo es caro", "el auto azul es caro") == pytest.approx(0.8)
    assert text_rouge_l("Sí, a 48 meses", "si a 48 meses") == pytest.approx(0.75)  # sí != si


def test_structural_coherence_with_a_given_labeller(domains: DomainRegistry) -> None:
    labels = ["saludo", "saludo", "identificacion_necesidad", "propuesta", "propuesta", "cierre"]
    result = structural_coherence(
        turns(FAITHFUL[:6]), domains.get("automotive.sales"),
        ["saludo", "identificacion_necesidad", "propuesta", "objecion", "cierre"], 0.65,
        lambda dialogue, pack: labels, stage_plan=["saludo"] * 6,
    )  # fmt: skip
    assert result.details["observed"] == ["saludo", "identificacion_necesidad", "propuesta", "cierre"]
    assert result.score == pytest.approx(round(2 * 1.0 * 0.8 / 1.8, 4))
    assert result.details["stage_plan_agreement"] == pytest.approx(round(2 / 6, 4))
    assert result.reasons == ["expected stages not observed: objecion"]


def test_keyword_labeller_clear_turns_and_sides(domains: DomainRegistry) -> None:
    labeller = KeywordStageLabeller()
    labels = labeller(
        turns([
            ("cliente", "Hola, buenos días."),
            ("agente_ventas", "Con un enganche del 20 % la mensualidad queda a 48 meses de plazo."),
            ("cliente", "Me preocupa que sea muy caro, tengo dudas."),
            ("agente_ventas", "Le comparto la lista de documentos: identificación y comprobante de domicilio."),
            ("cliente", "Muchas gracias, hasta luego."),
        ]),
        domains.get("automotive.sales"),
    )  # fmt: skip
    assert labels == ["saludo", "calculo_financiamiento", "objecion", "requisitos_documentacion", "cierre"]
    user_only = labeller(turns([("agente_ventas", "Me preocupa que sea muy caro, tengo dudas.")]), domains.get("automotive.sales"))
    assert user_only != ["objecion"]  # objecion is the user side's stage


def test_turn_without_cues_keeps_the_previous_stage(domains: DomainRegistry) -> None:
    labels = KeywordStageLabeller()(turns([("cliente", "Hola, buenos días."), ("agente_ventas", "Ok.")]), domains.get("automotive.sales"))
    assert labels == ["saludo", "saludo"]
    assert collapse_repeats(["a", "a", "b", "a"]) == ["a", "b", "a"]


def test_memorization_is_reported_not_measured() -> None:
    result = memorization_not_measured(0.01)
    assert result.passed and result.score is None and result.reasons[0].startswith("not measured")
