"""A seed draft from a really ingested conversation with the real 0.5B model (llama.cpp, 1 thread)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from scsf.domains import DomainRegistry
from scsf.ingest.pipeline import Ingestor, IngestOptions
from scsf.privacy import PiiScanner
from scsf.seeds.extract import ExtractionSkipped, SeedExtractor
from scsf.seeds.schema import Seed
from scsf.store import Store
from scsf.store.drafts import SeedDraftRepository
from scsf.store.imports import ImportRepository

pytestmark = pytest.mark.model

EXPORT = Path(__file__).parents[1] / "fixtures" / "parsers" / "openai" / "basic.jsonl"


def test_real_model_drafts_a_valid_seed_from_an_ingested_conversation(small_model, tmp_path: Path) -> None:
    domains = DomainRegistry.load()
    pack = domains.get("automotive.sales")
    with Store.open(tmp_path / "home" / "scsf.duckdb") as store:
        import_id, _ = Ingestor(pack, PiiScanner(), IngestOptions(), ImportRepository(store)).ingest([EXPORT])
        repository = SeedDraftRepository(store)
        candidates = repository.candidates(import_id)
        assert len(candidates) == 2  # a clean Spanish sales chat, and a 2-turn English one that fails validation

        extractor = SeedExtractor(pack, small_model, domains=domains)
        drafts, skipped = [], []
        started = time.perf_counter()
        for record in candidates:
            try:
                drafts.append(extractor.extract(record))
            except ExtractionSkipped as exc:
                skipped.append(exc.reason)
        seconds = time.perf_counter() - started

        assert skipped == ["validation did not pass (continuidad_topica)"]
        (draft,) = drafts
        seed = Seed.model_validate(draft.document, context={"domains": domains})
        assert seed.namespace == "automotive.sales" and seed.roles == ["agente_ventas", "cliente"]
        assert seed.longitud_objetivo.model_dump() == {"turnos_min": 2, "turnos_max": 6}
        assert (
            draft.evidence["model"]["name"] == small_model.model_info["name"]
            and draft.evidence["language"]["value"] == "es"
        )
        assert len(draft.evidence["stages_per_turn"]) == 4
        text = json.dumps(draft.document, ensure_ascii=False)
        turns = [turn["text"] for turn in candidates[0]["turns"]]
        assert not [turn for turn in turns if turn in text]

        repository.put(draft)
        stored = repository.approve(draft.draft_id, domains)
        assert [s.seed_id for s in store.list_seeds("automotive.sales")] == [stored.seed_id]
        store.verify_audit_chain()
    print(f"\nextracted in {seconds:.1f}s: {json.dumps(draft.document, ensure_ascii=False)}")
