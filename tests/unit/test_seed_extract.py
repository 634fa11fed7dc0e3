"""Seed drafts from imported conversations: SeedExtractor with a scripted model, the drafts store, and the CLI."""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from scsf.domains import DomainRegistry
from scsf.errors import GenerationError, ScsfError, StoreError
from scsf.privacy import PiiScanner  # imported at collection: urllib3 probes a socket when first imported
from scsf.seeds.extract import ExtractionSkipped, SeedExtractor, ineligible_reason, to_identifier
from scsf.seeds.schema import Seed
from scsf.store import Store
from scsf.store.drafts import SeedDraftRepository
from scsf.store.imports import ImportedConversation, ImportRepository
from scripted_backend import ScriptedBackend

DOMAIN = "automotive.sales"
TEXTS = [
    ("cliente", "Buenas tardes, busco un sedán compacto con transmisión automática."),
    ("agente_ventas", "Con gusto. El sedán compacto tiene precio de lista de $389,900 y enganche del 20 %."),
    ("cliente", "¿Y a 48 meses cuánto pagaría? No tengo historial crediticio."),
    ("agente_ventas", "Le calculo la mensualidad a 48 meses con tasa fija; sin historial le pedimos un aval."),
]
ANSWER = {
    "tipo_interaccion": "consulta_financiamiento",
    "etapas": ["saludo", "identificacion_necesidad", "calculo_financiamiento", "calculo_financiamiento"],
    "tono": "consultivo_empatico",
    "entidades": ["sedan_compacto", "precio_389900_mxn", "enganche_20pct", "plazo_48_meses"],
    "restricciones": ["sin_historial_crediticio"],
    "herramientas": ["calcular_financiamiento"],
}
EXPECTED = {
    "dominio": DOMAIN,
    "esquema_version": "1.0",
    "tipo_interaccion": "consulta_financiamiento",
    "roles": ["agente_ventas", "cliente"],
    "parametros_factuales": {
        "entidades_clave": ["sedan_compacto", "precio_389900_mxn", "enganche_20pct", "plazo_48_meses"],
        "restricciones": ["sin_historial_crediticio"],
        "flujo_esperado": ["saludo", "identificacion_necesidad", "calculo_financiamiento"],
    },
    "tono_objetivo": "consultivo_empatico",
    "longitud_objetivo": {"turnos_min": 2, "turnos_max": 6},
    "herramientas_disponibles": ["calcular_financiamiento"],
    "metricas_calidad": {"rouge_l_min": 0.65, "fidelidad_factual_min": 0.9},
    "privacidad": {"contiene_pii": False, "nivel_sensibilidad": "medio"},
}


class CleanScanner:
    """Stands in for PiiScanner where a test is not about PII: finds nothing, records what it was given."""

    def __init__(self) -> None:
        self.texts: list[str] = []

    def scan_structured(self, texts, langs=None):
        self.texts += list(texts)
        return [[] for _ in texts]


def turn(role: str | None, text: str, kind: str = "message", lang: str | None = "es") -> dict[str, Any]:
    return {"role": role, "speaker": f"{role}#1", "text": text, "timestamp": None, "lang": lang, "kind": kind,
            "provenance": {"source": "chat.jsonl"}}  # fmt: skip


def record(
    texts: list[tuple[str, str]] = TEXTS,
    *,
    status: str = "clean",
    passed: bool = True,
    domain: str = DOMAIN,
    **extra: Any,
) -> dict[str, Any]:
    checks = [{"name": "continuidad_topica", "passed": passed, "score": 1.0 if passed else 0.0, "reasons": []}]
    return {
        "conversation_id": "imp-0001",
        "import_id": "imp-test",
        "domain": domain,
        "turns": [turn("system", "Eres asesor.", kind="system"), *(turn(role, text) for role, text in texts)],
        "validation": {"passed": passed, "score": 1.0, "checks": checks},
        "review_status": status,
        **extra,
    }


@pytest.fixture
def pack(domains: DomainRegistry):
    return domains.get(DOMAIN)


