"""Streaming JSON records for the JSON-family parsers: JSONL, a top-level array read element by element, or
concatenated (pretty-printed) values, each record with the line it starts on; never the whole file in memory.

The reader decodes with `json.JSONDecoder.raw_decode` over a sliding text buffer. A decode error close to the
end of the buffer (or an unterminated string) only means the value is cut by the chunk boundary, so the reader
reads more and tries again; anywhere else it is a real error and becomes a ParseError naming the line.
"""

from __future__ import annotations

import codecs
import json
import math
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Literal

from scsf.parsers.base import ParseError, Provenance
from scsf.parsers.textio import detect_encoding

CHUNK_CHARS = 64 * 1024
MAX_RECORD_CHARS = 64 * 1024 * 1024
# A decode error this close to the end of the buffer may be a value cut short (`tru`, `\u00`, `-Inf`, `1e`).
_CUT_SLACK = 16
_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()
_JSON_OPENING = re.compile(r'\ufeff?\s*(\{\s*["}]|\[\s*[\[{"\]])')

Layout = Literal["array", "document", "line", "concatenated"]


@dataclass(frozen=True)
class JsonRecord:
    """One top-level value (or top-level array element) and where it sits in the file.

    `layout`: "array" (an element of a top-level array), "document" (the file's only value), "line" (one value
    per line: JSONL), "concatenated" (values spanning lines, or sharing one: not JSONL).
    """

    value: Any
    index: int
    line: int
    end_line: int
    layout: Layout
    text: str | None = None  # the raw text, kept only when the value spans lines (to locate nested elements)

    def element_lines(self, path: Sequence[str]) -> list[int] | None:
        """The start line of each element of the array found at `path` (object keys) inside this value.

        None when the value sits on one line (every element starts on `line`) or the path leads elsewhere.
        """
        if self.text is None:
            return None
        try:
            offsets = _element_offsets(self.text, path)
        except (ValueError, IndexError, RecursionError):
            return None
        if offsets is None:
            return None
        lines, line, at = [], self.line, 0
        for offset in offsets:
            line += self.text.count("\n", at, offset)
            at = offset
            lines.append(line)
        return lines


