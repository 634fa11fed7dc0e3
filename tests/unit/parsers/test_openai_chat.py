"""OpenAI chat records: exact turns per variant (tool calls, legacy functions, content parts, arrays, concatenated
objects), metadata, errors with lines, sniffing, streaming and fuzzing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scsf.parsers.base import ParsedConversation, ParseError
from scsf.parsers.json_generic import JSONConversationParser
from scsf.parsers.jsonrecords import Provenances
from scsf.parsers.openai_chat import OpenAIChatParser
from scsf.parsers.sharegpt import ShareGPTParser
from scsf.parsers.textio import read_head

from ._fuzz import FIXTURES, VOCABULARY, JsonFuzz, check_parsers, fuzz_settings, json_values
from ._memory import parse_in_child

HERE = FIXTURES / "openai"
PARSERS = [OpenAIChatParser, ShareGPTParser, JSONConversationParser]


def parse(path: Path) -> list[ParsedConversation]:
    return list(OpenAIChatParser().parse(path))


def summary(conversation: ParsedConversation) -> list[tuple[Any, ...]]:
    return [(t.speaker, t.text, t.kind, t.provenance.line, t.extra) for t in conversation.turns]


def write(tmp_path: Path, records: list[Any], name: str = "data.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_jsonl_system_user_assistant() -> None:
    first, second = parse(HERE / "basic.jsonl")
    assert (first.format, first.source, first.key) == ("openai_chat", str(HERE / "basic.jsonl"), "basic#0")
    assert summary(first) == [
        ("system", "Eres asesor de ventas de una agencia Nissan en Puebla. Responde breve y amable.", "system", 1, {}),
        ("user", "Buenas tardes, ¿qué versiones de Versa manejan?", "message", 1, {}),
        (
            "assistant",
            "Buenas tardes. Tenemos Sense, Advance y Exclusive. ¿Busca transmisión manual o automática?",
            "message",
            1,
            {},
        ),
        ("user", "Automática, y que tenga cámara de reversa.", "message", 1, {}),
        (
            "assistant",
            "Entonces le conviene la Advance CVT: trae cámara de reversa y pantalla de 7 pulgadas.",
            "message",
            1,
            {},
        ),
    ]
    assert first.metadata == {"index": 0, "line": 1}
    assert second.key == "oa-0002"
    assert summary(second) == [
        ("user", "Is the 2022 Civic still available?", "message", 2, {}),
        ("assistant", "It is. Would you like to come in for a test drive this week?", "message", 2, {"weight": 1}),
    ]
    assert second.metadata == {"index": 1, "line": 2}


def test_tool_calls_and_tool_results() -> None:
    (conversation,) = parse(HERE / "tool_calls.jsonl")
    inventory_args = '{"modelo": "Tiguan", "anio": 2023, "color": "gris", "sucursal": "Satélite"}'
    assert summary(conversation) == [
        ("user", "¿Tienen la Tiguan 2023 en color gris en la sucursal Satélite?", "message", 1, {}),
        (
            "assistant",
            inventory_args,
            "tool_call",
            1,
            {"name": "buscar_inventario", "arguments": inventory_args, "id": "call_inv_1", "type": "function"},
        ),
        (
            "assistant",
            '{"plazo_meses": 48}',
            "tool_call",
            1,
            {"name": "tasa_vigente", "arguments": '{"plazo_meses": 48}', "id": "call_fin_1", "type": "function"},
        ),
        ("tool", '{"disponibles": 2}', "tool_result", 1, {"tool_call_id": "call_inv_1"}),
        ("tool", '{"tasa_anual": 12.5}', "tool_result", 1, {"tool_call_id": "call_fin_1"}),
        (
            "assistant",
            "Sí, hay dos unidades en gris, y a 48 meses la tasa vigente es de 12.5% anual.",
            "message",
            1,
            {},
        ),
    ]
    tools = conversation.metadata["tools"]
    assert [tool["function"]["name"] for tool in tools] == ["buscar_inventario", "tasa_vigente"]


def test_legacy_function_call_and_function_result() -> None:
    (conversation,) = parse(HERE / "legacy_function.jsonl")
    arguments = '{"model": "Jetta", "year": 2018, "km": 90000}'
    assert summary(conversation) == [
        ("user", "What's the trade-in value of a 2018 Jetta with 90,000 km?", "message", 1, {}),
        ("assistant", "Let me check that for you.", "message", 1, {}),
        ("assistant", arguments, "tool_call", 1, {"name": "appraise_trade_in", "arguments": arguments}),
        ("function", '{"estimate_mxn": 185000}', "tool_result", 1, {"name": "appraise_trade_in"}),
        ("assistant", "We can offer around $185,000 MXN, subject to inspection.", "message", 1, {}),
    ]
    assert conversation.metadata["functions"] == [{"name": "appraise_trade_in", "parameters": {"type": "object"}}]


def test_content_parts_keep_text_and_count_the_rest() -> None:
    (conversation,) = parse(HERE / "content_parts.jsonl")
    assert summary(conversation) == [
        ("user", "Le mando foto del golpe en la defensa.\n¿Eso afecta el precio de toma?", "message", 1, {}),
        ("assistant", "Un poco: restamos el costo de hojalatería, unos $4,000.", "message", 1, {}),
        ("user", "", "message", 1, {}),
    ]
    assert conversation.metadata == {"index": 0, "line": 1, "skipped_parts": {"image_url": 2}}


def test_json_array_turns_carry_their_own_lines() -> None:
    first, second = parse(HERE / "array.json")
    assert (first.key, second.key) == ("array#0", "array#1")
    assert summary(first) == [
        ("user", "¿Aceptan pagos con tarjeta para el apartado?", "message", 4, {}),
        ("assistant", "Sí, el apartado de $5,000 se puede pagar con tarjeta de crédito o débito.", "message", 5, {}),
    ]
    assert summary(second) == [
        ("user", "Do you deliver to Querétaro?", "message", 10, {}),
        ("assistant", "Yes, delivery to Querétaro is free for new cars.", "message", 11, {}),
    ]
    assert first.metadata == {"index": 0, "line": 2} and second.metadata == {"index": 1, "line": 8}


def test_concatenated_pretty_objects_are_read_with_a_warning() -> None:
    first, second = parse(HERE / "concatenated.json")
    assert summary(first) == [
        ("user", "¿La garantía cubre la transmisión?", "message", 3, {}),
        ("assistant", "Sí, la garantía de fábrica cubre el tren motriz por 5 años o 100,000 km.", "message", 4, {}),
    ]
    assert summary(second) == [
        ("user", "¿Y el servicio de los 20,000?", "message", 9, {}),
        ("assistant", "Ese servicio cuesta $3,900 e incluye cambio de aceite y filtros.", "message", 10, {}),
    ]
    assert first.metadata["warnings"] == [
        "record at lines 1-6 is one of several concatenated JSON values, not JSONL (one object per line); read anyway"
    ]
    assert second.metadata["warnings"][0].startswith("record at lines 7-12 ")


def test_one_pretty_document_has_no_warning(tmp_path: Path) -> None:
    path = tmp_path / "one.json"
    path.write_text(json.dumps({"messages": [{"role": "user", "content": "hola"}]}, indent=2), encoding="utf-8")
    (conversation,) = parse(path)
    assert "warnings" not in conversation.metadata
    assert conversation.turns[0].provenance.line == 3


def test_edge_messages(tmp_path: Path) -> None:
    record = {
        "id": "edge",
        "parallel_tool_calls": False,
        "messages": [
            {"role": "developer", "content": "Responde en español."},
            {"role": "assistant", "content": None, "refusal": "No puedo ayudar con eso."},
            {
                "role": "assistant",
                "content": "Reviso.",
                "tool_calls": [{"id": "c1", "type": "function", "function": {"name": "f", "arguments": {"a": 1}}}],
            },
            {
                "role": "assistant",
                "content": "",
                "tool_calls": [{"type": "custom", "custom": {"name": "sql", "input": "SELECT 1"}}],
            },
            {
                "role": "user",
                "content": [{"type": "input_audio", "input_audio": {}}, {"type": "refusal", "refusal": "x"}],
            },
        ],
    }
    (conversation,) = parse(write(tmp_path, [record]))
    assert conversation.key == "edge"
    assert summary(conversation) == [
        ("developer", "Responde en español.", "system", 1, {}),
        ("assistant", "", "message", 1, {"refusal": "No puedo ayudar con eso."}),
        ("assistant", "Reviso.", "message", 1, {}),
        ("assistant", '{"a": 1}', "tool_call", 1, {"name": "f", "arguments": {"a": 1}, "id": "c1", "type": "function"}),
        ("assistant", "SELECT 1", "tool_call", 1, {"name": "sql", "arguments": "SELECT 1", "type": "custom"}),
        ("user", "", "message", 1, {}),
    ]
    assert conversation.metadata == {
        "index": 0,
        "line": 1,
        "extra": {"parallel_tool_calls": False},
        "skipped_parts": {"input_audio": 1, "refusal": 1},
    }


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ("hola", "record 1 is a string, expected an object"),
        ({"conversations": []}, "missing field 'messages' (found keys: conversations)"),
        ({"messages": "hola"}, "field 'messages' must be an array, got a string"),
        ({"messages": [None]}, "field 'messages[0]' must be an object, got null"),
        ({"messages": [{"content": "x"}]}, "missing field 'messages[0].role' (found keys: content)"),
        ({"messages": [{"role": ["user"], "content": "x"}]}, "field 'messages[0].role' must be a string, got an array"),
        (
            {"messages": [{"role": "user", "content": 3}]},
            "field 'messages[0].content' must be a string, null or an array",
        ),
        ({"messages": [{"role": "user", "content": ["x"]}]}, "field 'messages[0].content[0]' must be an object"),
        ({"messages": [{"role": "user", "content": [{"text": "x"}]}]}, "field 'messages[0].content[0].type' must be"),
        (
            {"messages": [{"role": "user", "content": [{"type": "text", "text": 5}]}]},
            "field 'messages[0].content[0].text' must be a string, got a number",
        ),
        ({"messages": [{"role": "assistant", "tool_calls": {}}]}, "field 'messages[0].tool_calls' must be an array"),
        (
            {"messages": [{"role": "assistant", "tool_calls": [3]}]},
            "field 'messages[0].tool_calls[0]' must be an object",
        ),
        (
            {"messages": [{"role": "assistant", "tool_calls": [{"id": "c"}]}]},
            "missing field 'messages[0].tool_calls[0].function'",
        ),
        (
            {"messages": [{"role": "assistant", "tool_calls": [{"function": {"name": "f"}}]}]},
            "missing field 'messages[0].tool_calls[0].function.arguments'",
        ),
        (
            {"messages": [{"role": "assistant", "tool_calls": [{"function": {"name": 1, "arguments": "{}"}}]}]},
            "field 'messages[0].tool_calls[0].function.name' must be a string",
        ),
        (
            {"messages": [{"role": "assistant", "function_call": {"name": "f", "arguments": 3}}]},
            "field 'messages[0].function_call.arguments' must be a string (JSON arguments) or an object",
        ),
        (
            {"messages": [{"role": "assistant", "function_call": "f()"}]},
            "field 'messages[0].function_call' must be an object",
        ),
        ({"messages": [], "id": 1.5}, "field 'id' must be a string or an integer, got a number"),
    ],
)
def test_wrong_types_name_the_line_and_field(tmp_path: Path, record: Any, reason: str) -> None:
    path = write(tmp_path, [{"messages": []}, record])
    with pytest.raises(ParseError) as info:
        parse(path)
    assert info.value.line == 2
    assert info.value.reason.startswith(reason), info.value.reason


def test_errors_in_a_pretty_array_name_the_message_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    messages = [{"role": "user", "content": "hola"}, {"role": "assistant", "content": 7}]
    path.write_text(json.dumps([{"messages": messages}], indent=2), encoding="utf-8")
    with pytest.raises(ParseError, match="messages\\[1\\].content") as info:
        parse(path)
    assert info.value.line == 8


def test_broken_json_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.json"
    path.write_text((HERE / "array.json").read_text(encoding="utf-8").replace('"Do you', 'Do you'), encoding="utf-8")
    with pytest.raises(ParseError, match="invalid JSON") as info:
        parse(path)
    assert info.value.line == 10


def test_sniff_prefers_openai_chat_for_its_fixtures() -> None:
    for path in sorted(HERE.iterdir()):
        head = read_head(path)
        scores = {parser.name: parser.sniff(path, head).confidence for parser in PARSERS}
        assert scores["openai_chat"] >= 0.9 and max(scores, key=scores.__getitem__) == "openai_chat", (path, scores)


def test_sniff_from_a_head_cut_mid_record(tmp_path: Path) -> None:
    head = '{"messages": [{"role": "user", "content": "' + "a" * 100
    assert OpenAIChatParser.sniff(tmp_path / "x.jsonl", head).confidence == 0.8
    assert OpenAIChatParser.sniff(tmp_path / "x.jsonl", '{"rows": []}').confidence == 0.1
    assert OpenAIChatParser.sniff(tmp_path / "x.csv", "role,content\nuser,hola\n").confidence == 0.0


def test_detect_format_picks_openai_chat() -> None:
    detect = pytest.importorskip("scsf.parsers.detect")
    try:
        detections = [detect.detect_format(path) for path in sorted(HERE.iterdir())]
    except ImportError as exc:  # another format's module is not written yet
        pytest.skip(f"a registered parser does not import yet: {exc}")
    assert {d.format for d in detections} == {"openai_chat"}


def test_streams_a_100k_record_jsonl_in_little_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    record = {"messages": [{"role": "user", "content": "¿Tienen el Aveo 2021 disponible? 🚗"}]}
    path.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    with path.open("a", encoding="utf-8") as handle:
        handle.writelines(json.dumps(record, ensure_ascii=False) + "\n" for _ in range(99_999))
    seen = parse_in_child("openai_chat", path)
    assert seen["conversations"] == 100_000
    assert (seen["keys"][-1], seen["last_lines"][0]) == ("big#99999", 100_000)
    assert seen["peak"] < 30 * 1024 * 1024


def test_line_provenances_are_shared_and_their_cache_stays_bounded() -> None:
    provenances = Provenances("big.jsonl")
    first = provenances(1)
    assert provenances(1) is first  # the turns of one record share one object
    for line in range(2, 5_000):
        provenances(line)
    again = provenances(1)  # the cache was emptied past 4,096 lines: built anew
    assert again == first and again is not first and provenances(4_999).line == 4_999


class TestFuzz(JsonFuzz):
    parsers = (OpenAIChatParser(),)
    fixtures = sorted(HERE.iterdir())


messages = st.fixed_dictionaries(
    {"role": st.sampled_from(["user", "assistant", "tool", "function", "system"]) | json_values},
    optional={
        "content": json_values | st.lists(st.dictionaries(st.sampled_from(VOCABULARY), json_values, max_size=3)),
        "tool_calls": st.lists(st.dictionaries(st.sampled_from(VOCABULARY), json_values, max_size=4), max_size=2)
        | json_values,
        "function_call": st.dictionaries(st.sampled_from(VOCABULARY), json_values, max_size=3) | json_values,
    },
)
records = st.fixed_dictionaries(
    {"messages": st.lists(messages, max_size=4)}, optional={"tools": json_values, "id": json_values}
)


@given(batch=st.lists(records | json_values, min_size=1, max_size=4))
@fuzz_settings
def test_random_records_raise_only_parse_error(tmp_path: Path, batch: list[Any]) -> None:
    check_parsers(write(tmp_path, batch), [parser() for parser in PARSERS], empty_ok=True)
