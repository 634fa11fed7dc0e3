"""End-to-end runs through the real CLI, real llama.cpp models, a real DuckDB file and real signatures."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scsf.paths import Home
from scsf.store import Store

pytestmark = pytest.mark.model

CLI = str(Path(sys.executable).parent / "scsf-appliance")
SHARED_MODELS = Home.resolve().models  # where installer/setup.sh assembled the weights
TEST_MODEL = "qwen2.5-coder-0.5b-instruct-q4_k_m"
PLUMBING_MODEL = "smollm2-135m-instruct-q4_1"


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    """A fresh data directory sharing the assembled model files; `init` already run."""
    if not (SHARED_MODELS / "verified.json").exists():
        pytest.skip(f"models not assembled in {SHARED_MODELS}: run installer/setup.sh")
    env = {**os.environ, "SCSF_HOME": str(tmp_path / "home"), "SCSF_MODELS_DIR": str(SHARED_MODELS)}
    subprocess.run([CLI, "init"], env=env, check=True, capture_output=True)
    return env


def cli(env: dict[str, str], *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([CLI, *args], env=env, capture_output=True, text=True, check=check, timeout=900)


def test_run_end_to_end_with_real_model(cli_env: dict[str, str]) -> None:
    done = cli(cli_env, "run", "--model", TEST_MODEL, "--max-seeds", "1", "--per-seed", "1", "--threads", "1", "--json")
    outcome = json.loads(done.stdout)
    assert (outcome["status"], outcome["planned"], outcome["stored"]) == ("completed", 1, 1)
    records = [json.loads(line) for line in Path(outcome["dataset"]).read_text(encoding="utf-8").splitlines()]
    assert len(records) == 1
    turns = records[0]["conversations"]
    assert turns[0]["from"] == "human" and turns[-1]["from"] == "gpt"
    assert all(turn["value"].strip() for turn in turns)
    verified = cli(cli_env, "report", "verify", outcome["report"], "--json")
    assert json.loads(verified.stdout)["run_id"] == outcome["run_id"]
    report = json.loads(Path(outcome["report"]).read_text(encoding="utf-8"))["report"]
    assert report["model"]["name"] == TEST_MODEL
    assert report["counts"] == {"planned": 1, "stored": 1, "failed_attempts": report["counts"]["failed_attempts"]}


def test_report_with_one_flipped_byte_fails_verification(cli_env: dict[str, str]) -> None:
    outcome = json.loads(
        cli(cli_env, "run", "--model", PLUMBING_MODEL, "--max-seeds", "1", "--threads", "1", "--json").stdout
    )
    report = Path(outcome["report"])
    data = bytearray(report.read_bytes())
    position = data.index(b'"stored": 1') + len(b'"stored": ')
    data[position] = ord("2")
    report.write_bytes(bytes(data))
    failed = cli(cli_env, "report", "verify", str(report), check=False)
    assert failed.returncode == 1
    assert failed.stderr.strip().splitlines() == [
        f"error: {report}: signature does not match: the report was modified after signing"
    ]


def test_killed_run_resumes_without_duplicates_or_losses(cli_env: dict[str, str], tmp_path: Path) -> None:
    args = [CLI, "run", "--model", PLUMBING_MODEL, "--max-seeds", "2", "--per-seed", "2", "--threads", "1"]
    process = subprocess.Popen(args, env=cli_env, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
    deadline = time.monotonic() + 600
    for line in process.stderr:
        if line.startswith("stored conv-") or time.monotonic() > deadline:
            break
    process.send_signal(signal.SIGKILL)
    process.wait()
    database = Path(cli_env["SCSF_HOME"]) / "scsf.duckdb"
    with Store.open(database) as store:
        (run,) = store.list_runs()
        assert run["status"] == "running"
        assert 1 <= run["stored"] < run["planned"] == 4
        before = {c.conversation_id: c.turns for c in store.conversations(run["run_id"])}
    resumed = json.loads(cli(cli_env, "run", "--resume", run["run_id"], "--json").stdout)
    assert (resumed["status"], resumed["planned"], resumed["stored"]) == ("completed", 4, 4)
    with Store.open(database) as store:
        after = list(store.conversations(run["run_id"]))
        ids = [conversation.conversation_id for conversation in after]
        assert len(ids) == len(set(ids)) == 4
        assert {c.conversation_id: c.turns for c in after if c.conversation_id in before} == before
        events, _ = store.verify_audit_chain()
        stored_events = store.con.execute(
            "SELECT count(*) FROM audit_events WHERE kind = 'conversation.stored' AND run_id = ?", [run["run_id"]]
        ).fetchone()[0]
    assert stored_events == 4
    assert len(Path(resumed["dataset"]).read_text(encoding="utf-8").splitlines()) == 4
    (listed,) = json.loads(cli(cli_env, "runs", "list", "--json").stdout)
    assert (listed["run_id"], listed["status"], listed["planned"], listed["stored"]) == (run["run_id"], "completed", 4, 4)
    cli(cli_env, "report", "verify", resumed["report"])
