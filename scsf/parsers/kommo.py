"""Kommo (amoCRM) exports: API v4 JSON (leads with notes, notes lists, talks, amojo chat messages) and the
one-row-per-note CSV, one conversation per lead (`lead:<id>`), talk (`talk:<id>`) or chat (`chat:<id>`).

Streaming and grouping: a JSON export is walked record by record and a CSV row by row. Flat lists (CSV rows, API
notes not nested under their lead, chat messages) need not be sorted: a lead's notes may be scattered over the file.
Every turn is spilled as it is read into a temporary SQLite database (`grouping.DiskGroups`) and read back grouped,
leads in order of first appearance, each lead's notes in time order. Chosen over the alternatives: keeping groups in
memory grows with the file; two passes (first collect which leads recur) parse a JSON export twice and still hold
every lead id; a spill costs one write and one sorted read per note, keeps memory flat whatever the number of leads,
and SQLite is in the standard library. A lead with very many notes is cut into parts (`parts.Parts`). Nothing comes
out before the whole file has been read, so a malformed file fails before any conversation is handed on.
"""

from __future__ import annotations

import csv
import unicodedata
from collections.abc import Iterator
from contextlib import closing
from datetime import datetime
from itertools import chain
from pathlib import Path
from typing import Any

from scsf.parsers.base import ParsedConversation, ParsedTurn, Parser, ParseError, Provenance, Sniff
from scsf.parsers.grouping import DiskGroups
from scsf.parsers.jsonstream import JsonWalker
from scsf.parsers.jsonvalues import clean_text, clean_value, json_type, key_list
from scsf.parsers.parts import Build, PartLimits, split_groups
from scsf.parsers.textio import decoded_lines, detect_encoding, read_head
from scsf.parsers.timestamps import from_epoch

# Record kinds, and the array names (top level or under `_embedded`) that hold them.
_CONTAINERS = {
    "leads": "lead",
    "notes": "note",
    "talks": "talk",
    "chats": "chat",
    "messages": "message",
    "users": "user",
}
_SYSTEM_NOTES = {
    "service_message",
    "extended_service_message",
    "message_cashier",
    "geolocation",
    "invoice_paid",
    "key_action_completed",
    "attachment",
    "mensaje de servicio",
    "sistema",
    "system",
}
_MESSAGE_NOTES = {"common", "sms_in", "sms_out", "call_in", "call_out", "nota", "note", "comun", "nota comun"}

# CSV header aliases, normalised (case-folded, accents dropped, blanks collapsed); earlier aliases win.
_LEAD_COLUMNS = (
    "id сделки",
    "lead id",
    "id de lead",
    "id del lead",
    "id de la negociacion",
    "id negociacion",
    "id de la oportunidad",
    "deal id",
    "lead_id",
    "id",
)
_AUTHOR_COLUMNS = ("autor", "author", "created by", "creado por", "автор", "usuario", "user")
_TEXT_COLUMNS = (
    "texto",
    "text",
    "nota",
    "note",
    "mensaje",
    "message",
    "текст",
    "примечание",
    "contenido",
    "content",
)
_DATE_COLUMNS = (
    "fecha",
    "fecha de creacion",
    "date created",
    "created at",
    "creado el",
    "date",
    "дата создания",
    "дата",
)
_TYPE_COLUMNS = ("tipo", "tipo de nota", "note type", "type", "тип", "тип примечания")
_DATE_FORMATS = (
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S",
)