def extractor(pack, domains, backend, scanner=None) -> SeedExtractor:
    return SeedExtractor(pack, backend, domains=domains, scanner=scanner or CleanScanner())


# -- the extractor ---------------------------------------------------------------------------------------------


def test_scripted_answer_gives_the_exact_draft(pack, domains) -> None:
    backend = ScriptedBackend().enqueue(json.dumps(ANSWER))

    draft = extractor(pack, domains, backend).extract(record())

    document = dict(draft.document)
    seed_id = document.pop("seed_id")
    assert document == EXPECTED
    assert uuid.UUID(seed_id).version == 4 and draft.seed_id == seed_id
    seed = Seed.model_validate(draft.document, context={"domains": domains})
    assert seed.canonical_document() == draft.document
    assert (draft.status, draft.domain, draft.source_conversation_id, draft.import_id) == (
        "pending_review", DOMAIN, "imp-0001", "imp-test",
    )  # fmt: skip
    sources = {name: entry["source"] for name, entry in draft.evidence["fields"].items()}
    assert sources == {
        "roles": "heuristic", "longitud_objetivo": "heuristic", "privacidad": "heuristic",
        "metricas_calidad": "heuristic", "tipo_interaccion": "model", "flujo_esperado": "model",
        "tono_objetivo": "model", "entidades_clave": "model", "restricciones": "model",
        "herramientas_disponibles": "model",
    }  # fmt: skip
    assert all(entry["why"] for entry in draft.evidence["fields"].values())
    assert draft.evidence["language"]["value"] == "es" and draft.evidence["language"]["source"] == "heuristic"
    assert draft.evidence["stages_per_turn"] == ANSWER["etapas"]
    assert draft.evidence["fixes"] == []
    assert draft.evidence["model"]["name"] == "scripted-test-model" and draft.evidence["model"]["attempts"] == 1
    # nothing of the conversation's text is in the draft
    stored = json.dumps([draft.document, draft.evidence], ensure_ascii=False)
    assert not [text for _, text in TEXTS if text in stored]
    assert "Eres asesor" not in stored


def test_the_model_is_constrained_to_the_packs_vocabulary(pack, domains) -> None:
    backend = ScriptedBackend().enqueue(json.dumps(ANSWER))
    extractor(pack, domains, backend).extract(record())

    (request,) = backend.requests
    schema = request.json_schema
    properties = schema["properties"]
    assert properties["tipo_interaccion"]["enum"] == [t.id for t in pack.tipos_interaccion]
    assert properties["etapas"]["items"]["enum"] == [s.id for s in pack.etapas]
    assert properties["etapas"]["minItems"] == properties["etapas"]["maxItems"] == 4
    assert properties["tono"]["enum"] == pack.tonos
    assert properties["herramientas"]["items"]["enum"] == [t.nombre for t in pack.herramientas]
    for name in ("entidades", "restricciones"):
        assert properties[name]["items"]["pattern"].startswith("^[a-z0-9][a-z0-9_]")
    assert schema["required"] == list(properties) and schema["additionalProperties"] is False
    assert request.temperature == 0.0
    prompt = request.messages[1]["content"]
    assert "1. [cliente] Buenas tardes, busco un sedán compacto" in prompt and "Eres asesor." not in prompt


@pytest.mark.parametrize(
    ("turns", "expected"),
    [(2, (2, 3)), (4, (2, 6)), (10, (7, 13)), (20, (14, 26)), (180, (126, 200)), (300, (200, 200))],
)
def test_length_is_the_observed_turn_count_plus_minus_30_percent(pack, domains, turns, expected) -> None:
    texts = [("cliente" if i % 2 == 0 else "agente_ventas", TEXTS[i % 4][1]) for i in range(turns)]
    labelled = min(turns, 40)
    answer = {**ANSWER, "etapas": ["saludo"] * labelled}
    backend = ScriptedBackend().enqueue(json.dumps(answer))

    draft = extractor(pack, domains, backend).extract(record(texts))

    length = draft.document["longitud_objetivo"]
    assert (length["turnos_min"], length["turnos_max"]) == expected
    assert backend.requests[0].json_schema["properties"]["etapas"]["maxItems"] == labelled
    assert draft.document["parametros_factuales"]["flujo_esperado"] == ["saludo"]


