"""ShareGPT records (`{"conversations": [{"from": ..., "value": ...}], "system"?, "tools"?}`), JSONL or a JSON array.

`from` is kept as the speaker (human / gpt / system / function_call / observation, or user / assistant);
`system` becomes a leading turn of kind "system", `function_call` a "tool_call" turn whose parsed JSON lands in
`extra`, `observation` a "tool_result" turn; `tools` is kept verbatim in the conversation metadata.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scsf.parsers.base import ParsedConversation, ParsedTurn, ParseError, Sniff
from scsf.parsers.jsonrecords import (
    JsonRecordParser,
    Provenances,
    array_field,
    item_lines,
    missing,
    record_key,
    sniff_turns,
    wrong_type,
)
from scsf.parsers.jsonstream import JsonRecord

KINDS = {
    "system": "system",
    "function_call": "tool_call",
    "tool_call": "tool_call",
    "observation": "tool_result",
    "function_response": "tool_result",
    "tool": "tool_result",
}
RECORD_FIELDS = {"conversations", "system", "tools", "id"}


class ShareGPTParser(JsonRecordParser):
    """ShareGPT / LLaMA-Factory style records, one conversation each; key = `id`, else `<file stem>#<index>`."""

    name = "sharegpt"

    @classmethod
    def sniff(cls, path: Path, head: str) -> Sniff:
        return sniff_turns(path, head, "conversations", "from", ("value",), "turns")

    def conversation(self, path: Path, provenance: Provenances, record: JsonRecord) -> ParsedConversation:
        value, line = record.value, record.line
        items = array_field(path, line, value, "conversations")
        turns: list[ParsedTurn] = []
        system = value.get("system")
        if system is not None and not isinstance(system, str):
            raise wrong_type(path, line, "system", "a string", system)
        if system:
            turns.append(ParsedTurn(speaker="system", text=system, kind="system", provenance=provenance(line)))
        lines = item_lines(record, ("conversations",), len(items))
        for position, item in enumerate(items):
            turns.append(self._turn(path, provenance, lines[position], f"conversations[{position}]", item))
        metadata = {"tools": value["tools"]} if "tools" in value else {}
        return self.finish(provenance, record, record_key(path, record), turns, metadata, RECORD_FIELDS)

    def _turn(self, path: Path, provenance: Provenances, line: int, field: str, item: Any) -> ParsedTurn:
        if not isinstance(item, dict):
            raise wrong_type(path, line, field, "an object", item)
        for key in ("from", "value"):
            if key not in item:
                raise missing(path, line, f"{field}.{key}", item)
            if not isinstance(item[key], str):
                raise wrong_type(path, line, f"{field}.{key}", "a string", item[key])
        speaker, text = item["from"], item["value"]
        kind = KINDS.get(speaker.strip().lower(), "message")
        extra = {key: item[key] for key in item if key not in ("from", "value")}
        if kind == "tool_call":
            extra.update(_call(path, line, f"{field}.value", text))
        return ParsedTurn(
            speaker=speaker,
            text=text,
            kind=kind,
            provenance=provenance(line),
            extra=extra,
        )


def _call(path: Path, line: int, field: str, text: str) -> dict[str, Any]:
    """The function call written in a `function_call` turn: `{"name", "arguments"}` (or a list of them)."""
    try:
        call = json.loads(text)
    except (ValueError, RecursionError):
        reason = f'field {field!r} of a function_call turn must be JSON ({{"name": ..., "arguments": ...}})'
        raise ParseError(path, reason, line=line) from None
    if isinstance(call, dict):
        return {"name": call.get("name"), "arguments": call.get("arguments")}
    if isinstance(call, list) and all(isinstance(each, dict) for each in call):
        return {"calls": call}
    raise wrong_type(path, line, field, "a JSON object {\"name\": ..., \"arguments\": ...}", call)
