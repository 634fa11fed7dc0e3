"""What the discrimination check can ask of any labeller: the faithful bases labelled turn by turn by hand (each turn
the stage or stages of its seed's flow a careful human gives it), scored by `discrimination` as a labeller's are.

A labeller that labels every turn so accepts every faithful base and rejects every reversed variant, but only one of
the 16 middle-dropped ones: dropping the middle third of a dialogue keeps both its ends, so most of the seed's stages
stay in order (precision 1, recall 4/7 to 6/7). A target of rejecting nearly all broken variants can only be met by
labelling noise, not by a better labeller.
"""

from __future__ import annotations

from collections.abc import Sequence

from scsf.bench.judge_set import load_bases
from scsf.bench.stages import discrimination
from scsf.domains import DomainPack, DomainRegistry
from scsf.eval.dialogue import DialogueTurn
from scsf.eval.stages import StageLabelling

STAGE = {
    "s": "saludo", "i": "identificacion_necesidad", "r": "requisitos_documentacion", "c": "calculo_financiamiento",
    "o": "objecion", "m": "manejo_objecion", "x": "cierre", "v": "consulta_inventario", "f": "seguimiento",
    "p": "propuesta", "k": "comparativa_opciones", "n": "negociacion", "e": "escalacion_humano",
    "a": "valuacion_auto_a_cuenta", "g": "agenda_cita", "d": "diagnostico", "w": "revision_cobertura",
}  # fmt: skip
HAND_STAGES = {  # one group of stage letters per message turn, in order
    "financiamiento-hatchback": "si i i r c c o m x x",
    "financiamiento-sedan-sin-aval": "si si i c o r r r x x",
    "financiamiento-suv-nomina": "si i i v c c r rf f x",
    "financiamiento-buro-atrasos": "si i io m c c c p x x",
    "financiamiento-pickup-informal": "si i i r c c o m x x",
    "financiamiento-suv-cat": "si i i c k k o m x x",
    "negociacion-sedan-bono": "s p p c o n n n x x",
    "lealtad-tasa-preferencial": "si i c cp r r r x",
    "electrificados-hibrido-enchufable": "si i iv v c c c pf x x",
    "flotilla-pickups-credito": "si i i r rc c o m f fx",
    "negociacion-suv-contado": "si i i p o ne e e x x",
    "toma-auto-con-adeudo": "si i i a o m p p x x",
    "seguro-hatchback-presupuesto": "si si i k o m p p x x",
    "inventario-suv-automatica": "si i i v o mp p x",
    "prueba-pickup-con-carga": "si i o m g g x x",
    "posventa-bomba-de-agua": "sd d w w o mp p x",
}


class HandLabeller:
    """The hand stages of each base turn, found by its text (broken variants reuse the texts)."""

    def __init__(self) -> None:
        self.stages: dict[str, list[str]] = {}
        for base in load_bases():
            groups = HAND_STAGES[base.name].split()
            assert len(groups) == len(base.messages), base.name
            for (_, text), group in zip(base.messages, groups, strict=True):
                self.stages[text] = [STAGE[letter] for letter in group]

    def __call__(self, turns: Sequence[DialogueTurn], pack: DomainPack) -> list[str]:
        return self.label(turns, pack).labels

    def label(self, turns: Sequence[DialogueTurn], pack: DomainPack) -> StageLabelling:
        found = [self.stages[turn.text] for turn in turns]
        return StageLabelling([stages[0] for stages in found], sequence=[stage for stages in found for stage in stages])


def test_hand_labels_accept_every_faithful_base_reject_every_reversed_one_and_few_middle_dropped(
    domains: DomainRegistry,
) -> None:
    result = discrimination(HandLabeller(), domains)
    assert (result["faithful_accepted"], result["faithful"]) == (16, 16)
    assert result["rejected_by_variant"] == {"reversed": 16, "middle_dropped": 1}
    middle = sorted(case["middle_dropped"] for case in result["cases"])
    assert (middle[0], middle[1], middle[-1]) == (0.6154, 0.6667, 0.9231)