def test_roles_come_from_the_mapped_turns_assistant_side_first(pack, domains) -> None:
    texts = [("cliente", TEXTS[0][1]), ("asesor_servicio", TEXTS[1][1]), ("agente_ventas", TEXTS[3][1])]
    texts.append(("cliente", TEXTS[2][1]))
    backend = ScriptedBackend().enqueue(json.dumps(ANSWER))
    draft = extractor(pack, domains, backend).extract(record(texts))
    assert draft.document["roles"] == ["asesor_servicio", "agente_ventas", "cliente"]
    assert draft.document["longitud_objetivo"]["turnos_min"] == 3  # at least one turn per role


def test_the_flow_is_the_ordered_deduplicated_stage_sequence(pack, domains) -> None:
    texts = TEXTS + TEXTS[:2]
    stages = ["saludo", "objecion", "manejo_objecion", "objecion", "manejo_objecion", "cierre"]
    backend = ScriptedBackend().enqueue(json.dumps({**ANSWER, "etapas": stages}))
    draft = extractor(pack, domains, backend).extract(record(texts))
    flow = draft.document["parametros_factuales"]["flujo_esperado"]
    assert flow == ["saludo", "objecion", "manejo_objecion", "cierre"]
    assert draft.evidence["stages_per_turn"] == stages


def test_unconstrained_output_is_fixed_in_code(pack, domains) -> None:
    answer = {
        "tipo_interaccion": "Consulta Financiamiento",
        "etapas": ["saludo", "despedida", "calculo_financiamiento", "objecion", "cierre"],
        "tono": "amable",
        "entidades": ["Sedán Compacto", "enganche 20%", "sedan_compacto", "camioneta_amparo", "plazo_60_meses",
                      "busco_un_sedan_compacto_con_transmision", 42, "modelo_con_muchas_palabras_de_relleno_sin_fin"],
        "restricciones": ["sin_historial_crediticio", "ingreso_informal"],
        "herramientas": ["calcular_financiamiento", "volar", "calcular_financiamiento", "cotizar_seguro"],
    }  # fmt: skip
    backend = ScriptedBackend().enqueue(json.dumps(answer))

    draft = extractor(pack, domains, backend).extract(record())

    facts = draft.document["parametros_factuales"]
    assert facts == {
        "entidades_clave": ["sedan_compacto", "enganche_20pct"],
        "restricciones": ["sin_historial_crediticio"],
        "flujo_esperado": ["saludo", "calculo_financiamiento", "objecion"],
    }
    assert draft.document["tipo_interaccion"] == "consulta_financiamiento"
    assert draft.document["tono_objetivo"] == pack.tonos[0]
    assert draft.evidence["fields"]["tono_objetivo"]["source"] == "heuristic"
    assert draft.document["herramientas_disponibles"] == ["calcular_financiamiento"]
    assert draft.evidence["fixes"] == [
        "etapas: 5 labels for 4 turns (extra ones ignored)",
        "etapas[2]: not a stage of automotive.sales: dropped",
        "tono: not a tone of automotive.sales: replaced by the pack's first tone",
        "entidades[1]: normalised to sedan_compacto",
        "entidades[2]: normalised to enganche_20pct",
        "entidades[3]: repeated: dropped",
        "entidades[4]: contains a person's name: dropped",
        "entidades[5]: not supported by the dialogue: dropped",
        "entidades[6]: copies a run of the conversation's words: dropped",
        "entidades[7]: not an identifier: dropped",
        "entidades[8]: 8 words is a phrase, not an identifier: dropped",
        "restricciones[2]: not supported by the dialogue: dropped",
        "herramientas[2]: not a tool of automotive.sales: dropped",
        "herramientas[3]: repeated: dropped",
        "herramientas[4]: cotizar_seguro: nothing in the dialogue about what it does: dropped",
    ]
    Seed.model_validate(draft.document, context={"domains": domains})


