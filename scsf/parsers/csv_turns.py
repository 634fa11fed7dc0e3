"""One turn per CSV row; a conversation is the rows sharing a conversation id, wherever they are in the file.

Columns come from the header (case-, accent- and spacing-insensitive synonyms, English and Spanish) or from
`Options`. Quoting is RFC 4180 (quoted delimiters, doubled quotes, newlines inside quotes); the delimiter is
one of `, ; TAB |`, sniffed from the header line. With a conversation column, rows need not be contiguous (an export
sorted by time interleaves its chats): they are spilled to disk as read and grouped (`grouping.DiskGroups`),
conversations in order of first appearance, each one's turns in time order when all of its rows have a time, else in
file order; nothing comes out before the whole file has been read. A file without a conversation column is one
conversation, streamed. A long conversation is cut into parts (`parts.Parts`).
"""

from __future__ import annotations

import csv
import itertools
import re
import unicodedata
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Any, Literal

from scsf.parsers.base import ParsedConversation, ParsedTurn, Parser, ParseError, Provenance, Sniff
from scsf.parsers.grouping import DiskGroups
from scsf.parsers.parts import PartLimits, split_groups
from scsf.parsers.timestamps import parse_timestamp
from scsf.parsers.textio import Encoding, decoded_lines, detect_encoding, strip_invisible

DELIMITERS = (",", ";", "\t", "|")
SYNONYMS: dict[str, tuple[str, ...]] = {
    "conversation": (
        "conversation_id", "conversation", "conv_id", "dialog_id", "chat_id", "id_conversacion", "conversacion",
    ),
    "speaker": ("speaker", "role", "author", "from", "sender", "hablante", "rol", "autor"),
    "text": ("text", "message", "content", "utterance", "body", "texto", "mensaje"),
    "timestamp": ("timestamp", "time", "date", "fecha", "hora"),
}
REQUIRED = ("speaker", "text")
_NEWLINES = re.compile(r"\r\n?")  # line ends inside quoted text, as "\n" (the file's own are its format)


def normalise_header(cell: str) -> str:
    """`  Conversación ID ` -> `conversacion_id`: no invisible marks, accents or case; spaces and dashes as `_`."""
    text = unicodedata.normalize("NFKD", strip_invisible(cell).strip().lower())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    return re.sub(r"[\s\-]+", "_", text)


