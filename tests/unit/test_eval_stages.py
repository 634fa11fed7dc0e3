"""Stage labelling: the hand-labelled stage set, the stage benchmark's scores and the model-based labeller."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from eval_cases import turns
from scripted_backend import ScriptedBackend

from scsf.bench.stages import PARTS, STAGE_DATA, load_labelled, stage_bench
from scsf.domains import DomainRegistry
from scsf.errors import GenerationError, ScsfError
from scsf.eval.rouge import structural_coherence
from scsf.eval.stage_model import ModelStageLabeller, allowed_stages
from scsf.eval.stages import KeywordStageLabeller, StageLabelling, label_stages

DIALOGUE = [
    ("cliente", "Hola, buenas tardes."),
    ("agente_ventas", "Le propongo el sedán con enganche del 20 %."),
    ("cliente", "Me parece caro."),
]


def write_set(folder: Path, part: str, conversations: list[dict]) -> None:
    folder.mkdir(exist_ok=True)
    (folder / f"{part}.jsonl").write_text("".join(json.dumps(c) + "\n" for c in conversations), encoding="utf-8")


def conversation(stages: list[str], roles: list[str] | None = None) -> dict:
    roles = roles or ["cliente", "agente_ventas"] * (len(stages) // 2) + ["cliente"] * (len(stages) % 2)
    return {
        "id": "c1",
        "domain": "automotive.sales",
        "language": "es",
        "turns": [{"role": r, "text": f"turno {i}", "stage": s} for i, (r, s) in enumerate(zip(roles, stages))],
    }


# the labelled set


def test_labelled_set_has_both_parts_several_packs_and_enough_turns(domains: DomainRegistry) -> None:
    sets = {part: load_labelled(STAGE_DATA / f"{part}.jsonl", domains) for part in PARTS}
    everything = [c for part in sets.values() for c in part]
    assert sum(len(c.turns) for c in everything) >= 150
    assert {c.domain for c in everything} >= {"automotive.sales", "finance.advisory", "education.tutoring"}
    assert {c.language for c in everything} == {"es", "en"}
    assert all(len(c.turns) == len(c.stages) for c in everything)
    assert not {c.id for c in sets["tuning"]} & {c.id for c in sets["heldout"]}


def test_labelled_set_errors_name_file_line_and_field(domains: DomainRegistry, tmp_path: Path) -> None:
    bad_stage = conversation(["saludo", "objecion"])  # objecion is the user side's stage, turn 2 is the agent's
    write_set(tmp_path, "tuning", [conversation(["saludo"]), bad_stage])
    with pytest.raises(ScsfError, match=r"tuning.jsonl:2: turn 2: stage 'objecion' is not a automotive.sales stage"):
        load_labelled(tmp_path / "tuning.jsonl", domains)
    missing = conversation(["saludo"])
    del missing["turns"][0]["stage"]
    write_set(tmp_path, "tuning", [missing])
    with pytest.raises(ScsfError, match=r"tuning.jsonl:1: missing field 'stage'"):
        load_labelled(tmp_path / "tuning.jsonl", domains)


# the benchmark's scores


def test_stage_bench_accuracy_confusion_and_rouge_exact(domains: DomainRegistry, tmp_path: Path) -> None:
    gold = ["saludo", "identificacion_necesidad", "identificacion_necesidad", "propuesta", "objecion", "cierre"]
    predicted = ["saludo", "saludo", "identificacion_necesidad", "propuesta", "cierre", "cierre"]
    write_set(tmp_path, "tuning", [conversation(gold)])
    bench = stage_bench({"fixed": lambda t, p: predicted}, domains, parts=["tuning"], data=tmp_path, bases=None)
    scores = bench["fixed"]["tuning"]
    assert (scores["turns"], scores["accuracy"]) == (6, round(4 / 6, 4))
    assert scores["per_stage"]["identificacion_necesidad"] == {
        "turns": 2,
        "recall": 0.5,
        "confused_with": {"saludo": 1},
    }
    assert scores["per_stage"]["objecion"]["confused_with"] == {"cierre": 1}
    # collapsed: gold saludo>identificacion>propuesta>objecion>cierre (5), predicted saludo>identificacion>propuesta>
    # cierre (4); LCS 4: precision 1, recall 4/5
    assert scores["rouge_l"] == scores["rouge_l_observed"] == pytest.approx(round(2 * 0.8 / 1.8, 4))  # no sequence
    assert scores["fallbacks"] == []
    assert "discrimination" not in bench["fixed"]


# the model-based labeller


def test_model_labeller_schema_has_one_enum_per_turn_of_its_side(domains: DomainRegistry) -> None:
    pack = domains.get("automotive.sales")
    backend = ScriptedBackend().enqueue(json.dumps({"etapas": ["saludo", "propuesta", "objecion"]}))
    labelling = ModelStageLabeller(backend).label(turns(DIALOGUE), pack)
    assert labelling == StageLabelling(["saludo", "propuesta", "objecion"])
    (request,) = backend.requests
    items = request.json_schema["properties"]["etapas"]["prefixItems"]
    assert [item["enum"] for item in items] == [
        allowed_stages(pack, "usuario"), allowed_stages(pack, "asistente"), allowed_stages(pack, "usuario")
    ]  # fmt: skip
    assert "objecion" in items[0]["enum"] and "propuesta" not in items[0]["enum"]
    assert "propuesta" in items[1]["enum"] and "objecion" not in items[1]["enum"]
    assert request.temperature == 0.0
    assert "1. [usuario] Hola, buenas tardes." in request.messages[-1]["content"]
    assert "- objecion: El cliente expresa una duda u objeción. (solo usuario)" in request.messages[0]["content"]


def test_model_labeller_retries_an_invalid_answer(domains: DomainRegistry) -> None:
    backend = ScriptedBackend()
    backend.enqueue("{not json").enqueue(json.dumps({"etapas": ["saludo", "propuesta", "cierre"]}))
    labelling = ModelStageLabeller(backend).label(turns(DIALOGUE), domains.get("automotive.sales"))
    assert labelling == StageLabelling(["saludo", "propuesta", "cierre"])
    assert [r.temperature for r in backend.requests] == [0.0, 0.7]


def test_model_labeller_falls_back_to_keywords_and_says_so(domains: DomainRegistry) -> None:
    pack = domains.get("automotive.sales")
    backend = ScriptedBackend()
    backend.enqueue(json.dumps({"etapas": ["saludo"]})).enqueue(json.dumps({"etapas": ["propuesta"] * 3}))
    labeller = ModelStageLabeller(backend, fallback=lambda t, p: ["saludo", "propuesta", "objecion"])
    labelling = label_stages(labeller, turns(DIALOGUE), pack)
    assert labelling.labels == ["saludo", "propuesta", "objecion"]
    assert labelling.fallback == (
        "model labeller gave no valid answer (attempt 1: etapas: expected a list of 3 stage ids; "
        "attempt 2: etapas[0]: 'propuesta' is not a stage of side usuario): keyword labeller used"
    )
    failing = ScriptedBackend().enqueue_error(GenerationError("context full"))
    labelling = ModelStageLabeller(failing).label(turns(DIALOGUE), pack)
    assert len(failing.requests) == 1 and "the model failed: context full" in labelling.fallback
    assert len(labelling.labels) == 3


def test_model_labeller_as_a_plain_callable_and_on_no_turns(domains: DomainRegistry) -> None:
    pack = domains.get("automotive.sales")
    backend = ScriptedBackend().enqueue(json.dumps({"etapas": ["saludo", "propuesta", "objecion"]}))
    assert ModelStageLabeller(backend)(turns(DIALOGUE), pack) == ["saludo", "propuesta", "objecion"]
    assert ModelStageLabeller(backend).label([], pack) == StageLabelling([])
    assert len(backend.requests) == 1


# the keyword labeller's sequence rules


def test_keyword_labeller_opening_only_at_the_start_and_replies_to_objections(domains: DomainRegistry) -> None:
    pack = domains.get("automotive.sales")
    labels = KeywordStageLabeller()(
        turns([
            ("cliente", "Hola, buenas tardes."),
            ("agente_ventas", "Le propongo el sedán con enganche del 20 %."),
            ("cliente", "Uy, se me hace muy caro."),
            ("agente_ventas", "Lo entiendo, podemos bajar la mensualidad a 60 meses."),  # a reply, not a calculation
            ("cliente", "Buenas, ¿y cuándo puedo ir a verlo?"),  # a greeting word mid-conversation is no opening
        ]),
        pack,
    )  # fmt: skip
    assert labels[:4] == ["saludo", "propuesta", "objecion", "manejo_objecion"]
    assert labels[4] != "saludo"


# structural coherence against the planned flow


def test_structural_coherence_gates_on_the_planned_flow_and_reports_the_seed_flow(domains: DomainRegistry) -> None:
    labels = ["saludo", "objecion", "manejo_objecion", "propuesta", "cierre"]
    seed_flow = ["saludo", "propuesta", "cierre"]
    planned = ["saludo", "objecion", "manejo_objecion", "propuesta", "cierre"]
    dialogue = turns(DIALOGUE + DIALOGUE[:2])
    result = structural_coherence(
        dialogue, domains.get("automotive.sales"), seed_flow, 0.65, lambda t, p: labels, flow=planned
    )
    assert result.score == 1.0 and result.passed
    assert result.details["reference"] == "planned_flow" and result.details["expected"] == planned
    # against flujo_esperado: LCS 3, precision 3/5, recall 3/3: F = 2 * 0.6 / 1.6
    assert result.details["seed_flow"] == {"expected": seed_flow, "fmeasure": 0.75}
    unplanned = structural_coherence(dialogue, domains.get("automotive.sales"), seed_flow, 0.65, lambda t, p: labels)
    assert unplanned.score == 0.75 and unplanned.details["reference"] == "flujo_esperado"
    assert "seed_flow" not in unplanned.details


def test_structural_coherence_reports_a_labeller_fallback(domains: DomainRegistry) -> None:
    backend = ScriptedBackend().enqueue("nada").enqueue("nada")
    labeller = ModelStageLabeller(backend, fallback=lambda t, p: ["saludo", "propuesta", "objecion"])
    result = structural_coherence(
        turns(DIALOGUE), domains.get("automotive.sales"), ["saludo", "propuesta", "objecion"], 0.65, labeller
    )
    assert result.score == 1.0
    assert result.details["labeller_fallback"].startswith("model labeller gave no valid answer (attempt 1: answer")
