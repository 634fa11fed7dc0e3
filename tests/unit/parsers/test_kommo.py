"""`crm_kommo`: Kommo (amoCRM) API v4 JSON and note CSV → one conversation per lead/talk/chat, turns in time order;
unknown shapes and broken rows are ParseErrors naming the line; any bytes give conversations or ParseError; large
exports stream."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scsf.parsers import parser_class, parser_names
from scsf.parsers.base import ParsedConversation, ParseError
from scsf.parsers.kommo import KommoExportParser
from scsf.parsers.textio import read_head
from scsf.parsers.transcript import TranscriptParser

from ._fuzz import ParserFuzz, check_parsers, fuzz_settings, json_documents
from ._memory import consume, parse_in_child

FIXTURES = Path(__file__).parents[2] / "fixtures" / "parsers" / "kommo"
ALL_FIXTURES = sorted(FIXTURES.iterdir())
SOURCE = "kommo_json"
NOTES = '{"_embedded": {"notes": [\n%s]}}'


def utc(epoch: int) -> datetime:
    return datetime.fromtimestamp(epoch, tz=timezone.utc)


def parse(path: Path) -> list[ParsedConversation]:
    return list(KommoExportParser().parse(path))


def turns(conversation: ParsedConversation) -> list[tuple[str, str, datetime | None, str, int | None]]:
    assert all(t.provenance.source == conversation.source for t in conversation.turns)
    return [(t.speaker, t.text, t.timestamp, t.kind, t.provenance.line) for t in conversation.turns]


def write(tmp_path: Path, name: str, content: str | bytes | Any) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content if isinstance(content, str) else json.dumps(content, indent=1), encoding="utf-8")
    return path


def parse_error(path: Path) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse(path)
    assert caught.value.path == str(path)
    return caught.value


def message(chat: str | None, epoch: int, text: str, sender: str = "Cliente Web", **more: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "timestamp": epoch,
        "sender": {"id": f"id-{sender}", "name": sender},
        "receiver": {"id": "id-asesora", "name": "Asesora"},
        "message": {"id": f"m-{epoch}", "type": "text", "text": text},
        **more,
    }
    if chat is not None:
        record["conversation"] = {"id": chat}
    return record


# -- exact turns per shape -------------------------------------------------------------------------------------


def test_leads_with_embedded_notes() -> None:
    first, second = parse(FIXTURES / "leads_con_notas.json")
    assert first.format == "crm_kommo" and first.key == "lead:3012001"
    assert first.metadata == {
        "source_format": SOURCE,
        "entity": "lead",
        "entity_id": 3012001,
        "pipeline_id": 7200001,
        "status_id": 61000002,
        "part": 1,
        "first_line": 28,  # the earliest note's line
    }
    # time order, not file order; authors named from `_embedded.users`; the robot (0) is "system";
    # a call without text keeps its result as a system turn; an attachment without text is dropped
    assert turns(first) == [
        (
            "Recepción",
            "Llamó por el Versa gris del anuncio, quiere saber el enganche.",
            utc(1710511200),
            "message",
            28,
        ),
        ("Mariana (asesora)", "Cliente pregunta si aceptamos su Aveo 2015 a cuenta.", utc(1710511800), "message", 25),
        ("Mariana (asesora)", "Agendó prueba de manejo", utc(1710515400), "system", 31),
        ("system", "Etapa cambiada a Cita agendada", utc(1710516000), "system", 34),
    ]
    assert first.turns[0].extra == {"note_type": "common", "note_id": 9000}
    assert first.turns[2].extra == {
        "note_type": "call_out",
        "note_id": 9002,
        "uniq": "8f0c-demo",
        "duration": 184,
        "source": "telefonia",
        "call_result": "Agendó prueba de manejo",
        "call_status": 4,
    }
    assert first.turns[3].extra == {"note_type": "service_message", "note_id": 9003, "service": "Robot de ventas"}
    assert second.key == "lead:3012002"
    assert turns(second) == [
        ("Mariana (asesora)", "Dice que regresa el sábado con su esposa para verla.", utc(1710600000), "message", 49)
    ]
    # lead 3012003 has no notes: no conversation


def test_notes_list_grouped_by_lead() -> None:
    first, second = parse(FIXTURES / "notas.json")
    assert (first.key, second.key) == ("lead:44001", "lead:44002")
    assert first.metadata == {"source_format": SOURCE, "entity": "lead", "entity_id": 44001, "part": 1, "first_line": 2}
    assert turns(first) == [
        ("8100001", "Interesado en la Hilux doble cabina, uso para el rancho.", utc(1711000000), "message", 2),
        ("8100003", "Le compartimos la cotización por WhatsApp.", utc(1711003600), "message", 3),
    ]
    assert first.turns[1].extra == {"note_type": "sms_out", "note_id": 502, "phone": "+520000000000"}
    assert turns(second) == [("8100001", "Pide descuento por pago de contado.", utc(1711100000), "message", 4)]


def test_chat_messages() -> None:
    first, second = parse(FIXTURES / "chat_mensajes.json")
    assert first.key == "chat:chat-demo-001"
    assert first.metadata == {
        "source_format": SOURCE, "entity": "chat", "entity_id": "chat-demo-001", "part": 1, "first_line": 7
    }  # fmt: skip
    assert turns(first) == [
        ("Cliente Web", "Buenas noches, ¿todavía tienen el Kicks que publicaron?", utc(1712000000), "message", 7),
        (
            "Mariana (asesora)",
            "¡Hola! Sí, el Kicks 2022 sigue disponible. ¿Le gustaría agendar una cita?",
            utc(1712000060),
            "message",
            2,
        ),
    ]  # the picture without text is dropped
    assert first.turns[0].extra == {
        "message_id": "m-0001",
        "message_type": "text",
        "sender_id": "a1b2c3d4-0000-4000-8000-000000000001",
        "receiver": "Mariana (asesora)",
    }
    assert second.key == "chat:chat-demo-002"
    assert turns(second) == [("Otro cliente", "¿Manejan planes sin buró?", utc(1712003600), "message", 17)]
    assert second.turns[0].extra["receiver"] == "a1b2c3d4-0000-4000-8000-000000000002"


def test_csv_with_spanish_headers() -> None:
    first, second = parse(FIXTURES / "notas_es.csv")
    assert first.key == "lead:5501"
    assert first.metadata == {
        "source_format": "kommo_csv", "entity": "lead", "entity_id": 5501, "part": 1, "first_line": 2
    }  # fmt: skip
    assert turns(first) == [
        (
            "Mariana (asesora)",
            "Cliente busca SUV de menos de 400 mil, tiene Jetta 2016 a cuenta.",
            datetime(2024, 3, 15, 10, 15),
            "message",
            2,
        ),
        (
            "Mariana (asesora)",
            'Le envié opciones: Tucson 2020 y CX-5 2019; prefiere la "CX-5".',
            datetime(2024, 3, 15, 12, 40),
            "message",
            3,
        ),
        ("Sistema", "Etapa cambiada a Negociación", datetime(2024, 3, 15, 12, 41), "system", 4),
    ]
    assert first.turns[0].extra == {"note_type": "Nota"}
    assert second.key == "lead:5502"
    assert turns(second) == [
        ("Recepción", "Llamó para preguntar horario de taller.", datetime(2024, 3, 16, 9, 5), "message", 5)
    ]


def test_csv_with_english_headers_and_multiline_text() -> None:
    first, second = parse(FIXTURES / "notes_en.csv")
    assert turns(first) == [
        (
            "Sales rep",
            "Cliente pregunta por el Mazda 3 hatchback.\nQuiere saber si incluye seguro el primer año.",
            datetime(2024, 4, 2, 17, 30),
            "message",
            2,
        ),
        ("Sales rep", "Se le envió la cotización con seguro incluido.", datetime(2024, 4, 2, 18, 5), "message", 4),
    ]
    assert turns(second) == [
        ("Front desk", "Agendó cita para avalúo de su Sentra.", datetime(2024, 4, 3, 11), "message", 5)
    ]


# -- more shapes -------------------------------------------------------------------------------------------------


def test_amojo_history_without_chat_ids_is_one_chat_named_by_the_file(tmp_path: Path) -> None:
    history = {
        "messages": [
            message(None, 1712000100, "Se la aparto con mil pesos."),
            message(None, 1712000000, "¿Me la aparta?"),
        ]
    }
    (conversation,) = parse(write(tmp_path, "historial.json", history))
    assert conversation.key == "chat:historial"
    assert [t.text for t in conversation.turns] == ["¿Me la aparta?", "Se la aparto con mil pesos."]


def test_top_level_chat_id_names_the_chat(tmp_path: Path) -> None:
    document = {"chat_id": "chat-77", "messages": [message(None, 1712000000, "Hola")]}
    assert [c.key for c in parse(write(tmp_path, "c.json", document))] == ["chat:chat-77"]


def test_talks_with_messages(tmp_path: Path) -> None:
    talk = {
        "talk_id": 812,
        "created_at": 1712000000,
        "chat_id": "chat-uuid-812",
        "contact_id": 501,
        "entity_id": 3012001,
        "entity_type": "lead",
        "origin": "instagram_business",
        "is_in_work": True,
        "messages": [
            message(None, 1712000000, "¿Tienen financiamiento?"),
            message(None, 1712000030, "Sí, con varias financieras.", "Asesora"),
        ],
    }
    (conversation,) = parse(write(tmp_path, "talks.json", {"_embedded": {"talks": [talk, {"talk_id": 813}]}}))
    assert conversation.key == "talk:812"
    assert conversation.metadata == {
        "source_format": SOURCE,
        "entity": "talk",
        "entity_id": 812,
        "chat_id": "chat-uuid-812",
        "contact_id": 501,
        "origin": "instagram_business",
        "lead_id": 3012001,
        "part": 1,
        "first_line": 14,
    }
    assert [(t.speaker, t.text) for t in conversation.turns] == [
        ("Cliente Web", "¿Tienen financiamiento?"),
        ("Asesora", "Sí, con varias financieras."),
    ]
    assert [t.provenance.line for t in conversation.turns] == [14, 30]


def test_messages_with_talk_id_group_by_talk(tmp_path: Path) -> None:
    records = [message(None, 1712000000, "Hola", talk_id=9), message(None, 1712000001, "Buenas", "Asesora", talk_id=9)]
    (conversation,) = parse(write(tmp_path, "m.json", records))
    assert conversation.key == "talk:9" and conversation.metadata["entity"] == "talk"


def test_json_lines_and_webhook_envelopes(tmp_path: Path) -> None:
    lines = [
        {"account_id": "acc-demo", "time": 1712000000, "message": message("chat-1", 1712000000, "¿Sigue disponible?")},
        message("chat-1", 1712000050, "Sí, ¿cuándo gusta venir?", "Asesora"),
        message("chat-2", 1712000100, "Quiero cotizar un seguro."),
    ]
    path = write(tmp_path, "webhooks.jsonl", "".join(json.dumps(line) + "\n" for line in lines))
    first, second = parse(path)
    assert (first.key, second.key) == ("chat:chat-1", "chat:chat-2")
    assert [(t.speaker, t.provenance.line) for t in first.turns] == [("Cliente Web", 1), ("Asesora", 2)]


def test_top_level_array_of_leads_and_single_lead_object(tmp_path: Path) -> None:
    note = {"id": 1, "entity_id": 70, "created_at": 1712000000, "note_type": "common", "params": {"text": "Ok"}}
    leads = [{"id": 70, "pipeline_id": 1, "status_id": 2, "_embedded": {"notes": [note]}}]
    assert [c.key for c in parse(write(tmp_path, "array.json", leads))] == ["lead:70"]
    lead = {"id": 70, "name": "Lead", "_embedded": {"notes": [{**note, "entity_id": None}]}}
    (conversation,) = parse(write(tmp_path, "lead.json", lead))
    assert conversation.key == "lead:70"  # the note's lead taken from the enclosing object


def test_note_authors_and_text_fallbacks(tmp_path: Path) -> None:
    notes = [
        {"id": 1, "entity_id": 1, "created_at": 1712000000, "note_type": "common", "params": {"text": "a"},
         "author": {"name": "Asesora Norte"}},
        {"id": 2, "entity_id": 1, "created_at": 1712000001, "note_type": "common", "text": "b",
         "created_by_name": "Gerencia"},
        {"id": 3, "entity_id": 1, "created_at": "1712000002", "note_type": 4, "params": {"text": "c"}},
        {"id": 4, "entity_id": 1, "created_at": 1712000003000, "note_type": "geolocation", "params": {"text": "d"}},
        {"id": 5, "entity_id": 1, "created_at": 1712000004, "note_type": "call_in", "params": {"duration": 0}},
    ]
    (conversation,) = parse(write(tmp_path, "n.json", {"_embedded": {"notes": notes}}))
    assert [(t.speaker, t.text, t.kind) for t in conversation.turns] == [
        ("Asesora Norte", "a", "message"),
        ("Gerencia", "b", "message"),
        ("unknown", "c", "system"),
        ("unknown", "d", "system"),
    ]
    assert conversation.turns[3].timestamp == utc(1712000003)  # milliseconds recognised


def test_csv_semicolons_russian_headers_and_epoch_dates(tmp_path: Path) -> None:
    content = "ID сделки,Автор,Текст,Дата создания\n9,Менеджер,Hola,1712000000\n9,Менеджер,Adiós,\n"
    path = write(tmp_path, "ru.csv", content)
    (conversation,) = parse(path)
    assert conversation.key == "lead:9"
    assert [(t.speaker, t.text, t.timestamp) for t in conversation.turns] == [
        ("Менеджер", "Hola", utc(1712000000)),
        ("Менеджер", "Adiós", None),
    ]


def test_surrogates_in_json_text_are_replaced(tmp_path: Path) -> None:
    content = '[{"message": {"text": "auto \\ud83d\\ude97 \\udc00"}, "sender": {"name": "A"}, "timestamp": 1}]'
    path = write(tmp_path, "s.json", content)
    (conversation,) = parse(path)
    assert conversation.turns[0].text == "auto \U0001f697 \ufffd"


# -- errors name the line and the key -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "line", "reason"),
    [
        ("u.json", '{\n"foo": 1, "bar": [2]}', 1, "unrecognised Kommo record (keys: 'foo', 'bar')"),
        ("u.json", '{"_embedded": {"contacts": [], "companies": []}}', 1, "found 'contacts', 'companies'"),
        ("u.json", '[\n{"id": 1},\n{"note_type": "common", "entity_id": 1, "params": {"text": "x"}}]', 2, "keys: 'id'"),
        ("u.json", '{"_embedded": {"leads": [\n5]}}', 2, "an item of 'leads' is a number"),
        ("u.json", '{"_embedded": {"leads": [\n{"name": "x"}]}}', 2, "a lead without an 'id'"),
        ("u.json", NOTES % '{"note_type": "common", "params": {"text": "x"}}', 2, "without 'entity_id'"),
        ("u.json", NOTES % '{"note_type": "common", "entity_id": 1, "params": "x"}', 2, "'params' is a string"),
        ("u.json", NOTES % '{"note_type": [], "entity_id": 1}', 2, "'note_type' is an array"),
        ("u.json", NOTES % '{"note_type": "common", "entity_id": 1, "params": {"text": 5}}', 2, "not a string"),
        ("u.json", NOTES % '{"entity_id": 1, "created_at": "ayer", "note_type": "common", "params": {"text": "x"}}', 2,
         "'created_at' is a string"),
        ("u.json", NOTES % '{"entity_id": 1, "created_at": -5, "note_type": "common", "params": {"text": "x"}}', 2,
         "out of range"),
        ("u.json", '[\n{"message": {"text": "x"}, "sender": "yo", "timestamp": 1}]', 2, "'sender' is a string"),
        ("u.json", '[\n{"message": {"text": ["x"]}, "sender": {}, "timestamp": 1}]', 2, "'message.text' is an array"),
        ("u.json", '{"messages": [\n{"text": "x"}]}', 2, "without a 'message' object"),
        ("u.json", '{"_embedded": {"leads": [{"id": 1, "_embedded": {"notes": 5}}]}}', 1, "'notes' is a number"),
        ("u.json", '{"_embedded": {"leads": [{"id": 1, "notes": [\n3]}]}}', 2, "a note or message is a number"),
        ("u.json", '{"_embedded": {"leads": []}}\n7', 2, "expected a JSON object or array"),
        ("u.json", '{"_embedded": {"leads": [\n{"id": 1,}]}}', 2, "quoted object key"),
        ("u.json", '{"_embedded": {"leads": [\n{"id": 1}', 2, "expected ',' or ']'"),
        ("u.json", '{"_embedded": {"leads": [{"id": 1, "status_id": NaN}]}}', 1, "NaN is not valid JSON"),
        ("u.csv", "Lead ID,Author,Text\n1,a\n", 2, "row has 2 fields, the header has 3"),
        ("u.csv", "Lead ID,Author,Text\n,a,hola\n", 2, "row without a lead id"),
        ("u.csv", "Lead ID,Author,Text,Date created\n1,a,hola,mañana\n", 2, "unreadable date 'mañana'"),
        ("u.csv", "Lead ID,Author,Text,Date created\n1,a,hola,99999999999999\n", 2, "out of range"),
        ("u.csv", "Nombre,Teléfono\nAna,0\n", 1, "not a Kommo CSV"),
        ("u.csv", 'Lead ID,Author,Text\n1,a,"sin cerrar\n', 2, "unexpected end of data"),
        ("u.csv", 'Lead ID,Author,Text\n1,a,"' + "x" * 200_000 + '"\n', 2, "field larger than field limit"),
        ("u.csv", "\n\n", 1, "empty file"),
        ("u.json", "", 1, "empty file"),
    ],
)
def test_malformed_input_is_a_parse_error_with_the_line(
    tmp_path: Path, name: str, content: str, line: int, reason: str
) -> None:
    error = parse_error(write(tmp_path, name, content))
    assert (error.line, reason in error.reason) == (line, True), error.reason


def test_scattered_notes_are_grouped_by_lead_in_time_order(tmp_path: Path) -> None:
    def note(lead: int, epoch: int, text: str) -> dict[str, Any]:
        return {"entity_id": lead, "created_at": epoch, "note_type": "common", "params": {"text": text}}

    notes = [note(1, 30, "a3"), note(2, 10, "b1"), note(1, 10, "a1"), note(3, 5, "c1"), note(1, 20, "a2")]
    path = write(tmp_path, "n.json", json.dumps({"_embedded": {"notes": notes}}).replace("}}, {", "}},\n{"))
    conversations = parse(path)
    assert [c.key for c in conversations] == ["lead:1", "lead:2", "lead:3"]  # in order of first appearance
    assert [[(t.text, t.provenance.line) for t in c.turns] for c in conversations] == [
        [("a1", 3), ("a2", 5), ("a3", 1)],
        [("b1", 2)],
        [("c1", 4)],
    ]


def test_scattered_csv_rows_keep_file_order_without_dates_and_merge_what_records_say(tmp_path: Path) -> None:
    path = write(tmp_path, "u.csv", "Lead ID,Author,Text\n1,a,hola\n2,b,buenas\n1,a,otra vez\n2,b,\n1,c,adiós\n")
    conversations = parse(path)
    assert [(c.key, [t.text for t in c.turns]) for c in conversations] == [
        ("lead:1", ["hola", "otra vez", "adiós"]),
        ("lead:2", ["buenas"]),
    ]
    # a lead record and its notes listed apart: one conversation, with the lead's fields
    document = {
        "_embedded": {
            "notes": [{"entity_id": 5, "created_at": 1712000100, "note_type": "common", "params": {"text": "nota"}}],
            "leads": [{"id": 5, "pipeline_id": 9, "_embedded": {"notes": [
                {"created_at": 1712000000, "note_type": "common", "params": {"text": "anidada"}}
            ]}}],
        }
    }  # fmt: skip
    (lead,) = parse(write(tmp_path, "mixto.json", document))
    assert [t.text for t in lead.turns] == ["anidada", "nota"]
    assert (lead.metadata["entity_id"], lead.metadata["pipeline_id"]) == (5, 9)


def test_a_lead_with_many_notes_is_cut_into_parts() -> None:
    parser = KommoExportParser(KommoExportParser.Options(max_turns_per_part=3))
    first, second, other = parser.parse(FIXTURES / "leads_con_notas.json")
    assert (first.key, second.key, other.key) == ("lead:3012001", "lead:3012001#part2", "lead:3012002")
    assert [len(first.turns), len(second.turns)] == [3, 1]
    assert (second.metadata["part"], second.metadata["split_by"]) == (2, "turns")
    assert second.metadata["status_id"] == 61000002  # the lead's own fields in every part


def test_a_scattered_40_mb_notes_export_groups_in_bounded_memory(tmp_path: Path) -> None:
    """40,000 notes of 2,000 leads, each lead's 20 notes spread over the whole file, newest first: grouped per lead
    through the on-disk spill, in time order, with a peak that is a small fraction of the file."""
    path = tmp_path / "notas.csv"
    text = "Cliente pide cotización del Versa con seguro, pregunta por el enganche. " * 14
    with path.open("w", encoding="utf-8") as out:
        out.write("ID de lead;Autor;Texto;Fecha\n")
        for row in range(40_000):
            lead, order = row % 2_000, 19 - row // 2_000
            out.write(f"{lead};Asesora;Nota {order} {text};15/03/2024 {order:02d}:00\n")
    size = path.stat().st_size
    assert size > 40_000_000
    seen = parse_in_child("crm_kommo", path)
    assert (seen["conversations"], seen["turns"]) == (2_000, 40_000)
    assert seen["keys"][:3] == ["lead:0", "lead:1", "lead:2"] and seen["keys"][-1] == "lead:1999"
    assert seen["last_text"].startswith("Nota 19 ")  # written first, dated last
    assert seen["peak"] < size // 10, f"peak grew {seen['peak'] / 2**20:.1f} MiB for {size / 2**20:.0f} MiB"


def test_invalid_utf8_names_its_line(tmp_path: Path) -> None:
    rows = "".join(f"{n // 10},Asesora,Nota {n}\n" for n in range(5000))
    path = write(tmp_path, "roto.csv", ("Lead ID,Author,Text\n" + rows).encode() + b"7000,Asesora,caf\xe9\n")
    error = parse_error(path)
    assert error.line == 5002 and "utf-8" in error.reason


def test_unreadable_path_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError):
        parse(tmp_path / "no-existe.json")


# -- sniffing and detection ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: p.name)
def test_sniff_claims_every_fixture_over_transcripts(path: Path) -> None:
    head = read_head(path)
    mine, transcript = KommoExportParser.sniff(path, head), TranscriptParser.sniff(path, head)
    assert mine.confidence >= 0.8 and mine.reason
    assert transcript.confidence < mine.confidence


@pytest.mark.parametrize(
    ("name", "content", "most"),
    [
        ("openai.json", '{"messages": [{"role": "user", "content": "hola"}]}', 0.0),
        ("whisper.json", '{"text": "hola", "segments": [{"start": 0, "end": 1, "text": "hola"}]}', 0.0),
        ("turnos.csv", "conversation_id,speaker,text\n1,cliente,hola\n", 0.0),
        ("ids.csv", "id,text\n1,hola\n", 0.3),
        ("chat.txt", "[12/03/24, 10:15:32] Ana: Hola\n", 0.0),
    ],
)
def test_sniff_stays_low_on_other_formats(tmp_path: Path, name: str, content: str, most: float) -> None:
    path = write(tmp_path, name, content)
    assert KommoExportParser.sniff(path, read_head(path)).confidence <= most


def _all_parsers_importable() -> bool:
    try:
        for name in parser_names():
            parser_class(name)
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _all_parsers_importable(), reason="other registered parser modules are not written yet")
@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: p.name)
def test_detect_format_picks_kommo(path: Path) -> None:
    from scsf.parsers.detect import detect_format

    assert detect_format(path).format == "crm_kommo"


# -- streaming ---------------------------------------------------------------------------------------------------


def test_large_leads_export_streams(tmp_path: Path) -> None:
    """~35 MB: leads with big custom fields and a few notes each, after a contacts list that is skipped."""
    path = tmp_path / "leads.json"
    fields = json.dumps([{"field_id": n, "values": [{"value": "Versa 2021, " * 500}]} for n in range(4)])
    with path.open("w", encoding="utf-8") as out:
        out.write('{"_page": 1, "_embedded": {"contacts": [')
        contact = json.dumps({"id": 1, "name": "Contacto de prueba", "custom_fields_values": None})
        out.write(",".join([contact] * 20_000))
        out.write('],\n"leads": [\n')
        for lead in range(1_400):
            notes = ",\n".join(
                json.dumps({"id": lead * 10 + n, "entity_id": lead, "created_by": 8, "created_at": 1712000000 + n,
                            "note_type": "common", "params": {"text": "¿Me confirma la cita del sábado?"}})
                for n in range(3)
            )  # fmt: skip
            separator = ",\n" if lead < 1_399 else "\n"
            out.write(f'{{"id": {lead}, "pipeline_id": 1, "status_id": 2, "custom_fields_values": {fields}, ')
            out.write(f'"_embedded": {{"tags": [], "notes": [\n{notes}]}}}}{separator}')
        out.write("]}}")
    assert path.stat().st_size > 30_000_000
    seen = consume(KommoExportParser().parse(path))
    assert (seen.conversations, seen.turns) == (1_400, 4_200)
    assert seen.peak < 30_000_000, seen.peak


def test_large_csv_streams(tmp_path: Path) -> None:
    path = tmp_path / "notas.csv"
    long_text = "Cliente pide cotización del Versa con seguro; " * 160
    with path.open("w", encoding="utf-8") as out:
        out.write("ID de lead;Autor;Texto;Fecha\n")
        for row in range(4_000):
            out.write(f'{row // 4};Asesora;"{long_text}";15/03/2024 10:{row % 60:02d}\n')
    assert path.stat().st_size > 30_000_000
    seen = consume(KommoExportParser().parse(path))
    assert (seen.conversations, seen.turns) == (1_000, 4_000)
    assert seen.peak < 30_000_000, seen.peak


# -- any bytes: conversations or ParseError --------------------------------------------------------------------


PARSERS = (KommoExportParser(), KommoExportParser(KommoExportParser.Options(max_turns_per_part=1)))


class TestFuzz(ParserFuzz):
    parsers = PARSERS
    fixtures = ALL_FIXTURES
    suffixes = (".json", ".csv", ".jsonl", ".txt")
    openers = (b"", b"{", b"[", b"Lead ID,Text\n")
    tokens = [
        b"\n", b",", b";", b'"', b"{", b"}", b"[", b"]", b":", b"\xff", b"\xc3", b"NaN", b"1e999", b"-1", b"null",
        b'"_embedded"', b'"notes"', b'"note_type"', b"\\ud800", b"\r", b"\x00", b"99999999999999999999",
        b'"entity_id": 1, ', b'"created_at": 1712000000, ', b"Lead ID;Autor;Texto;Fecha\n", b"15/03/2024 10:00",
    ]  # fmt: skip


KEYS = ["_embedded", "leads", "notes", "talks", "chats", "messages", "users", "id", "entity_id", "talk_id", "chat_id",
        "note_type", "params", "text", "created_at", "created_by", "message", "sender", "receiver", "name",
        "timestamp", "msec_timestamp", "conversation", "pipeline_id", "status_id", "author", "call_result"]  # fmt: skip
RECORDS = json_documents(
    st.sampled_from(KEYS), ["common", "call_in", "service_message", "1712000000", "\ud800", ""], max_leaves=30
)


@fuzz_settings
@given(document=RECORDS)
def test_random_kommo_shaped_json_only_raises_parse_error(tmp_path: Path, document: Any) -> None:
    path = tmp_path / "estructura.json"
    path.write_text(json.dumps(document), encoding="utf-8", errors="surrogatepass")
    check_parsers(path, PARSERS)
