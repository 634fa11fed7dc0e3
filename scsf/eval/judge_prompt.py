"""What the judge model is asked about the whole dialogue (Spanish, like the packs) and the JSON schema its answer
must follow; the per-turn questions (speaker, contradicted restrictions) are in `judge_questions`.

The answer is fixed slots, short enough for a 1.5B model on CPU: per value kind the value the dialogue states and
its turn (or null), and the products offered (turn, name). The model only reads; code decides support.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from scsf.domains import DomainPack
from scsf.eval.dialogue import DialogueTurn
from scsf.eval.text import clip
from scsf.seeds.schema import Seed

PROMPT_VERSION = "judge-v3"
MAX_PRODUCTS = 3
MAX_PRODUCT_CHARS = 40
MAX_TURN_CHARS = 400
MAX_TOOL_CHARS = 300

# Value kinds the judge labels, with the description the prompt gives.
KINDS: dict[str, str] = {
    "enganche_pct": "enganche en porcentaje",
    "enganche_monto": "enganche en pesos",
    "plazo_meses": "plazo en meses (años por 12)",
    "precio": "precio del producto",
    "tasa_pct": "tasa de interés en porcentaje",
    "mensualidad": "pago mensual",
}

SYSTEM_PROMPT = (
    "Eres un auditor de conversaciones sintéticas de {industria}. Lees el diálogo y anotas lo que afirma, turno por "
    "turno, tal como lo dice, aunque no coincida con los hechos de la semilla. No copias frases ni datos personales. "
    "Responde solo con el JSON pedido."
)


def answer_schema(turn_count: int) -> dict[str, Any]:
    """The JSON schema of the answer for a dialogue of `turn_count` turns."""
    turn = {"type": "integer", "enum": list(range(1, turn_count + 1))}
    value = record({"turno": turn, "valor": {"type": "number"}})
    product = record({"turno": turn, "nombre": {"type": "string", "minLength": 1, "maxLength": MAX_PRODUCT_CHARS}})
    return record({
        "valores": record({kind: {"anyOf": [value, {"type": "null"}]} for kind in KINDS}),
        "productos": {"type": "array", "items": product, "maxItems": MAX_PRODUCTS},
    })  # fmt: skip


def record(properties: dict[str, Any]) -> dict[str, Any]:
    """An object with exactly these properties, all required, in this order."""
    return {"type": "object", "properties": properties, "required": list(properties), "additionalProperties": False}


def judge_messages(
    turns: Sequence[DialogueTurn], seed: Seed, pack: DomainPack, tools: Sequence[Mapping[str, Any]]
) -> list[dict[str, str]]:
    """System and user messages: the seed's facts, the recorded tool results, the numbered dialogue, the task."""
    factual = seed.parametros_factuales
    lines = ["Hechos de la semilla:", f"- entidades: {', '.join(factual.entidades_clave)}"]
    if tools:
        lines.append("Resultados de herramientas:")
        lines += [f"- {call.get('name')}: {clip(_compact(call.get('result')), MAX_TOOL_CHARS)}" for call in tools]
    lines.append("Roles:")
    lines += [f"- {role.id} ({_side(role.lado)}): {role.descripcion}" for role in pack.roles if role.id in seed.roles]
    lines.append(f"Diálogo ({len(turns)} turnos):")
    lines += [f"{turn.number}. [{turn.role}] {clip(turn.text, MAX_TURN_CHARS)}" for turn in turns]
    kinds = "; ".join(f"{kind}: {description}" for kind, description in KINDS.items())
    lines.append("Devuelve un JSON con:")
    lines.append(
        f"- valores: para cada tipo ({kinds}), el número tal como lo dice el diálogo y el turno donde aparece "
        "por primera vez, o null si el diálogo no lo dice (si el turno 2 dijera «a 36 meses», plazo_meses sería "
        '{"turno": 2, "valor": 36});'
    )
    lines.append(
        "- productos: los modelos o productos que el lado que atiende ofrece, con su turno y su nombre tal como aparece."
    )
    return [
        {"role": "system", "content": SYSTEM_PROMPT.format(industria=pack.nombre)},
        {"role": "user", "content": "\n".join(lines)},
    ]


def _side(lado: str) -> str:
    return "lado que atiende" if lado == "asistente" else "lado que consulta"


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)
