"""`transcript_raw`: Whisper JSON/SRT/WebVTT/TSV/TXT → one conversation per file, exact turns per variant; errors
name the line; any bytes give conversations or ParseError, never another exception; large files stream."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from scsf.parsers import parser_class, parser_names
from scsf.parsers.base import ParsedConversation, ParseError
from scsf.parsers.kommo import KommoExportParser
from scsf.parsers.jsonstream import JsonWalker as JsonStream
from scsf.parsers.textio import decoded_lines, read_head
from scsf.parsers.transcript import TranscriptParser, split_speaker

from ._fuzz import ParserFuzz
from ._memory import consume, parse_in_child

FIXTURES = Path(__file__).parents[2] / "fixtures" / "parsers" / "transcript"
ALL_FIXTURES = sorted(FIXTURES.iterdir())


def parse(path: Path, **options: Any) -> list[ParsedConversation]:
    return list(TranscriptParser(TranscriptParser.Options(**options)).parse(path))


def only(path: Path, **options: Any) -> ParsedConversation:
    conversations = parse(path, **options)
    assert len(conversations) == 1
    return conversations[0]


def turns(conversation: ParsedConversation) -> list[tuple[str, str, int | None, dict[str, Any]]]:
    assert all(t.timestamp is None and t.kind == "message" for t in conversation.turns)
    assert all(t.provenance.source == conversation.source for t in conversation.turns)
    return [(t.speaker, t.text, t.provenance.line, t.extra) for t in conversation.turns]


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        path.write_bytes(content)
    return path


def one_part(conversation: ParsedConversation) -> dict[str, Any]:
    """The part metadata of a transcript short enough to be one conversation."""
    return {"part": 1, "first_line": conversation.turns[0].provenance.line}


def parse_error(path: Path, **options: Any) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse(path, **options)
    assert caught.value.path == str(path)
    return caught.value


# -- exact turns per variant -----------------------------------------------------------------------------------


def test_whisperx_json_with_diarization() -> None:
    conversation = only(FIXTURES / "whisperx_diarizada.json")
    assert conversation.format == "transcript_raw"
    assert conversation.key == "whisperx_diarizada"
    expected = {"source_format": "whisper_json", "segments": 6, "duration_s": 19.0}
    assert conversation.metadata == expected | one_part(conversation)
    assert turns(conversation) == [
        (
            "SPEAKER_00",
            "Buenas tardes, Automotriz del Valle, le atiende Mariana. ¿En qué le puedo ayudar?",
            3,
            {"start": 0.52, "end": 4.9, "segments": 2},
        ),
        (
            "SPEAKER_01",
            "Hola, buenas. Vi en su página un Versa 2021 gris, ¿todavía lo tienen?",
            7,
            {"start": 5.4, "end": 9.75, "segments": 1},
        ),
        (
            "SPEAKER_00",
            "Sí, todavía está disponible, tiene cuarenta y cinco mil kilómetros.",
            9,
            {"start": 10.0, "end": 14.2, "segments": 1},
        ),
        ("unknown", "Mmm.", 11, {"start": 14.6, "end": 15.3, "segments": 1}),
        (
            "SPEAKER_01",
            "¿Y cuánto sería de enganche si lo saco a crédito?",
            12,
            {"start": 15.5, "end": 19.0, "segments": 1},
        ),
    ]


def test_whisper_json_without_diarization_is_one_unknown_speaker() -> None:
    conversation = only(FIXTURES / "whisper_sin_diarizar.json")
    expected = {"source_format": "whisper_json", "segments": 2, "duration_s": 6.2}
    assert conversation.metadata == expected | one_part(conversation)
    assert turns(conversation) == [
        (
            "unknown",
            "Oiga, ¿el Aveo todavía tiene garantía de agencia? Sí, le quedan ocho meses de garantía.",
            1,
            {"start": 0.0, "end": 6.2, "segments": 2},
        )
    ]


def test_srt_with_speaker_prefixes() -> None:
    conversation = only(FIXTURES / "llamada.srt")
    expected = {"source_format": "srt", "segments": 5, "duration_s": 65.25}
    assert conversation.metadata == expected | one_part(conversation)
    assert turns(conversation) == [
        (
            "SPEAKER_00",
            "Buenas tardes, habla Mariana de Automotriz del Valle. ¿Con quién tengo el gusto?",
            1,
            {"start": 0.5, "end": 6.0, "segments": 2},
        ),
        (
            "SPEAKER_01",
            "Con Jorge. Le llamo por la Tiguan que anunciaron.",
            10,
            {"start": 6.3, "end": 9.8, "segments": 1},
        ),
        (
            "Mariana",
            "Claro, es modelo 2019, trae un solo dueño y servicios de agencia.",
            15,
            {"start": 10.1, "end": 14.0, "segments": 1},
        ),
        ("Jorge", "¿Me la pueden apartar para el sábado?", 20, {"start": 62.0, "end": 65.25, "segments": 1}),
    ]


def test_vtt_with_voice_tags_notes_and_styles() -> None:
    conversation = only(FIXTURES / "llamada.vtt")
    assert conversation.metadata == {"source_format": "vtt", "segments": 6, "duration_s": 13.9} | one_part(conversation)
    assert turns(conversation) == [
        ("Vendedor", "Buenas tardes, bienvenido a Seminuevos Norte.", 11, {"start": 0.0, "end": 3.5, "segments": 1}),
        (
            "Cliente",
            "Hola, vengo a ver el CR-V que publicaron & a preguntar por el financiamiento.",
            15,
            {"start": 3.8, "end": 7.1, "segments": 2},
        ),
        ("Vendedor", "Con gusto. ¿Trae auto a cuenta?", 19, {"start": 7.5, "end": 11.0, "segments": 1}),
        ("Cliente", "Sí, un March 2016. Está en buen estado, eh.", 19, {"start": 7.5, "end": 13.9, "segments": 2}),
    ]


def test_whisper_tsv_without_speakers() -> None:
    conversation = only(FIXTURES / "whisper.tsv")
    assert conversation.metadata == {"source_format": "tsv", "segments": 3, "duration_s": 8.0} | one_part(conversation)
    assert turns(conversation) == [
        (
            "unknown",
            "Buenas, ¿a qué hora cierran la agencia? Cerramos a las siete, pero los sábados hasta las dos. "
            "Perfecto, entonces paso el sábado temprano.",
            2,
            {"start": 0.0, "end": 8.0, "segments": 3},
        )
    ]


def test_tsv_with_speaker_column() -> None:
    conversation = only(FIXTURES / "diarizada.tsv")
    assert conversation.metadata == {"source_format": "tsv", "segments": 4, "duration_s": 12.5} | one_part(conversation)
    assert turns(conversation) == [
        (
            "SPEAKER_00",
            "¿Le interesa la versión automática o estándar?",
            2,
            {"start": 0.0, "end": 3.0, "segments": 1},
        ),
        (
            "SPEAKER_01",
            "Automática, mi esposa no maneja estándar. ¿Hay diferencia grande de precio?",
            3,
            {"start": 3.2, "end": 7.9, "segments": 2},
        ),
        (
            "SPEAKER_00",
            "Son unos veinte mil pesos más, pero se los dejo en mensualidades.",
            5,
            {"start": 8.2, "end": 12.5, "segments": 1},
        ),
    ]


def test_txt_with_prefixes_and_continuation_lines() -> None:
    conversation = only(FIXTURES / "con_hablantes.txt")
    assert conversation.metadata == {"source_format": "txt", "segments": 6, "duration_s": None} | one_part(conversation)
    assert turns(conversation) == [
        ("Vendedor", "Buenas tardes, ¿busca algún modelo en particular?", 1, {"segments": 1}),
        (
            "Cliente",
            "Sí, una camioneta para la familia, algo como la Sienna. Somos cinco y viajamos mucho a Guadalajara.",
            2,
            {"segments": 2},
        ),
        (
            "Vendedor",
            "Tenemos una Sienna 2020 y una Odyssey 2019. La Odyssey tiene menos kilometraje.",
            4,
            {"segments": 2},
        ),
        ("Cliente", "¿Cuánto cuesta la Odyssey?", 7, {"segments": 1}),
    ]


def test_txt_without_prefixes_is_one_unknown_turn() -> None:
    conversation = only(FIXTURES / "sin_hablantes.txt")
    assert conversation.metadata == {"source_format": "txt", "segments": 3, "duration_s": None} | one_part(conversation)
    assert turns(conversation) == [
        (
            "unknown",
            "Buenas tardes, le llamo para dar seguimiento a su cotización del Jetta. Quería saber si ya pudo revisar "
            "el plan a 36 meses. Si gusta, le puedo agendar una prueba de manejo este fin de semana.",
            1,
            {"segments": 3},
        )
    ]


# -- more shapes -------------------------------------------------------------------------------------------------


def test_txt_with_whisper_console_timings(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "consola.txt",
        "[00:00.000 --> 00:02.500]  Vendedor: ¿Qué enganche tiene pensado?\n"
        "[00:02.500 --> 00:05.000]  Cliente: Unos cincuenta mil.\n"
        "[01:00:05.000 --> 01:00:07.250]  Y el resto a 24 meses.\n",
    )
    conversation = only(path)
    expected = {"source_format": "txt", "segments": 3, "duration_s": 3607.25}
    assert conversation.metadata == expected | one_part(conversation)
    assert turns(conversation) == [
        ("Vendedor", "¿Qué enganche tiene pensado?", 1, {"start": 0.0, "end": 2.5, "segments": 1}),
        ("Cliente", "Unos cincuenta mil. Y el resto a 24 meses.", 2, {"start": 2.5, "end": 3607.25, "segments": 2}),
    ]


def test_hugging_face_chunks_and_top_level_segment_lists(tmp_path: Path) -> None:
    chunks = {
        "text": " ¿Tienen el Rio? Sí.",
        "chunks": [{"timestamp": [0.0, 1.5], "text": " ¿Tienen el Rio?"}, {"timestamp": [1.5, None], "text": " Sí."}],
    }
    conversation = only(write(tmp_path, "hf.json", json.dumps(chunks)))
    assert turns(conversation) == [("unknown", "¿Tienen el Rio? Sí.", 1, {"start": 0.0, "end": 1.5, "segments": 2})]
    listing = [
        {"start": 0, "end": 2, "text": "¿Me lo deja en 230?", "speaker": "SPEAKER_01"},
        {"start": 2, "end": 4, "text": "Se lo dejo en 235 con tenencia pagada.", "speaker": 0},
    ]
    conversation = only(write(tmp_path, "lista.json", json.dumps(listing, indent=1)))
    assert [(t.speaker, t.text, t.provenance.line) for t in conversation.turns] == [
        ("SPEAKER_01", "¿Me lo deja en 230?", 2),
        ("0", "Se lo dejo en 235 con tenencia pagada.", 8),
    ]


def test_speaker_prefix_forms() -> None:
    assert split_speaker("SPEAKER_01: hola") == ("SPEAKER_01", "hola")
    assert split_speaker("[SPEAKER_01] hola") == ("SPEAKER_01", "hola")
    assert split_speaker("[SPEAKER_01]: hola") == ("SPEAKER_01", "hola")
    assert split_speaker("[Ana López]: hola") == ("Ana López", "hola")
    assert split_speaker("Ana López: hola") == ("Ana López", "hola")
    assert split_speaker("Speaker 2: hola") == ("Speaker 2", "hola")
    # not prefixes: annotations, lower-case words, long sentences, times, URLs
    assert split_speaker("[Música] hola") == (None, "[Música] hola")
    assert split_speaker("[risas]") == (None, "[risas]")
    assert split_speaker("oiga: una pregunta") == (None, "oiga: una pregunta")
    assert split_speaker("Oiga, una pregunta: ¿tienen el Versa?")[0] is None
    assert split_speaker("Son las 10:30 ya")[0] is None
    assert split_speaker("http://ejemplo.invalid")[0] is None


def test_format_by_content_when_the_extension_says_nothing(tmp_path: Path) -> None:
    srt = (FIXTURES / "llamada.srt").read_text(encoding="utf-8")
    assert only(write(tmp_path, "llamada.subs", srt)).metadata["source_format"] == "srt"
    vtt = (FIXTURES / "llamada.vtt").read_text(encoding="utf-8")
    assert only(write(tmp_path, "llamada.captions", vtt)).metadata["source_format"] == "vtt"
    tsv = (FIXTURES / "whisper.tsv").read_text(encoding="utf-8")
    assert only(write(tmp_path, "llamada.out", tsv)).metadata["source_format"] == "tsv"
    data = (FIXTURES / "whisper_sin_diarizar.json").read_text(encoding="utf-8")
    assert only(write(tmp_path, "llamada.whisper", data)).metadata["source_format"] == "whisper_json"
    assert only(write(tmp_path, "notas", "Cliente: hola")).metadata["source_format"] == "txt"
    one_line = json.dumps({"text": "x" * 2_000_000, "segments": [{"start": 0, "end": 1, "text": "Sí"}]})
    assert only(write(tmp_path, "una_linea.whisper", one_line)).metadata["source_format"] == "whisper_json"
    # the option forces a variant
    forced = only(write(tmp_path, "a.txt", srt), source_format="srt")
    assert forced.metadata["source_format"] == "srt"


def test_crlf_bom_and_latin1(tmp_path: Path) -> None:
    text = "\ufeffVendedor: ¿Le interesa?\r\nCliente: Sí, señor.\r\n"
    assert [t.speaker for t in only(write(tmp_path, "crlf.txt", text)).turns] == ["Vendedor", "Cliente"]
    latin = write(tmp_path, "latin.txt", "Cliente: ¿Cuánto cuesta?\n".encode("latin-1"))
    assert only(latin).turns[0].text == "¿Cuánto cuesta?"


def test_empty_transcripts_give_no_conversation(tmp_path: Path) -> None:
    assert parse(write(tmp_path, "vacio.txt", "")) == []
    assert parse(write(tmp_path, "blancos.txt", "\n   \n")) == []
    assert parse(write(tmp_path, "silencio.json", '{"text": "", "segments": [], "language": "es"}')) == []
    assert parse(write(tmp_path, "vacio.vtt", "WEBVTT\n\nNOTE nada\n")) == []


def test_options_forbid_unknown_fields() -> None:
    with pytest.raises(ValidationError):
        TranscriptParser.Options(colour="red")  # type: ignore[call-arg]
    with pytest.raises(ValidationError):
        TranscriptParser.Options(source_format="docx")  # type: ignore[arg-type]


def test_lone_surrogates_in_json_become_replacement_characters(tmp_path: Path) -> None:
    path = write(tmp_path, "s.json", '{"segments": [{"start": 0, "end": 1, "text": "hola \\ud800 \\ud83d\\ude97"}]}')
    assert only(path).turns[0].text == "hola \ufffd \U0001f697"


# -- errors name the line ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content", "line", "reason"),
    [
        ("t.srt", "1\n00:00:01,000 --> 00:00:61,000\nhola\n", 2, "bad timecode"),
        ("t.srt", "1\n00:00:01 000 --> 00:00:02,000\nhola\n", 2, "bad timecode"),
        ("t.srt", "1\nhola\n", 2, "expected a timecode"),
        ("t.srt", "hola\n", 1, "expected a cue number"),
        ("t.srt", "1\n00:00:01,000 --> 00:00:02,000\nhola\n\n2\n", 5, "cue number without a timecode"),
        ("t.vtt", "00:01.000 --> 00:02.000\nhola\n", 1, "WEBVTT"),
        ("t.vtt", "WEBVTTX\n", 1, "WEBVTT"),
        ("t.vtt", "WEBVTT\n\nid-1\nhola\n", 4, "expected a cue timing"),
        ("t.vtt", "WEBVTT\n\n00:01.000 --> 00:0x.000\nhola\n", 3, "bad timecode"),
        ("t.tsv", "start\tend\ttext\n0\tabc\thola\n", 2, "bad time"),
        ("t.tsv", "start\tend\ttext\n0\t100\n", 2, "expected 3 tab-separated fields"),
        ("t.tsv", "inicio\tfinal\tdicho\n", 1, "header needs start, end and text"),
        ("t.tsv", "0\t1\n", 1, "expected start, end"),
        ("t.txt", "[00:00.000 --> 00:99.000] hola\n", 1, "bad timecode"),
        ("t.json", '{"segments": [{"start": 0, "end": 1, "text": "a"},\n 7]}', 2, "not an object"),
        ("t.json", '{"segments": [\n{"start": 0, "end": 1, "text": 5}]}', 2, "no 'text' string"),
        ("t.json", '{"segments": [\n{"start": "0", "end": 1, "text": "a"}]}', 2, "'start' is a string"),
        ("t.json", '{"segments": [\n{"start": -1, "end": 1, "text": "a"}]}', 2, "'start' is out of range"),
        ("t.json", '{"segments": [\n{"start": 1e999, "end": 1, "text": "a"}]}', 2, "out of range"),
        ("t.json", '{"segments": [\n{"start": NaN, "end": 1, "text": "a"}]}', 2, "NaN is not valid JSON"),
        ("t.json", '{"segments": [\n{"start": 0, "end": 1, "text": "a", "speaker": []}]}', 2, "'speaker' is an array"),
        ("t.json", '{"chunks": [\n{"timestamp": 3, "text": "a"}]}', 2, "'timestamp' must be [start, end]"),
        ("t.json", '{"text": "hola",\n "language": "es"}', 1, "no 'segments' array in the JSON object (keys: 'text', "),
        ("t.json", '{"segments": {}}', 1, "'segments' is not an array"),
        ("t.json", '{"segments": []}\n{"segments": []}', 2, "unexpected data after"),
        ("t.json", '{"segments": [\n{"start": 0, "end": 1, "text": "a"', 2, "invalid JSON"),
        ("t.json", '{"text": "sin cerrar', 1, "unterminated JSON string"),
        ("t.json", "\n\n42", 3, "expected a Whisper JSON object"),
        ("t.json", '{"segments": [{"start": 1' + "0" * 5000 + ', "end": 1, "text": "a"}]}', 1, "invalid JSON value"),
    ],
)
def test_malformed_input_is_a_parse_error_with_the_line(
    tmp_path: Path, name: str, content: str, line: int, reason: str | None
) -> None:
    error = parse_error(write(tmp_path, name, content))
    assert error.line == line
    if reason is not None:
        assert reason in error.reason


def test_deep_nesting_is_a_parse_error(tmp_path: Path) -> None:
    error = parse_error(write(tmp_path, "deep.json", '{"segments": [{"text": ' + "[" * 100_000 + "]" * 100_000 + "}]}"))
    assert error.line == 1


def test_invalid_utf8_names_its_line(tmp_path: Path) -> None:
    path = write(tmp_path, "roto.txt", ("Cliente: hola\n" * 5000).encode() + b"Vendedor: caf\xe9\n")
    error = parse_error(path)
    assert error.line == 5001 and "utf-8" in error.reason
    segments = b'{"start": 0, "end": 1, "text": "a"},\n' * 4000
    json_path = write(tmp_path, "roto.json", b'{"segments": [\n' + segments + b'{"text": "\xff"}]}')
    assert parse_error(json_path).line == 4002


def test_overlong_lines_are_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "largo.txt", "corto\n" + "x" * 5000 + "\n")
    with pytest.raises(ParseError) as caught:
        list(decoded_lines(path, "utf-8", max_line=1000))
    assert caught.value.line == 2


def test_a_long_monologue_is_cut_into_continued_turns_and_parts(tmp_path: Path) -> None:
    path = write(tmp_path, "monologo.txt", "".join(f"frase número {n:02d}.\n" for n in range(10)))
    # 16 characters a segment: two fit a 40-character turn, and two such turns do not fit one part.
    conversations = parse(path, max_chars_per_part=40)
    assert [c.key for c in conversations] == ["monologo"] + [f"monologo#part{n}" for n in range(2, 6)]
    assert [turns(c) for c in conversations] == [
        [("unknown", f"frase número {n:02d}. frase número {n + 1:02d}.", n + 1, {"segments": 2} | more)]
        for n, more in zip(range(0, 10, 2), [{}] + [{"continued": True}] * 4, strict=True)
    ]
    assert [(c.metadata["part"], c.metadata["first_line"], c.metadata.get("split_by")) for c in conversations] == [
        (1, 1, None),
        (2, 3, "chars"),
        (3, 5, "chars"),
        (4, 7, "chars"),
        (5, 9, "chars"),
    ]
    assert {c.metadata["segments"] for c in conversations} == {2}


def test_parts_by_turns_keep_every_turn() -> None:
    whole = only(FIXTURES / "llamada.srt")
    parts = parse(FIXTURES / "llamada.srt", max_turns_per_part=2)
    assert [len(c.turns) for c in parts] == [2, 2]
    assert [t for c in parts for t in turns(c)] == turns(whole)
    assert [c.metadata.get("split_by") for c in parts] == [None, "turns"]
    assert sum(c.metadata["segments"] for c in parts) == whole.metadata["segments"]
    assert max(c.metadata["duration_s"] for c in parts) == whole.metadata["duration_s"]


def test_unreadable_path_is_a_parse_error(tmp_path: Path) -> None:
    with pytest.raises(ParseError):
        parse(tmp_path / "no-existe.srt")


def test_json_stream_refuses_oversized_values(tmp_path: Path) -> None:
    path = write(tmp_path, "big.json", '["' + "a" * 50_000 + '"]')
    with JsonStream(path, "utf-8", chunk=1024, max_value=10_000) as stream:
        with pytest.raises(ParseError, match="over"):
            for _ in stream.items():
                stream.value()
    with JsonStream(path, "utf-8", chunk=1024, max_value=10_000) as stream:  # skipping holds nothing
        for _ in stream.items():
            stream.skip()
        assert stream.at_end()


def test_json_stream_skips_scalars_and_walks_values_wider_than_its_window(tmp_path: Path) -> None:
    wide = '{"a": 12.5,\n "b": [1, {"c": [2, 3]}, "' + "x" * 3000 + '"%s],\n "d": true}'
    with JsonStream(write(tmp_path, "ancho.json", wide % ""), "utf-8", chunk=1024) as stream:
        keys = []
        for key in stream.keys():
            keys.append(key)
            stream.skip()
        assert keys == ["a", "b", "d"] and stream.at_end()
    with JsonStream(write(tmp_path, "roto.json", wide % "\n 7"), "utf-8", chunk=1024) as stream:
        with pytest.raises(ParseError, match="expected ',' or ']'") as caught:
            for _ in stream.keys():
                stream.skip()
    assert caught.value.line == 3


# -- sniffing and detection ----------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: p.name)
def test_sniff_claims_every_fixture_over_kommo(path: Path) -> None:
    head = read_head(path)
    mine, kommo = TranscriptParser.sniff(path, head), KommoExportParser.sniff(path, head)
    assert mine.confidence >= 0.35 and mine.reason
    assert kommo.confidence < mine.confidence


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("chat.txt", "[12/03/24, 10:15:32] Ana: Hola\n[12/03/24, 10:16:01] Luis: Buenas\n"),
        ("chat.txt", "12/03/2024, 10:15 - Ana: Hola\n12/03/2024, 10:16 - Luis: Buenas\n"),
        ("openai.json", '{"messages": [{"role": "user", "content": "hola"}]}'),
        ("turnos.csv", "conversation_id,speaker,text\n1,cliente,hola\n"),
        ("leads.json", '{"_embedded": {"leads": [{"id": 1}]}}'),
    ],
)
def test_sniff_stays_low_on_other_formats(tmp_path: Path, name: str, content: str) -> None:
    path = write(tmp_path, name, content)
    assert TranscriptParser.sniff(path, read_head(path)).confidence < 0.3


def _all_parsers_importable() -> bool:
    try:
        for name in parser_names():
            parser_class(name)
    except ImportError:
        return False
    return True


@pytest.mark.skipif(not _all_parsers_importable(), reason="other registered parser modules are not written yet")
@pytest.mark.parametrize("path", ALL_FIXTURES, ids=lambda p: p.name)
def test_detect_format_picks_transcript(path: Path) -> None:
    from scsf.parsers.detect import detect_format

    assert detect_format(path).format == "transcript_raw"


# -- streaming ---------------------------------------------------------------------------------------------------


def test_large_whisperx_json_streams(tmp_path: Path) -> None:
    """~35 MB: a huge top-level text and word-level data are skipped; only the turns' text stays in memory."""
    path = tmp_path / "grande.json"
    words = json.dumps([{"word": "Sí.", "start": 1.0, "end": 1.2, "score": 0.9, "speaker": "SPEAKER_00"}] * 5)
    with path.open("w", encoding="utf-8") as out:
        out.write('{"text": "')
        for _ in range(7_500):
            out.write("Buenas tardes, ¿todavía tienen el Versa? " * 100)
        out.write('", "segments": [\n')
        for number in range(3_000):
            speaker = f"SPEAKER_0{(number // 50) % 2}"
            out.write(f'{{"start": {number}, "end": {number + 0.9}, "text": " Sí.", "speaker": "{speaker}", ')
            out.write(f'"words": {words}}},\n')
        out.write('{"start": 3000, "end": 3001, "text": " Fin."}],\n"word_segments": [')
        out.write(",".join([words[1:-1]] * 1_000))
        out.write('], "language": "es"}')
    assert path.stat().st_size > 30_000_000
    seen = consume(TranscriptParser().parse(path))
    assert seen.peak < 30_000_000, seen.peak
    conversation = seen.last
    assert seen.conversations == 1 and conversation is not None
    assert conversation.metadata == {"source_format": "whisper_json", "segments": 3_001, "duration_s": 3001.0} | {
        "part": 1,
        "first_line": 2,
    }
    assert len(conversation.turns) == 61 and conversation.turns[-1].speaker == "unknown"
    assert conversation.turns[-1].provenance.line == 3_002


