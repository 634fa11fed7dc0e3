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
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from scsf.parsers.base import ParsedConversation, ParsedTurn, Parser, ParseError, Provenance, Sniff
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

KINDS = {"system": "system", "developer": "system", "tool": "tool_result", "function": "tool_result"}
MESSAGE_FIELDS = {"role", "content", "tool_calls", "function_call"}
RECORD_FIELDS = {"messages", "tools", "functions", "id"}


class OpenAIChatParser(Parser):
    """`{"messages": [...]}` records, one conversation each; key = `id`, else `<file stem>#<index>`."""

    name = "openai_chat"

    @classmethod
    def sniff(cls, path: Path, head: str) -> Sniff:
        record = first_record(head)
        if isinstance(record, dict):
            message = first_dict(record.get("messages"))
            if message is not None and "role" in message and ("content" in message or "tool_calls" in message):
                return Sniff(0.95, "first record has 'messages' with 'role'/'content' messages")
        if looks_like_json(path, head) and all(has_key(head, key) for key in ("messages", "role", "content")):
            return Sniff(0.8, "JSON with 'messages', 'role' and 'content' keys")
        if looks_like_json(path, head):
            return Sniff(0.1, "JSON, but no 'messages' of 'role'/'content' messages")
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
        if "messages" not in value:
            raise missing(path, line, "messages", value)
        messages = value["messages"]
        if not isinstance(messages, list):
            raise wrong_type(path, line, "messages", "an array", messages)
        lines = record.element_lines(("messages",))
        skipped: dict[str, int] = {}
        turns: list[ParsedTurn] = []
        for position, message in enumerate(messages):
            at = lines[position] if lines is not None and position < len(lines) else line
            turns.extend(self._turns(path, provenance(at), f"messages[{position}]", message, skipped))
        metadata: dict[str, Any] = {"index": record.index, "line": line}
        for key in ("tools", "functions"):
            if key in value:
                metadata[key] = value[key]
        other = {key: item for key, item in value.items() if key not in RECORD_FIELDS}
        if other:
            metadata["extra"] = other
        if skipped:
            metadata["skipped_parts"] = skipped
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
