"""The observed stage sequence (turns of two stages) and the benchmark's discrimination check on broken flows."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from eval_cases import turns

from scsf.bench.stages import broken_variants, discrimination
from scsf.domains import DomainRegistry
from scsf.eval.rouge import structural_coherence
from scsf.eval.stages import (
    KeywordStageLabeller,
    PackStages,
    StageLabelling,
    acknowledges,
    edge_stages,
    observed_sequence,
    second_stage,
    stems,
    turn_stages,
    without_late_opening,
)

NEED, PROPOSAL, FINANCING = "identificacion_necesidad", "propuesta", "calculo_financiamiento"

# the multi-stage rule on hand-made scores (SECOND_MIN is 1.2)


def test_an_edge_sentence_adds_the_edge_to_a_turn_of_another_stage() -> None:
    assert second_stage(NEED, "saludo", {"saludo": 1.0, NEED: 0.4}, {NEED: 2.0}) == "saludo"
    assert second_stage(NEED, "saludo", {"saludo": 0.3, NEED: 0.4}, {NEED: 2.0}) is None  # the sentence is the need
    assert second_stage(NEED, "cierre", {}, {NEED: 2.0}) is None  # the closing not allowed (or no cue) there


def test_a_turn_of_the_edge_stage_adds_the_rest_of_the_turns_best_stage_from_second_min() -> None:
    assert second_stage("saludo", "saludo", {"saludo": 2.0}, {"saludo": 0.2, PROPOSAL: 1.3, "cierre": 0.5}) == PROPOSAL
    assert second_stage("saludo", "saludo", {"saludo": 2.0}, {"saludo": 0.2, PROPOSAL: 1.1}) is None
    assert second_stage("saludo", "saludo", {"saludo": 2.0}, {}) is None  # a one-sentence turn


def test_a_greeting_after_another_stage_is_still_the_opening_exchange() -> None:
    sequence = ["saludo", "saludo", NEED, "saludo", PROPOSAL]
    assert without_late_opening(sequence, "saludo") == ["saludo", "saludo", NEED, PROPOSAL]
    assert without_late_opening(sequence, None) == sequence


def test_edge_stages_are_the_first_stage_and_the_last_one_no_variation_inserts(domains: DomainRegistry) -> None:
    assert edge_stages(domains.get("automotive.sales")) == ("saludo", "cierre")  # abandono, recuperacion come after


def test_keyword_labeller_gives_two_stages_to_greeting_and_closing_turns(domains: DomainRegistry) -> None:
    labelling = KeywordStageLabeller().label(
        turns([
            ("cliente", "Hola, buenas tardes. Busco una camioneta familiar para cinco personas."),
            ("agente_ventas", "Buenas tardes, con gusto. ¿Qué presupuesto tiene?"),
            ("cliente", "Me preocupa que sea muy caro, tengo dudas."),
            ("agente_ventas", "Con un enganche del 20 % la mensualidad queda a 48 meses de plazo."),
            ("cliente", "Muy bien, gracias."),
            ("agente_ventas", "Le envío la cotización por correo hoy. Muchas gracias por su confianza."),
        ]),
        domains.get("automotive.sales"),
    )  # fmt: skip
    # turns 1 and 2 greet (primary) and go on with the need (turn 2's returned greeting dropped); turn 6 follows up
    # and closes in its last sentence
    assert labelling.labels == ["saludo", "saludo", "objecion", FINANCING, "cierre", "seguimiento"]
    assert labelling.sequence == ["saludo", NEED, NEED, "objecion", FINANCING, "cierre", "seguimiento", "cierre"]
    assert observed_sequence(labelling) == ["saludo", NEED, "objecion", FINANCING, "cierre", "seguimiento", "cierre"]


def test_the_closing_is_not_allowed_before_the_last_turns(domains: DomainRegistry) -> None:
    dialogue = [
        ("cliente", "Hola, buenas tardes. Busco una camioneta familiar para cinco personas."),
        ("agente_ventas", "Con un enganche del 20 % la mensualidad queda a 48 meses de plazo."),
        ("cliente", "Muy bien, gracias."),
        ("agente_ventas", "Le envío la cotización por correo hoy. Muchas gracias por su confianza."),
    ] + [("cliente", "Me preocupa que sea muy caro."), ("agente_ventas", "Lo entiendo, lo vemos.")] * 2
    labelling = KeywordStageLabeller().label(turns(dialogue), domains.get("automotive.sales"))
    assert labelling.labels[2:4] == [FINANCING, "seguimiento"]  # turns 3 and 4 are not among the last three
    assert "cierre" not in labelling.sequence[:6]


def test_pack_stages_read_the_edges_the_need_and_the_replies(domains: DomainRegistry) -> None:
    known = PackStages.of(domains.get("automotive.sales"))
    assert (known.opening, known.need, known.closing) == ("saludo", NEED, "cierre")
    assert known.replies == {"objecion": "manejo_objecion", "abandono": "recuperacion"}


def test_similarities_sum_the_shared_stems_weights_over_the_square_roots(domains: DomainRegistry) -> None:
    known = PackStages.of(domains.get("automotive.sales"))
    profiles = {p.stage: p for p in known.profiles}
    found = known.similarities("Enganche y mensualidad, por favor.")  # stems engan, mensu (favor: a stop word)
    financing = profiles[FINANCING]
    shared = financing.weights["engan"] + financing.weights["mensu"]
    assert found[FINANCING] == pytest.approx(shared / (math.sqrt(financing.norm) * math.sqrt(2)))
    assert set(found) == {stage for stem in ("engan", "mensu") for stage, _ in known.postings[stem]}
    assert known.similarities("Sí, claro.") == {}


def test_an_opening_turn_that_asks_a_question_goes_on_to_the_need(domains: DomainRegistry) -> None:
    known = PackStages.of(domains.get("automotive.sales"))
    allowed = [p for p in known.profiles if p.stage != "cierre"]  # an opening turn, not among the last ones
    # "¿Lo usa diario?" has no cue word of any stage: only the question makes it the need
    assert turn_stages("saludo", "Buenas tardes, con gusto. ¿Lo usa diario?", allowed, known) == ["saludo", NEED]
    assert turn_stages("saludo", "Buenas tardes, con gusto.", allowed, known) == ["saludo"]
    # a turn of another stage is not an opening turn, question or not
    assert turn_stages(PROPOSAL, "Le propongo la SUV. ¿Le parece?", allowed, known) == [PROPOSAL]


def test_acknowledgement_openings() -> None:
    said = ["Lo entiendo. Si lo pasamos a 60 meses...", "Le entiendo", "¡Tiene razón!", "tiene razon, y..."]
    said += ["Es comprensible.", "Es lógico", "Comprendo su punto", "I understand. If you finance..."]
    for text in said:
        assert acknowledges(text), text
    for text in ("Entonces queda a 48 meses.", "Yo lo entiendo así", "Entendido, le mando la cotización."):
        assert not acknowledges(text), text


def test_an_acknowledged_turn_is_the_objection_and_the_acknowledging_one_its_handling(
    domains: DomainRegistry,
) -> None:
    labels = KeywordStageLabeller()(
        turns([
            ("cliente", "Hola, buenas tardes."),
            ("agente_ventas", "Le propongo la pickup doble cabina a 48 meses."),
            ("cliente", "¿Y nada más vueltas aquí en la colonia?"),  # no cue word of an objection
            ("agente_ventas", "Entiendo. La ruta es de 20 km por carretera."),
            ("agente_ventas", "Lo entiendo, se lo confirmo mañana."),  # after the assistant's own turn: none to undo
        ]),
        domains.get("automotive.sales"),
    )  # fmt: skip
    assert labels[2:] == ["objecion", "manejo_objecion", "manejo_objecion"]
    assert labels[1] == PROPOSAL


def test_a_turn_without_a_cue_of_its_sides_stages_adds_nothing_to_the_sequence(domains: DomainRegistry) -> None:
    labelling = KeywordStageLabeller().label(
        turns([
            ("cliente", "Hola, buenas tardes."),
            ("agente_ventas", "Le propongo el sedán con enganche del 20 %."),
            ("cliente", "Sí, claro."),  # no cue at all
            ("agente_ventas", "Le propongo también el plan a 48 meses."),
            ("cliente", "¿Y cómo quedaría?"),  # "quedaría" is a cue of propuesta, the assistant's stage only
        ]),
        domains.get("automotive.sales"),
    )  # fmt: skip
    # turns 3 and 5 still get a stage of their side (the first one allowed there: the need), not in the sequence
    assert labelling.labels == ["saludo", PROPOSAL, NEED, PROPOSAL, NEED]
    assert observed_sequence(labelling) == ["saludo", PROPOSAL]


def test_words_whose_stem_is_another_meanings_cue_are_left_out() -> None:
    # compacto -> "compa" (comparar, comparativa_opciones); negocio -> "negoc" (negociacion)
    assert stems("Un sedán compacto para mi negocio") == {"sedan"}


def test_structural_coherence_scores_the_observed_sequence(domains: DomainRegistry) -> None:
    class TwoStaged:
        def __call__(self, dialogue, pack):
            return ["saludo", PROPOSAL, "cierre"]

        def label(self, dialogue, pack):
            return StageLabelling(self(dialogue, pack), sequence=["saludo", NEED, PROPOSAL, PROPOSAL, "cierre"])

    expected = ["saludo", NEED, PROPOSAL, "objecion", "cierre"]
    dialogue = turns([("cliente", "a"), ("agente_ventas", "b"), ("cliente", "c")])
    result = structural_coherence(dialogue, domains.get("automotive.sales"), expected, 0.65, TwoStaged())
    # observed saludo > need > propuesta > cierre: LCS 4, precision 1, recall 4/5 (the labels alone: recall 3/5)
    assert result.details["observed"] == ["saludo", NEED, PROPOSAL, "cierre"]
    assert result.details["labels"] == ["saludo", PROPOSAL, "cierre"]
    assert result.score == pytest.approx(round(2 * 0.8 / 1.8, 4))


# the discrimination check


def test_broken_variants_reverse_each_sides_texts_and_drop_the_middle_third() -> None:
    messages = [("c", "1"), ("a", "2"), ("c", "3"), ("a", "4"), ("c", "5"), ("a", "6"), ("c", "7")]
    variants = broken_variants(messages)
    assert variants["reversed"] == [("c", "7"), ("a", "6"), ("c", "5"), ("a", "4"), ("c", "3"), ("a", "2"), ("c", "1")]
    assert variants["middle_dropped"] == [("c", "1"), ("a", "2"), ("a", "6"), ("c", "7")]  # turns 3-5 of 7 dropped


def test_discrimination_counts_faithful_accepted_and_broken_rejected(domains: DomainRegistry, tmp_path: Path) -> None:
    # seed f7843d4c (threshold 0.65) expects saludo > need > financing > objecion > requisitos > cierre; the
    # labeller reads each turn's stage off its text, so the faithful base follows that flow exactly
    flow = ["saludo", NEED, FINANCING, "objecion", "requisitos_documentacion", "cierre"]
    roles = ["cliente", "agente_ventas"] * 3
    base = {
        "base": "b1", "seed_id": "f7843d4c-8dd2-4277-9d9a-c4503a797d66", "kinds": [], "tools": [],
        "messages": [{"role": role, "text": stage} for role, stage in zip(roles, flow)],
    }  # fmt: skip
    (tmp_path / "bases.jsonl").write_text(json.dumps(base) + "\n", encoding="utf-8")
    result = discrimination(lambda dialogue, pack: [t.text for t in dialogue], domains, tmp_path / "bases.jsonl")
    # reversed: requisitos > cierre > financing > objecion > saludo > need, LCS 2 of 6: F 1/3 (rejected);
    # middle dropped (turns 3-4): saludo > need > requisitos > cierre, LCS 4, P 1, R 2/3: F 0.8 (accepted)
    assert result["cases"] == [
        {"base": "b1", "threshold": 0.65, "faithful": 1.0, "reversed": 0.3333, "middle_dropped": 0.8}
    ]
    counts = [result[key] for key in ("faithful_accepted", "faithful", "broken_rejected", "broken")]
    assert counts == [1, 1, 1, 2]
    assert result["rejected_by_variant"] == {"reversed": 1, "middle_dropped": 0}
