"""`report verify` through Typer, on an app made of the report commands only."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from appliance.commands import report
from appliance.state import state
from scsf.errors import ReportError
from scsf.hashing import file_sha256
from scsf.reports import generate_keypair, load_private_key, write_signed_report

cli = typer.Typer()
cli.add_typer(report.app, name="report")
runner = CliRunner()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "home"
    monkeypatch.setattr(state, "home_override", root)
    return root


@pytest.fixture
def signed(home: Path) -> tuple[Path, str]:
    info = generate_keypair(home / "keys")
    run_dir = home / "runs" / "run-7"
    run_dir.mkdir(parents=True)
    (run_dir / "dataset.jsonl").write_text("{}\n", encoding="utf-8")
    document = {
        "run_id": "run-7",
        "counts": {"accepted": 1},
        "artifacts": [{"kind": "dataset", "path": "dataset.jsonl", "sha256": file_sha256(run_dir / "dataset.jsonl")}],
    }
    return write_signed_report(run_dir, document, load_private_key(home / "keys")).json, info.key_id


def test_verify_ok_with_default_key(signed: tuple[Path, str]) -> None:
    path, key = signed
    result = runner.invoke(cli, ["report", "verify", str(path)])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"OK: report run-7 signed by {key}; 2 artifacts verified"


def test_verify_json(signed: tuple[Path, str]) -> None:
    path, key = signed
    result = runner.invoke(cli, ["report", "verify", str(path), "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert payload["ok"] is True and payload["run_id"] == "run-7" and payload["key_id"] == key
    assert [Path(p).name for p in payload["files"]] == ["dataset.jsonl", "report.md"]


def test_verify_with_other_public_key_fails(signed: tuple[Path, str], tmp_path: Path) -> None:
    path, _ = signed
    other = generate_keypair(tmp_path / "other")
    result = runner.invoke(cli, ["report", "verify", str(path), "--public-key", str(other.public_path)])
    assert result.exit_code == 1
    assert isinstance(result.exception, ReportError)
    assert "signed by untrusted key" in result.exception.msg


def test_verify_tampered_fails(signed: tuple[Path, str]) -> None:
    path, _ = signed
    path.write_text(path.read_text(encoding="utf-8").replace('"accepted": 1', '"accepted": 2'), encoding="utf-8")
    result = runner.invoke(cli, ["report", "verify", str(path)])
    assert result.exit_code == 1
    assert isinstance(result.exception, ReportError)
    assert result.exception.msg.endswith("signature does not match: the report was modified after signing")
