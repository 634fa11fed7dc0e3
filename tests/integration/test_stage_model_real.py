"""The model-based stage labeller with the real 0.5B model (llama.cpp, 1 thread): one schema-constrained call
labels every turn with a stage its side may have."""

from __future__ import annotations

from pathlib import Path

import pytest

from scsf.domains import DomainRegistry
from scsf.eval.dialogue import DialogueTurn
from scsf.eval.stage_model import ModelStageLabeller, allowed_stages
from scsf.generation.backends.llamacpp import LlamaCppBackend
from scsf.models.catalog import ModelCatalog
from scsf.paths import Home

pytestmark = pytest.mark.model

SHARED_MODELS = Home.resolve().models  # where installer/setup.sh assembled the weights
TEST_MODEL = "qwen2.5-coder-0.5b-instruct-q4_k_m"
DIALOGUE = [
    ("cliente", "usuario", "Hola, buenas tardes. Busco una camioneta familiar."),
    ("agente_ventas", "asistente", "Le propongo la SUV mediana a 489,900 pesos con enganche del 20 %."),
    ("cliente", "usuario", "Se me hace cara la mensualidad."),
    ("agente_ventas", "asistente", "Lo entiendo: a 60 meses baja a 8,900 pesos. ¿Le agendo una prueba de manejo?"),
]


@pytest.fixture
def backend(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """The 0.5B test model from the shared models directory, 1 thread, in a fresh data directory."""
    if not (SHARED_MODELS / "verified.json").exists():
        pytest.skip(f"models not assembled in {SHARED_MODELS}: run installer/setup.sh")
    monkeypatch.setenv("SCSF_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SCSF_MODELS_DIR", str(SHARED_MODELS))
    catalog = ModelCatalog.load(Home.resolve())
    options = LlamaCppBackend.Options(
        model_path=catalog.ensure_file(TEST_MODEL), model_name=TEST_MODEL,
        model_sha256=catalog.get(TEST_MODEL).sha256, n_ctx=4096, n_threads=1,
    )  # fmt: skip
    backend = LlamaCppBackend(options)
    yield backend
    backend.close()


def test_real_model_labels_every_turn_with_a_stage_of_its_side(backend) -> None:
    pack = DomainRegistry.load().get("automotive.sales")
    turns = [DialogueTurn(n, role, side, text) for n, (role, side, text) in enumerate(DIALOGUE, start=1)]
    labelling = ModelStageLabeller(backend).label(turns, pack)
    assert labelling.fallback is None  # the schema-constrained answer was valid
    assert len(labelling.labels) == len(turns)
    for turn, label in zip(turns, labelling.labels, strict=True):
        assert label in allowed_stages(pack, turn.side), (turn.number, label)
