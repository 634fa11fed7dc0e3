"""Streaming text input shared by the parsers: encoding detection (UTF-8 with or without BOM, else Latin-1)
and numbered lines, never holding the whole file in memory."""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from pathlib import Path

HEAD_BYTES = 64 * 1024


def detect_encoding(path: Path) -> str:
    """`utf-8-sig` when the file has a UTF-8 BOM, `utf-8` when its first 64 KiB decode as UTF-8, else `latin-1`."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    try:
        codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return "latin-1"
    return "utf-8"


def read_head(path: Path, encoding: str | None = None) -> str:
    """The first ~64 KiB as text (for sniffing); undecodable bytes replaced."""
    with path.open("rb") as handle:
        head = handle.read(HEAD_BYTES)
    return codecs.getincrementaldecoder(encoding or detect_encoding(path))(errors="replace").decode(head)


def numbered_lines(path: Path, encoding: str | None = None) -> Iterator[tuple[int, str]]:
    """(1-based line number, line without its end) for every line, streamed; CRLF, CR and LF all end a line.

    A file that claimed UTF-8 but holds an invalid byte further down raises UnicodeDecodeError, which callers
    turn into a ParseError naming the line.
    """
    with path.open("r", encoding=encoding or detect_encoding(path), newline=None) as handle:
        for number, line in enumerate(handle, start=1):
            yield number, line.rstrip("\n")
