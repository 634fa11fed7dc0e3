"""The model-based stage labeller with the real 0.5B model (llama.cpp, 1 thread): one schema-constrained call
labels every turn with a stage its side may have."""

from __future__ import annotations


import pytest

from scsf.domains import DomainRegistry
from scsf.eval.dialogue import DialogueTurn
from scsf.eval.stage_model import ModelStageLabeller, allowed_stages

pytestmark = pytest.mark.model

DIALOGUE = [
    ("cliente", "usuario", "Hola, buenas tardes. Busco una camioneta familiar."),
    ("agente_ventas", "asistente", "Le propongo la SUV mediana a 489,900 pesos con enganche del 20 %."),
    ("cliente", "usuario", "Se me hace cara la mensualidad."),
    ("agente_ventas", "asistente", "Lo entiendo: a 60 meses baja a 8,900 pesos. ¿Le agendo una prueba de manejo?"),
]


def test_real_model_labels_every_turn_with_a_stage_of_its_side(small_model) -> None:
    pack = DomainRegistry.load().get("automotive.sales")
    turns = [DialogueTurn(n, role, side, text) for n, (role, side, text) in enumerate(DIALOGUE, start=1)]
    labelling = ModelStageLabeller(small_model).label(turns, pack)
    assert labelling.fallback is None  # the schema-constrained answer was valid
    assert len(labelling.labels) == len(turns)
    for turn, label in zip(turns, labelling.labels, strict=True):
        assert label in allowed_stages(pack, turn.side), (turn.number, label)
