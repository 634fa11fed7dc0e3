"""`pii scan` and `pii redact` through Typer's CliRunner on the command's own app (real engine)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from appliance.commands.pii import app
from scsf.privacy import PiiScanner

LINES = [
    "Hola, me llamo Juan Pérez, mi cel es 55 1234 5678",
    "",
    "Mi CURP es BOXW310820HNERXN09",
    "El precio es $389,900 con 45,000 km",
    "Hi, my name is John Smith",
]


@pytest.fixture
def source(tmp_path: Path, scanner: PiiScanner) -> Path:  # the scanner fixture loads the engine once
    path = tmp_path / "chat.txt"
    path.write_text("\n".join(LINES) + "\n", encoding="utf-8")
    return path


def test_scan_json_one_line_per_input_line(source: Path) -> None:
    result = CliRunner().invoke(app, ["scan", str(source), "--json"])
    assert result.exit_code == 0, result.output
    documents = [json.loads(line) for line in result.stdout.splitlines()]
    assert [d["line"] for d in documents] == [1, 2, 3, 4, 5]
    assert documents[0]["findings"] == [
        {"entity_type": "PERSON", "start": 15, "end": 25, "text": "Juan Pérez", "score": 0.9},
        {"entity_type": "PHONE_NUMBER", "start": 37, "end": 49, "text": "55 1234 5678", "score": 0.95},
    ]
    assert documents[1]["findings"] == [] and documents[3]["findings"] == []
    assert documents[2]["findings"] == [
        {"entity_type": "CURP", "start": 11, "end": 29, "text": "BOXW310820HNERXN09", "score": 1.0}
    ]
    assert [f["text"] for f in documents[4]["findings"]] == ["John Smith"]


def test_scan_stdin_and_language(source: Path) -> None:
    text = source.read_text(encoding="utf-8")
    auto = CliRunner().invoke(app, ["scan", "-", "--json"], input=text)
    spanish = CliRunner().invoke(app, ["scan", "-", "--json", "--lang", "es"], input=text)
    assert auto.exit_code == spanish.exit_code == 0
    assert len(auto.stdout.splitlines()) == len(spanish.stdout.splitlines()) == 5
    assert json.loads(auto.stdout.splitlines()[2]) == json.loads(spanish.stdout.splitlines()[2])


def test_scan_table(source: Path) -> None:
    result = CliRunner().invoke(app, ["scan", str(source)], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "BOXW310820HNERXN09" in result.output and "PHONE_NUMBER" in result.output
    assert "in 3 of 5 lines" in result.output
    clean = CliRunner().invoke(app, ["scan", "-"], input="hola\nbuen día\n")
    assert "no PII found in 2 lines" in clean.output


def test_scan_min_score(source: Path) -> None:
    result = CliRunner().invoke(app, ["scan", str(source), "--json", "--min-score", "0.99"])
    found = [f["entity_type"] for line in result.stdout.splitlines() for f in json.loads(line)["findings"]]
    assert found == ["CURP"]


def test_bad_arguments() -> None:
    assert CliRunner().invoke(app, ["scan", "/no/such/file"]).exit_code == 2
    assert CliRunner().invoke(app, ["scan", "-", "--lang", "fr"], input="x").exit_code == 2


def test_redact_command(source: Path) -> None:
    tagged = CliRunner().invoke(app, ["redact", str(source)])
    assert tagged.exit_code == 0, tagged.output
    assert tagged.stdout.splitlines()[0] == "Hola, me llamo [PERSON], mi cel es [PHONE_NUMBER]"
    assert tagged.stdout.splitlines()[3] == LINES[3]
    fake = CliRunner().invoke(app, ["redact", str(source), "--mode", "pseudonymize", "--seed", "s1"])
    again = CliRunner().invoke(app, ["redact", str(source), "--mode", "pseudonymize", "--seed", "s1"])
    assert fake.stdout == again.stdout and "Juan" not in fake.stdout and "BOXW310820HNERXN09" not in fake.stdout
