"""Hand-written conversations for the evaluator tests (listing 1's seed: sedan, 20 % down payment, 48 months)."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from scsf.domains import DomainRegistry
from scsf.eval.dialogue import DialogueTurn
from scsf.privacy.base import PiiFinding
from scsf.seeds.conversation import Conversation, Turn
from scsf.seeds.loader import parse_seed
from scsf.seeds.schema import Seed

LISTING1 = Path(__file__).parents[1] / "fixtures" / "listing1_seed.json"
SIDES = {"cliente": "usuario", "agente_ventas": "asistente"}

FAITHFUL = [
    ("cliente", "Hola, buenas tardes. Busco un sedán compacto para ir al trabajo todos los días."),
    ("agente_ventas", "Bienvenido a la agencia. ¿Cuál es su presupuesto y qué uso le daría al auto?"),
    ("cliente", "Necesito algo económico; no tengo historial crediticio y mis ingresos son informales."),
    ("agente_ventas", "Le propongo un plan con enganche del 20 % y plazo de 48 meses, pensado para primer crédito."),
    ("cliente", "Me preocupa que la mensualidad sea demasiado cara para mí, la verdad tengo dudas."),
    ("agente_ventas", "Entiendo su preocupación; podemos revisar una alternativa con comprobantes de ingreso propios."),
    ("cliente", "Perfecto, lo reviso con calma. Muchas gracias por la atención."),
    ("agente_ventas", "Gracias a usted, quedo atento. Que tenga excelente día, hasta luego."),
]


def conversation(
    seed: Seed, texts: Sequence[tuple[str, str]], generation: dict[str, Any] | None = None, conversation_id: str = "conv-1"
) -> Conversation:
    return Conversation(
        conversation_id=conversation_id,
        run_id="run-test",
        seed_id=seed.seed_id,
        seed_version=1,
        variant="test",
        index=0,
        turns=[Turn(role=role, text=text) for role, text in texts],
        system_prompt="Eres el asistente.",
        generation={"sides": dict(SIDES), **(generation or {})},
    )


class NoPii:
    """A scanner that finds nothing (tests of metrics other than privacy)."""

    def scan_many(self, texts: Sequence[str], langs: Any = None) -> list[list[PiiFinding]]:
        return [[] for _ in texts]


def make_seed(domains: DomainRegistry, **changes: Any) -> Seed:
    """Listing 1's seed with fields replaced; `a__b=value` sets document["a"]["b"]."""
    document = json.loads(LISTING1.read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        *path, last = dotted.split("__")
        target = document
        for key in path:
            target = target[key]
        target[last] = value
    return parse_seed(document, domains, "test")


def turns(texts: list[tuple[str, str]]) -> list[DialogueTurn]:
    return [DialogueTurn(number, role, SIDES.get(role), text) for number, (role, text) in enumerate(texts, start=1)]
