"""Text ROUGE-L against a reference conversation (the real one a seed was extracted from) and the judge's identity in
the verdict: exact values, the store lookup, evaluate_run through the verdict store and the dashboard, worker
processes, and the whole path from a really ingested export (real PII scanner) to the stored verdicts."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import pytest
from eval_cases import FAITHFUL, NoPii, conversation, make_seed, turns
from scripted_backend import ScriptedBackend

from scsf.domains import DomainPack, DomainRegistry
from scsf.eval.dashboard import quality_dashboard
from scsf.eval.evaluator import Evaluator
from scsf.eval.fidelity import Claim
from scsf.eval.judge_prompt import PROMPT_VERSION
from scsf.eval.reference import Reference, reference_rouge_l
from scsf.eval.rouge import text_rouge_l
from scsf.eval.text import words
from scsf.ingest.pipeline import IngestOptions, Ingestor
from scsf.privacy import PiiScanner
from scsf.seeds.conversation import Conversation, Turn
from scsf.seeds.extract import SeedExtractor
from scsf.seeds.schema import Seed
from scsf.store import Store
from scsf.store.drafts import SeedDraftRepository
from scsf.store.duckdb import RunItem
from scsf.store.imports import ImportRepository
from scsf.store.references import ReferenceRepository
from scsf.store.verdicts import VerdictRepository

DOMAIN = "automotive.sales"
EXPORT = Path(__file__).parents[1] / "fixtures" / "parsers" / "openai" / "basic.jsonl"
ANSWER = {  # the scripted extraction model's answer for the export's Spanish chat (4 dialogue turns)
    "tipo_interaccion": "consulta_inventario",
    "etapas": ["saludo", "consulta_inventario", "identificacion_necesidad", "propuesta"],
    "tono": "consultivo_empatico",
    "entidades": ["versa_advance_cvt", "pantalla_7_pulgadas"],
    "restricciones": [],
    "herramientas": [],
}


class NamedJudge:
    """A scripted judge double with a model name: one supported product claim per conversation."""

    model_name = "scripted-judge"

    def __call__(self, item: Conversation, seed: Seed, pack: DomainPack) -> list[Claim]:
        return [Claim(1, "producto", label="sedán compacto", supported=True)]


@pytest.fixture(scope="module")
def scanner() -> PiiScanner:
    return PiiScanner().warm_up()


# -- exact values ----------------------------------------------------------------------------------------------


def test_text_rouge_l_of_a_tiny_pair_is_exact() -> None:
    """Candidate: hola el auto rojo es caro (6 words); reference: el auto es muy caro (5); LCS el auto es caro = 4.
    P = 4/6, R = 4/5, F = 2PR / (P + R) = 16/22."""
    candidate = turns([("cliente", "Hola, el auto rojo"), ("agente_ventas", "es caro.")])
    details = reference_rouge_l(candidate, Reference("imp-1", "El auto\nes muy caro"))
    assert details == {"fmeasure": round(16 / 22, 4), "reference_conversation_id": "imp-1", "placeholders_left_out": 0}
    assert details["fmeasure"] == 0.7273


def test_redaction_placeholders_are_left_out_of_the_reference() -> None:
    """Candidate: hola soy ana y mi auto es rojo (8 words); reference without [PERSON] and [PHONE_NUMBER]: hola mi
    auto es rojo llame al (7); LCS hola mi auto es rojo = 5. P = 5/8, R = 5/7, F = 2PR / (P + R) = 50/75 = 2/3.
    Counted as words (hola person mi auto es rojo llame al phone number: 10) they would give F = 50/90."""
    candidate = turns([("cliente", "Hola, soy Ana y mi auto es rojo")])
    reference = Reference("imp-1", "Hola [PERSON]\nMi auto es rojo, llame al [PHONE_NUMBER].")
    details = reference_rouge_l(candidate, reference)
    assert details == {"fmeasure": round(2 / 3, 4), "reference_conversation_id": "imp-1", "placeholders_left_out": 2}
    assert round(text_rouge_l("\n".join(t.text for t in candidate), reference.text), 4) == round(50 / 90, 4)


def test_reference_and_judge_identity_in_the_details_without_gating(domains: DomainRegistry) -> None:
    seed = make_seed(domains)
    reference = Reference("imp-1", "\n".join(text for _, text in FAITHFUL[:4]))
    plain = Evaluator(NoPii(), domains).evaluate(conversation(seed, FAITHFUL), seed)
    verdict = Evaluator(NoPii(), domains, judge=NamedJudge()).evaluate(
        conversation(seed, FAITHFUL), seed, reference=reference
    )
    rouge = verdict.result("rouge_l")
    # the reference is the first four turns word for word: LCS = its 58 words, of the dialogue's 105: F = 116 / 163
    assert rouge.details["text_rouge_l"] == {
        "fmeasure": round(116 / 163, 4), "reference_conversation_id": "imp-1", "placeholders_left_out": 0,
    }  # fmt: skip
    without = {key: value for key, value in rouge.details.items() if key != "text_rouge_l"}
    assert replace(rouge, details=without) == plain.result("rouge_l")  # score, decision and reasons as without it
    assert verdict.result("fidelidad_factual").details["judge"] == {
        "model": "scripted-judge",
        "prompt_version": PROMPT_VERSION,
    }
    assert "judge" not in plain.result("fidelidad_factual").details
    assert "text_rouge_l" not in plain.result("rouge_l").details
    assert verdict.accepted == plain.accepted and verdict.reasons == plain.reasons


def test_a_judge_without_a_model_name_is_recorded_as_none(domains: DomainRegistry) -> None:
    seed = make_seed(domains)
    verdict = Evaluator(NoPii(), domains, judge=lambda item, seed, pack: []).evaluate(
        conversation(seed, FAITHFUL), seed
    )
    assert verdict.result("fidelidad_factual").details["judge"] == {"model": None, "prompt_version": PROMPT_VERSION}


def test_worker_processes_carry_the_reference_and_the_judge(domains: DomainRegistry) -> None:
    seed, other = make_seed(domains), make_seed(domains, seed_id="5d0c2a7e-1b3f-4e8a-9c6d-7f2e1a0b3c4d")
    references = {seed.seed_id: Reference("imp-1", "\n".join(text for _, text in FAITHFUL[2:6]))}
    pairs = [
        (conversation(s, FAITHFUL[: 4 + i % 5], conversation_id=f"conv-{i}"), s)
        for i in range(12)
        for s in (seed, other)
    ]
    evaluator = Evaluator(NoPii(), domains, judge=NamedJudge())
    one_by_one = [evaluator.evaluate(item, s, reference=references.get(s.seed_id)) for item, s in pairs]
    assert list(evaluator.evaluate_many(pairs, workers=2, batch_size=5, references=references)) == one_by_one
    with_reference = ["text_rouge_l" in verdict.result("rouge_l").details for verdict in one_by_one]
    assert with_reference == [s is seed for _, s in pairs]
    assert all(
        verdict.result("fidelidad_factual").details["judge"]["model"] == "scripted-judge" for verdict in one_by_one
    )


# -- from a really ingested export to the stored verdicts --------------------------------------------------------


def extracted_seed(store: Store, domains: DomainRegistry, scanner: PiiScanner) -> tuple[Seed, dict]:
    """Ingest the OpenAI export (real scanner), extract a draft from its clean chat (scripted model), approve it:
    the seed and the imported conversation it came from."""
    pack = domains.get(DOMAIN)
    import_id, _ = Ingestor(pack, scanner, IngestOptions(), ImportRepository(store)).ingest([EXPORT])
    drafts = SeedDraftRepository(store)
    (record, _) = drafts.candidates(import_id)  # the second (English, 2 turns) fails validation
    extractor = SeedExtractor(pack, ScriptedBackend().enqueue(json.dumps(ANSWER)), domains=domains, scanner=scanner)
    draft = extractor.extract(record)
    drafts.put(draft)
    stored = drafts.approve(draft.draft_id, domains)
    return Seed.model_validate(stored.document, context={"domains": domains}), record


def store_run(store: Store, seed: Seed, dialogues: dict[str, list[tuple[str, str]]], run_id: str = "run-ref") -> str:
    items = [RunItem(cid, seed.seed_id, 1, "v", index) for index, cid in enumerate(dialogues)]
    store.create_run(run_id, {"test": True}, items)
    for item in items:
        store.put_conversation(
            Conversation(
                conversation_id=item.conversation_id, run_id=run_id, seed_id=seed.seed_id, seed_version=1,
                variant="v", index=item.index, turns=[Turn(role=r, text=t) for r, t in dialogues[item.conversation_id]],
                system_prompt="Eres asesor.", generation={},
            )
        )  # fmt: skip
    return run_id


def test_an_extracted_seeds_run_gets_text_rouge_l_through_the_store(
    tmp_path: Path, domains: DomainRegistry, scanner: PiiScanner
) -> None:
    with Store.open(tmp_path / "scsf.duckdb") as store:
        seed, record = extracted_seed(store, domains, scanner)
        real = [(turn["role"], turn["text"]) for turn in record["turns"] if turn["kind"] == "message"]
        assert len(real) == 4
        unrelated = [("cliente", "Quiero información, gracias."), ("agente_ventas", "Claro, con gusto.")]
        run_id = store_run(store, seed, {"conv-copy": real, "conv-other": unrelated, "conv-half": real[:2]})
        pilot = make_seed(domains)
        store.import_seeds([(pilot, "test")])
        other_run = store_run(store, pilot, {"conv-pilot": list(FAITHFUL)}, run_id="run-pilot")

        references = ReferenceRepository(store)
        (reference,) = references.of_run(run_id).values()
        assert reference == Reference(record["conversation_id"], "\n".join(text for _, text in real))
        assert references.of_run(other_run) == {}

        result = evaluate_run_with_real_scanner(store, domains, scanner, run_id)
        assert result.conversations == 3
        stored = references.text_rouge_l(run_id)
        half, whole = len(words(" ".join(text for _, text in real[:2]))), len(words(reference.text))
        assert (half, whole) == (19, 41)  # conv-half is the reference's first 19 words: P = 1, R = 19/41
        assert stored == {"conv-copy": 1.0, "conv-half": round(2 * half / (half + whole), 4), "conv-other": 0.0}
        details = store.con.execute(
            "SELECT details FROM evaluations WHERE conversation_id = 'conv-copy' AND metric = 'rouge_l'"
        ).fetchone()[0]
        assert json.loads(details)["text_rouge_l"] == {
            "fmeasure": 1.0,
            "reference_conversation_id": reference.conversation_id,
            "placeholders_left_out": 0,
        }

        verdicts = VerdictRepository(store)
        dashboard = quality_dashboard(verdicts.of_run(run_id), verdicts.thresholds(run_id), 2, None, stored)
        assert dashboard["text_rouge_l"] == {
            "gates": False, "measured": 3, "min": 0.0, "q1": 0.0, "median": stored["conv-half"], "q3": 1.0, "max": 1.0,
            "closest": ["conv-copy", "conv-half"],
        }  # fmt: skip
        evaluate_run_with_real_scanner(store, domains, scanner, other_run)
        assert references.text_rouge_l(other_run) == {}
        assert "text_rouge_l" not in quality_dashboard(verdicts.of_run(other_run), {}, text_rouge_l={})


def evaluate_run_with_real_scanner(store: Store, domains: DomainRegistry, scanner: PiiScanner, run_id: str):
    from scsf.pipeline.evaluation import evaluate_run

    return evaluate_run(store, Evaluator(scanner, domains), run_id)
