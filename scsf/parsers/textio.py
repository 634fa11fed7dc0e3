"""Streaming text input shared by the parsers: encoding detection (UTF-8 with or without BOM, else Latin-1), the
head for sniffing, and text decoded a chunk or a line at a time with exact line numbers. A file that cannot be
read, or holds a byte its encoding cannot decode, is a ParseError, never an OSError or UnicodeDecodeError."""

from __future__ import annotations

import codecs
import io
import re
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path
from typing import Annotated, BinaryIO

from pydantic import AfterValidator

from scsf.parsers.base import ParseError

HEAD_BYTES = 64 * 1024
MAX_LINE_CHARS = 1 << 20
"""Longest line `decoded_lines` accepts; a longer one is a ParseError, never a 1 GB string."""

# Directional marks and embeddings (U+200E/F, U+202A-E, U+2066-9, U+061C), zero-width space, word joiner and
# invisible operators, BOM. ZWJ/ZWNJ (U+200C/D) stay: they are part of emoji sequences.
INVISIBLE = re.compile("[\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]")
_LINE_END = re.compile(r"\r\n?|\n")


def strip_invisible(text: str) -> str:
    """`text` without the invisible marks (`INVISIBLE`) that chat exports and spreadsheets slip in."""
    return INVISIBLE.sub("", text)


def _known_encoding(value: str | None) -> str | None:
    if value is not None:
        try:
            codecs.lookup(value)
        except LookupError:
            raise ValueError(f"unknown encoding {value!r}") from None
    return value


Encoding = Annotated[str | None, AfterValidator(_known_encoding)]
"""The type of an `encoding` option: a codec Python knows, or None to detect one."""


def _cannot_read(path: Path, exc: OSError, line: int | None = None) -> ParseError:
    return ParseError(path, f"cannot read: {exc.strerror or exc}", line=line)


def _head_bytes(path: Path) -> bytes:
    try:
        with path.open("rb") as handle:
            return handle.read(HEAD_BYTES)
    except OSError as exc:
        raise _cannot_read(path, exc) from exc


def _encoding_of(head: bytes) -> str:
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"


def detect_encoding(path: Path) -> str:
    """`utf-8-sig` when the file has a UTF-8 BOM, `utf-8` when its first 64 KiB decode as UTF-8, else `latin-1`."""
    return _encoding_of(_head_bytes(path))


def read_head(path: Path, encoding: str | None = None) -> str:
    """The first ~64 KiB as text (for sniffing); undecodable bytes replaced."""
    head = _head_bytes(path)
    return codecs.getincrementaldecoder(encoding or _encoding_of(head))(errors="replace").decode(head)


def _line_ends(text: str) -> int:
    """CRLF, CR and LF in `text`, each counted once."""
    return text.count("\n") + text.count("\r") - text.count("\r\n")


class DecodedText:
    """A file's text, decoded a chunk at a time. The text before an undecodable byte is handed out first, then the
    next read raises a ParseError naming the byte's line (`hint` ends its reason), so errors come in file order
    whatever the chunk size. CRLF, CR and LF each end a line; a CRLF never straddles two reads."""

    def __init__(self, path: Path, encoding: str, *, hint: str = "") -> None:
        self.path, self.encoding, self._hint = path, encoding, hint
        try:
            self._handle: BinaryIO = path.open("rb")
        except OSError as exc:
            raise _cannot_read(path, exc) from exc
        self._decoder = codecs.getincrementaldecoder(encoding)()
        self._cr = ""  # a CR held back from the end of a read: it may be the first half of a CRLF
        self._ends = 0  # line ends in the text handed out so far
        self._error: ParseError | None = None  # an undecodable byte, raised once the text before it is out

    def close(self) -> None:
        self._handle.close()

    def read(self, size: int) -> str:
        """The text of (about) the next `size` bytes; '' only at the end of the file."""
        while True:
            if self._error is not None:
                raise self._error
            try:
                raw = self._handle.read(size)
            except OSError as exc:
                raise _cannot_read(self.path, exc, self._ends + 1) from exc
            state = self._decoder.getstate()
            try:
                text = self._cr + self._decoder.decode(raw, final=not raw)
            except UnicodeDecodeError as exc:
                text = self._cr + self._before(raw, state, exc)
                reason = f"undecodable bytes ({exc.reason}) for {self.encoding}{self._hint}"
                self._error = ParseError(self.path, reason, line=self._ends + _line_ends(text) + 1)
                self._error.__cause__ = exc
            self._cr = ""
            if raw and text.endswith("\r") and self._error is None:
                text, self._cr = text[:-1], "\r"
            if text or (not raw and self._error is None):
                self._ends += _line_ends(text)
                return text

    def _before(self, raw: bytes, state: tuple[bytes, int], exc: UnicodeDecodeError) -> str:
        """The text of `raw` up to the byte that failed, decoded again from the state before it."""
        cut = exc.start - (len(exc.object) - len(raw))  # the decoder saw its buffered bytes (less a BOM), then `raw`
        self._decoder.setstate(state)
        return self._decoder.decode(raw[:cut]) if 0 < cut <= len(raw) else ""


def decoded_lines(
    path: Path, encoding: str, *, max_line: int = MAX_LINE_CHARS, hint: str = ""
) -> Iterator[tuple[int, str]]:
    """(1-based line number, line with its ending as written) for every line, streamed; CRLF, CR and LF each end a
    line. An undecodable byte (see `DecodedText`) or a line over `max_line` characters is a ParseError naming it."""
    number, rest = 0, ""
    with closing(DecodedText(path, encoding, hint=hint)) as text:
        while chunk := text.read(io.DEFAULT_BUFFER_SIZE):
            rest += chunk
            at = 0
            for end in _LINE_END.finditer(rest):
                number += 1
                if end.start() - at > max_line:
                    raise ParseError(path, f"line longer than {max_line} characters", line=number)
                yield number, rest[at : end.end()]
                at = end.end()
            rest = rest[at:]
            if len(rest) > max_line:
                raise ParseError(path, f"line longer than {max_line} characters", line=number + 1)
    if rest:
        yield number + 1, rest
