"""The dialogue as the metrics see it: message turns numbered from 1, each with its role and side."""

from __future__ import annotations

from dataclasses import dataclass

from scsf.domains import DomainPack
from scsf.seeds.conversation import Conversation

OTHER_SIDE = {"usuario": "asistente", "asistente": "usuario"}
"""The side that answers each side (pack `lado`)."""


@dataclass(frozen=True)
class DialogueTurn:
    """Message turn `number` (1-based, tool turns not counted); `side` is None for a role of no known side."""

    number: int
    role: str
    side: str | None
    text: str


def conversation_sides(conversation: Conversation, pack: DomainPack | None) -> dict[str, str]:
    """Role -> side: as recorded at generation (`generation["sides"]`), else from the domain pack's roles."""
    recorded = conversation.generation.get("sides")
    if isinstance(recorded, dict) and recorded:
        return {str(role): str(side) for role, side in recorded.items()}
    return {role.id: role.lado for role in pack.roles} if pack is not None else {}


def dialogue(conversation: Conversation, pack: DomainPack | None) -> list[DialogueTurn]:
    sides = conversation_sides(conversation, pack)
    return [
        DialogueTurn(number, turn.role, sides.get(turn.role), turn.text)
        for number, turn in enumerate(conversation.messages(), start=1)
    ]
