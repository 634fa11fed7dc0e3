"""`whatsapp_export`: Android and iOS chat exports -> conversations (one per session of the chat, parts of a long
one), exact turns per variant; the date order is decided for the whole file; errors name the line; any bytes give
conversations or ParseError; a big export streams in bounded memory."""

from __future__ import annotations

from datetime import datetime, timedelta
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

FIXTURES = Path(__file__).parents[2] / "fixtures" / "parsers" / "whatsapp"
GOOD = [
    "android_24h_es.txt",
    "android_12h_es_mx.txt",
    "android_12h_en_us.txt",
    "ios_es.txt",
    "ios_en_12h.txt",
    "no_evidence_es.txt",
    "phones_bidi.txt",
]
BAD = ["bad_first_line.txt", "conflicting_dates.txt"]


def parse_all(path: Path, **options: Any) -> list[ParsedConversation]:
    return list(WhatsAppParser(WhatsAppParser.Options(**options)).parse(path))


def parse(path: Path, **options: Any) -> ParsedConversation:
    conversations = parse_all(path, **options)
    assert len(conversations) == 1
    return conversations[0]


def turns(conversation: ParsedConversation) -> list[tuple[int | None, str, str, datetime | None]]:
    for turn in conversation.turns:
        assert (turn.kind, turn.role, turn.provenance.source) == ("message", None, conversation.source)
    return [(t.provenance.line, t.speaker, t.text, t.timestamp) for t in conversation.turns]


def parse_error(path: Path, **options: Any) -> ParseError:
    with pytest.raises(ParseError) as caught:
        list(WhatsAppParser(WhatsAppParser.Options(**options)).parse(path))
    assert caught.value.path == str(path)
    return caught.value