class JsonStream:
    """Iterate the records of a JSON / JSONL file: `for record in JsonStream(path): ...`.

    Raises ParseError (with the line) for broken JSON, undecodable bytes, unreadable files or a single value
    larger than `max_record_chars`.
    """

    def __init__(
        self,
        path: Path,
        *,
        encoding: str | None = None,
        chunk_chars: int = CHUNK_CHARS,
        max_record_chars: int = MAX_RECORD_CHARS,
    ) -> None:
        self.path = Path(path)
        self._encoding = encoding
        self._chunk = chunk_chars
        self._max = max_record_chars
        self._buf = ""
        self._pos = 0
        self._line = 1
        self._eof = False
        self._handle: Any = None
        self._text_encoding = "utf-8"
        self._text_decoder: codecs.IncrementalDecoder | None = None
        self._pending_cr = ""

    # -- buffer --------------------------------------------------------------------------------------------

    def _fill(self, at_least: int = 0) -> None:
        """Drop the consumed prefix, then append at least one chunk (or `at_least` characters) of decoded text.

        Decoding here rather than in a text-mode file tells exactly on which line an undecodable byte sits;
        CRLF and CR become LF as in universal-newline mode.
        """
        if self._pos:
            self._buf = self._buf[self._pos :]
            self._pos = 0
        try:
            data = self._handle.read(max(self._chunk, at_least))
        except OSError as exc:
            raise ParseError(self.path, f"cannot read: {exc.strerror or exc}") from exc
        try:
            text = self._pending_cr + self._text_decoder.decode(data, final=not data)  # type: ignore[union-attr]
        except UnicodeDecodeError as exc:
            good = bytes(exc.object[: exc.start]).decode(self._text_encoding, errors="replace")
            line = self._line + self._buf.count("\n") + _newlines(self._pending_cr + good)
            reason = f"undecodable bytes ({exc.reason}); re-save the file as UTF-8"
            raise ParseError(self.path, reason, line=line) from exc
        self._pending_cr = ""
        if data and text.endswith("\r"):  # maybe the first half of a CRLF
            text, self._pending_cr = text[:-1], "\r"
        if not data:
            self._eof = True
        self._buf += text.replace("\r\n", "\n").replace("\r", "\n")

    def _skip_ws(self) -> bool:
        """Advance past whitespace, counting lines; False at the end of the file."""
        while True:
            end = _WS.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            self._line += self._buf.count("\n", self._pos, end)
            self._pos = end
            if self._pos < len(self._buf):
                return True
            if self._eof:
                return False
            self._fill()

    def _decode(self) -> tuple[Any, int]:
        """Decode the value at the cursor; returns it and its end offset (the cursor does not move)."""
        while True:
            buf, pos = self._buf, self._pos
            try:
                value, end = _DECODER.raw_decode(buf, pos)
            except json.JSONDecodeError as exc:
                cut = exc.msg.startswith("Unterminated string") or exc.pos >= len(buf) - _CUT_SLACK
                if cut and not self._eof:
                    self._grow()
                    continue
                if exc.pos >= len(buf):  # the file ends inside the value
                    raise ParseError(
                        self.path, "invalid JSON: the file ends inside the value that starts here", line=self._line
                    ) from exc
                line = self._line + buf.count("\n", pos, exc.pos)
                raise ParseError(self.path, f"invalid JSON: {exc.msg}", line=line) from exc
            except RecursionError as exc:
                raise ParseError(self.path, "invalid JSON: nested too deeply", line=self._line) from exc
            except ValueError as exc:  # e.g. an integer with more digits than Python converts
                raise ParseError(self.path, f"invalid JSON: {exc}", line=self._line) from exc
            if _is_number(value) and len(buf) - end < _CUT_SLACK and not self._eof:  # `1` of `1.5e3` cut short
                self._grow()
                continue
            return value, end

    def _grow(self) -> None:
        size = len(self._buf) - self._pos
        if size >= self._max:
            raise ParseError(
                self.path,
                f"a single JSON value is larger than {self._max:,} characters; split the file",
                line=self._line,
            )
        self._fill(at_least=size)  # doubling keeps re-decoding a long value linear overall

    def _take(self, value: Any, end: int) -> tuple[int, str | None]:
        """Move the cursor past a decoded value; returns its end line and its text when it spans lines."""
        newlines = self._buf.count("\n", self._pos, end)
        text = self._buf[self._pos : end] if newlines else None
        self._line += newlines
        self._pos = end
        return self._line, text

    # -- records -------------------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[JsonRecord]:
        try:
            self._text_encoding = self._encoding or detect_encoding(self.path)
            self._text_decoder = codecs.getincrementaldecoder(self._text_encoding)()
            self._handle = self.path.open("rb")
        except OSError as exc:
            raise ParseError(self.path, f"cannot read: {exc.strerror or exc}") from exc
        try:
            if not self._skip_ws():
                return
            if self._buf[self._pos] == "[":
                yield from self._array()
            else:
                yield from self._values()
        finally:
            self._handle.close()

    def _array(self) -> Iterator[JsonRecord]:
        self._pos += 1
        index = 0
        if not self._skip_ws():
            raise ParseError(self.path, "invalid JSON: the top-level array is not closed", line=self._line)
        if self._buf[self._pos] == "]":
            self._pos += 1
        else:
            while True:
                line = self._line
                value, end = self._decode()
                end_line, text = self._take(value, end)
                yield JsonRecord(value, index, line, end_line, "array", text)
                index += 1
                if not self._skip_ws():
                    raise ParseError(self.path, "invalid JSON: the top-level array is not closed", line=self._line)
                char = self._buf[self._pos]
                self._pos += 1
                if char == "]":
                    break
                if char != ",":
                    reason = "invalid JSON: expected ',' or ']' after an array element"
                    raise ParseError(self.path, reason, line=self._line)
                if not self._skip_ws():
                    raise ParseError(self.path, "invalid JSON: the top-level array is not closed", line=self._line)
        if self._skip_ws():
            raise ParseError(self.path, "invalid JSON: data after the top-level array", line=self._line)

    def _values(self) -> Iterator[JsonRecord]:
        index = 0
        own_line_before = True
        while True:
            line = self._line
            value, end = self._decode()
            end_line, text = self._take(value, end)
            has_next = self._skip_ws()
            own_line_after = not has_next or self._line > end_line
            if index == 0 and not has_next:
                layout: Layout = "document"
            elif text is None and own_line_before and own_line_after:
                layout = "line"
            else:
                layout = "concatenated"
            yield JsonRecord(value, index, line, end_line, layout, text)
            if not has_next:
                return
            index += 1
            own_line_before = own_line_after


def _element_offsets(text: str, path: Sequence[str]) -> list[int] | None:
    """Offsets (in `text`, which holds one valid JSON value) of the elements of the array at `path`."""
    decoder = _DECODER

    def skip(at: int) -> int:
        return _WS.match(text, at).end()  # type: ignore[union-attr]

    at = skip(0)
    for key in path:
        if text[at] != "{":
            return None
        found = None
        at = skip(at + 1)
        if text[at] == "}":
            return None
        while True:
            name, at = decoder.raw_decode(text, at)
            at = skip(skip(at) + 1)  # past ':'
            if name == key:
                found = at  # the last duplicate wins, as in json.loads
            _, at = decoder.raw_decode(text, at)
            at = skip(at)
            if text[at] == "}":
                break
            at = skip(at + 1)  # past ','
        if found is None:
            return None
        at = found
    if text[at] != "[":
        return None
    offsets: list[int] = []
    at = skip(at + 1)
    if text[at] == "]":
        return offsets
    while True:
        offsets.append(at)
        _, at = decoder.raw_decode(text, at)
        at = skip(at)
        if text[at] == "]":
            return offsets
        at = skip(at + 1)