def test_large_vtt_streams(tmp_path: Path) -> None:
    """~28 MB of transcriber notes between 300 cues: read line by line, never whole."""
    path = tmp_path / "grande.vtt"
    note = "NOTE\n" + ("Comentario del transcriptor sobre la llamada. " * 200 + "\n") * 10 + "\n"
    with path.open("w", encoding="utf-8") as out:
        out.write("WEBVTT\n\n")
        for n in range(300):
            out.write(note)
            out.write(f"00:{n // 60:02d}:{n % 60:02d}.000 --> 00:{n // 60:02d}:{n % 60:02d}.900\n")
            out.write(f"<v {'Cliente' if n % 2 else 'Vendedor'}>Sí.</v>\n\n")
    assert path.stat().st_size > 25_000_000
    seen = consume(TranscriptParser().parse(path))
    assert seen.peak < 30_000_000, seen.peak
    assert seen.turns == 300 and seen.last is not None and seen.last.metadata["duration_s"] == 299.9


def test_srt_memory_does_not_grow_with_the_file(tmp_path: Path) -> None:
    path = tmp_path / "grande.srt"
    with path.open("w", encoding="utf-8") as out:
        for number in range(12_000):
            start = number * 2
            stamp = f"{start // 3600:02d}:{start // 60 % 60:02d}:{start % 60:02d}"
            speaker = "Vendedor" if (number // 1000) % 2 else "Cliente"
            out.write(f"{number + 1}\n{stamp},000 --> {stamp},900\n<i>{speaker}:</i> Sí.\n\n")
    seen = consume(TranscriptParser().parse(path))
    assert seen.peak < path.stat().st_size // 2, seen.peak
    assert seen.last is not None and [t.extra["segments"] for t in seen.last.turns] == [1000] * 12


def test_a_50_mb_monologue_streams_in_bounded_memory(tmp_path: Path) -> None:
    """200,000 unlabelled lines of 255 characters (~50 MB) are one speaker: before, one turn of the whole file; now
    turns cut at 1 MiB (4,096 segments of 256 characters with their space) are parts of their own, streamed out."""
    path = tmp_path / "monologo.txt"
    filler = ("precio " * 36)[:248]  # no trailing blank: 255 characters a line, as the segment's text
    with path.open("w", encoding="utf-8") as out:
        for n in range(200_000):
            out.write(f"{n:06d} {filler}\n")
    size = path.stat().st_size
    assert size > 50_000_000
    seen = parse_in_child("transcript_raw", path)
    assert (seen["conversations"], seen["turns"]) == (49, 49)  # 48 x 4,096 segments + 3,392
    assert seen["chars"] == 200_000 * 256 - 49  # every segment, one space between two in a turn
    assert seen["last_metadata"] == {
        "source_format": "txt", "segments": 3_392, "duration_s": None, "part": 49, "first_line": 196_609,
        "split_by": "chars",
    }  # fmt: skip
    assert seen["last_text"].endswith(f"199998 {filler} 199999 {filler}")
    # One part is a 1 MiB turn, held as its segments, their joined chunks and the turn's text (~5 MiB measured);
    # the whole file as one turn grew the peak by ~98 MiB.
    assert seen["peak"] < size // 5, f"peak grew {seen['peak'] / 2**20:.1f} MiB for {size / 2**20:.0f} MiB"


# -- any bytes: conversations or ParseError --------------------------------------------------------------------


class TestFuzz(ParserFuzz):
    parsers = (
        TranscriptParser(),
        TranscriptParser(TranscriptParser.Options(max_turns_per_part=2, max_chars_per_part=9)),
    )
    fixtures = ALL_FIXTURES
    suffixes = (".json", ".srt", ".vtt", ".tsv", ".txt", ".bin")
    tokens = [
        b"-->", b"\n\n", b"WEBVTT", b"<v ", b"</v>", b"NOTE", b"\t", b":", b"[", b"]", b"{", b"}", b'"', b",", b"\\u",
        b"\xff", b"\xc3", b"99:99:99,999", b"00:00:01,000 --> 00:00:02,000\n", b"NaN", b"1e999", b"SPEAKER_00: ",
        b"\r", b"\x00", b"-", b"1\n", b"start\tend\ttext\n",
    ]  # fmt: skip
