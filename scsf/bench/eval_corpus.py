"""Generated-looking conversations for `bench eval`, made by the real generation pipeline (plan, generator, tool
injection, typo noise) with a template writer in place of the model.

The writer answers each planned turn with a sentence for its stage and side, written for this corpus as a model
would phrase it (not copied from the pack's stage descriptions), and mentions seed values and tool results the way
a faithful model does. Stages without a template get a neutral reply ("De acuerdo, lo vemos."), as a model often
writes; the stage labeller must then carry the stage over. The planned stages (`generation["stage_plan"]`) are the
labels the labeller's accuracy is measured against.

Templates repeat: a few hundred distinct texts make thousands of turns, and `Evaluator.evaluate_many` scans each
distinct text once. With `unique_texts` every turn ends with a made-up word of its own in brackets (lower case, no
digits: no value, PII candidate or stage cue), which makes every text distinct, as a model's are.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterator
from itertools import zip_longest
from typing import Any, ClassVar

from scsf.domains import DomainRegistry
from scsf.generation.backends.base import Backend, Completion, GenRequest
from scsf.generation.generator import ConversationGenerator, Sampling
from scsf.generation.plan import ConversationPlan, plan_conversation
from scsf.generation.prompts import humanize
from scsf.generation.variation import VariationConfig
from scsf.seeds.conversation import Conversation
from scsf.seeds.importer import pilot_seed_files
from scsf.seeds.loader import load_seed_file
from scsf.seeds.schema import Seed

MAX_TURNS = 1000  # per conversation: the markers of conversation n start at n * MAX_TURNS
NEUTRAL = ("De acuerdo, lo vemos.", "Sí, claro.", "Muy bien, continúe por favor.")
# stage -> (user-side sentences, assistant-side sentences); {thing} is a humanized seed entity
TEMPLATES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {  # fmt: skip
    "saludo": (("Hola, buenas tardes.", "Buen día, les escribo por una consulta."),
               ("¡Hola! Buenas tardes, gracias por escribirnos.", "Buen día, le saluda el equipo, mucho gusto.")),
    "identificacion_necesidad": (
        ("Estoy buscando algo como {thing}.", "Me interesa {thing}, ¿qué me recomienda?"),
        ("¿Qué necesita exactamente y para qué lo usaría?", "Cuénteme qué busca y su presupuesto."),
    ),
    "propuesta": ((), ("Le propongo esta opción con {thing}, creo que le conviene.",
                       "Mi recomendación es el plan con {thing}.")),
    "objecion": (("Me preocupa que salga muy caro, no sé si me alcanza.", "Tengo dudas, no me convence del todo."), ()),
    "manejo_objecion": ((), ("Entiendo su preocupación; hay una alternativa más accesible.",
                             "Comprendo, podemos ajustar la opción.")),
    "cierre": (("Muchas gracias por todo, hasta luego.", "Gracias, que tenga buen día."),
               ("Gracias a usted, quedo atento. ¡Excelente día!", "Fue un placer atenderle, hasta pronto.")),
    "seguimiento": (("¿Me escribe la próxima semana?", "Quedo pendiente de su llamada."),
                    ("Le llamo el jueves para dar seguimiento.", "Le envío un recordatorio y la retomamos el lunes.")),
    "abandono": (("Déjeme pensarlo y luego le aviso.", "Ahorita no puedo, lo veo después."), ()),
    "recuperacion": ((), ("Le escribo nuevamente: ¿sigue interesado? Tengo una razón para retomarlo.",)),
    "requisitos_documentacion": (("¿Qué documentos necesito?", "¿Qué requisitos piden?"),
                                 ("Necesita identificación, comprobante de domicilio y de ingresos.",)),
    "calculo_financiamiento": (("¿Cuánto quedaría de mensualidad?", "¿Y el enganche y el plazo?"),
                               ("Con {thing} la mensualidad y el plazo quedan así.",)),
    "agenda_cita": (("¿Puedo ir el sábado?",), ("Le agendo una cita el martes a las 11, ¿le queda bien la fecha?",)),
    "negociacion": (("¿Me pueden hacer un descuento?",), ("Puedo mejorar el precio con un bono.",)),
    "escalacion_humano": ((), ("Le comunico con el gerente para que le atienda.",)),
    "escalacion_especialista": ((), ("Lo canalizo con un especialista para su caso.",)),
    "escalacion_urgencias": ((), ("Por lo que describe, acuda de inmediato a urgencias.",)),
    "escalacion_cumplimiento": ((), ("Su solicitud se turna al área de cumplimiento.",)),
    "diagnostico": (("Hace un ruido raro desde hace días.",),
                    ("Por el síntoma, la causa probable es esta; hay que revisarlo.",)),
}


def _marker(number: int) -> str:
    """A made-up word for each number: "xq" and its base-16 digits as the letters a..p (no digits, no name)."""
    letters = "abcdefghijklmnop"
    word = letters[number % 16]
    while number := number // 16:
        word += letters[number % 16]
    return f"xq{word}"


def _sentence(stage: str, side: str, seed: Seed, rng: random.Random) -> str:
    user, assistant = TEMPLATES.get(stage, ((), ()))
    options = (user if side == "usuario" else assistant) or NEUTRAL
    thing = humanize(rng.choice(seed.parametros_factuales.entidades_clave))
    return rng.choice(options).format(thing=thing)


class TemplateWriter(Backend):
    """A backend that answers a whole-conversation request of one plan with template sentences."""

    name: ClassVar[str] = "template"
    supports_json_schema: ClassVar[bool] = True

    def __init__(self, plan: ConversationPlan) -> None:
        super().__init__(self.Options())
        self.plan = plan

    @property
    def model_info(self) -> dict[str, Any]:
        return {"backend": "template", "name": "eval-corpus"}

    def complete(self, request: GenRequest) -> Completion:
        rng = random.Random(self.plan.sampling_seed)
        turns = [
            {"role": turn.role, "text": _sentence(turn.stage, turn.side, self.plan.seed, rng)}
            for turn in self.plan.turns
        ]
        text = json.dumps({"turns": turns}, ensure_ascii=False)
        return Completion(text=text, prompt_tokens=0, completion_tokens=0, finish_reason="stop", seconds=0.0)


def generated_conversations(
    count: int, domains: DomainRegistry, base_seed: int = 5, unique_texts: bool = False
) -> Iterator[tuple[Conversation, Seed]]:
    """`count` conversations over the pilot seeds in turn (one per domain after another), with the flow variations,
    typo noise and tool calls a run has; `unique_texts`: no two turns alike (module docstring)."""
    per_domain = [[seed for _, seed in load_seed_file(path, domains)] for path in pilot_seed_files()]
    seeds = [seed for row in zip_longest(*per_domain) for seed in row if seed is not None]  # domains interleaved
    variation = VariationConfig(noise_kinds=["errores_tipograficos"])
    for number in range(count):
        seed = seeds[number % len(seeds)]
        plan = plan_conversation(seed, 1, domains.get(seed.dominio), number // len(seeds), policy="random",
                                 base_seed=base_seed, variation=variation)  # fmt: skip
        generator = ConversationGenerator(TemplateWriter(plan), Sampling())
        conversation, _ = generator.generate(
            plan, run_id="bench-eval", conversation_id=f"conv-{number}", on_failed_attempt=lambda *_: None
        )
        if unique_texts:
            conversation = _with_markers(conversation, number * MAX_TURNS)
        yield conversation, seed


def _with_markers(conversation: Conversation, first: int) -> Conversation:
    """Every message turn with a marker of its own appended (after the typo noise, so that it stays one)."""
    turns = [
        turn.model_copy(update={"text": f"{turn.text} ({_marker(first + index)})"}) if turn.is_message else turn
        for index, turn in enumerate(conversation.turns)
    ]
    return conversation.model_copy(update={"turns": turns})
