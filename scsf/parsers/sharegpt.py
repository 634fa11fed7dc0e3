"""ShareGPT records (`{"conversations": [{"from": ..., "value": ...}], "system"?, "tools"?}`), JSONL or a JSON array.

`from` is kept as the speaker (human / gpt / system / function_call / observation, or user / assistant);
`system` becomes a leading turn of kind "system", `function_call` a "tool_call" turn whose parsed JSON lands in
`extra`, `observation` a "tool_result" turn; `tools` is kept verbatim in the conversation metadata.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scsf.parsers.base import ParsedConversation, ParsedTurn, Parser, ParseError, Sniff
from scsf.parsers.jsonstream import (
    JsonRecord,
    JsonStream,
    Provenances,
    describe,
    first_dict,
    first_record,
    has_key,
    layout_warnings,
    looks_like_json,
    missing,
    record_key,
    wrong_type,
)

KINDS = {
    "system": "system",
    "function_call": "tool_call",
    "tool_call": "tool_call",
    "observation": "tool_result",
    "function_response": "tool_result",
    "tool": "tool_result",
}
RECORD_FIELDS = {"conversations", "system", "tools", "id"}


class ShareGPTParser(Parser):
    """ShareGPT / LLaMA-Factory style records, one conversation each; key = `id`, else `<file stem>#<index>`."""

    name = "sharegpt"

    @classmethod
    def sniff(cls, path: Path, head: str) -> Sniff:
        record = first_record(head)
        if isinstance(record, dict):
            turn = first_dict(record.get("conversations"))
            if turn is not None and "from" in turn and "value" in turn:
                return Sniff(0.95, "first record has 'conversations' with 'from'/'value' turns")
        if looks_like_json(path, head) and all(has_key(head, key) for key in ("conversations", "from", "value")):
            return Sniff(0.8, "JSON with 'conversations', 'from' and 'value' keys")
        if looks_like_json(path, head):
            return Sniff(0.1, "JSON, but no 'conversations' of 'from'/'value' turns")
        return Sniff(0.0, "not JSON")

    def parse(self, path: Path) -> Iterator[ParsedConversation]:
        path = Path(path)
        provenance, stem = Provenances(str(path)), path.stem
        for record in JsonStream(path):
            yield self._conversation(path, stem, provenance, record)

    def _conversation(self, path: Path, stem: str, provenance: Provenances, record: JsonRecord) -> ParsedConversation:
        value, line = record.value, record.line
        if not isinstance(value, dict):
            raise ParseError(path, f"record {record.index} is {describe(value)}, expected an object", line=line)
        if "conversations" not in value:
            raise missing(path, line, "conversations", value)
        items = value["conversations"]
        if not isinstance(items, list):
            raise wrong_type(path, line, "conversations", "an array", items)
        turns: list[ParsedTurn] = []
        system = value.get("system")
        if system is not None and not isinstance(system, str):
            raise wrong_type(path, line, "system", "a string", system)
        if system:
            turns.append(ParsedTurn(speaker="system", text=system, kind="system", provenance=provenance(line)))
        lines = record.element_lines(("conversations",))
        for position, item in enumerate(items):
            at = lines[position] if lines is not None and position < len(lines) else line
            turns.append(self._turn(path, provenance, at, f"conversations[{position}]", item))
        metadata: dict[str, Any] = {"index": record.index, "line": line}
        if "tools" in value:
            metadata["tools"] = value["tools"]
        other = {key: item for key, item in value.items() if key not in RECORD_FIELDS}
        if other:
            metadata["extra"] = other
        warnings = layout_warnings(record)
        if warnings:
            metadata["warnings"] = warnings
        return ParsedConversation(
            format=self.name,
            source=provenance.source,
            key=record_key(path, stem, value, record.index, line),
            turns=turns,
            metadata=metadata,
        )

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
