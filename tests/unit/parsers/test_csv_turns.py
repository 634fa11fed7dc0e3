"""`csv_turno`: one turn per row, conversations as runs of a conversation id, exact turns per variant (quoting,
CRLF, delimiters, encodings, header synonyms, explicit columns); errors name the line; any bytes give
conversations or ParseError; a big file streams one conversation at a time."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from scsf.parsers.base import ParsedConversation, ParseError
from scsf.parsers.csv_turns import CSVDialogParser
from scsf.parsers.detect import detect_format
from scsf.parsers.textio import read_head
from scsf.parsers.whatsapp import WhatsAppParser

from ._fuzz import ParserFuzz
from ._memory import parse_in_child

FIXTURES = Path(__file__).parents[2] / "fixtures" / "parsers" / "csv"
GOOD = ["soporte_crlf.csv", "mensajes_es_bom.csv", "dialogos.tsv", "chats_pipe.csv", "latin1.csv", "sin_conversacion.csv"]
BAD = ["no_contiguo.csv", "sin_texto.csv", "fecha_mala.csv", "columnas_propias.csv"]
MX = timezone(timedelta(hours=-6))


def parse(path: Path, **options: Any) -> list[ParsedConversation]:
    return list(CSVDialogParser(CSVDialogParser.Options(**options)).parse(path))


def turns(conversation: ParsedConversation) -> list[tuple[int | None, str, str, datetime | None]]:
    for turn in conversation.turns:
        assert (turn.kind, turn.role, turn.provenance.source) == ("message", None, conversation.source)
    return [(t.provenance.line, t.speaker, t.text, t.timestamp) for t in conversation.turns]


def parse_error(path: Path, **options: Any) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse(path, **options)
    assert caught.value.path == str(path)
    return caught.value


def write(tmp_path: Path, content: str | bytes, name: str = "turnos.csv") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


# -- exact turns per variant -----------------------------------------------------------------------------------


def test_rfc4180_quoting_with_crlf_and_extra_columns() -> None:
    first, second = parse(FIXTURES / "soporte_crlf.csv")
    assert (first.format, first.key, second.key) == ("csv_turno", "T-1001", "T-1002")
    assert turns(first) == [
        (2, "cliente", "Hola, mi pedido no ha llegado", datetime(2024, 5, 2, 10, 15)),
        (3, "agente", "Lamento la demora. ¿Me compartes tu número de pedido?", datetime(2024, 5, 2, 10, 16, 30)),
        (4, "cliente", 'Es el "MX-000123"', datetime(2024, 5, 2, 10, 17, 5)),
    ]
    assert turns(second) == [
        (5, "cliente", "Quiero cambiar la dirección:\nCalle Ficticia 123\nCol. Centro", datetime(2024, 5, 3, 9, 0)),
        (8, "agente", "Listo. Actualizado", datetime(2024, 5, 3, 9, 2)),  # the quoted row above spans lines 5-7
    ]
    assert [t.extra for t in first.turns + second.turns] == [{"canal": "web"}] * 3 + [{"canal": "app"}] * 2
    columns = {"conversation": "conversation_id", "speaker": "speaker", "text": "text", "timestamp": "timestamp"}
    assert first.metadata == {"encoding": "utf-8", "delimiter": ",", "columns": columns, "part": 1, "first_line": 2}


def test_spanish_headers_semicolons_and_bom() -> None:
    first, second = parse(FIXTURES / "mensajes_es_bom.csv")
    assert (first.key, second.key) == ("v-01", "v-02")
    assert turns(first) == [
        (2, "cliente", "Hola, ¿cuánto cuesta el envío a Mérida?", datetime(2024, 6, 10, 18, 30)),
        (3, "vendedor", "Son $180 por paquetería; llega en 3 días", datetime(2024, 6, 10, 18, 32)),
    ]
    assert turns(second) == [(4, "cliente", "¿Tienen la talla 26 en negro?", datetime(2024, 6, 11, 9, 5))]
    columns = {"conversation": "Id Conversación", "speaker": "Hablante", "text": "Mensaje", "timestamp": "Fecha"}
    expected = {"encoding": "utf-8-sig", "delimiter": ";", "columns": columns, "part": 1, "first_line": 2}
    assert first.metadata == expected


def test_tab_separated() -> None:
    first, second = parse(FIXTURES / "dialogos.tsv")
    assert (first.key, second.key) == ("d1", "d2")
    assert turns(first) == [
        (2, "user", "¿Cuál es el horario de atención?", None),
        (3, "assistant", "De lunes a viernes de 9 a 18 h.", None),
    ]
    assert turns(second) == [
        (4, "user", "Quiero cancelar mi suscripción", None),
        (5, "assistant", "Con gusto, ¿me confirmas tu correo?", None),
    ]
    columns = {"conversation": "dialog_id", "speaker": "role", "text": "content"}
    assert first.metadata == {"encoding": "utf-8", "delimiter": "\t", "columns": columns, "part": 1, "first_line": 2}


def test_pipes_and_upper_case_headers() -> None:
    [conversation] = parse(FIXTURES / "chats_pipe.csv")
    assert conversation.key == "c-77"
    assert turns(conversation) == [
        (2, "Dr. Fuentes", "Su cita quedó para el martes 10:00", datetime(2024, 7, 1, 8, 0, tzinfo=MX)),
        (3, "paciente", "Gracias | ahí estaré", datetime(2024, 7, 1, 8, 3, tzinfo=MX)),
    ]
    assert conversation.metadata["delimiter"] == "|"
    columns = {"conversation": "Chat_ID", "speaker": "SENDER", "text": "Body", "timestamp": "Date"}
    assert conversation.metadata["columns"] == columns


def test_latin1_is_detected() -> None:
    [conversation] = parse(FIXTURES / "latin1.csv")
    assert turns(conversation) == [
        (2, "cliente", "Sí, ¿cuándo llega mi pedido?", None),
        (3, "agente", "Mañana entre 9 y 14 h", None),
    ]
    assert conversation.metadata["encoding"] == "latin-1"


def test_without_a_conversation_column_the_file_is_one_conversation() -> None:
    [conversation] = parse(FIXTURES / "sin_conversacion.csv")
    assert conversation.key == "sin_conversacion"
    assert turns(conversation) == [
        (2, "usuario", "Necesito factura de mi compra", None),
        (3, "agente", "Claro. ¿Me das tu RFC?", None),
    ]
    assert conversation.metadata["columns"] == {"speaker": "speaker", "text": "text"}


def test_columns_mapped_through_options() -> None:
    path = FIXTURES / "columnas_propias.csv"
    [conversation] = parse(
        path, conversation_column="folio", speaker_column="quien", text_column="dijo", timestamp_column="CUANDO"
    )
    assert conversation.key == "F-9"
    assert turns(conversation) == [
        (2, "cliente", "¿Ya salió mi pedido?", datetime(2024, 8, 1, 12, 0)),
        (3, "soporte", "Sí, va en camino", datetime(2024, 8, 1, 12, 5)),
    ]
    # the header's spelling, though the option said CUANDO
    columns = {"conversation": "folio", "speaker": "quien", "text": "dijo", "timestamp": "cuando"}
    assert conversation.metadata["columns"] == columns


def test_an_option_overrides_a_synonym_and_the_delimiter_can_be_forced(tmp_path: Path) -> None:
    path = write(tmp_path, "chat_id;role;agent_name;text\nc1;assistant;Brenda;Hola\n")
    [conversation] = parse(path, speaker_column="agent_name")
    assert turns(conversation) == [(2, "Brenda", "Hola", None)]
    assert conversation.turns[0].extra == {"role": "assistant"}
    path = write(tmp_path, "speaker|text,con coma\nAna|hola, qué tal\n", "pipe.txt")
    forced = parse(path, delimiter="|", text_column="text,con coma")
    assert turns(forced[0]) == [(2, "Ana", "hola, qué tal", None)]


def test_blank_lines_blank_records_and_trailing_empty_fields_are_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "\n\nspeaker,text\n\n,\nAna,hola,\n\nBeto,qué tal\n")
    [conversation] = parse(path)
    assert turns(conversation) == [(6, "Ana", "hola", None), (8, "Beto", "qué tal", None)]


def test_epoch_and_empty_timestamps(tmp_path: Path) -> None:
    path = write(tmp_path, "speaker,text,time\nAna,hola,1709655300\nBeto,qué tal,\n")
    [conversation] = parse(path)
    assert [t.timestamp for t in conversation.turns] == [datetime(2024, 3, 5, 16, 15, tzinfo=timezone.utc), None]


# -- errors name the line --------------------------------------------------------------------------------------


def test_scattered_rows_of_one_conversation_are_grouped_in_order_of_first_appearance() -> None:
    conversations = parse(FIXTURES / "no_contiguo.csv")
    assert [c.key for c in conversations] == ["A", "B"]
    assert [(t.speaker, t.text, t.provenance.line) for t in conversations[0].turns] == [
        ("cliente", "Hola", 2), ("agente", "¿En qué le ayudo?", 4),
    ]  # fmt: skip
    assert [t.text for t in conversations[1].turns] == ["Buenas"]


def test_an_export_sorted_by_time_across_chats_gives_each_chat_its_turns_in_time_order(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "chat_id,time,speaker,text\n"
        "B,2024-03-05T10:00:02,cliente,buenas\n"
        "A,2024-03-05T10:00:03,agente,¿le ayudo?\n"
        "A,2024-03-05T10:00:01,cliente,hola\n"
        "B,2024-03-05T10:00:04,agente,dígame\n",
    )
    conversations = parse(path)
    assert [(c.key, [t.text for t in c.turns]) for c in conversations] == [
        ("B", ["buenas", "dígame"]), ("A", ["hola", "¿le ayudo?"]),
    ]  # fmt: skip


def test_a_bad_row_after_scattered_ones_fails_before_any_conversation_is_handed_on(tmp_path: Path) -> None:
    path = write(tmp_path, "conversation_id,speaker,text\nA,cliente,hola\nB,cliente,buenas\nA,,sin hablante\n")
    conversations: list[ParsedConversation] = []
    with pytest.raises(ParseError) as caught:
        for conversation in CSVDialogParser().parse(path):
            conversations.append(conversation)
    assert conversations == [] and caught.value.line == 4 and "empty 'speaker'" in caught.value.reason


def test_a_missing_required_column_names_the_header_and_synonyms() -> None:
    error = parse_error(FIXTURES / "sin_texto.csv")
    assert error.line == 1
    assert "['conversation_id', 'speaker', 'nota']" in error.reason
    assert "text, message, content, utterance, body, texto, mensaje" in error.reason
    error = parse_error(FIXTURES / "columnas_propias.csv")
    assert "no speaker column" in error.reason and "hablante" in error.reason


def test_a_missing_explicit_column_is_named() -> None:
    error = parse_error(FIXTURES / "columnas_propias.csv", speaker_column="quien", text_column="texto")
    assert error.line == 1 and "'texto' (text_column)" in error.reason


def test_a_bad_timestamp_names_its_line() -> None:
    error = parse_error(FIXTURES / "fecha_mala.csv")
    assert error.line == 3 and "'el martes'" in error.reason and "'fecha'" in error.reason


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("conversation_id,speaker,text\nA,Ana,hola\nA,Beto\n", 3, "2 fields, the header has 3"),
        ("conversation_id,speaker,text\nA,Ana,hola,extra\n", 2, "4 fields"),
        ("conversation_id,speaker,text\nA,Ana,hola\n,Beto,hola\n", 3, "empty 'conversation_id'"),
        ("conversation_id,speaker,text\nA, ,hola\n", 2, "empty 'speaker'"),
        ('speaker,text\nAna,"hola\nBeto,adiós\n', 2, "malformed CSV record"),
        ('speaker,text\nAna,"hola"x\n', 2, "malformed CSV record"),
        ("", None, "empty file"),
        ("\n\r\n", None, "empty file"),
        (",,\n", None, "no header row"),
    ],
)
def test_malformed_rows_are_named(tmp_path: Path, content: str, line: int | None, words: str) -> None:
    error = parse_error(write(tmp_path, content))
    assert error.line == line and words in error.reason


def test_undecodable_bytes_past_the_sniffed_head_name_their_line(tmp_path: Path) -> None:
    rows = "".join(f"c{i // 10},cliente,mensaje número {i} con algo de texto de relleno\n" for i in range(2000))
    assert len(rows.encode()) > 64 * 1024
    path = write(tmp_path, b"conversation_id,speaker,text\n" + rows.encode() + b"c9999,cliente,caf\xe9\n")
    error = parse_error(path)
    assert error.line == 2002 and "undecodable" in error.reason and "latin-1" in error.reason
    [*_, last] = parse(path, encoding="latin-1")
    assert last.turns[-1].text == "café"


def test_an_unknown_encoding_option_is_refused() -> None:
    with pytest.raises(ValidationError):
        CSVDialogParser.Options(encoding="klingon-8")


def test_a_missing_file_is_a_parse_error(tmp_path: Path) -> None:
    assert "cannot read" in parse_error(tmp_path / "nope.csv").reason


# -- sniffing and detection ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "confidence"),
    [(name, 0.9) for name in GOOD if name != "sin_conversacion.csv"]
    + [("sin_conversacion.csv", 0.8), ("no_contiguo.csv", 0.9), ("fecha_mala.csv", 0.9), ("sin_texto.csv", 0.4)],
)
def test_sniff_is_confident_on_turn_headers(name: str, confidence: float) -> None:
    path = FIXTURES / name
    assert CSVDialogParser.sniff(path, read_head(path)).confidence == confidence


@pytest.mark.parametrize(
    ("name", "head", "low", "high"),
    [
        ("notas.txt", "Speaker;Text\nAna;hola\n", 0.8, 0.8),
        ("notas.txt", "chat_id|from|message\n", 0.9, 0.9),
        ("export.csv", "Lead ID,Created by,Note\n", 0.3, 0.5),
        ("chat.txt", "13/03/24, 09:17 - Ana Torres: Hola\n", 0.0, 0.0),
        ("chat.txt", "speakers,texts\n", 0.0, 0.0),
        ("data.json", '[{"speaker": "Ana", "text": "hola"}]', 0.0, 0.0),
        ("notas.txt", "", 0.0, 0.0),
    ],
)
def test_sniff_is_discriminating(name: str, head: str, low: float, high: float) -> None:
    assert low <= CSVDialogParser.sniff(Path(name), head).confidence <= high


@pytest.mark.parametrize("name", GOOD + BAD)
def test_detect_format_picks_csv(name: str) -> None:
    detection = detect_format(FIXTURES / name)
    assert detection.format == "csv_turno", detection


# -- any bytes: conversations or a ParseError ------------------------------------------------------------------

class TestFuzz(ParserFuzz):
    parsers = (
        CSVDialogParser(),
        CSVDialogParser(CSVDialogParser.Options(delimiter=";", speaker_column="speaker", max_turns_per_part=2)),
        WhatsAppParser(),
    )
    fixtures = sorted(FIXTURES.iterdir())
    suffixes = (".csv", ".tsv")
    tokens = [
        part.encode() for part in (
            "conversation_id", "speaker", "text", "timestamp", "Hablante", "Mensaje", "fecha", "chat_id", "role", ",",
            ";", "\t", "|", '"', '""', "\n", "\r\n", "\r", "A", "B", "Ana", "hola, qué tal", "2024-05-02T10:15:00",
            "1709655300", "el martes", "\ufeff", "\x00", "é", " ",
        )
    ] + [b"\xff", b"\xe9"]  # fmt: skip


# -- streaming -------------------------------------------------------------------------------------------------


def test_a_200k_row_file_streams(tmp_path: Path) -> None:
    """200,000 rows in 4,000 conversations: only one conversation is ever held, so the peak stays small."""
    path = tmp_path / "grande.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        handle.write("conversation_id,speaker,text\r\n")
        for i in range(200_000):
            handle.write(f'c{i // 50},{"cliente" if i % 2 else "agente"},"Mensaje {i}, con coma"\r\n')
    seen = parse_in_child("csv_turno", path)
    assert (seen["conversations"], seen["turns"]) == (4_000, 200_000)
    assert (seen["keys"][-1], seen["last_lines"][-1]) == ("c3999", 200_001)
    assert seen["last_text"] == "Mensaje 199999, con coma"
    assert seen["peak"] < 30 * 2**20, f"peak grew {seen['peak'] / 2**20:.1f} MiB"


def test_one_long_conversation_is_cut_into_parts(tmp_path: Path) -> None:
    """Without a conversation column the whole file is one conversation: it goes out in parts."""
    rows = "".join(f"{'cliente' if i % 2 else 'agente'},Mensaje {i}\n" for i in range(7))
    conversations = parse(write(tmp_path, "speaker,text\n" + rows, "larga.csv"), max_turns_per_part=3)
    assert [c.key for c in conversations] == ["larga", "larga#part2", "larga#part3"]
    assert [[t.provenance.line for t in c.turns] for c in conversations] == [[2, 3, 4], [5, 6, 7], [8]]
    assert [(c.metadata["part"], c.metadata["first_line"], c.metadata.get("split_by")) for c in conversations] == [
        (1, 2, None),
        (2, 5, "turns"),
        (3, 8, "turns"),
    ]
