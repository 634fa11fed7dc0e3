"""One normal form for turn times across parsers: naive as written unless the source states an offset (kept as
stated); epoch numbers are instants in UTC; naive and aware times are never compared."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from scsf.parsers.base import Parser
from scsf.parsers.csv_turns import CSVDialogParser
from scsf.parsers.json_generic import JSONConversationParser
from scsf.parsers.kommo import KommoExportParser
from scsf.parsers.timestamps import elapsed, from_epoch, order_key, parse_timestamp
from scsf.parsers.whatsapp import WhatsAppParser

UTC = timezone.utc
CDMX = timezone(timedelta(hours=-6))


@pytest.mark.parametrize(
    ("value", "expected", "offset"),
    [
        ("2024-03-05T10:15:00-06:00", datetime(2024, 3, 5, 10, 15, tzinfo=CDMX), timedelta(hours=-6)),
        ("2024-03-05T16:15:00Z", datetime(2024, 3, 5, 16, 15, tzinfo=UTC), timedelta(0)),
        ("2024-03-05 10:15", datetime(2024, 3, 5, 10, 15), None),
        ("2024-03-05", datetime(2024, 3, 5), None),
        ("20240305", datetime(2024, 3, 5), None),
        (1709655300, datetime(2024, 3, 5, 16, 15, tzinfo=UTC), timedelta(0)),
        (1709655300.5, datetime(2024, 3, 5, 16, 15, 0, 500000, tzinfo=UTC), timedelta(0)),
        (1709655300000, datetime(2024, 3, 5, 16, 15, tzinfo=UTC), timedelta(0)),
        ("1709655300", datetime(2024, 3, 5, 16, 15, tzinfo=UTC), timedelta(0)),
        (0, datetime(1970, 1, 1, tzinfo=UTC), timedelta(0)),
    ],
)
def test_parse_timestamp_keeps_what_the_source_states(value: Any, expected: datetime, offset: timedelta | None) -> None:
    parsed = parse_timestamp(value)
    assert parsed == expected and parsed is not None and parsed.utcoffset() == offset


@pytest.mark.parametrize("value", [None, "", "  "])
def test_no_time_is_none(value: Any) -> None:
    assert parse_timestamp(value) is None


@pytest.mark.parametrize(
    "value", ["ayer", "2024-13-01", True, [1], {"t": 1}, 1e20, 10**400, "1" * 400, "-" * 3, -5, 4_102_444_800, "nan"]
)
def test_bad_timestamps_raise_value_error(value: Any) -> None:
    with pytest.raises(ValueError):
        parse_timestamp(value)


def test_epoch_range_and_unit() -> None:
    assert from_epoch(4_102_444_799) == datetime(2099, 12, 31, 23, 59, 59, tzinfo=UTC)  # seconds up to 2100
    assert from_epoch(100_000_000_000) == datetime(1973, 3, 3, 9, 46, 40, tzinfo=UTC)  # from 1e11: milliseconds
    for bad in (-1, 4_102_444_800, 99_999_999_999, float("inf"), float("nan"), 1e30):  # 1e11 - 1 s: year 5138
        with pytest.raises(ValueError, match="out of range"):
            from_epoch(bad)


def test_naive_and_aware_times_are_never_compared() -> None:
    naive, later_naive = datetime(2024, 3, 5, 10, 0), datetime(2024, 3, 5, 12, 30)
    aware, later_aware = datetime(2024, 3, 5, 10, 0, tzinfo=CDMX), datetime(2024, 3, 5, 16, 30, tzinfo=UTC)
    assert elapsed(naive, later_naive) == 9000
    assert elapsed(aware, later_aware) == 1800  # instants: 16:00 UTC to 16:30 UTC
    assert elapsed(naive, later_aware) is None and elapsed(aware, later_naive) is None
    assert elapsed(None, naive) is None and elapsed(naive, None) is None
    assert order_key(naive) == order_key(datetime(2024, 3, 5, 10, 0, tzinfo=UTC))  # sorting reads naive as UTC


def _stamps(parser: Parser, path: Path) -> list[str | None]:
    return [t.timestamp.isoformat() if t.timestamp else None for c in parser.parse(path) for t in c.turns]


def test_every_parser_shows_an_offset_exactly_when_the_source_fixed_the_instant(tmp_path: Path) -> None:
    chat = tmp_path / "chat.txt"
    chat.write_text("13/03/24, 09:17 - Ana: Hola\n13/03/24, 09:18 - Beto: ¿Qué tal?\n", encoding="utf-8")
    assert _stamps(WhatsAppParser(), chat) == ["2024-03-13T09:17:00", "2024-03-13T09:18:00"]

    rows = tmp_path / "turnos.csv"
    rows.write_text(
        "conversation_id,speaker,text,timestamp\n"
        "1,a,hola,2024-03-05 10:15\n1,b,qué tal,2024-03-05T10:16:00-06:00\n1,a,bien,1709655360\n1,b,ok,\n",
        encoding="utf-8",
    )
    assert _stamps(CSVDialogParser(), rows) == [
        "2024-03-05T10:15:00", "2024-03-05T10:16:00-06:00", "2024-03-05T16:16:00+00:00", None,
    ]  # fmt: skip

    notes = tmp_path / "notas.csv"
    notes.write_text("ID de lead;Autor;Texto;Fecha\n7;Asesora;uno;15/03/2024 10:00\n7;Asesora;dos;1710511260\n")
    assert _stamps(KommoExportParser(), notes) == ["2024-03-15T10:00:00", "2024-03-15T14:01:00+00:00"]

    api = tmp_path / "notas.json"
    note = {"entity_id": 7, "created_at": 1710511200, "note_type": "common", "params": {"text": "hola"}}
    api.write_text(json.dumps({"_embedded": {"notes": [note]}}), encoding="utf-8")
    assert _stamps(KommoExportParser(), api) == ["2024-03-15T14:00:00+00:00"]

    dialog = tmp_path / "d.jsonl"
    turns = [{"speaker": "a", "text": "x", "time": "2024-03-05T16:15:00Z"}, {"speaker": "b", "text": "y", "time": 5}]
    dialog.write_text(json.dumps({"turns": turns}) + "\n", encoding="utf-8")
    assert _stamps(JSONConversationParser(), dialog) == ["2024-03-05T16:15:00+00:00", "1970-01-01T00:00:05+00:00"]