def write(tmp_path: Path, content: str | bytes, name: str = "chat.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


def meta(
    variant: str,
    date_order: str,
    evidence: str,
    counts: tuple[int, int, int],
    first_line: int,
    encoding: str = "utf-8",
    **part: Any,
) -> dict[str, Any]:
    """The metadata of a conversation part; `counts` are its system lines, media placeholders and deletions."""
    return {
        "variant": variant,
        "encoding": encoding,
        "date_order": date_order,
        "date_order_evidence": evidence,
        "system_lines": counts[0],
        "media_omitted": counts[1],
        "deleted": counts[2],
        "part": part.get("part", 1),
        "first_line": first_line,
    } | ({"split_by": part["split_by"]} if "split_by" in part else {})


# -- exact turns per variant -----------------------------------------------------------------------------------


def test_android_24h_spanish_group() -> None:
    conversation = parse(FIXTURES / "android_24h_es.txt")
    assert (conversation.format, conversation.key) == ("whatsapp_export", "android_24h_es")
    assert conversation.source == str(FIXTURES / "android_24h_es.txt")
    assert turns(conversation) == [
        (4, "Mariana Robles", "Buenos días, equipo 👋", datetime(2024, 3, 13, 9, 17)),
        (5, "Tomás Ibarra", "¿Ya quedó la fecha de la posada?", datetime(2024, 3, 13, 9, 18)),
        (
            6,
            "Mariana Robles",
            "Todavía no. Propuestas:\n- viernes 13\n- sábado 14\n14/12/24 también sirve",
            datetime(2024, 3, 13, 9, 20),
        ),
        (14, "Tomás Ibarra", "Va, yo llevo el ponche", datetime(2024, 3, 13, 21, 40)),
    ]
    # encryption notice, created group, added, subject change (with ': ' inside the quotes), left
    evidence = "line 1: 13/03/24 has a first field > 12"
    assert conversation.metadata == meta("android", "day_first", evidence, (5, 1, 2), first_line=4)
    assert all(t.extra == {} for t in conversation.turns)


def test_android_12h_mexican_clock_with_no_break_spaces_and_four_digit_year() -> None:
    conversation = parse(FIXTURES / "android_12h_es_mx.txt")
    assert turns(conversation) == [
        (2, "Julieta Cárdenas", "Hola, ¿a qué hora abren?", datetime(2024, 5, 21, 8, 5)),
        (3, "Refaccionaria Don Beto", "Buenos días, abrimos a las 9:00 a. m.", datetime(2024, 5, 21, 8, 7)),
        (4, "Julieta Cárdenas", "¿Tienen balatas para un Tsuru 2010?", datetime(2024, 5, 21, 12, 30)),  # 12:30 p. m.
        (5, "Refaccionaria Don Beto", "Sí, a $450 el juego", datetime(2024, 5, 21, 12, 45)),  # U+00A0 before p. m.
        (6, "Julieta Cárdenas", "Gracias, mañana paso", datetime(2024, 5, 22, 0, 2)),  # 12:02 a. m., plain spaces
        (7, "Julieta Cárdenas", "Así se ven las que traigo", datetime(2024, 5, 22, 9, 10)),  # the photo's caption
    ]
    assert conversation.turns[-1].extra == {"media": "IMG-20240522-WA0003.jpg (archivo adjunto)"}
    evidence = "line 1: 21/05/2024 has a first field > 12"
    assert conversation.metadata == meta("android", "day_first", evidence, (1, 1, 0), first_line=2)


def test_android_12h_english_month_first() -> None:
    conversation = parse(FIXTURES / "android_12h_en_us.txt")
    assert turns(conversation) == [
        (4, "Kevin Walsh", "Practice moved to Saturday", datetime(2024, 3, 14, 18, 32)),
        (5, "Laura Méndez", "Perfect, thanks!\nCan someone bring the cones?", datetime(2024, 3, 14, 18, 35)),
        (10, "Laura Méndez", "See you there", datetime(2024, 3, 15, 0, 5)),
    ]
    evidence = "line 1: 3/14/24 has a second field > 12"
    assert conversation.metadata == meta("android", "month_first", evidence, (4, 1, 2), first_line=4)


def test_ios_spanish_with_marks_attachments_and_late_evidence() -> None:
    # The first dates (02/04/24) are ambiguous; line 8 (16/04/24) makes the whole file day-first: 2 April.
    # Two weeks of silence separate two sessions: two conversations (a split at the 24 h default gap).
    first, second = parse_all(FIXTURES / "ios_es.txt")
    assert turns(first) == [
        (2, "Ramiro Salas", "Buenas, ¿me pueden dar precio de afinación?", datetime(2024, 4, 2, 10, 11, 5)),
        (
            3,
            "Taller Hernández",
            "Claro. Afinación mayor $1,850\nIncluye bujías y filtros",
            datetime(2024, 4, 2, 10, 12, 40),
        ),
    ]
    assert turns(second) == [
        (8, "Ramiro Salas", "¿Les queda el sábado a las 9?", datetime(2024, 4, 16, 9, 0, 0)),
        (10, "Taller Hernández", "Sí, lo esperamos 👍", datetime(2024, 4, 16, 9, 2, 15)),
    ]
    assert (first.key, second.key) == ("ios_es", "ios_es#part2")
    assert second.turns[0].extra == {"edited": True}
    # <adjunto: ...>, imagen omitida and "Se eliminó este mensaje." in the first session; audio omitido (a line that
    # starts with an LRM) in the second.
    evidence = "line 8: 16/04/24 has a first field > 12"
    assert first.metadata == meta("ios", "day_first", evidence, (1, 2, 1), first_line=2)
    assert second.metadata == meta("ios", "day_first", evidence, (0, 1, 0), first_line=8, part=2, split_by="gap")


def test_ios_english_12h_group_with_narrow_no_break_space() -> None:
    whole = parse(FIXTURES / "ios_en_12h.txt", split_gap_hours=None)
    assert turns(whole) == [
        (4, "Dana Brooks", 'Next pick: "Pedro Páramo"?', datetime(2024, 4, 2, 9, 45, 12)),
        (5, "Sofía Ruiz", "Yes!! I read it in school", datetime(2024, 4, 2, 9, 47, 30)),
        (9, "Sofía Ruiz", "Finished it. That ending 😮\nLet's meet Thursday", datetime(2024, 4, 22, 19, 3, 44)),
        (12, "Dana Brooks", "Thursday works. I left the book at the front desk", datetime(2024, 4, 22, 19, 6, 10)),
    ]
    # system: encryption, created group, added (both LRM-marked, attributed to the group), missed voice call
    evidence = "line 9: 4/22/24 has a second field > 12"
    assert whole.metadata == meta("ios", "month_first", evidence, (4, 2, 1), first_line=4)
    # By default the 20 days between the two sessions split them, and each part counts its own system lines.
    first, second = parse_all(FIXTURES / "ios_en_12h.txt")
    assert turns(first) + turns(second) == turns(whole)
    assert first.metadata == meta("ios", "month_first", evidence, (3, 2, 1), first_line=4)
    assert second.metadata == meta("ios", "month_first", evidence, (1, 0, 0), first_line=9, part=2, split_by="gap")


def test_no_evidence_defaults_to_day_first_and_says_so() -> None:
    conversation = parse(FIXTURES / "no_evidence_es.txt", split_gap_hours=48)
    assert turns(conversation) == [
        (1, "Paola Gutiérrez", "Hola, ¿sigue disponible el departamento en Narvarte?", datetime(2024, 6, 5, 17, 20)),
        (2, "Inmobiliaria Alameda", "Sí, sigue disponible. Renta $14,500 al mes", datetime(2024, 6, 5, 17, 26)),
        (3, "Paola Gutiérrez", "¿Puedo verlo el sábado?", datetime(2024, 6, 7, 10, 2)),
    ]
    assert conversation.metadata["date_order"] == "day_first"
    assert conversation.metadata["date_order_evidence"] == "none (no date field > 12); default day_first"
    # 40.6 hours of silence before line 3: a new session at the 24 h default.
    assert [[t.provenance.line for t in c.turns] for c in parse_all(FIXTURES / "no_evidence_es.txt")] == [[1, 2], [3]]


def test_no_evidence_default_and_forced_order_come_from_options() -> None:
    month_first = parse_all(FIXTURES / "no_evidence_es.txt", default_date_order="month_first")[0]
    assert [t.timestamp for t in month_first.turns][0] == datetime(2024, 5, 6, 17, 20)
    assert month_first.metadata["date_order_evidence"] == "none (no date field > 12); default month_first"
    forced = parse_all(FIXTURES / "no_evidence_es.txt", date_order="month_first")[0]
    assert forced.metadata["date_order"] == "month_first"
    assert forced.metadata["date_order_evidence"] == "set by options (date_order=month_first)"
    # Forcing an order the dates contradict gives an impossible month, named by line.
    error = parse_error(FIXTURES / "android_24h_es.txt", date_order="month_first")
    assert error.line == 1 and "bad date or time" in error.reason


def test_phone_authors_bom_and_invisible_marks() -> None:
    conversation = parse(FIXTURES / "phones_bidi.txt")
    assert turns(conversation) == [
        (2, "+52 1 55 0000 0001", "Buenas tardes, vi su anuncio del sofá", datetime(2024, 7, 18, 14, 0)),
        (3, "Lupita Mueblería", "Hola, sí está disponible", datetime(2024, 7, 18, 14, 2)),
        (4, "+52 1 55 0000 0001", "¿Hacen envíos a Coyoacán?", datetime(2024, 7, 18, 14, 3)),
        (6, "Lupita Mueblería", "Sí, $250 de envío", datetime(2024, 7, 18, 14, 5)),
        (7, "+52 55 0000 0002", "Hola, yo también pregunto por el sofá", datetime(2024, 7, 18, 14, 6)),
    ]
    assert conversation.turns[2].extra == {"edited": True}
    # created group and joined via link, both authored by phone numbers wrapped in U+202A/U+202C
    evidence = "line 1: 18/07/24 has a first field > 12"
    expected = meta("android", "day_first", evidence, (2, 0, 0), first_line=2, encoding="utf-8-sig")
    assert conversation.metadata == expected
    for turn in conversation.turns:
        assert not set(turn.speaker + turn.text) & set("\ufeff\u200e\u200f\u202a\u202c\u2068\u2069")


def test_crlf_and_latin1_copies_give_the_same_turns(tmp_path: Path) -> None:
    original = (FIXTURES / "no_evidence_es.txt").read_text(encoding="utf-8")
    expected = turns(parse(FIXTURES / "no_evidence_es.txt", split_gap_hours=None))
    crlf = parse(write(tmp_path, original.replace("\n", "\r\n"), "crlf.txt"), split_gap_hours=None)
    assert turns(crlf) == expected
    latin1 = parse(write(tmp_path, original.encode("latin-1"), "latin1.txt"), split_gap_hours=None)
    assert turns(latin1) == expected and latin1.metadata["encoding"] == "latin-1"


def test_android_no_comma_dotted_date_and_seconds(tmp_path: Path) -> None:
    path = write(
        tmp_path, "25.12.2023 23:59 - Ana Torres: ¡Feliz Navidad!\n25.12.2023 23:59:30 - Beto Ríos: Igualmente\n"
    )
    assert turns(parse(path)) == [
        (1, "Ana Torres", "¡Feliz Navidad!", datetime(2023, 12, 25, 23, 59)),
        (2, "Beto Ríos", "Igualmente", datetime(2023, 12, 25, 23, 59, 30)),
    ]


def test_blank_lines_before_the_first_message_are_skipped(tmp_path: Path) -> None:
    path = write(tmp_path, "\n  \n13/03/24, 09:17 - Ana Torres: Hola\n")
    assert turns(parse(path)) == [(3, "Ana Torres", "Hola", datetime(2024, 3, 13, 9, 17))]


def test_a_lone_media_placeholder_or_system_line_gives_no_conversation(tmp_path: Path) -> None:
    path = write(tmp_path, "13/03/24, 09:17 - Ana Torres: <Media omitted>\n13/03/24, 09:18 - Ana Torres left\n")
    assert parse_all(path) == []


def test_messages_that_mention_events_or_deletions_stay_messages(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "13/03/24, 09:17 - Ana Torres: Beto left early\n"
        "13/03/24, 09:18 - Ana Torres: ¿Se eliminó este mensaje?\n"
        "13/03/24, 09:19 - Ana Torres: ¿los mensajes están cifrados de extremo a extremo?\n",
    )
    assert [t.text for t in parse(path).turns] == [
        "Beto left early",
        "¿Se eliminó este mensaje?",
        "¿los mensajes están cifrados de extremo a extremo?",
    ]


# -- errors name the line --------------------------------------------------------------------------------------


def test_a_first_line_that_is_not_a_message_is_named() -> None:
    error = parse_error(FIXTURES / "bad_first_line.txt")
    assert error.line == 1 and "Chat de WhatsApp con Mariana Robles" in error.reason


def test_conflicting_date_orders_are_refused() -> None:
    error = parse_error(FIXTURES / "conflicting_dates.txt")
    assert error.line == 2
    assert "line 1 has 13/01/24 (day first)" in error.reason and "line 2 has 01/13/24 (month first)" in error.reason


@pytest.mark.parametrize(
    ("content", "line", "words"),
    [
        ("13/03/24, 09:17 - Ana: Hola\n31/02/24, 09:18 - Ana: ¿y?\n", 2, "bad date or time"),
        ("13/03/24, 09:17 - Ana: Hola\n13/03/24, 25:10 - Ana: ¿y?\n", 2, "bad date or time"),
        ("13/03/24, 9:17 PM - Ana: Hola\n13/03/24, 13:10 PM - Ana: ¿y?\n", 2, "12-hour clock"),
        ("13/03/24, 09:17 - Ana: Hola\n13/14/24, 09:18 - Ana: ¿y?\n", 2, "no month"),
        ("13/03/24, 09:17 - : Hola\n", 1, "without an author"),
        ("", None, "empty"),
        ("\n\n", None, "empty"),
    ],
)
def test_bad_lines_are_named(tmp_path: Path, content: str, line: int | None, words: str) -> None:
    error = parse_error(write(tmp_path, content))
    assert error.line == line and words in error.reason


def test_undecodable_bytes_past_the_sniffed_head_name_their_line(tmp_path: Path) -> None:
    filler = "".join(f"13/03/24, 09:{i % 60:02d} - Ana Torres: mensaje número {i} con texto\n" for i in range(1500))
    assert len(filler.encode()) > 64 * 1024
    path = write(tmp_path, filler.encode() + b"13/03/24, 10:00 - Ana Torres: caf\xe9\n")
    error = parse_error(path)
    assert error.line == 1501 and "undecodable" in error.reason


def test_an_unknown_encoding_option_is_refused() -> None:
    with pytest.raises(ValidationError):
        WhatsAppParser.Options(encoding="klingon-8")


def test_a_missing_file_is_a_parse_error(tmp_path: Path) -> None:
    assert "cannot read" in parse_error(tmp_path / "nope.txt").reason
    assert "cannot read" in parse_error(tmp_path).reason  # a directory


# -- sniffing and detection ------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", GOOD + ["conflicting_dates.txt"])
def test_sniff_is_confident_on_exports(name: str) -> None:
    path = FIXTURES / name
    sniff = WhatsAppParser.sniff(path, read_head(path))
    assert sniff.confidence >= 0.9 and "WhatsApp export" in sniff.reason


@pytest.mark.parametrize(
    "head",
    [
        "",
        "conversation_id,speaker,text\nc1,user,Hola\n",
        "Agente: Buenas tardes\nCliente: Hola, 13/03/24 a las 09:17\n",
        "1\n00:00:01,000 --> 00:00:03,000\nHola\n",
        '{"messages": [{"role": "user", "content": "13/03/24, 09:17 - Ana: Hola"}]}',
        "Chat de WhatsApp con Mariana Robles\n13/03/24, 09:17 - Mariana Robles: Hola\n",
    ],
)
def test_sniff_is_discriminating(head: str) -> None:
    assert WhatsAppParser.sniff(Path("x.txt"), head).confidence < 0.3


@pytest.mark.parametrize("name", GOOD + BAD[1:])
def test_detect_format_picks_whatsapp(name: str) -> None:
    detection = detect_format(FIXTURES / name)
    assert detection.format == "whatsapp_export", detection


# -- any bytes: a conversation or a ParseError -----------------------------------------------------------------

class TestFuzz(ParserFuzz):
    parsers = (
        WhatsAppParser(),
        WhatsAppParser(WhatsAppParser.Options(date_order="month_first", split_gap_hours=0.01, max_turns_per_part=2)),
        CSVDialogParser(),
    )
    fixtures = sorted(FIXTURES.iterdir())
    suffixes = (".txt",)
    tokens = [
        part.encode() for part in (
            "13/03/24, ", "3/14/24 ", "31/12/2024, ", "99/99/99, ", "09:17", "9:05", "12:30:59", "25:61", " - ",
            " – ",
            "[", "]", "Ana Torres: ", "+52 55 0000 0000: ", ": ", " PM", " a. m.", "\u202fp.\u00a0m.", "\u200e",
            "\u202a", "\ufeff", "<Media omitted>", "<adjunto: x.jpg>", "imagen omitida", "Se eliminó este mensaje",
            " left", " añadió a ", "Los mensajes y las llamadas están cifrados de extremo a extremo",
            "<Se editó este mensaje.>", "hola", "\n", "\r\n", "\r", "\x00", "é", "👋",
        )
    ] + [b"\xff", b"\xe9"]  # fmt: skip


# -- parts and bounded memory ---------------------------------------------------------------------------------


def test_a_long_chat_is_cut_into_parts_by_turns_and_by_characters() -> None:
    by_turns = parse_all(FIXTURES / "android_24h_es.txt", max_turns_per_part=3)
    assert [[t.provenance.line for t in c.turns] for c in by_turns] == [[4, 5, 6], [14]]
    assert [c.key for c in by_turns] == ["android_24h_es", "android_24h_es#part2"]
    assert [(c.metadata["part"], c.metadata["first_line"], c.metadata.get("split_by")) for c in by_turns] == [
        (1, 4, None),
        (2, 14, "turns"),
    ]
    # 22 + 32 characters fit in 60, the 66 of line 6 do not; a turn longer than the limit is a part of its own.
    by_chars = parse_all(FIXTURES / "android_24h_es.txt", max_chars_per_part=60)
    assert [[t.provenance.line for t in c.turns] for c in by_chars] == [[4, 5], [6], [14]]
    assert {c.metadata.get("split_by") for c in by_chars[1:]} == {"chars"}


def test_the_gap_is_an_option(tmp_path: Path) -> None:
    path = write(tmp_path, "13/03/24, 09:00 - Ana: Hola\n13/03/24, 11:01 - Beto: ¿Sí?\n13/03/24, 11:05 - Ana: Sí\n")
    assert [len(c.turns) for c in parse_all(path)] == [3]
    assert [len(c.turns) for c in parse_all(path, split_gap_hours=2)] == [1, 2]
    with pytest.raises(ValidationError):
        WhatsAppParser.Options(split_gap_hours=0)


def test_an_endless_message_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("scsf.parsers.whatsapp.MAX_MESSAGE_CHARS", 100)
    path = write(tmp_path, "13/03/24, 09:00 - Ana: Hola\n" + "y otra línea más\n" * 10)
    error = parse_error(path)
    assert error.line == 1 and "message longer than 100 characters" in error.reason


def _write_export(path: Path, sessions: int, per_session: int) -> None:
    """Sessions of messages 20 s apart, two days between session starts; a message is ~1 KB on four lines."""
    line = "línea del mensaje con bastante texto, " * 6
    with path.open("w", encoding="utf-8") as out:
        for session in range(sessions):
            start = datetime(2024, 1, 1) + timedelta(days=2 * session)
            out.write(f"{start:%d/%m/%y, %H:%M} - Cliente {session} salió del grupo\n")
            for n in range(per_session):
                stamp = start + timedelta(seconds=20 * n)
                author = "Ana Torres" if n % 2 else "+52 55 0000 0000"
                out.write(f"{stamp:%d/%m/%y, %H:%M:%S} - {author}: Mensaje {session}.{n} {line}")
                out.write(f"\n{line}\n{line}\n{line}\n")


def test_a_50_mb_export_streams_in_bounded_memory(tmp_path: Path) -> None:
    """One chat of 20 sessions x 2,500 messages (~50 MB): parts of at most 1,000 turns go out as they close, so the
    parse's peak is a small fraction of the file, however big the file."""
    path = tmp_path / "grande.txt"
    _write_export(path, sessions=20, per_session=2_500)
    size = path.stat().st_size
    assert size > 45_000_000
    seen = parse_in_child("whatsapp_export", path)
    assert (seen["conversations"], seen["turns"]) == (60, 50_000)  # each session: 1,000 + 1,000 + 500 turns
    assert seen["keys"][:4] == ["grande", "grande#part2", "grande#part3", "grande#part4"]
    assert (seen["last_metadata"]["part"], seen["last_metadata"]["split_by"]) == (60, "turns")
    assert seen["last_text"].startswith("Mensaje 19.2499 línea")
    assert seen["peak"] < size // 10, f"peak grew {seen['peak'] / 2**20:.1f} MiB for {size / 2**20:.0f} MiB"
