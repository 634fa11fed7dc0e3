"""`whatsapp_export`: Android and iOS chat exports -> one conversation per file, exact turns per variant; the date
order is decided for the whole file; errors name the line; any bytes give a conversation or ParseError; big
exports stream."""

from __future__ import annotations

import random
import tracemalloc
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from scsf.parsers.base import ParsedConversation, ParseError
from scsf.parsers.csv_turns import CSVDialogParser
from scsf.parsers.detect import detect_format
from scsf.parsers.textio import read_head
from scsf.parsers.whatsapp import WhatsAppParser

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


def parse(path: Path, **options: Any) -> ParsedConversation:
    conversations = list(WhatsAppParser(WhatsAppParser.Options(**options)).parse(path))
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
    variant: str, date_order: str, evidence: str, system: int, media: int, deleted: int, encoding: str = "utf-8"
) -> dict[str, Any]:
    return {
        "variant": variant,
        "encoding": encoding,
        "date_order": date_order,
        "date_order_evidence": evidence,
        "system_lines": system,
        "media_omitted": media,
        "deleted": deleted,
    }


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
    assert conversation.metadata == meta("android", "day_first", "line 1: 13/03/24 has a first field > 12", 5, 1, 2)
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
    assert conversation.metadata == meta("android", "day_first", "line 1: 21/05/2024 has a first field > 12", 1, 1, 0)


def test_android_12h_english_month_first() -> None:
    conversation = parse(FIXTURES / "android_12h_en_us.txt")
    assert turns(conversation) == [
        (4, "Kevin Walsh", "Practice moved to Saturday", datetime(2024, 3, 14, 18, 32)),
        (5, "Laura Méndez", "Perfect, thanks!\nCan someone bring the cones?", datetime(2024, 3, 14, 18, 35)),
        (10, "Laura Méndez", "See you there", datetime(2024, 3, 15, 0, 5)),
    ]
    assert conversation.metadata == meta("android", "month_first", "line 1: 3/14/24 has a second field > 12", 4, 1, 2)


def test_ios_spanish_with_marks_attachments_and_late_evidence() -> None:
    # The first dates (02/04/24) are ambiguous; line 8 (16/04/24) makes the whole file day-first: 2 April.
    conversation = parse(FIXTURES / "ios_es.txt")
    assert turns(conversation) == [
        (2, "Ramiro Salas", "Buenas, ¿me pueden dar precio de afinación?", datetime(2024, 4, 2, 10, 11, 5)),
        (
            3,
            "Taller Hernández",
            "Claro. Afinación mayor $1,850\nIncluye bujías y filtros",
            datetime(2024, 4, 2, 10, 12, 40),
        ),
        (8, "Ramiro Salas", "¿Les queda el sábado a las 9?", datetime(2024, 4, 16, 9, 0, 0)),
        (10, "Taller Hernández", "Sí, lo esperamos 👍", datetime(2024, 4, 16, 9, 2, 15)),
    ]
    assert conversation.turns[2].extra == {"edited": True}
    # <adjunto: ...>, imagen omitida, audio omitido (that line starts with an LRM); "Se eliminó este mensaje."
    assert conversation.metadata == meta("ios", "day_first", "line 8: 16/04/24 has a first field > 12", 1, 3, 1)


def test_ios_english_12h_group_with_narrow_no_break_space() -> None:
    conversation = parse(FIXTURES / "ios_en_12h.txt")
    assert turns(conversation) == [
        (4, "Dana Brooks", 'Next pick: "Pedro Páramo"?', datetime(2024, 4, 2, 9, 45, 12)),
        (5, "Sofía Ruiz", "Yes!! I read it in school", datetime(2024, 4, 2, 9, 47, 30)),
        (9, "Sofía Ruiz", "Finished it. That ending 😮\nLet's meet Thursday", datetime(2024, 4, 22, 19, 3, 44)),
        (12, "Dana Brooks", "Thursday works. I left the book at the front desk", datetime(2024, 4, 22, 19, 6, 10)),
    ]
    # system: encryption, created group, added (both LRM-marked, attributed to the group), missed voice call
    assert conversation.metadata == meta("ios", "month_first", "line 9: 4/22/24 has a second field > 12", 4, 2, 1)


