"""Generic JSON dialogues: the common shapes without options, explicit (dotted) mappings, timestamps, errors that
name the line and the keys found, sniffing, streaming and fuzzing."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from scsf.parsers.base import ParsedConversation, ParseError
from scsf.parsers.json_generic import JSONConversationParser
from scsf.parsers.openai_chat import OpenAIChatParser
from scsf.parsers.sharegpt import ShareGPTParser
from scsf.parsers.textio import read_head

from ._fuzz import FIXTURES, VOCABULARY, JsonFuzz, check_parsers, fuzz_settings, json_values
from ._memory import parse_in_child

HERE = FIXTURES / "json"
PARSERS = [JSONConversationParser, ShareGPTParser, OpenAIChatParser]
Options = JSONConversationParser.Options
UTC = timezone.utc
CDMX = timezone(timedelta(hours=-6))
NESTED = Options(
    turns_field="data.chat.msgs", speaker_field="who", text_field="body", timestamp_field="at", id_field="meta.folio"
)


def parse(path: Path, options: Any = None) -> list[ParsedConversation]:
    return list(JSONConversationParser(options).parse(path))


def summary(conversation: ParsedConversation) -> list[tuple[Any, ...]]:
    return [(t.speaker, t.text, t.timestamp, t.kind, t.provenance.line, t.extra) for t in conversation.turns]


def write(tmp_path: Path, records: list[Any], name: str = "data.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def test_one_document_with_turns_speaker_text_timestamp() -> None:
    (conversation,) = parse(HERE / "turns.json")
    assert (conversation.format, conversation.key) == ("json_generico", "lead-2024-0187")
    assert summary(conversation) == [
        (
            "cliente",
            "Buen día, vi el anuncio del Sentra 2022. ¿Lo tienen en azul?",
            datetime(2024, 3, 5, 10, 15, tzinfo=CDMX),
            "message",
            5,
            {},
        ),
        (
            "asesor",
            "¡Buen día! Sí, tenemos uno azul con 31,000 km. ¿Quiere que le mande fotos?",
            datetime(2024, 3, 5, 10, 17, 30, tzinfo=CDMX),
            "message",
            10,
            {},
        ),
        (
            "cliente",
            "Sí por favor, y el precio final.",
            datetime(2024, 3, 5, 10, 18, 2, tzinfo=CDMX),
            "message",
            15,
            {"leido": True},
        ),
    ]
    assert conversation.metadata == {
        "index": 0,
        "line": 1,
        "mapping": {"turns": "turns", "speaker": "speaker", "text": "text", "timestamp": "timestamp", "id": "id"},
        "extra": {"canal": "whatsapp"},
    }


def test_jsonl_utterances_with_epoch_seconds_and_milliseconds() -> None:
    first, second = parse(HERE / "utterances.jsonl")
    assert (first.key, second.key) == ("101", "102")
    assert summary(first) == [
        (
            "agent",
            "Thanks for calling, how can I help you today?",
            datetime(2024, 3, 5, 16, 15, tzinfo=UTC),
            "message",
            1,
            {},
        ),
        (
            "customer",
            "I'd like to know if the 2021 Mazda 3 has had any accidents.",
            datetime(2024, 3, 5, 16, 15, 12, tzinfo=UTC),
            "message",
            1,
            {},
        ),
    ]
    assert summary(second) == [
        (
            "customer",
            "¿El precio incluye placas y tenencia?",
            datetime(2024, 3, 6, 16, 15, tzinfo=UTC),
            "message",
            2,
            {},
        ),
        (
            "agent",
            "Incluye placas; la tenencia se paga aparte en el estado.",
            datetime(2024, 3, 6, 16, 15, 25, tzinfo=UTC),
            "message",
            2,
            {},
        ),
    ]
    assert second.metadata["mapping"] == {
        "turns": "utterances",
        "speaker": "speaker",
        "text": "utterance",
        "timestamp": "time",
        "id": "dialog_id",
    }


def test_array_of_dialogs_with_author_objects_and_role_content() -> None:
    first, second = parse(HERE / "dialog_array.json")
    assert (first.key, second.key) == ("cx-77", "dialog_array#1")
    assert summary(first) == [
        (
            "vendedor",
            "¿Le interesa financiamiento o pago de contado?",
            datetime(2024, 4, 10),
            "message",
            5,
            {},
        ),
        ("prospecto", "Financiamiento, a 24 meses.", None, "message", 6, {}),
    ]
    assert first.turns[0].timestamp is not None and first.turns[0].timestamp.date() == date(2024, 4, 10)
    assert summary(second) == [
        ("system", "Chat iniciado desde el sitio web.", None, "system", 11, {}),
        ("user", "Hi, is the showroom open on Sundays?", None, "message", 12, {}),
        ("assistant", "Yes, from 11 am to 5 pm.", None, "message", 13, {}),
    ]
    mapping = {"turns": "dialog", "speaker": "role", "text": "content"}
    assert second.metadata == {"index": 1, "line": 9, "mapping": mapping}


def test_messages_with_from_value() -> None:
    (conversation,) = parse(HERE / "messages_from_value.jsonl")
    assert conversation.key == "fv-1"
    assert summary(conversation) == [
        ("cliente", "¿Tienen seminuevos con menos de 30,000 km?", None, "message", 1, {}),
        ("bot", "Sí, tenemos 12 unidades. ¿Qué presupuesto maneja?", None, "message", 1, {}),
    ]


def test_explicit_dotted_mapping() -> None:
    (conversation,) = parse(HERE / "nested.json", NESTED)
    assert conversation.key == "CRM-5521"
    assert summary(conversation) == [
        (
            "asesora",
            "Le confirmo su cita para el jueves a las 12.",
            datetime(2024, 4, 10, 17, 0, tzinfo=UTC),
            "message",
            6,
            {},
        ),
        ("cliente", "Perfecto, ahí estaré. ¿Llevo mi INE?", datetime(2024, 4, 10, 17, 1, tzinfo=UTC), "message", 7, {}),
        (
            "asesora",
            "Sí, INE y comprobante de domicilio.",
            datetime(2024, 4, 10, 17, 1, 30, tzinfo=UTC),
            "message",
            8,
            {},
        ),
    ]
    assert conversation.metadata == {
        "index": 0,
        "line": 1,
        "mapping": {
            "turns": "data.chat.msgs",
            "speaker": "who",
            "text": "body",
            "timestamp": "at",
            "id": "meta.folio",
        },
        "extra": {"meta": {"folio": "CRM-5521", "sucursal": "Mérida"}},
    }


def test_nested_shape_needs_the_mapping() -> None:
    with pytest.raises(ParseError) as info:
        parse(HERE / "nested.json")
    assert info.value.line == 1
    assert "found keys: meta, data" in info.value.reason


def test_unknown_shape_names_the_line_and_keys() -> None:
    with pytest.raises(ParseError) as info:
        parse(HERE / "unknown.jsonl")
    assert info.value.line == 1
    assert info.value.reason == (
        "unknown conversation shape: no turn list under turns|utterances|messages|dialog "
        "(found keys: folio, historial); map it with the turns_field option (dotted paths allowed, like data.chat.msgs)"
    )
    options = Options(turns_field="historial", speaker_field="quien", text_field="dijo", id_field="folio")
    (conversation,) = parse(HERE / "unknown.jsonl", options)
    assert (conversation.key, summary(conversation)) == ("X-1", [("cliente", "hola", None, "message", 1, {})])


def test_a_bare_turn_gets_a_hint(tmp_path: Path) -> None:
    path = write(tmp_path, [{"speaker": "cliente", "text": "hola"}])
    with pytest.raises(ParseError, match="looks like a single turn"):
        parse(path)


def test_integer_speakers_and_dotted_extras(tmp_path: Path) -> None:
    record = {
        "turns": [{"speaker": 0, "text": "Hola"}, {"author": {"role": "assistant"}, "message": "¿Qué auto busca?"}]
    }
    (conversation,) = parse(write(tmp_path, [record]))
    assert [(t.speaker, t.text, t.extra) for t in conversation.turns] == [
        ("0", "Hola", {}),
        ("assistant", "¿Qué auto busca?", {}),
    ]
    assert conversation.metadata["mapping"] == {
        "turns": "turns",
        "speaker": ["speaker", "author"],
        "text": ["text", "message"],
    }


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        (["turns"], "record 1 is an array, expected a conversation object"),
        ({"turns": "hola"}, "field 'turns' must be an array of turns, got a string"),
        ({"turns": [7]}, "field 'turns[0]' must be an object (a turn), got a number"),
        (
            {"turns": [{"text": "x", "quien": "a"}]},
            "turn turns[0] has no speaker field (looked for speaker|role|from|author; found keys: text, quien)",
        ),
        (
            {"turns": [{"speaker": "a"}]},
            "turn turns[0] has no text field (looked for text|utterance|content|value|message; found keys: speaker)",
        ),
        (
            {"turns": [{"speaker": True, "text": "x"}]},
            "field 'turns[0].speaker' must be a string (or an object with a name), got a boolean",
        ),
        ({"turns": [{"speaker": "a", "text": None}]}, "field 'turns[0].text' must be a string, got null"),
        (
            {"turns": [{"speaker": "a", "content": [{"type": "text"}]}]},
            "field 'turns[0].content' must be a string, got an array",
        ),
        (
            {"turns": [{"speaker": "a", "text": "x", "time": "ayer"}]},
            "field 'turns[0].time': not an ISO 8601 date or epoch number: 'ayer'",
        ),
        (
            {"turns": [{"speaker": "a", "text": "x", "date": [2024]}]},
            "field 'turns[0].date': expected an ISO 8601 date or epoch seconds, got an array",
        ),
        ({"turns": [], "id": ["a"]}, "field 'id' must be a string or an integer, got an array"),
    ],
)
def test_wrong_types_name_the_line_and_field(tmp_path: Path, record: Any, reason: str) -> None:
    path = write(tmp_path, [{"turns": []}, record])
    with pytest.raises(ParseError) as info:
        parse(path)
    assert info.value.line == 2
    assert info.value.reason == reason


def test_an_explicit_field_that_is_missing(tmp_path: Path) -> None:
    path = write(tmp_path, [{"data": {"chat": {}}}])
    with pytest.raises(ParseError, match="no turn list at 'data.chat.msgs' \\(found keys: data\\)"):
        parse(path, NESTED)
    path = write(tmp_path, [{"data": {"chat": {"msgs": [{"who": "a", "texto": "x"}]}}}])
    with pytest.raises(ParseError, match="looked for body; found keys: who, texto"):
        parse(path, NESTED)


@pytest.mark.parametrize("bad", ["", "data..msgs", ".msgs", "msgs."])
def test_options_reject_bad_paths(bad: str) -> None:
    with pytest.raises(ValidationError):
        Options(turns_field=bad)
    with pytest.raises(ValidationError):
        Options(turn_field="turns")  # type: ignore[call-arg]


def test_sniff_prefers_json_generico_for_its_fixtures() -> None:
    for name in ("turns.json", "utterances.jsonl", "dialog_array.json", "messages_from_value.jsonl"):
        path = HERE / name
        head = read_head(path)
        scores = {parser.name: parser.sniff(path, head).confidence for parser in PARSERS}
        assert scores["json_generico"] >= 0.8 and max(scores, key=scores.__getitem__) == "json_generico", (path, scores)
    for name in ("nested.json", "unknown.jsonl"):  # JSON of no known shape: low, for an explicit --format
        assert JSONConversationParser.sniff(HERE / name, read_head(HERE / name)).confidence == 0.1


def test_sniff_stands_back_for_openai_shapes_and_cut_heads(tmp_path: Path) -> None:
    openai = FIXTURES / "openai" / "basic.jsonl"
    assert JSONConversationParser.sniff(openai, read_head(openai)).confidence == 0.6
    head = '{"utterances": [{"speaker": "agent", "utterance": "' + "a" * 100
    assert JSONConversationParser.sniff(tmp_path / "x.jsonl", head).confidence == 0.5
    assert JSONConversationParser.sniff(tmp_path / "x.txt", "hola").confidence == 0.0


def test_detect_format_picks_json_generico() -> None:
    detect = pytest.importorskip("scsf.parsers.detect")
    try:
        detections = {
            name: detect.detect_format(HERE / name).format
            for name in ("turns.json", "utterances.jsonl", "dialog_array.json", "messages_from_value.jsonl")
        }
    except ImportError as exc:  # another format's module is not written yet
        pytest.skip(f"a registered parser does not import yet: {exc}")
    assert set(detections.values()) == {"json_generico"}
    with pytest.raises(ParseError, match="cannot tell the format"):
        detect.detect_format(HERE / "unknown.jsonl")


def test_streams_a_large_jsonl_in_little_memory(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    turn = {"speaker": "agent", "utterance": "¿Le agendo una cita? 🚗", "time": 1709655300}
    record = {"dialog_id": 1, "utterances": [turn]}
    with path.open("w", encoding="utf-8") as handle:
        handle.writelines(json.dumps({**record, "dialog_id": n}, ensure_ascii=False) + "\n" for n in range(30_000))
    seen = parse_in_child("json_generico", path)
    assert seen["conversations"] == 30_000
    assert (seen["keys"][-1], seen["last_lines"][0]) == ("29999", 30_000)
    assert seen["peak"] < 30 * 1024 * 1024


class TestFuzz(JsonFuzz):
    parsers = (JSONConversationParser(), JSONConversationParser(NESTED))
    fixtures = sorted(FIXTURES.glob("*/*.json*"))  # the catch-all JSON parser meets every format's JSON


turn_items = st.dictionaries(st.sampled_from(VOCABULARY + ["who", "body", "at"]), json_values, max_size=5)
record_keys = ["turns", "utterances", "messages", "dialog", "id", "conversation_id", "dialog_id", "data", "meta"]
records = st.dictionaries(
    st.sampled_from(record_keys),
    st.lists(turn_items, max_size=3)
    | json_values
    | st.fixed_dictionaries({"chat": st.fixed_dictionaries({"msgs": st.lists(turn_items, max_size=3)})}),
    max_size=4,
)


@given(batch=st.lists(records | json_values, min_size=1, max_size=4))
@fuzz_settings
def test_random_records_raise_only_parse_error(tmp_path: Path, batch: list[Any]) -> None:
    parsers = [*(parser() for parser in PARSERS), JSONConversationParser(NESTED)]
    check_parsers(write(tmp_path, batch), parsers, empty_ok=True)
