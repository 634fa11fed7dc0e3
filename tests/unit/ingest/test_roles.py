"""Role mapping: role-map file first, then the stated heuristics."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from scsf.errors import ConfigError
from scsf.ingest.roles import assign_roles, load_role_map
from scsf.parsers import ParsedConversation, ParsedTurn, Provenance


def conversation(fmt: str, *speakers: str) -> ParsedConversation:
    turns = [
        ParsedTurn(speaker=s, text=f"mensaje {i}", provenance=Provenance(source="x", line=i + 1))
        for i, s in enumerate(speakers)
    ]
    return ParsedConversation(format=fmt, source="x", key="k", turns=turns)


@pytest.mark.parametrize(
    ("fmt", "speakers", "expected", "reason"),
    [
        ("sharegpt", ("human", "gpt", "system"),
         {"human": "cliente", "gpt": "agente_ventas", "system": "system"}, "speaker labels"),
        ("whatsapp_export", ("+52 55 0000 0001", "Agencia Norte Motors"),
         {"+52 55 0000 0001": "cliente", "Agencia Norte Motors": "agente_ventas"},
         "business account by name (Agencia Norte Motors)"),
        ("whatsapp_export", ("+52 55 0000 0001", "Lupita"),
         {"+52 55 0000 0001": "cliente", "Lupita": "agente_ventas"},
         "phone-number authors are customers; the named account is the business"),
        ("whatsapp_export", ("Beto", "Lupita", "Beto"),
         {"Beto": "cliente", "Lupita": "agente_ventas"},
         "first speaker 'Beto' taken as the customer (inbound chat)"),
        ("transcript_raw", ("SPEAKER_00", "SPEAKER_01"),
         {"SPEAKER_00": "agente_ventas", "SPEAKER_01": "cliente"},
         "first speaker 'SPEAKER_00' taken as the business (calls and CRM notes open with the agent)"),
    ],
)  # fmt: skip
def test_heuristics(domains, fmt, speakers, expected, reason) -> None:
    assignment = assign_roles(conversation(fmt, *speakers), domains.get("automotive.sales"), None)
    assert assignment.mapping == expected
    assert assignment.reason == reason


def test_role_map_file_wins_and_the_rest_is_guessed(domains, tmp_path: Path) -> None:
    path = tmp_path / "roles.toml"
    path.write_text('[roles]\n"Lupita" = "asesor_servicio"\n', encoding="utf-8")
    assignment = assign_roles(
        conversation("whatsapp_export", "Beto", "Lupita"), domains.get("automotive.sales"), load_role_map(path)
    )
    assert assignment.mapping == {"Lupita": "asesor_servicio", "Beto": "cliente"}
    assert assignment.reason.startswith("role-map file; first speaker 'Beto'")


def test_role_map_json_and_errors(tmp_path: Path) -> None:
    good = tmp_path / "roles.json"
    good.write_text(json.dumps({"A": "cliente"}), encoding="utf-8")
    assert load_role_map(good) == {"A": "cliente"}
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"A": 3}), encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_role_map(bad)
    assert caught.value.msg == f"{bad}: a role map is an object of speaker = role strings"


def test_a_later_part_keeps_the_roles_of_the_earlier_parts(domains) -> None:
    """Part 2 of a long chat opens with the business: the first-speaker guess would swap the roles."""
    pack = domains.get("automotive.sales")
    first = assign_roles(conversation("whatsapp_export", "Beto", "Lupita"), pack, None)
    assert first.mapping == {"Beto": "cliente", "Lupita": "agente_ventas"}
    later = assign_roles(conversation("whatsapp_export", "Lupita", "Beto", "Memo"), pack, None, first.mapping)
    assert later.mapping == {"Lupita": "agente_ventas", "Beto": "cliente", "Memo": "cliente"}
    assert later.reason == "as in the earlier parts of this conversation; first speaker 'Memo' taken as the customer (inbound chat)"
    alone = assign_roles(conversation("whatsapp_export", "Lupita", "Beto"), pack, None)
    assert alone.mapping == {"Lupita": "cliente", "Beto": "agente_ventas"}  # what the guess alone would have done