def _norm(name: str) -> str:
    decomposed = unicodedata.normalize("NFKD", name.strip().strip('"').lstrip("\ufeff").casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _delimiter(line: str) -> str:
    return max((";", ",", "\t"), key=line.count)


def _csv_columns(header: list[str]) -> dict[str, int]:
    names = [_norm(name) for name in header]
    columns: dict[str, int] = {}
    for role, aliases in (
        ("lead", _LEAD_COLUMNS),
        ("author", _AUTHOR_COLUMNS),
        ("text", _TEXT_COLUMNS),
        ("date", _DATE_COLUMNS),
        ("type", _TYPE_COLUMNS),
    ):
        for alias in aliases:
            if alias in names and names.index(alias) not in columns.values():
                columns[role] = names.index(alias)
                break
    return columns


def _epoch(value: Any, name: str) -> datetime | None:
    """Epoch seconds or milliseconds (a number or a string of digits) as an aware UTC datetime; ValueError when
    unusable."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 15:
        value = int(value.strip())
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"'{name}' is {json_type(value)}, not epoch seconds")
    try:
        return from_epoch(value)
    except ValueError:
        raise ValueError(f"'{name}' {value!r} is out of range") from None


class _CsvDates:
    """CSV date cells: epoch digits (aware UTC), one of `_DATE_FORMATS` or ISO 8601 (naive unless an offset is
    written). The format that matched last is tried first: an export writes all its dates one way."""

    def __init__(self) -> None:
        self.format = _DATE_FORMATS[0]

    def read(self, text: str) -> datetime | None:
        text = text.strip()
        if not text:
            return None
        if text.isdigit():
            return _epoch(int(text), "date") if len(text) <= 15 else None
        for fmt in (self.format, *_DATE_FORMATS):
            try:
                stamp = datetime.strptime(text, fmt)
            except ValueError:
                continue
            self.format = fmt
            return stamp
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            return None


def _ident(value: Any) -> str | None:
    """A record id as text (int or non-empty string), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str) and value.strip() and len(value) <= 200:
        return clean_text(value.strip())
    return None


