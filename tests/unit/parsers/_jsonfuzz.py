"""Shared fuzzing for the JSON-family parser tests: whatever the bytes, a parser raises ParseError or nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hypothesis import strategies as st

from scsf.parsers.base import Parser, ParseError
from scsf.parsers.textio import read_head

FIXTURES = Path(__file__).parents[2] / "fixtures" / "parsers"

# Keys every JSON parser looks at, so random records reach the type checks rather than stopping at "missing".
VOCABULARY = [
    "conversations", "from", "value", "system", "tools", "id", "messages", "role", "content", "tool_calls",
    "function_call", "function", "name", "arguments", "type", "text", "custom", "input", "tool_call_id",
    "turns", "utterances", "dialog", "speaker", "author", "utterance", "message", "timestamp", "time", "date",
    "conversation_id", "dialog_id", "human", "gpt", "observation", "user", "assistant", "tool", "image_url",
]  # fmt: skip

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**20), max_value=10**20),
    st.floats(allow_nan=False),
    st.text(max_size=12),
    st.sampled_from(VOCABULARY),
    st.sampled_from(["2024-03-05T10:00:00Z", "1709655300", "ayer", "", '{"name": "f", "arguments": {}}', "[1]"]),
)
keys = st.sampled_from(VOCABULARY) | st.text(max_size=4)
json_values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=25,
)


def run_all(parsers: list[type[Parser]], path: Path, options: list[Parser.Options | None] | None = None) -> None:
    """Sniff and fully parse `path` with each parser; only ParseError may come out of parse, nothing out of sniff."""
    head = read_head(path)
    for position, parser in enumerate(parsers):
        sniff = parser.sniff(path, head)
        assert 0.0 <= sniff.confidence <= 1.0
        option = options[position] if options else None
        try:
            for conversation in parser(option).parse(path):
                assert conversation.format == parser.name
        except ParseError as exc:
            assert exc.reason


def fixture_bytes() -> list[tuple[str, bytes]]:
    return [(str(path.relative_to(FIXTURES)), path.read_bytes()) for path in sorted(FIXTURES.glob("*/*.json*"))]


INSERTS = [b"{", b"}", b"[", b"]", b",", b'"', b"\n", b":", b"\\", b"\xff", b"null"]


@st.composite
def mutated(draw: st.DrawFn, sources: list[tuple[str, bytes]]) -> bytes:
    """A fixture with a few byte flips, insertions, deletions, then maybe truncated."""
    _, data = draw(st.sampled_from(sources))
    buffer = bytearray(data)
    for _ in range(draw(st.integers(min_value=0, max_value=4))):
        if not buffer:
            break
        at = draw(st.integers(min_value=0, max_value=len(buffer) - 1))
        action = draw(st.sampled_from(["flip", "insert", "delete"]))
        if action == "flip":
            buffer[at] ^= 1 << draw(st.integers(min_value=0, max_value=7))
        elif action == "insert":
            buffer[at:at] = draw(st.sampled_from(INSERTS))
        else:
            del buffer[at]
    if draw(st.booleans()):
        buffer = buffer[: draw(st.integers(min_value=0, max_value=len(buffer)))]
    return bytes(buffer)


def as_jsonl(records: list[Any]) -> bytes:
    return "".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records).encode("utf-8")