def test_unusable_output_is_retried_then_skipped_with_the_reasons(pack, domains) -> None:
    backend = ScriptedBackend().enqueue("not json at all").enqueue('{"tipo_interaccion": "consulta_', "length")
    with pytest.raises(ExtractionSkipped) as caught:
        extractor(pack, domains, backend).extract(record())
    assert caught.value.reason == (
        "unusable model output (attempt 1: output is not JSON: Expecting value at column 1; "
        "attempt 2: output truncated at the token limit)"
    )
    assert [request.temperature for request in backend.requests] == [0.0, 0.7]
    assert backend.requests[0].seed != backend.requests[1].seed


def test_a_retry_that_parses_gives_a_draft(pack, domains) -> None:
    backend = ScriptedBackend().enqueue("[1, 2]").enqueue(json.dumps(ANSWER))
    draft = extractor(pack, domains, backend).extract(record())
    assert draft.evidence["model"]["attempts"] == 2


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({"tipo_interaccion": "venta_de_pasteles"}, "the model's interaction type is not one of automotive.sales"),
        ({"etapas": ["despedida"] * 4}, "the model labelled no turn with a known stage"),
        ({"entidades": ["plazo_72_meses", "tasa_9pct"]}, "no usable key entity in the model's answer"),
    ],
)
def test_what_code_cannot_fix_is_skipped(pack, domains, change, reason) -> None:
    backend = ScriptedBackend().enqueue(json.dumps({**ANSWER, **change})).enqueue(json.dumps({**ANSWER, **change}))
    with pytest.raises(ExtractionSkipped) as caught:
        extractor(pack, domains, backend).extract(record())
    assert caught.value.reason == reason and caught.value.conversation_id == "imp-0001"
    assert [request.temperature for request in backend.requests] == [0.0, 0.7]  # asked again before giving up


def test_an_unusable_answer_is_asked_again_and_the_next_one_drafts(pack, domains) -> None:
    backend = ScriptedBackend().enqueue(json.dumps({**ANSWER, "entidades": ["plazo_72_meses", "tasa_9pct"]})).enqueue(json.dumps(ANSWER))
    draft = extractor(pack, domains, backend).extract(record())
    assert draft.evidence["model"]["attempts"] == 2
    assert not any("plazo_72_meses" in fix for fix in draft.evidence["fixes"])  # the first answer's fixes are not kept


def test_a_backend_error_skips_the_conversation(pack, domains) -> None:
    backend = ScriptedBackend().enqueue_error(GenerationError("llama.cpp refused the request: too long"))
    with pytest.raises(ExtractionSkipped, match="the model failed: llama.cpp refused the request: too long"):
        extractor(pack, domains, backend).extract(record())


@pytest.mark.parametrize(
    ("kwargs", "reason"),
    [
        ({"status": "pending_review"}, "review_status is pending_review: only clean conversations are drafted"),
        ({"passed": False}, "validation did not pass (continuidad_topica)"),
        ({"domain": "medical.consultation"}, "domain medical.consultation is not automotive.sales"),
        ({"texts": [("cliente", "Hola"), ("cliente", "¿Hay alguien?")]},
         "needs dialogue turns of both an assistant-side and a user-side role"),
    ],
)  # fmt: skip
def test_ineligible_conversations_are_skipped_without_asking_the_model(pack, domains, kwargs, reason) -> None:
    backend = ScriptedBackend()
    texts = kwargs.pop("texts", TEXTS)
    with pytest.raises(ExtractionSkipped) as caught:
        extractor(pack, domains, backend).extract(record(texts, **kwargs))
    assert caught.value.reason == reason
    assert caught.value.msg == f"conversation imp-0001: {reason}"
    assert backend.requests == []


