"""Role mapping: the source's speakers onto a domain's roles, from a role-map file or a stated heuristic."""

from __future__ import annotations

import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from scsf.domains import DomainPack
from scsf.errors import ConfigError
from scsf.parsers.base import ParsedConversation

ASSISTANT_WORDS = {"gpt", "assistant", "asistente", "bot", "agent", "agente", "asesor", "asesora", "vendedor", "ventas"}
USER_WORDS = {"human", "user", "usuario", "cliente", "customer", "client", "prospecto"}
SPECIAL_ROLES = {"system": "system", "tool": "tool", "function": "tool", "observation": "tool", "function_call": "tool"}
BUSINESS_HINTS = re.compile(
    r"agencia|concesionari|motors|autos|automotriz|seguros|clinica|clínica|hospital|despacho|abogad|banco|"
    r"financier|soporte|servicio|ventas|sales|support|dealer",
    re.IGNORECASE,
)
PHONE_LIKE = re.compile(r"^\+?[\d\s().-]{7,}$")


@dataclass(frozen=True)
class RoleAssignment:
    """speaker -> role, and why (shown to the operator)."""

    mapping: dict[str, str]
    reason: str


def load_role_map(path: Path) -> dict[str, str]:
    """A TOML or JSON object `{speaker = role}` (a TOML `[roles]` table also works)."""
    try:
        text = path.read_text(encoding="utf-8")
        data = json.loads(text) if path.suffix == ".json" else tomllib.loads(text)
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{path}: cannot read role map: {exc}") from exc
    data = data.get("roles", data) if isinstance(data, dict) else data
    if not isinstance(data, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise ConfigError(f"{path}: a role map is an object of speaker = role strings")
    return data


def assign_roles(
    conversation: ParsedConversation,
    pack: DomainPack,
    role_map: dict[str, str] | None,
    earlier_part: dict[str, str] | None = None,
) -> RoleAssignment:
    """Map every speaker of the conversation: the role-map file first, then the roles the speaker had in the earlier
    parts of the same source conversation (a long chat cut into parts), then the heuristic for the rest."""
    assistant = next(role.id for role in pack.roles if role.lado == "asistente")
    user = next(role.id for role in pack.roles if role.lado == "usuario")
    speakers = list(dict.fromkeys(turn.speaker for turn in conversation.turns))
    mapping: dict[str, str] = {}
    reasons: list[str] = []
    if role_map:
        mapping.update({speaker: role_map[speaker] for speaker in speakers if speaker in role_map})
        if mapping:
            reasons.append("role-map file")
    if earlier_part:
        carried = {s: earlier_part[s] for s in speakers if s not in mapping and s in earlier_part}
        mapping.update(carried)
        if carried:
            reasons.append("as in the earlier parts of this conversation")
    unmapped = [speaker for speaker in speakers if speaker not in mapping]
    if unmapped:
        guessed, reason = _heuristic(unmapped, assistant, user, conversation.format)
        mapping.update(guessed)
        reasons.append(reason)
    return RoleAssignment(mapping, "; ".join(reasons))


def _heuristic(speakers: list[str], assistant: str, user: str, fmt: str) -> tuple[dict[str, str], str]:
    mapping: dict[str, str] = {}
    for speaker in speakers:
        word = speaker.strip().lower()
        if word in SPECIAL_ROLES:
            mapping[speaker] = SPECIAL_ROLES[word]
        elif word in ASSISTANT_WORDS:
            mapping[speaker] = assistant
        elif word in USER_WORDS:
            mapping[speaker] = user
    rest = [speaker for speaker in speakers if speaker not in mapping]
    if not rest:
        return mapping, "speaker labels"
    business = [s for s in rest if BUSINESS_HINTS.search(s)]
    phones = [s for s in rest if PHONE_LIKE.match(s)]
    if business:
        mapping.update({s: assistant if s in business else user for s in rest})
        return mapping, f"business account by name ({', '.join(business)})"
    if phones and len(phones) < len(rest):
        mapping.update({s: user if s in phones else assistant for s in rest})
        return mapping, "phone-number authors are customers; the named account is the business"
    opener = rest[0]
    first_is_assistant = fmt in {"transcript_raw", "crm_kommo"}
    mapping.update({s: (assistant if (s == opener) == first_is_assistant else user) for s in rest})
    side = "the business (calls and CRM notes open with the agent)" if first_is_assistant else "the customer (inbound chat)"
    return mapping, f"first speaker {opener!r} taken as {side}"
