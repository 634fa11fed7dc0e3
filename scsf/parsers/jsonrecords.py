"""The common ground of the JSON formats that hold one conversation per record (JSONL, an array, or one document):
streaming the records, their ids, line provenance, field errors and the shared metadata."""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, ClassVar

from scsf.parsers.base import ParsedConversation, ParsedTurn, Parser, ParseError, Provenance, Sniff
from scsf.parsers.jsonstream import JsonRecord, JsonRecords
from scsf.parsers.jsonvalues import first_dict, first_record, has_key, json_type, keys_found, looks_like_json


class Provenances:
    """Provenance for one source by line, built once per line (turns of a JSONL record all share theirs)."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._by_line: dict[int, Provenance] = {}

    def __call__(self, line: int) -> Provenance:
        found = self._by_line.get(line)
        if found is None:
            if len(self._by_line) >= 4096:
                self._by_line.clear()
            found = self._by_line[line] = Provenance(source=self.source, line=line)
        return found


class JsonRecordParser(Parser):
    """A format of one conversation per JSON record. `parse` streams the records and hands each object to
    `conversation`, which ends with `finish`."""

    record_name: ClassVar[str] = "an object"
    """What a record must be, for the error when it is not an object."""

    def parse(self, path: Path) -> Iterator[ParsedConversation]:
        path = Path(path)
        provenance = Provenances(str(path))
        for record in JsonRecords(path):
            if not isinstance(record.value, dict):
                reason = f"record {record.index} is {json_type(record.value)}, expected {self.record_name}"
                raise ParseError(path, reason, line=record.line)
            yield self.conversation(path, provenance, record)

    @abstractmethod
    def conversation(self, path: Path, provenance: Provenances, record: JsonRecord) -> ParsedConversation:
        """The conversation of one record, whose value is an object."""

    def finish(
        self,
        provenance: Provenances,
        record: JsonRecord,
        key: str,
        turns: list[ParsedTurn],
        metadata: dict[str, Any],
        used: set[str],
    ) -> ParsedConversation:
        """The conversation; its metadata is `index` and `line`, then `metadata`, then the record's fields not
        `used` (`extra`) and a note when the file is neither JSONL nor one document or array (`warnings`)."""
        metadata = {"index": record.index, "line": record.line, **metadata}
        other = {name: item for name, item in record.value.items() if name not in used}
        if other:
            metadata["extra"] = other
        if record.layout == "concatenated":
            metadata["warnings"] = [
                f"record at lines {record.line}-{record.end_line} is one of several concatenated JSON values, not "
                "JSONL (one object per line); read anyway"
            ]
        return ParsedConversation(format=self.name, source=provenance.source, key=key, turns=turns, metadata=metadata)


def sniff_turns(path: Path, head: str, turns: str, speaker: str, texts: tuple[str, ...], noun: str) -> Sniff:
    """How sure a format of `turns` lists is: 0.95 when the first record's list opens with a `speaker` and one of
    `texts`, 0.8 when the head names `turns`, `speaker` and `texts[0]`, 0.1 for other JSON."""
    text = texts[0]
    record = first_record(head)
    if isinstance(record, dict):
        turn = first_dict(record.get(turns))
        if turn is not None and speaker in turn and any(name in turn for name in texts):
            return Sniff(0.95, f"first record has {turns!r} with {speaker!r}/{text!r} {noun}")
    if looks_like_json(path, head) and all(has_key(head, key) for key in (turns, speaker, text)):
        return Sniff(0.8, f"JSON with {turns!r}, {speaker!r} and {text!r} keys")
    if looks_like_json(path, head):
        return Sniff(0.1, f"JSON, but no {turns!r} of {speaker!r}/{text!r} {noun}")
    return Sniff(0.0, "not JSON")


def item_lines(record: JsonRecord, path: Sequence[str], count: int) -> list[int]:
    """The start line of each of the `count` elements of the array at `path`; the record's line where not known."""
    lines = record.element_lines(path) or []
    return lines[:count] + [record.line] * (count - len(lines))


def record_key(path: Path, record: JsonRecord) -> str:
    """The record's own `id` (a string or an integer) when it has one, else `<file stem>#<index>`."""
    value = record.value.get("id")
    if value is None or value == "":
        return f"{path.stem}#{record.index}"
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise wrong_type(path, record.line, "id", "a string or an integer", value)


def array_field(path: Path, line: int, value: dict[str, Any], field: str) -> list[Any]:
    """`value[field]`, which must be there and be an array."""
    if field not in value:
        raise missing(path, line, field, value)
    if not isinstance(value[field], list):
        raise wrong_type(path, line, field, "an array", value[field])
    return value[field]


def wrong_type(path: Path, line: int, field: str, expected: str, value: Any) -> ParseError:
    """ParseError for a field of the wrong JSON type."""
    return ParseError(path, f"field {field!r} must be {expected}, got {json_type(value)}", line=line)


def missing(path: Path, line: int, field: str, where: dict[str, Any]) -> ParseError:
    """ParseError for a missing field, listing the keys that are there."""
    return ParseError(path, f"missing field {field!r} (found keys: {keys_found(where)})", line=line)