def test_ineligible_reason() -> None:
    assert ineligible_reason(record()) is None
    assert ineligible_reason({**record(), "validation": {}}) == "validation did not pass"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("sedan_compacto", "sedan_compacto"),
        ("Sedán Compacto", "sedan_compacto"),
        ("enganche 20%", "enganche_20pct"),
        ("  año-modelo 2024 ", "ano_modelo_2024"),
        ("___", None),
        ("", None),
        (42, None),
        ("x" * 60, "x" * 48),
    ],
)
def test_to_identifier(value, expected) -> None:
    assert to_identifier(value) == expected


# -- PII (the real rule-based scanner) ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scanner() -> PiiScanner:
    return PiiScanner().warm_up()


@pytest.mark.parametrize(
    ("entity", "where", "kind"),
    [
        ("curp_gode561231hdfrrn00", "entidades[2]", "flagged by the PII scanner (CURP)"),
        ("juan.perez@gmail.com", "entidades[2]", "flagged by the PII scanner (EMAIL_ADDRESS)"),
        ("tel_55_1234_5678", "entidades[2]", "holds a long number (phone, account or ID)"),
    ],
)
def test_an_entity_the_pii_scanner_flags_rejects_the_draft(pack, domains, scanner, entity, where, kind) -> None:
    answer = {**ANSWER, "entidades": ["sedan_compacto", entity]}
    backend = ScriptedBackend().enqueue(json.dumps(answer))
    with pytest.raises(ExtractionSkipped) as caught:
        SeedExtractor(pack, backend, domains=domains, scanner=scanner).extract(record())
    assert caught.value.reason == f"{where} {kind}: draft rejected"
    assert entity not in caught.value.msg


def test_typical_identifiers_pass_the_real_scanner(pack, domains, scanner) -> None:
    backend = ScriptedBackend().enqueue(json.dumps(ANSWER))
    draft = SeedExtractor(pack, backend, domains=domains, scanner=scanner).extract(record())
    assert draft.document["parametros_factuales"]["entidades_clave"] == ANSWER["entidades"]


def test_the_scanner_sees_each_identifier_as_written_and_spaced(pack, domains) -> None:
    scanner = CleanScanner()
    backend = ScriptedBackend().enqueue(json.dumps({**ANSWER, "entidades": ["Plazo 48 meses"], "restricciones": []}))
    extractor(pack, domains, backend, scanner).extract(record())
    assert scanner.texts == ["Plazo 48 meses", "plazo_48_meses", "plazo 48 meses"]


# -- the drafts store ---------------------------------------------------------------------------------------------


def imported(conversation_id: str, texts=TEXTS, status: str = "clean", passed: bool = True) -> ImportedConversation:
    return ImportedConversation(
        conversation_id=conversation_id, source="chat.jsonl", source_sha256="0" * 64, source_key=conversation_id,
        format="openai_chat", domain=DOMAIN, role_reason="test", turns=[turn(role, text) for role, text in texts],
        metadata={}, redaction="pseudonymize", findings=[], risk_score=0.0,
        validation={"passed": passed, "score": 1.0, "checks": []}, review_status=status,
    )  # fmt: skip


THREE = [imported("imp-c1"), imported("imp-c2"), imported("imp-c3", status="pending_review")]


def add_import(store: Store, import_id: str, conversations: list[ImportedConversation]) -> None:
    repository = ImportRepository(store)
    repository.start(import_id, {})
    with repository.file_transaction(import_id, "chat.jsonl", "0" * 64, "openai_chat", "test") as writer:
        for conversation in conversations:
            writer.add(conversation)
    repository.finish(import_id, {"totals": {}})


