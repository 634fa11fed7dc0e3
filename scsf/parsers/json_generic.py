"""Generic JSON dialogues: conversation objects (one document, an array of them, or JSONL) holding a turn list.

Without options the common shapes are recognised: the turns under `turns|utterances|messages|dialog`, each turn's
speaker under `speaker|role|from|author`, text under `text|utterance|content|value|message`, time under
`timestamp|time|date`, and the conversation id under `id|conversation_id|dialog_id` (first match wins). Any other
shape is mapped explicitly with `Options(turns_field=..., speaker_field=..., ...)`, dotted paths allowed
(`data.chat.msgs`). What was used is recorded in metadata `mapping`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import field_validator

from scsf.parsers.base import ParsedConversation, ParsedTurn, Parser, ParseError, Provenance, Sniff
from scsf.parsers.jsonrecords import JsonRecordParser, Provenances, item_lines, wrong_type
from scsf.parsers.jsonstream import JsonRecord
from scsf.parsers.jsonvalues import first_dict, first_record, has_key, keys_found, looks_like_json
from scsf.parsers.timestamps import parse_timestamp

TURNS = ("turns", "utterances", "messages", "dialog")
SPEAKER = ("speaker", "role", "from", "author")
TEXT = ("text", "utterance", "content", "value", "message")
TIMESTAMP = ("timestamp", "time", "date")
ID = ("id", "conversation_id", "dialog_id")
KINDS = {"system": "system", "tool": "tool_result"}
_MISSING = object()


class JSONConversationParser(JsonRecordParser):
    """Conversation objects with a list of turns; key = the conversation id, else `<file stem>#<index>`."""

    name = "json_generico"
    record_name = "a conversation object"

    class Options(Parser.Options):
        turns_field: str | None = None
        speaker_field: str | None = None
        text_field: str | None = None
        timestamp_field: str | None = None
        id_field: str | None = None

        @field_validator("turns_field", "speaker_field", "text_field", "timestamp_field", "id_field")
        @classmethod
        def _dotted(cls, value: str | None) -> str | None:
            if value is not None and (not value.strip() or any(not part for part in value.split("."))):
                raise ValueError(f"{value!r} is not a field name or dotted path (like data.chat.msgs)")
            return value

    @classmethod
    def sniff(cls, path: Path, head: str) -> Sniff:
        record = first_record(head)
        if isinstance(record, dict):
            for key in TURNS:
                turn = first_dict(record.get(key))
                if turn is None or not any(k in turn for k in SPEAKER) or not any(k in turn for k in TEXT):
                    continue
                if key == "messages" and "role" in turn and "content" in turn:
                    return Sniff(0.6, "first record has 'messages' with 'role'/'content' turns (the openai_chat shape)")
                return Sniff(0.8, f"first record has {key!r} turns with speaker and text fields")
        if looks_like_json(path, head) and all(
            any(has_key(head, key) for key in keys) for keys in (TURNS, SPEAKER, TEXT)
        ):
            return Sniff(0.5, "JSON with turn-list, speaker and text keys")
        if looks_like_json(path, head):
            return Sniff(0.1, "JSON, but no known turn list (map one with the turns_field option)")
        return Sniff(0.0, "not JSON")

    # -- conversations -------------------------------------------------------------------------------------

    def conversation(self, path: Path, provenance: Provenances, record: JsonRecord) -> ParsedConversation:
        value, line = record.value, record.line
        turns_field, items = self._turn_list(path, line, value)
        lines = item_lines(record, turns_field.split("."), len(items))
        mapping: dict[str, list[str]] = {"turns": [turns_field], "speaker": [], "text": [], "timestamp": []}
        turns = []
        for position, item in enumerate(items):
            turns.append(self._turn(path, provenance(lines[position]), f"{turns_field}[{position}]", item, mapping))
        id_field, key = self._key(path, line, value, record.index)
        if id_field:
            mapping["id"] = [id_field]
        metadata = {
            "mapping": {role: fields[0] if len(fields) == 1 else fields for role, fields in mapping.items() if fields}
        }
        used = {turns_field.split(".")[0], id_field if id_field and "." not in id_field else ""}
        return self.finish(provenance, record, key, turns, metadata, used)

    def _turn_list(self, path: Path, line: int, value: dict[str, Any]) -> tuple[str, list[Any]]:
        explicit = self.options.turns_field
        if explicit is not None:
            items = _lookup(value, explicit)
            if items is _MISSING:
                raise ParseError(path, f"no turn list at {explicit!r} (found keys: {keys_found(value)})", line=line)
            if not isinstance(items, list):
                raise wrong_type(path, line, explicit, "an array of turns", items)
            return explicit, items
        for key in TURNS:
            if isinstance(value.get(key), list):
                return key, value[key]
        for key in TURNS:
            if key in value:
                raise wrong_type(path, line, key, "an array of turns", value[key])
        hint = ""
        if any(key in value for key in SPEAKER) and any(key in value for key in TEXT):
            hint = "; it looks like a single turn, but each element must be a conversation holding a turn list"
        raise ParseError(
            path,
            f"unknown conversation shape: no turn list under {'|'.join(TURNS)} (found keys: {keys_found(value)}); "
            f"map it with the turns_field option (dotted paths allowed, like data.chat.msgs){hint}",
            line=line,
        )

    def _key(self, path: Path, line: int, value: dict[str, Any], index: int) -> tuple[str | None, str]:
        candidates = (self.options.id_field,) if self.options.id_field is not None else ID
        for field in candidates:
            found = _lookup(value, field)
            if found is _MISSING or found is None or found == "":
                continue
            if isinstance(found, str):
                return field, found
            if isinstance(found, int) and not isinstance(found, bool):
                return field, str(found)
            raise wrong_type(path, line, field, "a string or an integer", found)
        return None, f"{path.stem}#{index}"

    # -- turns ---------------------------------------------------------------------------------------------

    def _turn(
        self, path: Path, provenance: Provenance, where: str, item: Any, mapping: dict[str, list[str]]
    ) -> ParsedTurn:
        line = provenance.line or 0
        if not isinstance(item, dict):
            raise wrong_type(path, line, where, "an object (a turn)", item)
        speaker_field, speaker = self._field(path, line, where, item, self.options.speaker_field, SPEAKER, "speaker")
        text_field, text = self._field(path, line, where, item, self.options.text_field, TEXT, "text")
        speaker = _speaker(path, line, f"{where}.{speaker_field}", speaker)
        if not isinstance(text, str):
            raise wrong_type(path, line, f"{where}.{text_field}", "a string", text)
        used = [speaker_field, text_field]
        timestamp = None
        time_field = self._optional_field(item, self.options.timestamp_field, TIMESTAMP)
        if time_field is not None:
            try:
                timestamp = parse_timestamp(_lookup(item, time_field))
            except ValueError as exc:
                raise ParseError(path, f"field '{where}.{time_field}': {exc}", line=line) from None
            used.append(time_field)
        for role, field in zip(("speaker", "text", "timestamp"), used):
            if field not in mapping[role]:
                mapping[role].append(field)
        top = {field.split(".")[0] for field in used if "." not in field}
        return ParsedTurn(
            speaker=speaker,
            text=text,
            timestamp=timestamp,
            kind=KINDS.get(speaker.strip().lower(), "message"),
            provenance=provenance,
            extra={key: item[key] for key in item if key not in top},
        )

    @staticmethod
    def _field(
        path: Path,
        line: int,
        where: str,
        item: dict[str, Any],
        explicit: str | None,
        candidates: tuple[str, ...],
        what: str,
    ) -> tuple[str, Any]:
        names = (explicit,) if explicit is not None else candidates
        for name in names:
            found = _lookup(item, name)
            if found is not _MISSING:
                return name, found
        reason = f"turn {where} has no {what} field (looked for {'|'.join(names)}; found keys: {keys_found(item)})"
        raise ParseError(path, reason, line=line)

    @staticmethod
    def _optional_field(item: dict[str, Any], explicit: str | None, candidates: tuple[str, ...]) -> str | None:
        for name in (explicit,) if explicit is not None else candidates:
            if _lookup(item, name) is not _MISSING:
                return name
        return None


def _lookup(value: Any, dotted: str) -> Any:
    """`value["a"]["b"]` for "a.b", or _MISSING when a step is absent or not an object."""
    for part in dotted.split("."):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _speaker(path: Path, line: int, field: str, value: Any) -> str:
    """A speaker name: a string, an integer id, or an author object's `name` / `role` / `id`."""
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, dict):
        for key in ("name", "role", "id"):
            if isinstance(value.get(key), str) and value[key]:
                return value[key]
    raise wrong_type(path, line, field, "a string (or an object with a name)", value)
