"""End-to-end ingest through the real CLI, Presidio + spaCy and a DuckDB file: PII never reaches the store."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from scsf.store import Store

CLI = str(Path(sys.executable).parent / "scsf-appliance")
NAME, CURP, PHONE, EMAIL = "Juan Pérez", "GODE561231HDFRRN00", "55 1234 5678", "juan.perez@gmail.com"
EXPORT = f"""12/03/24, 10:15 - {NAME}: Hola, buenas tardes. Me interesa el sedán compacto que anunciaron
12/03/24, 10:16 - Agencia Norte Motors: ¡Hola! Con gusto le ayudamos. ¿Busca financiamiento para el sedán?
12/03/24, 10:18 - {NAME}: Sí, para el sedán. Mi CURP es {CURP} y mi cel es {PHONE}, me llamo {NAME}
12/03/24, 10:20 - Agencia Norte Motors: Gracias. Para el sedán compacto el enganche es del 20 % a 48 meses
12/03/24, 10:22 - {NAME}: Perfecto, mi correo es {EMAIL} para la cotización del sedán
"""
SECRETS = (NAME, "Juan", "Pérez", CURP, PHONE, EMAIL)


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    env = {**os.environ, "SCSF_HOME": str(tmp_path / "home")}
    subprocess.run([CLI, "init"], env=env, check=True, capture_output=True)
    return env


def cli(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], env=env, capture_output=True, text=True, timeout=600)


def store_text(env: dict[str, str]) -> str:
    """Every row of every table, as text: what an auditor could read out of the DuckDB file."""
    with Store.open(Path(env["SCSF_HOME"]) / "scsf.duckdb", read_only=True) as store:
        tables = [row[0] for row in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()]
        return "\n".join(str(store.con.execute(f'SELECT * FROM "{table}"').fetchall()) for table in tables)


def test_pii_is_redacted_before_storage_and_bad_files_are_listed(env: dict[str, str], tmp_path: Path) -> None:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    (inbox / f"WhatsApp Chat with {NAME}.txt").write_text(EXPORT, encoding="utf-8")
    (inbox / "broken.jsonl").write_text('{"messages": [{"role": "user", "content": "hola"}\n', encoding="utf-8")
    done = cli(env, "ingest", str(inbox), "--json")
    assert done.returncode == 1, done.stderr
    (line,) = done.stdout.splitlines()
    record = json.loads(line)
    assert record["format"] == "whatsapp_export"
    assert [turn["role"] for turn in record["turns"]] == ["cliente", "agente_ventas"] * 2 + ["cliente"]
    assert all(secret not in line for secret in SECRETS)
    assert f"rejected: {inbox / 'broken.jsonl'}:1:" in done.stderr
    stored = store_text(env)
    assert "enganche es del 20 %" in stored
    assert [secret for secret in SECRETS if secret in stored] == []
    with Store.open(Path(env["SCSF_HOME"]) / "scsf.duckdb", read_only=True) as store:
        (status, risk), = store.con.execute("SELECT review_status, risk_score FROM imported_conversations").fetchall()
        assert status == "pending_review" and risk > 0.5
        types = dict(store.con.execute(
            "SELECT entity_type, count(*) FROM pii_findings GROUP BY entity_type").fetchall())  # fmt: skip
        assert types == {"PERSON": 1, "CURP": 1, "PHONE_NUMBER": 1, "EMAIL_ADDRESS": 1}
        assert store.con.execute("SELECT count(*) FROM review_queue").fetchone()[0] == 1
        files = dict(store.con.execute("SELECT status, count(*) FROM source_files GROUP BY status").fetchall())
        assert files == {"imported": 1, "failed": 1}
        store.verify_audit_chain()

    again = cli(env, "ingest", str(inbox / f"WhatsApp Chat with {NAME}.txt"))
    assert again.returncode == 0
    assert "0 conversations" in again.stdout and "1 already imported" in again.stdout


def test_dry_run_stores_nothing(env: dict[str, str], tmp_path: Path) -> None:
    export = tmp_path / "chat.txt"
    export.write_text(EXPORT, encoding="utf-8")
    before = store_text(env)
    done = cli(env, "ingest", str(export), "--dry-run", "--redaction", "redact", "--json")
    assert done.returncode == 0, done.stderr
    text = " ".join(turn["text"] for turn in json.loads(done.stdout)["turns"])
    assert "<CURP>" in text or "[CURP]" in text
    assert store_text(env) == before


def test_a_long_chat_split_at_a_silence_keeps_its_roles(env: dict[str, str], tmp_path: Path) -> None:
    """Two days of silence cut the chat in two parts; part 2 opens with the business and must not swap roles."""
    chat = tmp_path / "chat.txt"
    chat.write_text(
        "12/03/24, 10:15 - Beto: Hola, ¿tienen la pickup en existencia?\n"
        "12/03/24, 10:16 - Lupita: Sí, tenemos dos unidades disponibles.\n"
        "15/03/24, 09:00 - Lupita: Buen día, ¿pudo revisar la cotización que le enviamos?\n"
        "15/03/24, 09:05 - Beto: Sí, me interesa el plan a 48 meses.\n",
        encoding="utf-8",
    )
    done = cli(env, "ingest", str(chat), "--dry-run", "--json")
    assert done.returncode == 0, done.stderr
    parts = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    assert len(parts) == 2
    assert [turn["role"] for turn in parts[0]["turns"]] == ["cliente", "agente_ventas"]
    assert [turn["role"] for turn in parts[1]["turns"]] == ["agente_ventas", "cliente"]
