"""Streaming JSON readers that never hold a whole file. `JsonRecords` yields the records of JSONL, of a top-level
array or of concatenated (pretty-printed) values, each with the line it starts on; `JsonWalker` walks one document
key by key and item by item, decoding or skipping each value.

Both decode with `json.JSONDecoder.raw_decode` over a sliding window of text (`_Window`) that knows the line of any
position in it. A value cut short by the end of the window is read on and decoded again; every error is a ParseError
naming the line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Literal, Self

from scsf.parsers.base import ParseError
from scsf.parsers.textio import DecodedText, detect_encoding

CHUNK_BYTES = 64 * 1024
MAX_RECORD_CHARS = 64 * 1024 * 1024
"""Largest single record `JsonRecords` will buffer."""
MAX_JSON_VALUE_CHARS = 16 << 20
"""Largest single JSON value (one segment, one lead with its notes) `JsonWalker.value` will buffer."""
# A decode error this close to the end of the buffer may be a value cut short (`tru`, `\u00`, `-Inf`, `1e`).
_CUT_SLACK = 16
_WS = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()

Layout = Literal["array", "document", "line", "concatenated"]


class _Window:
    """The decoded text of `path` from the read position on (CRLF and CR read as LF), refilled a chunk at a time.

    The file is opened on the first read; undecodable bytes and read failures are ParseErrors with the line.
    """

    def __init__(self, path: Path, encoding: str | None, chunk: int) -> None:
        self.path = Path(path)
        self._encoding = encoding
        self._chunk = chunk
        self._text: DecodedText | None = None
        self._buf = ""
        self._pos = 0
        self._mark_pos, self._mark_line = 0, 1  # a known (position, line) pair, moved forward as lines are asked for
        self._eof = False

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()

    def close(self) -> None:
        if self._text is not None:
            self._text.close()

    def line(self, pos: int | None = None) -> int:
        """The 1-based line of the read position (or of `pos` inside the window); amortised O(1) going forward."""
        pos = self._pos if pos is None else pos
        if pos < self._mark_pos:
            return self._mark_line - self._buf.count("\n", pos, self._mark_pos)
        self._mark_line += self._buf.count("\n", self._mark_pos, pos)
        self._mark_pos = pos
        return self._mark_line

    def error(self, reason: str, pos: int | None = None) -> ParseError:
        """A ParseError naming the line of the read position (or of `pos`)."""
        return ParseError(self.path, reason, line=self.line(pos))

    def _fill(self, size: int = 0) -> bool:
        """Drop the consumed text, then append at least one chunk (or `size` bytes) more; False at the end of file."""
        if self._eof:
            return False
        if self._text is None:
            encoding = self._encoding or detect_encoding(self.path)
            self._text = DecodedText(self.path, encoding, hint="; re-save the file as UTF-8")
        if self._pos:
            self.line()
            self._buf = self._buf[self._pos :]
            self._mark_pos -= self._pos
            self._pos = 0
        text = self._text.read(max(self._chunk, size))
        if not text:
            self._eof = True
            return False
        self._buf += text.replace("\r\n", "\n").replace("\r", "\n")
        return True

    def _skip_ws(self) -> bool:
        """Move past blanks; False at the end of the file."""
        while True:
            self._pos = _WS.match(self._buf, self._pos).end()  # type: ignore[union-attr]
            if self._pos < len(self._buf):
                return True
            if not self._fill():
                return False


# -- records -------------------------------------------------------------------------------------------------------


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


class JsonRecords(_Window):
    """Iterate the records of a JSON / JSONL file: `for record in JsonRecords(path): ...`.

    Raises ParseError (with the line) for broken JSON, undecodable bytes, unreadable files or a single value
    larger than `max_record_chars`.
    """

    def __init__(
        self,
        path: Path,
        *,
        encoding: str | None = None,
        chunk_chars: int = CHUNK_BYTES,
        max_record_chars: int = MAX_RECORD_CHARS,
    ) -> None:
        super().__init__(path, encoding, chunk_chars)
        self._max = max_record_chars

    def __iter__(self) -> Iterator[JsonRecord]:
        try:
            if not self._skip_ws():
                return
            if self._buf[self._pos] == "[":
                yield from self._array()
            else:
                yield from self._values()
        finally:
            self.close()

    def _array(self) -> Iterator[JsonRecord]:
        self._pos += 1
        index = 0
        if not self._skip_ws():
            raise self.error("invalid JSON: the top-level array is not closed")
        if self._buf[self._pos] == "]":
            self._pos += 1
        else:
            while True:
                line = self.line()
                end_line, value, text = self._take()
                yield JsonRecord(value, index, line, end_line, "array", text)
                index += 1
                if not self._skip_ws():
                    raise self.error("invalid JSON: the top-level array is not closed")
                char = self._buf[self._pos]
                self._pos += 1
                if char == "]":
                    break
                if char != ",":
                    raise self.error("invalid JSON: expected ',' or ']' after an array element")
                if not self._skip_ws():
                    raise self.error("invalid JSON: the top-level array is not closed")
        if self._skip_ws():
            raise self.error("invalid JSON: data after the top-level array")

    def _values(self) -> Iterator[JsonRecord]:
        index = 0
        own_line_before = True
        while True:
            line = self.line()
            end_line, value, text = self._take()
            has_next = self._skip_ws()
            own_line_after = not has_next or self.line() > end_line
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

    def _take(self) -> tuple[int, Any, str | None]:
        """Decode the value at the cursor and move past it: its end line, the value, and its text if it spans lines."""
        value, end = self._decode()
        start, line = self._pos, self.line()
        self._pos = end
        end_line = self.line()
        return end_line, value, self._buf[start:end] if end_line > line else None

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
                    raise self.error("invalid JSON: the file ends inside the value that starts here") from exc
                raise self.error(f"invalid JSON: {exc.msg}", exc.pos) from exc
            except RecursionError as exc:
                raise self.error("invalid JSON: nested too deeply") from exc
            except ValueError as exc:  # e.g. an integer with more digits than Python converts
                raise self.error(f"invalid JSON: {exc}") from exc
            if _is_number(value) and len(buf) - end < _CUT_SLACK and not self._eof:  # `1` of `1.5e3` cut short
                self._grow()
                continue
            return value, end

    def _grow(self) -> None:
        size = len(self._buf) - self._pos
        if size >= self._max:
            raise self.error(f"a single JSON value is larger than {self._max:,} characters; split the file")
        self._fill(size)  # doubling keeps re-decoding a long value linear overall


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


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


# -- walker --------------------------------------------------------------------------------------------------------


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


class JsonWalker(_Window):
    """A JSON file walked incrementally: `keys()` over an object, `items()` over an array, `value()` to decode one
    (bounded) value, `skip()` to pass over one of any size. Only the unread part of a 64 KiB window, or the value
    being decoded, is in memory. NaN and Infinity are refused. Every error is a ParseError with the line."""

    _STRING_STOP = re.compile(r'["\\]')
    _JSON = json.JSONDecoder(parse_constant=_reject_constant)

    def __init__(
        self, path: Path, encoding: str, *, chunk: int = CHUNK_BYTES, max_value: int = MAX_JSON_VALUE_CHARS
    ) -> None:
        super().__init__(path, encoding, chunk)
        self._max_value = max_value

    def peek(self) -> str:
        """The next non-blank character, or '' at end of file."""
        return self._buf[self._pos] if self._skip_ws() else ""

    def at_end(self) -> bool:
        return self.peek() == ""

    def value(self) -> Any:
        """Decode the next value whole (at most `max_value` characters)."""
        if self.peek() == "":
            raise self.error("unexpected end of file, expected a JSON value")
        want = self._chunk
        while True:
            try:
                obj, end = self._JSON.raw_decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                at = exc.pos - self._pos  # `_more` may move the window
                if self._more(want):
                    want *= 2
                    continue
                raise self.error(f"invalid JSON: {exc.msg}", min(self._pos + at, len(self._buf))) from exc
            except (ValueError, RecursionError) as exc:
                raise self.error(f"invalid JSON value: {str(exc)[:200]}") from exc
            if end == len(self._buf) and self._more(want):  # a number may go on in the next chunk
                want *= 2
                continue
            self._pos = end
            return obj

    def _more(self, want: int) -> bool:
        if len(self._buf) - self._pos > self._max_value:
            raise self.error(f"JSON value over {self._max_value >> 20} MiB (or malformed)")
        return self._fill(want)

    def skip(self, _depth: int = 0) -> None:
        """Pass over the next value, however large: decoded and dropped when it fits the window, else walked."""
        first = self.peek()
        if first == "":
            raise self.error("unexpected end of file, expected a JSON value")
        if first == '"':
            self._skip_string()
            return
        if first not in "[{":
            self.value()
            return
        if _depth > 256:
            raise self.error("JSON nested too deeply")
        if len(self._buf) - self._pos < self._chunk:
            self._fill()
        try:
            _, end = self._JSON.raw_decode(self._buf, self._pos)
        except RecursionError as exc:
            raise self.error("JSON nested too deeply") from exc
        except ValueError:  # larger than the window (or malformed): walk it, which reports the fault precisely
            if first == "[":
                for _ in self.items():
                    self.skip(_depth + 1)
            else:
                for _ in self.keys():
                    self.skip(_depth + 1)
            return
        self._pos = end

    def _skip_string(self) -> None:
        start_line = self.line()
        self._pos += 1
        while True:
            match = self._STRING_STOP.search(self._buf, self._pos)
            if match is None:
                self._pos = len(self._buf)
                if not self._fill():
                    raise ParseError(self.path, "unterminated JSON string", line=start_line)
                continue
            if match.group() == '"':
                self._pos = match.end()
                return
            if match.end() >= len(self._buf):  # a backslash ends the window: read on, then look again
                self._pos = match.start()
                if not self._fill():
                    raise ParseError(self.path, "unterminated JSON string", line=start_line)
                continue
            self._pos = match.end() + 1

    def keys(self) -> Iterator[str]:
        """The keys of the object at the read position; the caller reads or skips each key's value."""
        if self.peek() != "{":
            raise self.error("expected a JSON object")
        self._pos += 1
        if self.peek() == "}":
            self._pos += 1
            return
        while True:
            if self.peek() != '"':
                raise self.error("expected a quoted object key")
            key = self.value()
            if self.peek() != ":":
                raise self.error("expected ':' after an object key")
            self._pos += 1
            yield key
            char = self.peek()
            if char == ",":
                self._pos += 1
            elif char == "}":
                self._pos += 1
                return
            else:
                raise self.error("expected ',' or '}' in an object")

    def items(self) -> Iterator[int]:
        """For each item of the array at the read position, its line; the caller reads or skips the item."""
        if self.peek() != "[":
            raise self.error("expected a JSON array")
        self._pos += 1
        if self.peek() == "]":
            self._pos += 1
            return
        while True:
            self.peek()
            yield self.line()
            char = self.peek()
            if char == ",":
                self._pos += 1
            elif char == "]":
                self._pos += 1
                return
            else:
                raise self.error("expected ',' or ']' in an array")