def _scalars(record: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    return {
        name: clean_value(record[name])
        for name in names
        if isinstance(record.get(name), (str, int, float)) and not isinstance(record.get(name), bool)
    }


class KommoExportParser(Parser):
    """Kommo / amoCRM exports.

    JSON: `{"_embedded": {"leads": [...]}}` (notes under each lead's `_embedded.notes`), `{"_embedded": {"notes":
    [...]}}` (grouped by `entity_id`), talks (`talk_id`, messages under `messages`), chats (`id` + `messages`), amojo
    message lists (`{"messages": [...]}` or a bare array: `message.text`, `sender.name|id`, `timestamp`), a top-level
    array of such records, or one record per line. Users listed under `_embedded.users` before the notes give
    authors their names. CSV: one row per note with a lead id and a text column (Spanish, English or Russian
    headers), grouped by lead.

    Notes of type common/sms/calls are `kind="message"`; service, cashier, geolocation and other system notes are
    `kind="system"`. A note's speaker is its author's name where the export has one, else the `created_by` user id
    ("system" for 0, Kommo's robot). Records without text are dropped, and so are conversations left with no turns.
    Epoch times become aware UTC datetimes; CSV dates are kept naive, as written (see `timestamps`).
    """

    name = "crm_kommo"

    class Options(PartLimits):
        pass

    @classmethod
    def sniff(cls, path: Path, head: str) -> Sniff:
        stripped = head.lstrip("\ufeff \t\r\n")
        if stripped[:1] in ("{", "["):
            if '"_embedded"' in head and any(f'"{name}"' in head for name in ("leads", "notes", "talks", "chats")):
                return Sniff(0.95, "Kommo API v4 '_embedded' collection")
            if '"note_type"' in head:
                return Sniff(0.9, "Kommo notes ('note_type')")
            if '"talk_id"' in head:
                return Sniff(0.9, "Kommo talks ('talk_id')")
            if all(f'"{name}"' in head for name in ("sender", "receiver", "message")):
                return Sniff(0.8, "amojo chat messages (sender/receiver/message)")
            return Sniff(0.0, "JSON without Kommo keys")
        first = stripped.split("\n", 1)[0].rstrip("\r")
        try:
            header = next(csv.reader([first], delimiter=_delimiter(first)))
        except (csv.Error, StopIteration):
            return Sniff(0.0, "no CSV header")
        columns = _csv_columns(header)
        if "lead" not in columns or "text" not in columns:
            return Sniff(0.0, "no Kommo lead/text columns")
        if _norm(header[columns["lead"]]) != "id":
            lead, text = header[columns["lead"]].strip(), header[columns["text"]].strip()
            return Sniff(0.9, f"Kommo CSV header ({lead!r}, {text!r})")
        if "author" in columns and "date" in columns:
            return Sniff(0.6, "CSV with ID, author, text and date columns")
        return Sniff(0.2, "CSV with ID and text columns")

    def parse(self, path: Path) -> Iterator[ParsedConversation]:
        encoding = detect_encoding(path)
        head = read_head(path, encoding)
        first = head.lstrip("\ufeff \t\r\n")[:1]
        if not first:
            raise ParseError(path, "empty file", line=1)
        with closing(DiskGroups()) as groups:
            if first in ("{", "["):
                _JsonExport(path, encoding, groups).read()
            else:
                self._csv(path, encoding, groups)
            yield from split_groups(groups.groups(), lambda metadata: self._builder(path, metadata), self.options)

    def _builder(self, path: Path, metadata: dict[str, Any]) -> Build:
        """How a part of one lead's (talk's, chat's) conversation is made: its record's metadata plus the part's."""

        def build(key: str, turns: list[ParsedTurn], part: dict[str, Any]) -> ParsedConversation:
            return ParsedConversation(
                format=self.name, source=str(path), key=key, turns=turns, metadata=metadata | part
            )

        return build

    # -- CSV ---------------------------------------------------------------------------------------------------

    def _csv(self, path: Path, encoding: str, groups: DiskGroups) -> None:
        lines = (text for _, text in decoded_lines(path, encoding))
        first = next(lines, None)
        if first is None:
            raise ParseError(path, "empty file", line=1)
        reader = csv.reader(chain([first], lines), delimiter=_delimiter(first), strict=True)
        try:
            header = next(reader)
        except csv.Error as exc:
            raise ParseError(path, f"bad CSV header: {exc}", line=reader.line_num) from exc
        columns = _csv_columns(header)
        if "lead" not in columns or "text" not in columns:
            reason = f"not a Kommo CSV: the header needs a lead id and a text column (found {key_list(header)})"
            raise ParseError(path, reason, line=1)
        needed = max(columns.values()) + 1
        source = str(path)
        dates = _CsvDates()
        end = reader.line_num
        while True:
            try:
                row = next(reader)
            except StopIteration:
                break
            except csv.Error as exc:  # named by the line the row starts on
                raise ParseError(path, f"bad CSV row: {exc}", line=end + 1) from exc
            line, end = end + 1, reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(row) < needed:
                raise ParseError(path, f"row has {len(row)} fields, the header has {len(header)}", line=line)
            lead = row[columns["lead"]].strip()
            if not lead:
                raise ParseError(path, "row without a lead id", line=line)
            key = f"lead:{lead}"
            metadata = {"source_format": "kommo_csv", "entity": "lead", "entity_id": _id_value(lead)}
            text = row[columns["text"]].strip()
            if not text:
                groups.add(key, metadata, None)
                continue
            stamp = None
            if "date" in columns:
                raw_date = row[columns["date"]]
                try:
                    stamp = dates.read(raw_date)
                except ValueError as exc:
                    raise ParseError(path, str(exc), line=line) from exc
                if stamp is None and raw_date.strip():
                    raise ParseError(path, f"unreadable date {raw_date.strip()[:40]!r}", line=line)
            extra: dict[str, Any] = {}
            kind = "message"
            if "type" in columns and row[columns["type"]].strip():
                note_type = row[columns["type"]].strip()
                extra["note_type"] = note_type
                if _norm(note_type) in _SYSTEM_NOTES:
                    kind = "system"
            speaker = row[columns["author"]].strip() if "author" in columns else ""
            turn = ParsedTurn(
                speaker=speaker or "unknown",
                text=text,
                timestamp=stamp,
                provenance=Provenance(source=source, line=line),
                kind=kind,
                extra=extra,
            )
            groups.add(key, metadata, turn)


class _JsonExport:
    """One pass over a Kommo JSON file: top-level collections streamed, each record decoded on its own."""

    def __init__(self, path: Path, encoding: str, groups: DiskGroups) -> None:
        self.path, self.encoding, self.groups = path, encoding, groups
        self.source = str(path)
        self.users: dict[str, str] = {}

    def error(self, reason: str, line: int) -> ParseError:
        return ParseError(self.path, reason, line=line)

    def read(self) -> None:
        with JsonWalker(self.path, self.encoding) as stream:
            while not stream.at_end():  # one document, or one record per line
                line = stream.line()
                if stream.peek() == "[":
                    for item_line in stream.items():
                        if stream.peek() != "{":
                            raise self.error(f"expected a Kommo record, found {json_type(stream.value())}", item_line)
                        self._record(stream, item_line, None, {})
                elif stream.peek() == "{":
                    self._top(stream, line)
                else:
                    raise stream.error("expected a JSON object or array")

    # -- walking ---------------------------------------------------------------------------------------------

    def _top(self, stream: JsonWalker, line: int) -> None:
        """A top-level object: its collections (under `_embedded` or not) are streamed; without any, it is a record."""
        fields: dict[str, Any] = {}
        found: list[str] = []
        for key in stream.keys():
            if key == "_embedded" and stream.peek() == "{":
                others = []
                inner = []
                for sub in stream.keys():
                    if sub in _CONTAINERS and stream.peek() == "[":
                        inner.append(sub)
                        self._collection(stream, sub, fields)
                    else:
                        others.append(sub)
                        stream.skip()
                if not inner:
                    raise self.error(
                        f"'_embedded' holds no leads, notes, talks, chats or messages (found {key_list(others)})", line
                    )
                found += inner
            elif key in _CONTAINERS and stream.peek() == "[":
                found.append(key)
                self._collection(stream, key, fields)
            else:
                fields[key] = stream.value()
        if not found:
            self._handle(fields, {}, line, None, {})

    def _collection(self, stream: JsonWalker, name: str, context: dict[str, Any]) -> None:
        kind = _CONTAINERS[name]
        for line in stream.items():
            if stream.peek() != "{":
                raise self.error(f"an item of '{name}' is {json_type(stream.value())}, not an object", line)
            if kind in ("lead", "talk", "chat"):
                self._record(stream, line, kind, context)
            else:
                self._handle(stream.value(), {}, line, kind, context)

    def _record(
        self, stream: JsonWalker, line: int, kind: str | None, context: dict[str, Any]
    ) -> None:
        """One record read key by key, so that the notes/messages inside it keep their own lines."""
        fields: dict[str, Any] = {}
        nested: dict[str, list[tuple[int, Any]]] = {}
        for key in stream.keys():
            if key == "_embedded" and stream.peek() == "{":
                embedded: dict[str, Any] = {}
                for sub in stream.keys():
                    if sub in ("notes", "messages") and stream.peek() == "[":
                        nested[sub] = [(item_line, stream.value()) for item_line in stream.items()]
                    else:
                        embedded[sub] = stream.value()
                fields["_embedded"] = embedded
            elif key in ("notes", "messages") and stream.peek() == "[":
                nested[key] = [(item_line, stream.value()) for item_line in stream.items()]
            else:
                fields[key] = stream.value()
        self._handle(fields, nested, line, kind, context)

    def _handle(
        self,
        record: dict[str, Any],
        nested: dict[str, list[tuple[int, Any]]],
        line: int,
        kind: str | None,
        context: dict[str, Any],
    ) -> None:
        if not isinstance(record, dict):
            raise self.error(f"expected a Kommo record, found {json_type(record)}", line)
        kind = kind or self._classify(record, nested)
        if kind is None:
            raise self.error(f"unrecognised Kommo record (keys: {key_list(record)})", line)
        if kind == "user":
            user_id, name = _ident(record.get("id")), record.get("name")
            if user_id is not None and isinstance(name, str) and name.strip():
                self.users[user_id] = clean_text(name.strip())
            return
        if kind == "note":
            entity = _ident(record.get("entity_id")) or _ident(context.get("id"))
            if entity is None:
                raise self.error("a note without 'entity_id' (its lead)", line)
            metadata = {"source_format": "kommo_json", "entity": "lead", "entity_id": _id_value(entity)}
            self.groups.add(f"lead:{entity}", metadata, self._note(record, line))
            return
        if kind == "message":
            record = self._unwrap(record)
            key = self._chat_key(record) or self._context_key(context) or f"chat:{self.path.stem}"
            entity, entity_id = key.split(":", 1)
            metadata = {"source_format": "kommo_json", "entity": entity, "entity_id": _id_value(entity_id)}
            self.groups.add(key, metadata, self._message(record, line))
            return
        turns = self._inner_turns(record, nested, line)
        if kind == "lead":
            lead = _ident(record.get("id"))
            if lead is None:
                raise self.error("a lead without an 'id'", line)
            metadata = {"source_format": "kommo_json", "entity": "lead", "entity_id": _id_value(lead)}
            metadata |= _scalars(record, ("pipeline_id", "status_id"))
            self._file(f"lead:{lead}", metadata, turns)
            return
        if kind == "talk":
            talk = _ident(record.get("talk_id")) or _ident(record.get("id"))
            if talk is None:
                raise self.error("a talk without 'talk_id'", line)
            metadata = {"source_format": "kommo_json", "entity": "talk", "entity_id": _id_value(talk)}
            metadata |= _scalars(record, ("chat_id", "contact_id", "origin"))
            if record.get("entity_type") in ("lead", "leads") and _ident(record.get("entity_id")) is not None:
                metadata["lead_id"] = _id_value(_ident(record["entity_id"]) or "")
            self._file(f"talk:{talk}", metadata, turns)
            return
        chat = _ident(record.get("chat_id")) or _ident(record.get("id"))
        if chat is None:
            raise self.error("a chat without 'id'", line)
        metadata = {"source_format": "kommo_json", "entity": "chat", "entity_id": _id_value(chat)}
        self._file(f"chat:{chat}", metadata, turns)

    def _file(self, key: str, metadata: dict[str, Any], turns: list[ParsedTurn]) -> None:
        """A whole record's turns (a lead's notes, a talk's or a chat's messages) under its key."""
        self.groups.add(key, metadata, None)
        for turn in turns:
            self.groups.add(key, metadata, turn)

    @staticmethod
    def _classify(record: dict[str, Any], nested: dict[str, list[tuple[int, Any]]]) -> str | None:
        if "note_type" in record:
            return "note"
        if isinstance(record.get("message"), dict):
            return "message"
        if "talk_id" in record:
            return "talk"
        if "messages" in nested or isinstance(record.get("messages"), list):
            return "chat"
        embedded = record.get("_embedded")
        if "notes" in nested or (isinstance(embedded, dict) and "notes" in embedded):
            return "lead"
        if "id" in record and ("pipeline_id" in record or "status_id" in record):
            return "lead"
        return None

    def _inner_turns(
        self, record: dict[str, Any], nested: dict[str, list[tuple[int, Any]]], line: int
    ) -> list[ParsedTurn]:
        """The notes or messages inside a lead, talk or chat record, each with its line where known."""
        items: list[tuple[int, Any]] = []
        for name in ("notes", "messages"):
            if name in nested:
                items += nested[name]
                continue
            embedded = record.get("_embedded")
            value = record.get(name, embedded.get(name) if isinstance(embedded, dict) else None)
            if value is None:
                continue
            if not isinstance(value, list):
                raise self.error(f"'{name}' is {json_type(value)}, not an array", line)
            items += [(line, item) for item in value]
        turns = []
        for item_line, item in items:
            if not isinstance(item, dict):
                raise self.error(f"a note or message is {json_type(item)}, not an object", item_line)
            turn = self._note(item, item_line) if "note_type" in item else self._message(self._unwrap(item), item_line)
            if turn is not None:
                turns.append(turn)
        return turns

    # -- records to turns ------------------------------------------------------------------------------------

    def _note(self, note: dict[str, Any], line: int) -> ParsedTurn | None:
        note_type = note.get("note_type")
        if isinstance(note_type, int) and not isinstance(note_type, bool):
            note_type = str(note_type)
        if note_type is not None and not isinstance(note_type, str):
            raise self.error(f"'note_type' is {json_type(note_type)}", line)
        params = note.get("params")
        if params is None:
            params = {}
        if not isinstance(params, dict):
            raise self.error(f"'params' is {json_type(params)}, not an object", line)
        text = params.get("text", note.get("text"))
        if text is not None and not isinstance(text, str):
            raise self.error(f"the note text is {json_type(text)}, not a string", line)
        normalised = _norm(note_type or "")
        kind = "system" if normalised in _SYSTEM_NOTES or normalised not in _MESSAGE_NOTES else "message"
        if not (text and text.strip()) and normalised in ("call_in", "call_out"):
            result = params.get("call_result")
            text, kind = (result, "system") if isinstance(result, str) else (None, kind)
        if not (text and text.strip()):
            return None
        try:
            stamp = _epoch(note.get("created_at"), "created_at")
        except ValueError as exc:
            raise self.error(str(exc), line) from exc
        extra: dict[str, Any] = {"note_type": clean_text(note_type) if note_type else None}
        if _ident(note.get("id")) is not None:
            extra["note_id"] = clean_value(note["id"])
        extra |= {key: clean_value(value) for key, value in params.items() if key != "text"}
        return ParsedTurn(
            speaker=self._author(note),
            text=clean_text(text.strip()),
            timestamp=stamp,
            provenance=Provenance(source=self.source, line=line),
            kind=kind,
            extra=extra,
        )

    def _author(self, note: dict[str, Any]) -> str:
        author = note.get("author")
        if isinstance(author, dict) and isinstance(author.get("name"), str) and author["name"].strip():
            return clean_text(author["name"].strip())
        for name in ("author_name", "created_by_name"):
            if isinstance(note.get(name), str) and note[name].strip():
                return clean_text(note[name].strip())
        created_by = _ident(note.get("created_by"))
        if created_by is None:
            return "unknown"
        if created_by == "0":  # Kommo's robot: automations, integrations
            return "system"
        return self.users.get(created_by, created_by)

    @staticmethod
    def _unwrap(record: dict[str, Any]) -> dict[str, Any]:
        """A webhook envelope `{"message": {"sender": ..., "message": {...}}}` → the message inside."""
        inner = record.get("message")
        if isinstance(inner, dict) and isinstance(inner.get("message"), dict):
            return inner
        return record

    def _message(self, record: dict[str, Any], line: int) -> ParsedTurn | None:
        body = record.get("message")
        if not isinstance(body, dict):
            raise self.error(f"a chat message without a 'message' object (found {json_type(body)})", line)
        text = body.get("text")
        if text is not None and not isinstance(text, str):
            raise self.error(f"'message.text' is {json_type(text)}, not a string", line)
        if not (text and text.strip()):
            return None
        sender = record.get("sender")
        if sender is not None and not isinstance(sender, dict):
            raise self.error(f"'sender' is {json_type(sender)}, not an object", line)
        sender = sender or {}
        name, sender_id = sender.get("name"), _ident(sender.get("id"))
        speaker = clean_text(name.strip()) if isinstance(name, str) and name.strip() else sender_id or "unknown"
        try:
            stamp = _epoch(record.get("timestamp"), "timestamp") or _epoch(record.get("created_at"), "created_at")
            if stamp is None and record.get("msec_timestamp") is not None:
                stamp = _epoch(record["msec_timestamp"], "msec_timestamp")
        except ValueError as exc:
            raise self.error(str(exc), line) from exc
        extra: dict[str, Any] = {}
        if _ident(body.get("id")) is not None:
            extra["message_id"] = clean_value(body["id"])
        if isinstance(body.get("type"), str):
            extra["message_type"] = clean_text(body["type"])
        if sender_id is not None:
            extra["sender_id"] = sender_id
        receiver = record.get("receiver")
        if isinstance(receiver, dict):
            label = receiver.get("name") if isinstance(receiver.get("name"), str) else _ident(receiver.get("id"))
            if label:
                extra["receiver"] = clean_text(label)
        return ParsedTurn(
            speaker=speaker,
            text=clean_text(text.strip()),
            timestamp=stamp,
            provenance=Provenance(source=self.source, line=line),
            extra=extra,
        )

    @staticmethod
    def _chat_key(record: dict[str, Any]) -> str | None:
        talk = _ident(record.get("talk_id"))
        if talk is not None:
            return f"talk:{talk}"
        conversation = record.get("conversation")
        if isinstance(conversation, dict) and _ident(conversation.get("id")) is not None:
            return f"chat:{_ident(conversation['id'])}"
        for name in ("chat_id", "conversation_id"):
            if _ident(record.get(name)) is not None:
                return f"chat:{_ident(record[name])}"
        return None

    @staticmethod
    def _context_key(context: dict[str, Any]) -> str | None:
        """The chat a top-level `messages` array belongs to, from the keys read before it."""
        if _ident(context.get("talk_id")) is not None:
            return f"talk:{_ident(context['talk_id'])}"
        for name in ("chat_id", "conversation_id", "id"):
            if _ident(context.get(name)) is not None:
                return f"chat:{_ident(context[name])}"
        return None


def _id_value(ident: str) -> int | str:
    return int(ident) if ident.isascii() and ident.isdigit() and len(ident) < 19 else ident

