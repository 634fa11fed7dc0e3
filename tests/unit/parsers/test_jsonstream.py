"""The streaming JSON reader: records and their lines for JSONL, arrays and concatenated values, at any chunk size."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from scsf.parsers.base import ParseError
from scsf.parsers.jsonstream import JsonRecords as JsonStream
from scsf.parsers.jsonvalues import first_record

from ._fuzz import json_values


def records(path: Path, **kwargs: Any) -> list[tuple[Any, int, int, str]]:
    return [(r.value, r.line, r.end_line, r.layout) for r in JsonStream(path, **kwargs)]


def write(tmp_path: Path, text: str, name: str = "data.json") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_jsonl_records_with_their_lines(tmp_path: Path) -> None:
    path = write(tmp_path, '{"a": 1}\n\n{"a": 2}\r\n  {"a": 3}\n')
    assert records(path) == [({"a": 1}, 1, 1, "line"), ({"a": 2}, 3, 3, "line"), ({"a": 3}, 4, 4, "line")]


def test_array_elements_with_their_lines(tmp_path: Path) -> None:
    path = write(tmp_path, '[\n  {"a": 1},\n  {\n    "a": 2\n  }\n]\n')
    assert records(path) == [({"a": 1}, 2, 2, "array"), ({"a": 2}, 3, 5, "array")]


def test_single_document_and_concatenated_values(tmp_path: Path) -> None:
    assert records(write(tmp_path, '{\n "a": 1\n}\n')) == [({"a": 1}, 1, 3, "document")]
    path = write(tmp_path, '{\n "a": 1\n}\n{"a": 2}\n{"a": 3} {"a": 4}\n')
    assert records(path) == [
        ({"a": 1}, 1, 3, "concatenated"),
        ({"a": 2}, 4, 4, "line"),
        ({"a": 3}, 5, 5, "concatenated"),
        ({"a": 4}, 5, 5, "concatenated"),
    ]


@pytest.mark.parametrize("text", ["", "  \n\n", "[]", " [ \n ] \n"])
def test_empty_inputs_hold_no_records(tmp_path: Path, text: str) -> None:
    assert records(write(tmp_path, text)) == []


def test_utf8_bom_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b'\xef\xbb\xbf{"a": "\xc3\xb1"}\n')
    assert records(path) == [({"a": "ñ"}, 1, 1, "document")]


def test_element_lines_locate_nested_array_items(tmp_path: Path) -> None:
    text = '[\n {"x": {"turns": [1, 2]}, "turns": [\n  {"t": 1},\n\n  {"t": 2}\n ]}\n]'
    (record,) = JsonStream(write(tmp_path, text))
    assert record.element_lines(["turns"]) == [3, 5]
    assert record.element_lines(["x", "turns"]) == [2, 2]
    assert record.element_lines(["missing"]) is None
    (single,) = JsonStream(write(tmp_path, '{"turns": [1, 2]}\n'))
    assert single.element_lines(["turns"]) is None  # one line: every element starts on the record's line


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ('{"a": 1}\n{"a": 2}\n{"a": \n', 3, "invalid JSON: the file ends inside the value"),
        ('{"a": 1}\n{"a": 2}\n{"a": [1,\n\n', 3, "invalid JSON: the file ends inside the value"),
        ('{"a": 1}\n{"a" 2}\n', 2, "invalid JSON: Expecting ':' delimiter"),
        ('{"a": 1}\n{"a": "x\n', 2, "invalid JSON: Invalid control character"),
        ("[\n {},\n {}\n", 4, "invalid JSON: the top-level array is not closed"),
        ("[\n {}\n {}\n]", 3, "invalid JSON: expected ',' or ']' after an array element"),
        ("[\n {},\n]", 3, "invalid JSON: Expecting value"),
        ("[{}]\n{}", 2, "invalid JSON: data after the top-level array"),
        ("[\n {}, \n", 3, "invalid JSON: the top-level array is not closed"),
        ("[\n {} \n", 3, "invalid JSON: the top-level array is not closed"),
        ("\n\nhola", 3, "invalid JSON: Expecting value"),
        ("[" * 100_000, 1, "invalid JSON: nested too deeply"),
        ("1" * 5000, 1, "invalid JSON: Exceeds the limit"),
    ],
)
def test_broken_json_names_the_line(tmp_path: Path, text: str, line: int, reason: str) -> None:
    with pytest.raises(ParseError) as info:
        records(write(tmp_path, text))
    assert info.value.line == line
    assert info.value.reason.startswith(reason)


def test_undecodable_bytes_after_the_head_name_a_line(tmp_path: Path) -> None:
    path = tmp_path / "late.jsonl"
    line = b'{"text": "' + b"a" * 100 + b'"}\n'
    path.write_bytes(line * 1000 + b'{"text": "\xff"}\n')
    with pytest.raises(ParseError, match="undecodable bytes") as info:
        records(path)
    assert info.value.line == 1001


def test_missing_file_and_oversized_record(tmp_path: Path) -> None:
    with pytest.raises(ParseError, match="cannot read"):
        records(tmp_path / "absent.jsonl")
    with pytest.raises(ParseError, match="larger than") as info:
        records(write(tmp_path, '{"a": 1}\n{"a": "' + "x" * 5000 + '"}\n'), chunk_chars=64, max_record_chars=2048)
    assert info.value.line == 2


@st.composite
def layouts(draw: st.DrawFn) -> tuple[str, list[Any], list[int]]:
    """Values written as JSONL, as a (pretty) array or concatenated, with the line each one starts on."""
    values = draw(st.lists(json_values, min_size=1, max_size=6))
    layout = draw(st.sampled_from(["jsonl", "array", "pretty_array", "concatenated"]))
    assume(layout.endswith("array") or not isinstance(values[0], list))  # a file opening with '[' is an array
    indent = 2 if layout in {"pretty_array", "concatenated"} else None
    pieces = [json.dumps(v, ensure_ascii=draw(st.booleans()), indent=indent) for v in values]
    lines, text, line = [], "", 1
    if layout.endswith("array"):
        text, line = "[\n", 2
    for position, piece in enumerate(pieces):
        lines.append(line)
        text += piece + ("," if layout.endswith("array") and position < len(pieces) - 1 else "") + "\n"
        line += piece.count("\n") + 1
    if layout.endswith("array"):
        text += "]\n"
    return text, values, lines


@given(case=layouts(), chunk=st.integers(min_value=1, max_value=40))
@settings(max_examples=200, deadline=None)
def test_any_chunk_size_reads_the_same_values_and_lines(
    tmp_path_factory: pytest.TempPathFactory, case: tuple[str, list[Any], list[int]], chunk: int
) -> None:
    text, values, lines = case
    path = tmp_path_factory.mktemp("chunks") / "data.json"
    path.write_text(text, encoding="utf-8")
    got = list(JsonStream(path, chunk_chars=chunk))
    assert [r.value for r in got] == values
    assert [r.line for r in got] == lines


def test_first_record_from_a_head() -> None:
    assert first_record(' [ {"a": 1}, {"b": ') == {"a": 1}
    assert first_record('{"a": 1}\n{"b": 2}\n') == {"a": 1}
    assert first_record('{"a": "cut') is None
    assert first_record("hola") is None
    assert first_record("[]") is None

