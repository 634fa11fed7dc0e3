"""The parsers' one fuzz harness: whatever the bytes, `sniff` gives a confidence in [0, 1] and `parse` yields
well-formed conversations or raises a ParseError naming the file, never anything else.

A parser's test file subclasses `ParserFuzz` as `TestFuzz`, naming the parsers (with the option variants worth
running), its fixtures, the tokens of its format and the file suffixes to try; it gets three property tests: random
bytes, random sequences of format tokens, and mutated fixtures (bit flips, inserted tokens or bytes, deleted spans,
truncation, shuffled, repeated or dropped lines). JSON strategies for structured fuzzing live here too.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from scsf.parsers.base import ParsedConversation, Parser, ParseError
from scsf.parsers.textio import read_head

FIXTURES = Path(__file__).parents[2] / "fixtures" / "parsers"

fuzz_settings = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def check_parsers(path: Path, parsers: Sequence[Parser], *, empty_ok: bool = False) -> None:
    """Sniff and fully parse `path` with each parser: only a ParseError about `path` may come out of `parse`, and
    every conversation has turns unless `empty_ok` (the JSON record formats keep a record with no messages)."""
    head = read_head(path)
    for parser in parsers:
        assert 0.0 <= type(parser).sniff(path, head).confidence <= 1.0
        try:
            for conversation in parser.parse(path):
                assert isinstance(conversation, ParsedConversation) and conversation.format == parser.name
                assert conversation.turns or empty_ok, "a conversation without turns"
                json.dumps(conversation.model_dump(mode="json"))  # no surrogates, no odd types
        except ParseError as error:
            assert error.path == str(path) and error.reason


# -- mutations -------------------------------------------------------------------------------------------------

_OPERATIONS = ("flip", "insert", "splice", "delete", "truncate", "shuffle", "repeat_line", "drop_line")


@st.composite
def mutated(draw: st.DrawFn, data: bytes, tokens: Sequence[bytes]) -> bytes:
    """`data` after one to eight random edits."""
    for _ in range(draw(st.integers(min_value=1, max_value=8))):
        operation = draw(st.sampled_from(_OPERATIONS))
        at = draw(st.integers(min_value=0, max_value=len(data)))
        if operation == "flip" and data:
            at = min(at, len(data) - 1)
            data = data[:at] + bytes([data[at] ^ 1 << draw(st.integers(0, 7))]) + data[at + 1 :]
        elif operation == "insert":
            data = data[:at] + draw(st.sampled_from(tokens)) + data[at:]
        elif operation == "splice":
            data = data[:at] + draw(st.binary(min_size=1, max_size=6)) + data[at:]
        elif operation == "delete":
            data = data[:at] + data[at + draw(st.integers(1, 20)) :]
        elif operation == "truncate":
            data = data[:at]
        else:
            lines = data.split(b"\n")
            line = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            if operation == "shuffle":
                lines = draw(st.permutations(lines))
            elif operation == "repeat_line":
                lines.insert(line, lines[draw(st.integers(min_value=0, max_value=len(lines) - 1))])
            else:
                del lines[line]
            data = b"\n".join(lines)
    return data


class ParserFuzz:
    """Property tests over one format; subclass as `TestFuzz` and set the class variables."""

    parsers: ClassVar[Sequence[Parser]]
    fixtures: ClassVar[Sequence[Path]]
    tokens: ClassVar[Sequence[bytes]]
    suffixes: ClassVar[Sequence[str]]
    openers: ClassVar[Sequence[bytes]] = (b"",)
    """Prefixes for random bytes, to get past a format's first check (a header, an opening bracket)."""
    empty_ok: ClassVar[bool] = False
    """Whether a conversation without turns is a valid result (see `check_parsers`)."""

    def __init_subclass__(cls, **kwargs: Any) -> None:
        """Each format gets its own copy of every property test: Hypothesis keeps examples per test function."""
        super().__init_subclass__(**kwargs)
        if not all(hasattr(cls, name) for name in ("parsers", "fixtures", "tokens", "suffixes")):
            return  # a base for other formats (`JsonFuzz`): its subclasses get the tests
        suffixes, tokens = st.sampled_from(cls.suffixes), st.sampled_from(cls.tokens)
        fixtures = st.sampled_from([(path.suffix, path.read_bytes()) for path in cls.fixtures])

        @fuzz_settings
        @given(opener=st.sampled_from(cls.openers), data=st.binary(max_size=4096), suffix=suffixes)
        def test_random_bytes(self: ParserFuzz, tmp_path: Path, opener: bytes, data: bytes, suffix: str) -> None:
            self.check(tmp_path / f"fuzz{suffix}", opener + data)

        @fuzz_settings
        @given(parts=st.lists(tokens, max_size=80), suffix=suffixes)
        def test_random_token_sequences(self: ParserFuzz, tmp_path: Path, parts: list[bytes], suffix: str) -> None:
            self.check(tmp_path / f"fuzz{suffix}", b"".join(parts))

        @fuzz_settings
        @given(fixture=fixtures.flatmap(lambda f: st.tuples(st.just(f[0]), mutated(f[1], cls.tokens))))
        def test_mutated_fixtures(self: ParserFuzz, tmp_path: Path, fixture: tuple[str, bytes]) -> None:
            self.check(tmp_path / f"mutated{fixture[0]}", fixture[1])

        cls.test_random_bytes = test_random_bytes  # type: ignore[attr-defined]
        cls.test_random_token_sequences = test_random_token_sequences  # type: ignore[attr-defined]
        cls.test_mutated_fixtures = test_mutated_fixtures  # type: ignore[attr-defined]

    def check(self, path: Path, data: bytes) -> None:
        path.write_bytes(data)
        check_parsers(path, self.parsers, empty_ok=self.empty_ok)


