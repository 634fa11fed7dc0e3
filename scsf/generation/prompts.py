"""Prompts and output schemas for whole-conversation generation (Mexican Spanish, no PII by instruction)."""

from __future__ import annotations

import re
from typing import Any

from scsf.generation.plan import ConversationPlan

PROMPT_VERSION = "whole-v1"
MAX_TURN_CHARS = 400

GENERATOR_SYSTEM = (
    "Eres un guionista experto que escribe conversaciones realistas para entrenar asistentes de {industria}. "
    "Escribes en español de México, natural y verosímil, como mensajes de chat. Reglas estrictas: "
    "1) No escribas datos personales: ningún nombre propio de persona, teléfono, correo, dirección, placa, "
    "número de serie, CURP, RFC ni cuenta bancaria; nadie dice su nombre ni el de otra persona. "
    "2) Usa exactamente las cifras y hechos del escenario; no inventes montos, tasas ni plazos distintos. "
    "3) Sigue el guion turno por turno. 4) Responde solo con el JSON pedido."
)


def humanize(identifier: str) -> str:
    """`enganche_20pct` -> `enganche 20 %`, `tasa_13_9pct_anual` -> `tasa 13.9 % anual`, `precio_389900_mxn` ->
    `precio $389,900 MXN`."""
    text = re.sub(r"(\d+)_(\d+)pct", r"\1.\2 %", identifier)
    text = re.sub(r"(\d+)pct", r"\1 %", text)
    text = re.sub(r"(\d+)_mxn", lambda m: f"${int(m.group(1)):,} MXN", text)
    return text.replace("_", " ")


def generator_messages(plan: ConversationPlan) -> list[dict[str, str]]:
    """System and user messages asking for the whole conversation in one constrained call."""
    seed, pack, persona = plan.seed, plan.pack, plan.persona
    interaction = next(t.descripcion for t in pack.tipos_interaccion if t.id == seed.tipo_interaccion)
    stages = {stage.id: stage.descripcion for stage in pack.etapas}
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
        lines.append(f"Herramientas que el asesor puede mencionar que usa: {'; '.join(tools)}.")
    lines.append(f"Tono del lado que atiende: {humanize(seed.tono_objetivo)}.")
    lines.append(f"Guion de {len(plan.turns)} turnos (un mensaje por turno, de 1 a 3 frases breves):")
    lines += [f"{n}. {t.role} — {t.stage}: {stages[t.stage]}" for n, t in enumerate(plan.turns, start=1)]
    lines.append(
        f'Devuelve {{"turns": [{{"role": ..., "text": ...}}]}} con los {len(plan.turns)} turnos en ese orden. '
        "Recuerda: sin nombres de personas ni datos de contacto."
    )
    return [
        {"role": "system", "content": GENERATOR_SYSTEM.format(industria=pack.nombre)},
        {"role": "user", "content": "\n".join(lines)},
    ]


def conversation_schema(plan: ConversationPlan) -> dict[str, Any]:
    """JSON schema fixing the number of turns and the role of each one (a tuple of exact length)."""
    turn_items = [
        {
            "type": "object",
            "properties": {
                "role": {"const": role},
                "text": {"type": "string", "minLength": 2, "maxLength": MAX_TURN_CHARS},
            },
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


def training_system_prompt(plan: ConversationPlan) -> str:
    """The system prompt stored with the conversation for training (never the generator's meta-prompt)."""
    pack, seed = plan.pack, plan.seed
    assistant = [pack.role(r) for r in seed.roles if pack.role(r).lado == "asistente"]
    who = "; ".join(f"{role.id}: {role.descripcion}" for role in assistant)
    return f"Eres el asistente de {pack.nombre} ({who}). Tono: {humanize(seed.tono_objetivo)}. Responde en español de México."
