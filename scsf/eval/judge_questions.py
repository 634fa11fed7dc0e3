"""The judge's focused questions about one message turn at a time. A 1.5B model answering a 20-slot JSON about a
whole dialogue left restrictions and role swaps unread (`bench judge`), and asked whether a sentence "contradicts"
a restriction it said yes to nearly everything; a question of fact about one sentence is a task of its size:

- the speaker: which role would say the sentence (the turn's role withheld);
- per restriction the domain pack can check (`verificacion_restricciones`), on assistant-side turns: the pack's
  question about the sentence ("¿el plan pide un aval?"), answered si / no / no_lo_dice; the pack names the answer
  that contradicts the restriction. A restriction the pack has no question for is not asked about.

The system message is the same for every question of a conversation and the sentence comes before the question, so
llama.cpp reuses the evaluated prefix from one question about a turn to the next.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scsf.domains import DomainPack
from scsf.eval.judge_prompt import MAX_TURN_CHARS, record
from scsf.eval.text import clip

SPEAKER = "habla"
ANSWER = "respuesta"
ANSWERS = ("si", "no", "no_lo_dice")

SYSTEM = (
    "Lees una frase de una conversación de {industria} y respondes una pregunta sobre ella solo con lo que la frase "
    "dice. Roles: {roles}. Quien ofrece, explica condiciones, calcula o pide documentos atiende; quien dice lo que "
    "busca, cuenta su situación, pregunta o duda consulta. Responde solo con el JSON pedido."
)


def speaker_question(pack: DomainPack, roles: Sequence[str], text: str) -> list[dict[str, str]]:
    """Which of `roles` would say `text`?"""
    return _messages(pack, roles, text, f"¿Quién dice la frase: {' o '.join(roles)}?")


def speaker_schema(roles: Sequence[str]) -> dict[str, Any]:
    return record({SPEAKER: {"type": "string", "enum": list(roles)}})


def restriction_question(pack: DomainPack, roles: Sequence[str], text: str, question: str) -> list[dict[str, str]]:
    """The pack's `question` about `text`."""
    return _messages(
        pack, roles, text, f"Según la frase, {question} Responde {', '.join(ANSWERS[:-1])} o {ANSWERS[-1]}."
    )


def restriction_schema() -> dict[str, Any]:
    return record({ANSWER: {"type": "string", "enum": list(ANSWERS)}})


def _messages(pack: DomainPack, roles: Sequence[str], text: str, question: str) -> list[dict[str, str]]:
    described = "; ".join(f"{role} ({_description(pack, role)})" for role in roles)
    return [
        {"role": "system", "content": SYSTEM.format(industria=pack.nombre, roles=described)},
        {"role": "user", "content": f"Frase: «{clip(text, MAX_TURN_CHARS)}»\n{question}"},
    ]


def _description(pack: DomainPack, role_id: str) -> str:
    role = pack.role(role_id)
    if role is None:
        return role_id
    return f"{role.descripcion.rstrip('.')}; {'atiende' if role.lado == 'asistente' else 'consulta'}"