# -- helpers shared by the JSON parsers ---------------------------------------------------------------------


def first_record(head: str) -> Any:
    """The first record (top-level value, or first element of a top-level array) if it fits in `head`; else None."""
    text = head.lstrip("\ufeff \t\r\n")
    decoder = _DECODER
    try:
        if text.startswith("["):
            at = _WS.match(text, 1).end()  # type: ignore[union-attr]
            if text[at : at + 1] == "]":
                return None
            return decoder.raw_decode(text, at)[0]
        if text.startswith("{"):
            return decoder.raw_decode(text, 0)[0]
    except (ValueError, RecursionError):
        return None
    return None


def looks_like_json(path: Path, head: str) -> bool:
    """The name ends in .json / .jsonl / .ndjson, or the text opens like a JSON object or array of them.

    (`[05/03/24, 10:15] Ana: hola`, a WhatsApp line, does not.)
    """
    if path.suffix.lower() in {".json", ".jsonl", ".ndjson"}:
        return True
    return _JSON_OPENING.match(head) is not None


def has_key(head: str, key: str) -> bool:
    """`"key":` appears in the text (a cheap test for a head too short to decode)."""
    return re.search(r'"' + re.escape(key) + r'"\s*:', head) is not None


def first_dict(value: Any) -> dict[str, Any] | None:
    """The first element of a list when it is an object."""
    if isinstance(value, list) and value and isinstance(value[0], dict):
        return value[0]
    return None


def describe(value: Any) -> str:
    """A JSON type name for error messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def keys_found(value: dict[str, Any], limit: int = 12) -> str:
    keys = [str(key) for key in value]
    shown = ", ".join(keys[:limit]) + (f", ... ({len(keys)} keys)" if len(keys) > limit else "")
    return shown or "none"


_EPOCH_MS = 1e11  # 1e11 seconds is the year 5138; 1e11 milliseconds is 1973
_EPOCH_MAX_MS = 1e14


def parse_timestamp(value: Any) -> datetime | None:
    """ISO 8601 text, or epoch seconds / milliseconds (number or numeric string), as a datetime; null, "" as None.

    Epoch values come back in UTC; ISO text keeps its offset, or stays naive without one. ValueError otherwise.
    """
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise ValueError(f"expected an ISO 8601 date or epoch seconds, got {describe(value)}")
    if isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if re.fullmatch(r"-?\d+(\.\d+)?", text) and not re.fullmatch(r"\d{8}", text):  # YYYYMMDD is a date
            return _from_epoch(float(text))
        try:
            return datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(f"not an ISO 8601 date or epoch number: {value[:40]!r}") from None
    try:
        return _from_epoch(float(value))
    except OverflowError:
        raise ValueError(f"epoch value out of range: {value!r}") from None


def _from_epoch(number: float) -> datetime:
    if not math.isfinite(number) or abs(number) >= _EPOCH_MAX_MS:
        raise ValueError(f"epoch value out of range: {number!r}")
    seconds = number / 1000 if abs(number) >= _EPOCH_MS else number
    try:
        return datetime.fromtimestamp(seconds, tz=timezone.utc)
    except (OverflowError, OSError, ValueError):
        raise ValueError(f"epoch value out of range: {number!r}") from None


def record_key(path: Path, stem: str, record: dict[str, Any], index: int, line: int, field: str = "id") -> str:
    """The record's own id (a string or an integer) when it has one, else `<file stem>#<index>`."""
    value = record.get(field)
    if value is None or value == "":
        return f"{stem}#{index}"
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise ParseError(path, f"field {field!r} must be a string or an integer, got {describe(value)}", line=line)


def layout_warnings(record: JsonRecord) -> list[str]:
    """The metadata `warnings` for a record read from a file that is neither JSONL nor one JSON document/array."""
    if record.layout != "concatenated":
        return []
    return [
        f"record at lines {record.line}-{record.end_line} is one of several concatenated JSON values, not JSONL "
        "(one object per line); read anyway"
    ]


def wrong_type(path: Path, line: int, field: str, expected: str, value: Any) -> ParseError:
    """ParseError for a field of the wrong JSON type."""
    return ParseError(path, f"field {field!r} must be {expected}, got {describe(value)}", line=line)


def missing(path: Path, line: int, field: str, where: dict[str, Any]) -> ParseError:
    """ParseError for a missing field, listing the keys that are there."""
    return ParseError(path, f"missing field {field!r} (found keys: {keys_found(where)})", line=line)


def _newlines(text: str) -> int:
    """Line ends in raw text (CRLF, CR or LF)."""
    return text.replace("\r\n", "\n").count("\n") + text.count("\r") - text.count("\r\n")


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


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