# -- JSON values -----------------------------------------------------------------------------------------------

# Keys every JSON parser looks at, so random records reach the type checks rather than stopping at "missing".
VOCABULARY = [
    "conversations", "from", "value", "system", "tools", "id", "messages", "role", "content", "tool_calls",
    "function_call", "function", "name", "arguments", "type", "text", "custom", "input", "tool_call_id",
    "turns", "utterances", "dialog", "speaker", "author", "utterance", "message", "timestamp", "time", "date",
    "conversation_id", "dialog_id", "human", "gpt", "observation", "user", "assistant", "tool", "image_url",
]  # fmt: skip
JSON_TOKENS = [b"{", b"}", b"[", b"]", b",", b'"', b"\n", b":", b"\\", b"\xff", b"null", b"\\ud800", b"NaN", b"1e999"]



def json_documents(keys: st.SearchStrategy[str], words: Sequence[str], max_leaves: int = 25) -> st.SearchStrategy[Any]:
    """Any JSON value whose objects use `keys` and whose strings are often `words` (values a parser looks for)."""
    scalars = st.one_of(
        st.none(),
        st.booleans(),
        st.integers(min_value=-(10**25), max_value=10**25),
        st.floats(allow_nan=False),
        st.text(max_size=12),
        st.sampled_from(words),
    )
    return st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=6),
        max_leaves=max_leaves,
    )


JSON_WORDS = ["2024-03-05T10:00:00Z", "1709655300", "ayer", "", '{"name": "f", "arguments": {}}', "[1]"]
json_values = json_documents(st.sampled_from(VOCABULARY) | st.text(max_size=4), VOCABULARY + JSON_WORDS)


class JsonFuzz(ParserFuzz):
    """`ParserFuzz` over a JSON record format: its fixtures mutated with JSON tokens; a record with no messages is a
    conversation without turns."""

    suffixes = (".json", ".jsonl")
    tokens = JSON_TOKENS
    empty_ok = True