def test_no_evidence_defaults_to_day_first_and_says_so() -> None:
    conversation = parse(FIXTURES / "no_evidence_es.txt")
    assert turns(conversation) == [
        (1, "Paola Gutiérrez", "Hola, ¿sigue disponible el departamento en Narvarte?", datetime(2024, 6, 5, 17, 20)),
        (2, "Inmobiliaria Alameda", "Sí, sigue disponible. Renta $14,500 al mes", datetime(2024, 6, 5, 17, 26)),
        (3, "Paola Gutiérrez", "¿Puedo verlo el sábado?", datetime(2024, 6, 7, 10, 2)),
    ]
    assert conversation.metadata["date_order"] == "day_first"
    assert conversation.metadata["date_order_evidence"] == "none (no date field > 12); default day_first"


def test_no_evidence_default_and_forced_order_come_from_options() -> None:
    month_first = parse(FIXTURES / "no_evidence_es.txt", default_date_order="month_first")
    assert [t.timestamp for t in month_first.turns][0] == datetime(2024, 5, 6, 17, 20)
    assert month_first.metadata["date_order_evidence"] == "none (no date field > 12); default month_first"
    forced = parse(FIXTURES / "no_evidence_es.txt", date_order="month_first")
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
    assert conversation.metadata == meta("android", "day_first", evidence, 2, 0, 0, "utf-8-sig")
    for turn in conversation.turns:
        assert not set(turn.speaker + turn.text) & set("\ufeff\u200e\u200f\u202a\u202c\u2068\u2069")


def test_crlf_and_latin1_copies_give_the_same_turns(tmp_path: Path) -> None:
    original = (FIXTURES / "no_evidence_es.txt").read_text(encoding="utf-8")
    expected = turns(parse(FIXTURES / "no_evidence_es.txt"))
    crlf = parse(write(tmp_path, original.replace("\n", "\r\n"), "crlf.txt"))
    assert turns(crlf) == expected
    latin1 = parse(write(tmp_path, original.encode("latin-1"), "latin1.txt"))
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


def test_a_lone_media_placeholder_or_system_line_gives_no_turns(tmp_path: Path) -> None:
    path = write(tmp_path, "13/03/24, 09:17 - Ana Torres: <Media omitted>\n13/03/24, 09:18 - Ana Torres left\n")
    conversation = parse(path)
    assert conversation.turns == []
    assert (conversation.metadata["media_omitted"], conversation.metadata["system_lines"]) == (1, 1)


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

FRAGMENTS = [
    "13/03/24, ", "3/14/24 ", "31/12/2024, ", "99/99/99, ", "09:17", "9:05", "12:30:59", "25:61", " - ", " – ",
    "[", "]", "Ana Torres: ", "+52 55 0000 0000: ", ": ", " PM", " a. m.", "\u202fp.\u00a0m.", "\u200e", "\u202a",
    "\ufeff", "<Media omitted>", "<adjunto: x.jpg>", "imagen omitida", "Se eliminó este mensaje", " left", " añadió a ",
    "Los mensajes y las llamadas están cifrados de extremo a extremo", "<Se editó este mensaje.>", "hola", "\n",
    "\r\n", "\r", "\x00", "é", "👋",
]  # fmt: skip


def _outcome(parser: Any, path: Path) -> None:
    try:
        for conversation in parser.parse(path):
            assert isinstance(conversation, ParsedConversation)
    except ParseError:
        pass


