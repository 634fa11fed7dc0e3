"""ShareGPT JSONL: one conversation a line, `from` human/gpt by the role's side in the domain pack."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import orjson

from scsf.fileio import atomic_output
from scsf.hashing import file_sha256
from scsf.seeds.conversation import Conversation

SIDE_TO_FROM = {"usuario": "human", "asistente": "gpt"}


@dataclass(frozen=True)
class ExportResult:
    path: Path
    sha256: str
    count: int


def sharegpt_record(conversation: Conversation) -> dict:
    """One ShareGPT record; the seed id and version travel with it for traceability."""
    sides = conversation.generation["sides"]
    return {
        "id": conversation.conversation_id,
        "seed_id": conversation.seed_id,
        "seed_version": conversation.seed_version,
        "system": conversation.system_prompt,
        "conversations": [{"from": SIDE_TO_FROM[sides[turn.role]], "value": turn.text} for turn in conversation.turns],
    }


def write_sharegpt(conversations: Iterable[Conversation], path: Path) -> ExportResult:
    """Write atomically, streaming: a reader never sees half a dataset, and a failure keeps the old one."""
    count = 0
    with atomic_output(path) as handle:
        for conversation in conversations:
            handle.write(orjson.dumps(sharegpt_record(conversation)) + b"\n")
            count += 1
    return ExportResult(path, file_sha256(path), count)
