"""ShareGPT: exact turns per variant, metadata, errors with lines, sniffing, streaming and fuzzing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scsf.parsers.base import ParsedConversation, ParseError
from scsf.parsers.json_generic import JSONConversationParser
from scsf.parsers.openai_chat import OpenAIChatParser
from scsf.parsers.sharegpt import ShareGPTParser
from scsf.parsers.textio import read_head

from ._fuzz import FIXTURES, VOCABULARY, JsonFuzz, check_parsers, fuzz_settings, json_values
from ._memory import parse_in_child

HERE = FIXTURES / "sharegpt"
PARSERS = [ShareGPTParser, OpenAIChatParser, JSONConversationParser]


def parse(path: Path) -> list[ParsedConversation]:
    return list(ShareGPTParser().parse(path))


def summary(conversation: ParsedConversation) -> list[tuple[Any, ...]]:
    return [(t.speaker, t.text, t.kind, t.provenance.line, t.extra) for t in conversation.turns]


def write(tmp_path: Path, records: list[Any], name: str = "data.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_jsonl_human_gpt_and_user_assistant_with_system_turn() -> None:
    first, second = parse(HERE / "basic.jsonl")
    assert (first.format, first.source, first.key) == ("sharegpt", str(HERE / "basic.jsonl"), "sg-0001")
    assert summary(first) == [
        ("human", "Hola, ¿todavía tienen el Aveo 2021 que vi en Marketplace?", "message", 1, {}),
        (
            "gpt",
            "¡Hola! Sí, sigue disponible. Tiene 48,000 km y un solo dueño. ¿Le gustaría agendar una prueba de manejo?",
            "message",
            1,
            {},
        ),
        ("human", "Sí, ¿el sábado en la mañana se puede?", "message", 1, {}),
        ("gpt", "Claro, el sábado a las 10:00 tenemos lugar. ¿A nombre de quién lo aparto?", "message", 1, {}),
    ]
    assert first.metadata == {"index": 0, "line": 1}
    assert second.key == "basic#1"
    assert summary(second) == [
        ("system", "You are a helpful assistant for a used-car dealership in Monterrey.", "system", 2, {}),
        ("user", "Do you take trade-ins?", "message", 2, {}),
        ("assistant", "Yes, we appraise your car on site and apply the value to your down payment.", "message", 2, {}),
    ]
    assert second.metadata == {"index": 1, "line": 2, "extra": {"lang": "en"}}
    assert all(t.role is None and t.lang is None and t.timestamp is None for t in first.turns + second.turns)


def test_json_array_with_system_tools_function_call_and_observation() -> None:
    first, second = parse(HERE / "tools.json")
    assert first.key == "tools#0"
    assert summary(first) == [
        ("system", "Eres un asesor de ventas de una agencia de autos en Guadalajara.", "system", 2, {}),
        (
            "human",
            "¿Cuánto quedaría la mensualidad de una Tiguan 2023 a 36 meses con 20% de enganche?",
            "message",
            4,
            {},
        ),
        (
            "function_call",
            '{"name": "cotizar_credito", "arguments": '
            '{"modelo": "Tiguan 2023", "plazo_meses": 36, "enganche_pct": 20}}',
            "tool_call",
            8,
            {"name": "cotizar_credito", "arguments": {"modelo": "Tiguan 2023", "plazo_meses": 36, "enganche_pct": 20}},
        ),
        ("observation", '{"mensualidad": 13450.0, "tasa_anual": 13.9}', "tool_result", 12, {}),
        ("gpt", "Le quedaría en aproximadamente $13,450 al mes, con una tasa anual de 13.9%.", "message", 16, {}),
    ]
    assert first.metadata["index"] == 0 and first.metadata["line"] == 2
    assert json.loads(first.metadata["tools"])[0]["name"] == "cotizar_credito"  # kept verbatim (a JSON string)
    assert "warnings" not in first.metadata
    assert second.key == "tools#1"
    assert summary(second) == [
        ("human", "Gracias, lo pienso y le aviso.", "message", 26, {}),
        ("gpt", "Con gusto, aquí estamos.", "message", 27, {}),
    ]
    assert second.metadata == {"index": 1, "line": 24}


def test_parallel_function_calls_and_item_extras(tmp_path: Path) -> None:
    calls = [{"name": "buscar_inventario", "arguments": {"modelo": "Jetta"}}, {"name": "tasa_vigente", "arguments": {}}]
    record = {
        "id": 7,
        "conversations": [
            {"from": "human", "value": "¿Hay Jetta?", "weight": 0},
            {"from": "function_call", "value": json.dumps(calls)},
        ],
        "system": "",
    }
    (conversation,) = parse(write(tmp_path, [record]))
    assert conversation.key == "7"
    assert [t.kind for t in conversation.turns] == ["message", "tool_call"]  # an empty system adds no turn
    assert conversation.turns[0].extra == {"weight": 0}
    assert conversation.turns[1].extra == {"calls": calls}


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ([1, 2], "record 1 is an array, expected an object"),
        ({"messages": []}, "missing field 'conversations' (found keys: messages)"),
        ({"conversations": {"from": "human"}}, "field 'conversations' must be an array, got an object"),
        ({"conversations": ["hola"]}, "field 'conversations[0]' must be an object, got a string"),
        ({"conversations": [{"from": "human"}]}, "missing field 'conversations[0].value' (found keys: from)"),
        (
            {"conversations": [{"from": 1, "value": "x"}]},
            "field 'conversations[0].from' must be a string, got a number",
        ),
        (
            {"conversations": [{"from": "gpt", "value": None}]},
            "field 'conversations[0].value' must be a string, got null",
        ),
        ({"conversations": [], "system": ["x"]}, "field 'system' must be a string, got an array"),
        ({"conversations": [], "id": {"a": 1}}, "field 'id' must be a string or an integer, got an object"),
        (
            {"conversations": [{"from": "function_call", "value": "buscar(Jetta)"}]},
            "field 'conversations[0].value' of a function_call turn must be JSON",
        ),
        (
            {"conversations": [{"from": "function_call", "value": "42"}]},
            "field 'conversations[0].value' must be a JSON object",
        ),
    ],
)
def test_wrong_types_name_the_line_and_field(tmp_path: Path, record: Any, reason: str) -> None:
    path = write(tmp_path, [{"conversations": []}, record])
    with pytest.raises(ParseError) as info:
        parse(path)
    assert info.value.line == 2
    assert info.value.reason.startswith(reason)


def test_broken_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    lines = (HERE / "basic.jsonl").read_text(encoding="utf-8").splitlines()
    path.write_text(lines[0] + "\n" + lines[1][:-3] + "\n", encoding="utf-8")
    conversations = ShareGPTParser().parse(path)
    assert next(conversations).key == "sg-0001"  # streamed: the good record comes out before the error
    with pytest.raises(ParseError) as info:
        next(conversations)
    assert info.value.line == 2


def test_sniff_prefers_sharegpt_for_its_fixtures() -> None:
    for path in sorted(HERE.iterdir()):
        head = read_head(path)
        scores = {parser.name: parser.sniff(path, head).confidence for parser in PARSERS}
        assert scores["sharegpt"] >= 0.9 and max(scores, key=scores.__getitem__) == "sharegpt", (path, scores)


def test_sniff_from_a_head_cut_mid_record(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    head = '{"conversations": [{"from": "human", "value": "' + "a" * 100
    assert ShareGPTParser.sniff(path, head).confidence == 0.8
    assert ShareGPTParser.sniff(path, '{"rows": [1, 2]}').confidence == 0.1  # JSON, not ShareGPT: low
    assert ShareGPTParser.sniff(tmp_path / "chat.txt", "[05/03/24, 10:15] Ana: hola").confidence == 0.0


def test_detect_format_picks_sharegpt() -> None:
    detect = pytest.importorskip("scsf.parsers.detect")
    try:
        detections = [detect.detect_format(path) for path in sorted(HERE.iterdir())]
    except ImportError as exc:  # another format's module is not written yet
        pytest.skip(f"a registered parser does not import yet: {exc}")
    assert {d.format for d in detections} == {"sharegpt"}


def test_streams_a_100k_element_array_in_little_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    record = {"conversations": [{"from": "human", "value": "¿Sigue disponible el Aveo 2021?"}]}
    with path.open("w", encoding="utf-8") as handle:
        handle.write("[\n")
        for index in range(100_000):
            handle.write(("," if index else "") + json.dumps(record, ensure_ascii=False, indent=1) + "\n")
        handle.write("]\n")
    seen = parse_in_child("sharegpt", path)
    assert seen["conversations"] == 100_000
    assert seen["last_lines"][-1] == 2 + 99_999 * 8 + 2  # records of 8 lines from line 2; the turn starts 2 lines in
    assert seen["peak"] < 30 * 1024 * 1024


class TestFuzz(JsonFuzz):
    parsers = (ShareGPTParser(),)
    fixtures = sorted(HERE.iterdir())


records = st.fixed_dictionaries(
    {"conversations": st.lists(st.dictionaries(st.sampled_from(VOCABULARY), json_values, max_size=4), max_size=4)},
    optional={"system": json_values, "tools": json_values, "id": json_values},
)


@given(batch=st.lists(records | json_values, min_size=1, max_size=4))
@fuzz_settings
def test_random_records_raise_only_parse_error(tmp_path: Path, batch: list[Any]) -> None:
    check_parsers(write(tmp_path, batch), [parser() for parser in PARSERS], empty_ok=True)