def test_store_round_trip_and_decisions(tmp_path: Path, pack, domains) -> None:
    with Store.open(tmp_path / "scsf.duckdb") as store:
        assert store.con.execute("SELECT max(version) FROM schema_migrations").fetchone()[0] >= 3
        add_import(store, "imp-a", THREE)
        repository = SeedDraftRepository(store)
        candidates = repository.candidates("imp-a")
        assert [c["conversation_id"] for c in candidates] == ["imp-c1", "imp-c2", "imp-c3"]
        assert candidates[0]["import_id"] == "imp-a" and candidates[0]["turns"][0]["role"] == "cliente"

        backend = ScriptedBackend().enqueue(json.dumps(ANSWER)).enqueue(json.dumps(ANSWER))
        first, second = (extractor(pack, domains, backend).extract(c) for c in candidates[:2])
        repository.put(first)
        repository.put(second)

        loaded = repository.get(first.draft_id)
        assert (loaded.document, loaded.evidence, loaded.status) == (first.document, first.evidence, "pending_review")
        assert loaded.import_id == "imp-a" and loaded.created_at and loaded.decided_at is None
        assert [d.draft_id for d in repository.list_drafts()] == [first.draft_id, second.draft_id]
        assert [c["conversation_id"] for c in repository.candidates()] == ["imp-c3"]
        assert repository.drafted_conversations() == {"imp-c1", "imp-c2"}

        rejected = repository.decide(second.draft_id, "rejected")
        assert rejected.status == "rejected" and rejected.decided_at
        assert [d.draft_id for d in repository.list_drafts("pending_review")] == [first.draft_id]
        with pytest.raises(StoreError, match=f"seed draft {second.draft_id} is already rejected"):
            repository.decide(second.draft_id, "approved")
        with pytest.raises(StoreError, match="seed draft draft-nope is not in the store"):
            repository.get("draft-nope")
        with pytest.raises(StoreError, match="import imp-nope is not in the store"):
            repository.candidates("imp-nope")

        stored = repository.approve(first.draft_id, domains)
        assert (stored.seed_id, stored.version, stored.source) == (first.seed_id, 1, f"draft:{first.draft_id}")
        assert store.get_seed(first.seed_id).document == first.document
        assert repository.get(first.draft_id).status == "approved"

        kinds = [row[0] for row in store.con.execute("SELECT kind FROM audit_events ORDER BY seq").fetchall()]
        assert [k for k in kinds if k.startswith("seed")] == [
            "seed_draft.stored", "seed_draft.stored", "seed_draft.rejected", "seeds.imported", "seed_draft.approved",
        ]  # fmt: skip
        store.verify_audit_chain()


def test_a_failed_insert_leaves_no_audit_event(tmp_path: Path, pack, domains) -> None:
    with Store.open(tmp_path / "scsf.duckdb") as store:
        repository = SeedDraftRepository(store)
        draft = extractor(pack, domains, ScriptedBackend().enqueue(json.dumps(ANSWER))).extract(record())
        repository.put(draft)
        with pytest.raises(Exception, match="(?i)constraint|duplicate"):
            repository.put(draft)
        events = store.con.execute("SELECT count(*) FROM audit_events WHERE kind = 'seed_draft.stored'").fetchone()[0]
        assert events == 1


# -- the CLI ------------------------------------------------------------------------------------------------------


@pytest.fixture
def cli_store(home: Path) -> Path:
    """A data directory with one import: two clean, valid conversations and one held for review."""
    from scsf.paths import Home

    database = Home.resolve().database
    with Store.open(database) as store:
        add_import(store, "imp-cli", THREE)
    return database


