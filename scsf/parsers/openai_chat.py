"""OpenAI chat records (`{"messages": [...]}`, the fine-tuning / chat-completions shape): JSONL or a JSON array.

Each message becomes a turn (speaker = role): `system` / `developer` of kind "system", `tool` / `function`
results of kind "tool_result". An assistant message's `tool_calls` (and legacy `function_call`) become one
"tool_call" turn each, after its text if it has any: text = the arguments string, `name`, `arguments`, `id`,
`type` in `extra`. `content` may be a string, null, or a list of parts, of which only `text` parts are read (the
others are counted in metadata `skipped_parts`). Concatenated pretty-printed objects are read, with a note in
metadata `warnings`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from scsf.parsers.base import ParsedConversation, ParsedTurn, ParseError, Provenance, Sniff
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

KINDS = {"system": "system", "developer": "system", "tool": "tool_result", "function": "tool_result"}
MESSAGE_FIELDS = {"role", "content", "tool_calls", "function_call"}
RECORD_FIELDS = {"messages", "tools", "functions", "id"}


class OpenAIChatParser(JsonRecordParser):
    """`{"messages": [...]}` records, one conversation each; key = `id`, else `<file stem>#<index>`."""

    name = "openai_chat"

    @classmethod
    def sniff(cls, path: Path, head: str) -> Sniff:
        return sniff_turns(path, head, "messages", "role", ("content", "tool_calls"), "messages")

    def conversation(self, path: Path, provenance: Provenances, record: JsonRecord) -> ParsedConversation:
        value = record.value
        messages = array_field(path, record.line, value, "messages")
        lines = item_lines(record, ("messages",), len(messages))
        skipped: dict[str, int] = {}
        turns: list[ParsedTurn] = []
        for position, message in enumerate(messages):
            turns.extend(self._turns(path, provenance(lines[position]), f"messages[{position}]", message, skipped))
        metadata: dict[str, Any] = {key: value[key] for key in ("tools", "functions") if key in value}
        if skipped:
            metadata["skipped_parts"] = skipped
        return self.finish(provenance, record, record_key(path, record), turns, metadata, RECORD_FIELDS)

    def _turns(
        self, path: Path, provenance: Provenance, field: str, message: Any, skipped: dict[str, int]
    ) -> list[ParsedTurn]:
        line = provenance.line or 0
        if not isinstance(message, dict):
            raise wrong_type(path, line, field, "an object", message)
        if "role" not in message:
            raise missing(path, line, f"{field}.role", message)
        role = message["role"]
        if not isinstance(role, str):
            raise wrong_type(path, line, f"{field}.role", "a string", role)
        text = _content(path, line, f"{field}.content", message.get("content"), skipped)
        calls = _calls(path, line, field, message)
        extra = {key: item for key, item in message.items() if key not in MESSAGE_FIELDS}
        turns: list[ParsedTurn] = []
        if text or not calls:  # a tool-call message with null or "" content is only its calls
            kind = KINDS.get(role.strip().lower(), "message")
            turns.append(ParsedTurn(speaker=role, text=text or "", kind=kind, provenance=provenance, extra=extra))
        for call in calls:
            turns.append(
                ParsedTurn(
                    speaker=role,
                    text=call.pop("text"),
                    kind="tool_call",
                    provenance=provenance,
                    extra={**extra, **call},
                )
            )
        return turns


def _content(path: Path, line: int, field: str, content: Any, skipped: dict[str, int]) -> str | None:
    """The message text: a string, None for null, or the `text` parts of a list joined by newlines."""
    if content is None or isinstance(content, str):
        return content
    if not isinstance(content, list):
        raise wrong_type(path, line, field, "a string, null or an array of parts", content)
    texts: list[str] = []
    for position, part in enumerate(content):
        where = f"{field}[{position}]"
        if not isinstance(part, dict):
            raise wrong_type(path, line, where, "an object", part)
        kind = part.get("type")
        if not isinstance(kind, str):
            raise wrong_type(path, line, f"{where}.type", "a string", kind)
        if kind == "text":
            if not isinstance(part.get("text"), str):
                raise wrong_type(path, line, f"{where}.text", "a string", part.get("text"))
            texts.append(part["text"])
        else:
            skipped[kind] = skipped.get(kind, 0) + 1
    return "\n".join(texts)


def _calls(path: Path, line: int, field: str, message: dict[str, Any]) -> list[dict[str, Any]]:
    """The message's tool calls (and legacy function call) as `{text, id?, type?, name, arguments}` dicts."""
    calls: list[dict[str, Any]] = []
    tool_calls = message.get("tool_calls")
    if tool_calls is not None:
        if not isinstance(tool_calls, list):
            raise wrong_type(path, line, f"{field}.tool_calls", "an array", tool_calls)
        for position, call in enumerate(tool_calls):
            where = f"{field}.tool_calls[{position}]"
            if not isinstance(call, dict):
                raise wrong_type(path, line, where, "an object", call)
            if isinstance(call.get("custom"), dict) and "function" not in call:  # custom tools: free-form input
                body, arguments_key = call["custom"], "input"
                where += ".custom"
            else:
                if "function" not in call:
                    raise missing(path, line, f"{where}.function", call)
                body, arguments_key = call["function"], "arguments"
                where += ".function"
            parsed = _function(path, line, where, body, arguments_key)
            for key in ("id", "type"):
                if key in call:
                    parsed[key] = call[key]
            calls.append(parsed)
    function_call = message.get("function_call")
    if function_call is not None:
        calls.append(_function(path, line, f"{field}.function_call", function_call, "arguments"))
    return calls


def _function(path: Path, line: int, field: str, body: Any, arguments_key: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise wrong_type(path, line, field, "an object", body)
    for key in ("name", arguments_key):
        if key not in body:
            raise missing(path, line, f"{field}.{key}", body)
    name, arguments = body["name"], body[arguments_key]
    if not isinstance(name, str):
        raise wrong_type(path, line, f"{field}.name", "a string", name)
    if isinstance(arguments, str):
        text = arguments
    elif isinstance(arguments, (dict, list)):  # some exports store the arguments decoded
        try:
            text = json.dumps(arguments, ensure_ascii=False)
        except (ValueError, RecursionError):
            raise ParseError(path, f"field '{field}.{arguments_key}' cannot be re-encoded as JSON", line=line) from None
    else:
        raise wrong_type(path, line, f"{field}.{arguments_key}", "a string (JSON arguments) or an object", arguments)
    return {"text": text, "name": name, "arguments": arguments}
