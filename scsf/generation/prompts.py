"""Prompts and output schemas for both strategies (Mexican Spanish, no PII by instruction).

The scenario block (participants, persona, facts, tools, tone) is shared; the whole-conversation prompt adds the
script of every turn, the turn-by-turn prompt the dialogue so far and the next turn's line. A turn's line carries its
stage, its noise directive and the result of a tool called right before it.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

from scsf.generation.noise import directive
from scsf.generation.plan import ConversationPlan

PROMPT_VERSION = "v2"
MAX_TURN_CHARS = 400

GENERATOR_SYSTEM = (
    "Eres un guionista experto que escribe conversaciones realistas para entrenar asistentes de {industria}. "
    "Escribes en español de México, natural y verosímil, como mensajes de chat. Reglas estrictas: "
    "1) No escribas datos personales: ningún nombre propio de persona, teléfono, correo, dirección, placa, "
    "número de serie, CURP, RFC ni cuenta bancaria; nadie dice su nombre ni el de otra persona. "
    "2) Usa exactamente las cifras y hechos del escenario y de los resultados de herramientas; no inventes montos, "
    "tasas ni plazos distintos. 3) Sigue el guion turno por turno. 4) Responde solo con el JSON pedido."
)


def humanize(identifier: str) -> str:
    """`enganche_20pct` -> `enganche 20 %`, `tasa_13_9pct_anual` -> `tasa 13.9 % anual`, `precio_389900_mxn` ->
    `precio $389,900 MXN`."""
    text = re.sub(r"(\d+)_(\d+)pct", r"\1.\2 %", identifier)
    text = re.sub(r"(\d+)pct", r"\1 %", text)
    text = re.sub(r"(\d+)_mxn", lambda m: f"${int(m.group(1)):,} MXN", text)
    return text.replace("_", " ")


def scenario_lines(plan: ConversationPlan) -> list[str]:
    """Participants (the user side with its persona), facts, constraints, tools and tone."""
    seed, pack, persona = plan.seed, plan.pack, plan.persona
    interaction = next(t.descripcion for t in pack.tipos_interaccion if t.id == seed.tipo_interaccion)
    roles = []
    for role_id in seed.roles:
        role = pack.role(role_id)
        line = f"- {role_id}: {role.descripcion}"
        if role.lado == "usuario":
            line += (
                f" Perfil: {persona.descripcion} Experiencia: {persona.experiencia}. Forma de escribir: "
                f"{persona.registro}. Región: {persona.region}. Objeciones típicas: {'; '.join(persona.objeciones_tipicas)}."
            )
        roles.append(line)
    facts = seed.parametros_factuales
    lines = [
        f"Escenario ({pack.nombre}): {interaction}",
        "Participantes:",
        *roles,
        f"Hechos que deben aparecer tal cual: {', '.join(humanize(e) for e in facts.entidades_clave)}.",
    ]
    if facts.restricciones:
        lines.append(f"Situación del cliente: {', '.join(humanize(r) for r in facts.restricciones)}.")
    if seed.herramientas_disponibles:
        tools = [f"{pack.tool(t).nombre} ({pack.tool(t).descripcion})" for t in seed.herramientas_disponibles]
        lines.append(f"Herramientas del lado que atiende: {'; '.join(tools)}.")
    lines.append(f"Tono del lado que atiende: {humanize(seed.tono_objetivo)}.")
    return lines


def turn_line(plan: ConversationPlan, turn: int) -> str:
    """`n. role — stage: description`, plus the turn's noise directive and any tool result to quote."""
    planned = plan.turns[turn]
    line = f"{turn + 1}. {planned.role} — {planned.stage}: {plan.pack.stage(planned.stage).descripcion}"
    for call in plan.tool_calls_before(turn):
        invocation = call.invocation
        line += (
            f" Antes de este mensaje consultó {invocation.name}({_compact(invocation.arguments)}) y obtuvo "
            f"{_compact(invocation.result)}: da esas cifras tal cual."
        )
    for event in plan.noise_at(turn):
        if text := directive(event):
            line += f" {text}"
    return line


def whole_messages(plan: ConversationPlan) -> list[dict[str, str]]:
    """System and user messages asking for the whole conversation in one constrained call."""
    lines = scenario_lines(plan)
    lines.append(f"Guion de {len(plan.turns)} turnos (un mensaje por turno, de 1 a 3 frases breves):")
    lines += [turn_line(plan, turn) for turn in range(len(plan.turns))]
    lines.append(
        f'Devuelve {{"turns": [{{"role": ..., "text": ...}}]}} con los {len(plan.turns)} turnos en ese orden. '
        "Recuerda: sin nombres de personas ni datos de contacto."
    )
    return _messages(plan, lines)


def next_turn_messages(plan: ConversationPlan, turn: int, previous: list[str]) -> list[dict[str, str]]:
    """Messages asking for dialogue turn `turn` only, given the texts of the turns before it."""
    lines = scenario_lines(plan)
    lines.append(f"La conversación tendrá {len(plan.turns)} turnos. Lo que va de la conversación:")
    lines += [f"{plan.turns[n].role}: {text}" for n, text in enumerate(previous)] or ["(aún no hay mensajes)"]
    lines.append("Escribe solo el siguiente mensaje (de 1 a 3 frases breves), que corresponde a esta línea del guion:")
    lines.append(turn_line(plan, turn))
    lines.append('Devuelve {"text": ...}. Recuerda: sin nombres de personas ni datos de contacto.')
    return _messages(plan, lines)


def _messages(plan: ConversationPlan, lines: list[str]) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": GENERATOR_SYSTEM.format(industria=plan.pack.nombre)},
        {"role": "user", "content": "\n".join(lines)},
    ]


def _compact(value: Any) -> str:
    return orjson.dumps(value).decode()


def _text_property() -> dict[str, Any]:
    return {"type": "string", "minLength": 2, "maxLength": MAX_TURN_CHARS}


def conversation_schema(plan: ConversationPlan) -> dict[str, Any]:
    """JSON schema fixing the number of turns and the role of each one (a tuple of exact length)."""
    turn_items = [
        {
            "type": "object",
            "properties": {"role": {"const": role}, "text": _text_property()},
            "required": ["role", "text"],
            "additionalProperties": False,
        }
        for role in plan.speaking_order()
    ]
    return {
        "type": "object",
        "properties": {"turns": {"type": "array", "prefixItems": turn_items, "minItems": len(turn_items), "maxItems": len(turn_items)}},
        "required": ["turns"],
        "additionalProperties": False,
    }


def turn_schema() -> dict[str, Any]:
    """JSON schema of one turn-by-turn answer."""
    return {"type": "object", "properties": {"text": _text_property()}, "required": ["text"], "additionalProperties": False}


def training_system_prompt(plan: ConversationPlan) -> str:
    """The system prompt stored with the conversation for training (never the generator's meta-prompt)."""
    pack, seed = plan.pack, plan.seed
    assistant = [pack.role(r) for r in seed.roles if pack.role(r).lado == "asistente"]
    who = "; ".join(f"{role.id}: {role.descripcion}" for role in assistant)
    return f"Eres el asistente de {pack.nombre} ({who}). Tono: {humanize(seed.tono_objetivo)}. Responde en español de México."