@pytest.fixture
def scripted(monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    """`open_backend` returns a ScriptedBackend answering ANSWER; records the configs it was opened with."""
    opened: dict[str, Any] = {"configs": [], "backend": None}

    def open_backend(config, home):
        backend = ScriptedBackend(default=lambda request: json.dumps(ANSWER))
        opened["configs"].append(config)
        opened["backend"] = backend
        return backend

    monkeypatch.setattr("scsf.pipeline.backend.open_backend", open_backend)
    return opened


def invoke(*args: str):
    from appliance.commands import seeds

    return CliRunner().invoke(seeds.app, list(args))


def test_cli_extract_list_approve_reject(cli_store: Path, scripted: dict[str, Any]) -> None:
    first = invoke("extract", "--import", "imp-cli", "--limit", "1", "--model", "m", "--threads", "1", "--json")
    assert first.exit_code == 0, first.output
    result = json.loads(first.stdout)
    assert [d["source_conversation_id"] for d in result["drafted"]] == ["imp-c1"]
    reason = "review_status is pending_review: only clean conversations are drafted"
    assert result["skipped"] == [{"conversation_id": "imp-c3", "reason": reason}]
    (config,) = scripted["configs"]
    assert (config.model, config.n_threads) == ("m", 1)
    assert scripted["backend"].closed

    second = json.loads(invoke("extract", "--json").stdout)
    assert [d["source_conversation_id"] for d in second["drafted"]] == ["imp-c2"]
    Seed.model_validate(second["drafted"][0]["document"], context={"domains": DomainRegistry.load()})

    third = invoke("extract")
    assert third.exit_code == 0 and "0 seed drafts stored for review, 1 conversations skipped" in third.stdout
    assert len(scripted["configs"]) == 2  # nothing to draft: no model loaded

    listed = json.loads(invoke("drafts", "list", "--json").stdout)
    assert [(d["source_conversation_id"], d["status"]) for d in listed] == [
        ("imp-c1", "pending_review"), ("imp-c2", "pending_review")
    ]
    assert listed[0]["evidence"]["fields"]["roles"]["source"] == "heuristic"
    keep, drop = listed[0], listed[1]

    approved = invoke("drafts", "approve", keep["draft_id"], "--json")
    assert approved.exit_code == 0, approved.output
    assert json.loads(approved.stdout) | {"content_hash": None} == {
        "draft_id": keep["draft_id"], "seed_id": keep["seed_id"], "version": 1, "content_hash": None, "created": True,
    }  # fmt: skip
    seeds = json.loads(invoke("list", "--json").stdout)
    assert [(s["seed_id"], s["version"], s["domain"]) for s in seeds] == [(keep["seed_id"], 1, DOMAIN)]
    shown = json.loads(invoke("show", keep["seed_id"], "--json").stdout)
    assert shown["document"] == keep["document"] and shown["source"] == f"draft:{keep['draft_id']}"

    assert invoke("drafts", "reject", drop["draft_id"]).exit_code == 0
    statuses = {d["draft_id"]: d["status"] for d in json.loads(invoke("drafts", "list", "--json").stdout)}
    assert statuses == {keep["draft_id"]: "approved", drop["draft_id"]: "rejected"}
    assert [d["draft_id"] for d in json.loads(invoke("drafts", "list", "--status", "approved", "--json").stdout)] == [
        keep["draft_id"]
    ]

    again = invoke("drafts", "approve", keep["draft_id"])
    assert again.exit_code == 1 and isinstance(again.exception, StoreError)
    assert again.exception.msg == f"seed draft {keep['draft_id']} is already approved"
    assert len(json.loads(invoke("list", "--json").stdout)) == 1


def test_cli_extract_without_imports_is_a_one_line_error(home: Path, scripted: dict[str, Any]) -> None:
    result = invoke("extract")
    assert result.exit_code == 1 and isinstance(result.exception, ScsfError), (result.output, result.exception)
    assert result.exception.msg == "the store has no imported conversations (run `scsf-appliance ingest` first)"
    unknown = invoke("drafts", "reject", "draft-000")
    assert isinstance(unknown.exception, StoreError) and "draft-000 is not in the store" in unknown.exception.msg
    assert scripted["configs"] == []


def test_cli_errors_are_one_line_through_the_entry_point(cli_store: Path, capsys, monkeypatch) -> None:
    from appliance import cli

    monkeypatch.setattr("sys.argv", ["scsf-appliance", "seeds", "extract", "--import", "imp-nope"])
    with pytest.raises(SystemExit) as exited:
        cli.main()
    assert exited.value.code == 1
    assert capsys.readouterr().err.strip() == "error: import imp-nope is not in the store"


def test_without_per_turn_languages_the_language_is_detected_over_the_dialogue(pack, domains) -> None:
    unlabelled = record()
    for item in unlabelled["turns"]:
        item.pop("lang", None)
    draft = extractor(pack, domains, ScriptedBackend().enqueue(json.dumps(ANSWER))).extract(unlabelled)
    language = draft.evidence["language"]
    assert language["value"] == "es" and "over the whole dialogue" in language["why"]