def _check_any(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    _outcome(WhatsAppParser(), path)
    _outcome(WhatsAppParser(WhatsAppParser.Options(date_order="month_first")), path)
    _outcome(CSVDialogParser(), path)
    head = read_head(path)
    for parser in (WhatsAppParser, CSVDialogParser):
        assert 0.0 <= parser.sniff(path, head).confidence <= 1.0


def mutate(data: bytes, rnd: random.Random) -> bytes:
    """Byte flips, truncation, line shuffles, duplicated or dropped lines, spliced bytes."""
    for _ in range(rnd.randint(1, 4)):
        op = rnd.randrange(5)
        if op == 0 and data:
            buf = bytearray(data)
            for _ in range(rnd.randint(1, 8)):
                buf[rnd.randrange(len(buf))] ^= 1 << rnd.randrange(8)
            data = bytes(buf)
        elif op == 1:
            data = data[: rnd.randint(0, len(data))]
        elif op == 2:
            lines = data.split(b"\n")
            rnd.shuffle(lines)
            data = b"\n".join(lines)
        elif op == 3:
            lines = data.split(b"\n")
            if lines:
                i = rnd.randrange(len(lines))
                lines[i:i] = [lines[rnd.randrange(len(lines))]] if rnd.random() < 0.5 else []
                if rnd.random() < 0.5:
                    del lines[i]
            data = b"\n".join(lines)
        else:
            at = rnd.randint(0, len(data))
            data = data[:at] + rnd.randbytes(rnd.randint(1, 6)) + data[at:]
    return data


@settings(max_examples=200, deadline=None)
@given(data=st.binary(max_size=4096))
def test_random_bytes_give_only_parse_errors(tmp_path_factory: pytest.TempPathFactory, data: bytes) -> None:
    _check_any(tmp_path_factory.mktemp("wa") / "chat.txt", data)


@settings(max_examples=200, deadline=None)
@given(parts=st.lists(st.sampled_from(FRAGMENTS), max_size=60))
def test_random_export_like_text_gives_only_parse_errors(
    tmp_path_factory: pytest.TempPathFactory, parts: list[str]
) -> None:
    _check_any(tmp_path_factory.mktemp("wa") / "chat.txt", "".join(parts).encode("utf-8"))


@settings(max_examples=200, deadline=None)
@given(name=st.sampled_from(GOOD + BAD), seed=st.integers(min_value=0, max_value=2**32))
def test_mutated_fixtures_give_only_parse_errors(tmp_path_factory: pytest.TempPathFactory, name: str, seed: int) -> None:
    data = mutate((FIXTURES / name).read_bytes(), random.Random(seed))
    _check_any(tmp_path_factory.mktemp("wa") / name, data)


# -- streaming -------------------------------------------------------------------------------------------------


def test_a_200k_line_export_streams(tmp_path: Path) -> None:
    """200,000 lines: 40,000 messages of a header and four continuation lines, with system lines mixed in.

    One file is one conversation and ParsedConversation holds its turns in a list, so the turns themselves must
    stay in memory; what must not is the file: the peak beyond the returned conversation stays under 30 MB.
    """
    path = tmp_path / "grande.txt"
    with path.open("w", encoding="utf-8") as handle:
        for i in range(40_000):
            stamp = f"{i % 28 + 1:02d}/{i // 28 % 12 + 1:02d}/24, {i // 60 % 24:02d}:{i % 60:02d}"
            if i % 1000 == 0:
                handle.write(f"{stamp} - Ana Torres añadió a Cliente {i}\n")
                handle.write(f"{stamp} - Ana Torres: <Multimedia omitido>\n")
                handle.write(f"{stamp} - Cliente {i} salió del grupo\n")
                handle.write(f"{stamp} - Ana Torres: Se eliminó este mensaje\n")
                handle.write(f"{stamp} - Ana Torres: Bienvenido {i}\n")
                continue
            author = "Ana Torres" if i % 2 else "+52 55 0000 0000"
            handle.write(f"{stamp} - {author}: Mensaje {i}\nlínea dos\nlínea tres\nlínea cuatro\nfin\n")
    tracemalloc.start()
    try:
        conversations = list(WhatsAppParser().parse(path))
        retained, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    [conversation] = conversations
    assert len(conversation.turns) == 40_000
    assert conversation.turns[-1].provenance.line == 199_996
    assert conversation.turns[-1].text == "Mensaje 39999\nlínea dos\nlínea tres\nlínea cuatro\nfin"
    counts = {key: conversation.metadata[key] for key in ("system_lines", "media_omitted", "deleted")}
    assert counts == {"system_lines": 80, "media_omitted": 40, "deleted": 40}
    assert peak - retained < 30 * 2**20, f"transient peak {(peak - retained) / 2**20:.1f} MiB"
    assert retained < 40_000 * 4096, f"{retained / 40_000:.0f} bytes per turn"
