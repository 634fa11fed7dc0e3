"""One turn per CSV row; conversations are runs of rows sharing a conversation id, emitted as each run ends.

Columns come from the header (case-, accent- and spacing-insensitive synonyms, English and Spanish) or from
`Options`. Quoting is RFC 4180 (quoted delimiters, doubled quotes, newlines inside quotes); the delimiter is
one of `, ; TAB |`, sniffed from the header line. A conversation's rows must be contiguous: the file streams,
so an id that comes back after another conversation started is an error, not a regrouping. A long conversation
(a file without a conversation column is one) is cut into parts streamed out as each closes (`parts.Parts`).
"""

from __future__ import annotations

import csv
import itertools
import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal

from scsf.parsers.base import ParsedConversation, ParsedTurn, Parser, ParseError, Provenance, Sniff
from scsf.parsers.parts import PartLimits, Parts
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
        hint = "; pass encoding='latin-1'" if encoding.startswith("utf-8") else ""
        yield from self._parse(path, (line for _, line in decoded_lines(path, encoding, hint=hint)), encoding)

    def _parse(self, path: Path, lines: Iterator[str], encoding: str) -> Iterator[ParsedConversation]:
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
        header_line, header = first
        columns = self._columns(path, header, header_line)
        names = {role: header[index] for role, index in columns.items()}
        others = [(i, name) for i, name in enumerate(header) if name.strip() and i not in columns.values()]
        source = str(path)

        def build(key: str, turns: list[ParsedTurn], part: dict[str, Any]) -> ParsedConversation:
            metadata = {"encoding": encoding, "delimiter": delimiter, "columns": dict(names)} | part
            return ParsedConversation(format=self.name, source=source, key=key, turns=turns, metadata=metadata)

        conv_index = columns.get("conversation")
        seen: dict[str, int] = {}
        parts: Parts | None = None
        width, stem = len(header), path.stem
        for number, row in rows:
            if len(row) != width and (len(row) < width or any(cell.strip() for cell in row[width:])):
                raise ParseError(path, f"row has {len(row)} fields, the header has {width}", line=number)
            row_key = stem
            if conv_index is not None:
                row_key = row[conv_index].strip()
                if not row_key:
                    raise ParseError(path, f"empty {names['conversation']!r} (conversation id)", line=number)
            if parts is None or row_key != parts.key:
                if parts is not None:
                    yield from parts.finish()
                if row_key in seen:
                    raise ParseError(
                        path,
                        f"conversation {row_key!r} is not contiguous (it started at line {seen[row_key]}; "
                        "rows of one conversation must be consecutive)",
                        line=number,
                    )
                parts = Parts(row_key, build, self.options)
                seen[row_key] = number
            yield from parts.add(self._turn(path, number, row, columns, names, others, source))
        if parts is not None:
            yield from parts.finish()

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