def guess_delimiter(line: str, suffix: str = "") -> str:
    """The candidate seen most often outside quotes in `line`; ties go to `,` (TAB for `.tsv`)."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for ch in line:
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch in counts:
            counts[ch] += 1
    order = ("\t", ",", ";", "|") if suffix == ".tsv" else DELIMITERS
    best = max(order, key=lambda d: counts[d])  # max keeps the first of equal counts
    return best if counts[best] else order[0]


def map_columns(header: list[str]) -> dict[str, int]:
    """role -> column index from synonyms; within a role the earlier synonym wins, then the earlier column."""
    names = [normalise_header(cell) for cell in header]
    found: dict[str, int] = {}
    for role, synonyms in SYNONYMS.items():
        for synonym in synonyms:
            if synonym in names and names.index(synonym) not in found.values():
                found[role] = names.index(synonym)
                break
    return found


class CSVDialogParser(Parser):
    """Turn-per-row CSV / TSV (`conversation_id,speaker,text[,timestamp]`), streamed one conversation at a time."""

    name = "csv_turno"

    class Options(PartLimits):
        conversation_column: str | None = None
        speaker_column: str | None = None
        text_column: str | None = None
        timestamp_column: str | None = None
        delimiter: Literal[",", ";", "\t", "|"] | None = None
        encoding: Encoding = None
        """Force a text encoding instead of detecting UTF-8 (with or without BOM) / Latin-1."""

    @classmethod
    def sniff(cls, path: Path, head: str) -> Sniff:
        suffix = path.suffix.lower()
        first = next((line for line in head.splitlines() if line.strip()), "")
        roles: dict[str, int] = {}
        if first:
            delimiter = guess_delimiter(first, suffix)
            try:
                header = next(csv.reader([first], delimiter=delimiter))
            except (csv.Error, StopIteration):
                header = []
            roles = map_columns(header)
        if all(role in roles for role in REQUIRED):
            named = ", ".join(f"{role}={normalise_header(header[i])}" for role, i in roles.items())
            # A conversation column is the distinctive part; speaker/text alone is shared with timed transcripts
            # and CRM note exports, whose own parsers should win.
            confidence = 0.9 if "conversation" in roles else 0.8
            return Sniff(confidence, f"CSV header with turn columns ({named})")
        if suffix in (".csv", ".tsv"):
            return Sniff(0.4, f"{suffix} file, but its header names no speaker and text columns")
        return Sniff(0.0, "no CSV header with speaker and text columns")

    def parse(self, path: Path) -> Iterator[ParsedConversation]:
        encoding = self.options.encoding or detect_encoding(path)
        header_line, header, delimiter, rows = self._records(path, encoding)
        columns = self._columns(path, header, header_line)
        names = {role: header[index] for role, index in columns.items()}
        others = [(i, name) for i, name in enumerate(header) if name.strip() and i not in columns.values()]
        source = str(path)

        def build(key: str, turns: list[ParsedTurn], part: dict[str, Any]) -> ParsedConversation:
            metadata = {"encoding": encoding, "delimiter": delimiter, "columns": dict(names)} | part
            return ParsedConversation(format=self.name, source=source, key=key, turns=turns, metadata=metadata)

        conv_index, width = columns.get("conversation"), len(header)

        def keyed_turns() -> Iterator[tuple[str, ParsedTurn]]:
            for number, row in rows:
                if len(row) != width and (len(row) < width or any(cell.strip() for cell in row[width:])):
                    raise ParseError(path, f"row has {len(row)} fields, the header has {width}", line=number)
                key = path.stem if conv_index is None else row[conv_index].strip()
                if not key:
                    raise ParseError(path, f"empty {names['conversation']!r} (conversation id)", line=number)
                yield key, self._turn(path, number, row, columns, names, others, source)

        if conv_index is None or not self._scattered(path, encoding, conv_index):
            runs = itertools.groupby(keyed_turns(), key=lambda keyed: keyed[0])
            yield from split_groups(((key, {}, (turn for _, turn in run)) for key, run in runs), lambda _: build,
                                    self.options)  # fmt: skip
            return
        with closing(DiskGroups()) as groups:
            for key, turn in keyed_turns():
                groups.add(key, {}, turn)
            yield from split_groups(groups.groups(), lambda _: build, self.options)

    def _records(self, path: Path, encoding: str) -> tuple[int, list[str], str, Iterator[tuple[int, list[str]]]]:
        """The header's line, the header, the delimiter, and the (line, fields) records after it."""
        hint = "; pass encoding='latin-1'" if encoding.startswith("utf-8") else ""
        lines = (line for _, line in decoded_lines(path, encoding, hint=hint))
        blank, first_line = 0, ""
        for first_line in lines:  # blank lines before the header
            if first_line.strip():
                break
            blank += 1
        if not first_line.strip():
            raise ParseError(path, "empty file: no header row")
        delimiter = self.options.delimiter or guess_delimiter(first_line, path.suffix.lower())
        reader = csv.reader(itertools.chain([first_line], lines), delimiter=delimiter, strict=True)
        rows = self._rows(path, reader, blank)
        first = next(rows, None)
        if first is None:
            raise ParseError(path, "no header row (only blank records)")
        return first[0], first[1], delimiter, rows

    def _scattered(self, path: Path, encoding: str, conv_index: int) -> bool:
        """Whether a conversation id comes back after another one started: a first pass over the id column, so a
        file whose conversations are contiguous streams without being spilled to disk."""
        ended: set[str] = set()
        current: str | None = None
        for _, row in self._records(path, encoding)[3]:
            key = row[conv_index].strip() if conv_index < len(row) else ""
            if key != current:
                if key in ended:
                    return True
                if current is not None:
                    ended.add(current)
                current = key
        return False

    def _rows(self, path: Path, reader: Any, offset: int) -> Iterator[tuple[int, list[str]]]:
        """(physical line the record starts on, fields), skipping blank records; `offset` lines came before."""
        while True:
            start = offset + reader.line_num + 1
            try:
                row = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                at = offset + reader.line_num
                raise ParseError(path, f"malformed CSV record: {exc} (at line {at})", line=start) from None
            if any(map(str.strip, row)):
                yield start, row

    def _columns(self, path: Path, header: list[str], line: int) -> dict[str, int]:
        options = self.options
        explicit = {
            "conversation": options.conversation_column,
            "speaker": options.speaker_column,
            "text": options.text_column,
            "timestamp": options.timestamp_column,
        }
        columns = {role: index for role, index in map_columns(header).items() if explicit[role] is None}
        normalised = [normalise_header(cell) for cell in header]
        for role, wanted in explicit.items():
            if wanted is None:
                continue
            if wanted in header:
                columns[role] = header.index(wanted)
            elif normalise_header(wanted) in normalised:
                columns[role] = normalised.index(normalise_header(wanted))
            else:
                raise ParseError(path, f"no column {wanted!r} ({role}_column) in the header {header}", line=line)
        for role in REQUIRED:
            if role not in columns:
                raise ParseError(
                    path,
                    f"no {role} column in the header {header}; expected one of {', '.join(SYNONYMS[role])} "
                    f"(any case) or Options({role}_column=...)",
                    line=line,
                )
        return columns

    def _turn(
        self,
        path: Path,
        number: int,
        row: list[str],
        columns: dict[str, int],
        names: dict[str, str],
        others: list[tuple[int, str]],
        source: str,
    ) -> ParsedTurn:
        speaker, text = row[columns["speaker"]].strip(), row[columns["text"]]
        if not speaker:
            raise ParseError(path, f"empty {names['speaker']!r} (speaker)", line=number)
        timestamp = None
        if "timestamp" in columns:
            try:
                timestamp = parse_timestamp(row[columns["timestamp"]])
            except ValueError as exc:
                raise ParseError(path, f"bad {names['timestamp']!r}: {exc}", line=number) from None
        return ParsedTurn(
            speaker=speaker,
            text=_NEWLINES.sub("\n", text) if "\r" in text else text,
            timestamp=timestamp,
            provenance=Provenance(source=source, line=number),
            extra={name: row[i] for i, name in others if i < len(row)},
        )
