"""ShareGPT JSONL: one conversation a line, `from` human/gpt by the role's side in the domain pack; tool calls as
`function_call`/`observation` turns and the tool signatures in `tools` (the LLaMA-Factory convention)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import orjson

from scsf.fileio import atomic_output
from scsf.hashing import file_sha256
from scsf.seeds.conversation import Conversation, Turn

SIDE_TO_FROM = {"usuario": "human", "asistente": "gpt"}


@dataclass(frozen=True)
class ExportResult:
    path: Path
    sha256: str
    count: int


def sharegpt_record(conversation: Conversation) -> dict:
    """One ShareGPT record; the seed id and version travel with it for traceability."""
    sides = conversation.generation["sides"]
    record = {
        "id": conversation.conversation_id,
        "seed_id": conversation.seed_id,
        "seed_version": conversation.seed_version,
        "system": conversation.system_prompt,
        "conversations": [_sharegpt_turn(turn, sides) for turn in conversation.turns],
    }
    if tool_specs := conversation.generation.get("tool_specs"):
        record["tools"] = _json(tool_specs)
    return record


def _sharegpt_turn(turn: Turn, sides: dict[str, str]) -> dict[str, str]:
    if turn.tool_call is not None:
        return {"from": "function_call", "value": _json(turn.tool_call.model_dump(mode="json"))}
    if turn.tool_result is not None:
        return {"from": "observation", "value": _json(turn.tool_result)}
    return {"from": SIDE_TO_FROM[sides[turn.role]], "value": turn.text}


def _json(value: object) -> str:
    return orjson.dumps(value).decode()


def write_sharegpt(conversations: Iterable[Conversation], path: Path) -> ExportResult:
    """Write atomically, streaming: a reader never sees half a dataset, and a failure keeps the old one."""
    count = 0
    with atomic_output(path) as handle:
        for conversation in conversations:
            handle.write(orjson.dumps(sharegpt_record(conversation)) + b"\n")
            count += 1
    return ExportResult(path, file_sha256(path), count)
