"""End-to-end runs through the real CLI, real llama.cpp models, the real quality gate (PII scanner included), a real
DuckDB file and real signatures. The small models' text is often rejected by the gate, so the dataset is checked
against the verdicts in the store, never for a fixed line count."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from scsf.export.sharegpt import sharegpt_record
from scsf.paths import Home
from scsf.store import Store
from scsf.store.verdicts import VerdictRepository

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


def dataset_matches_the_gate(env: dict[str, str], outcome: dict) -> list[dict]:
    """The dataset holds exactly the conversations the stored verdicts accept, every stored conversation was
    evaluated by every metric (the real PII scanner included), and the signed report's quality section says the
    same; returns the dataset's records."""
    run_id = outcome["run_id"]
    with Store.open(Path(env["SCSF_HOME"]) / "scsf.duckdb", read_only=True) as store:
        repository = VerdictRepository(store)
        verdicts = repository.of_run(run_id)
        by_metric = repository.rejections_by_metric(run_id)
        stored = store.count_conversations(run_id)
    records = [json.loads(line) for line in Path(outcome["dataset"]).read_text(encoding="utf-8").splitlines()]
    assert len(verdicts) == stored == outcome["stored"]
    assert all(verdict.scores["privacy_score"] is not None for verdict in verdicts)
    assert sorted(record["id"] for record in records) == sorted(v.conversation_id for v in verdicts if v.accepted)
    assert outcome["accepted"] == len(records)
    quality = json.loads(Path(outcome["report"]).read_text(encoding="utf-8"))["report"]["quality"]
    assert (quality["gate"], quality["evaluated"], quality["accepted"]) == ("on", stored, len(records))
    assert quality["rejections_by_metric"] == by_metric
    assert quality["distribution"]["all"]["conversations"] == stored
    return records


def test_run_end_to_end_with_real_model(cli_env: dict[str, str]) -> None:
    done = cli(cli_env, "run", "--model", TEST_MODEL, "--max-seeds", "1", "--per-seed", "1", "--threads", "1", "--json")
    outcome = json.loads(done.stdout)
    assert (outcome["status"], outcome["planned"], outcome["stored"]) == ("completed", 1, 1)
    dataset_matches_the_gate(cli_env, outcome)
    with Store.open(Path(cli_env["SCSF_HOME"]) / "scsf.duckdb", read_only=True) as store:
        [conversation] = store.conversations(outcome["run_id"])
    turns = sharegpt_record(conversation)["conversations"]  # the export's form, whether or not the gate accepted it
    assert turns[0]["from"] == "human" and turns[-1]["from"] == "gpt"
    assert all(turn["value"].strip() for turn in turns)
    verified = cli(cli_env, "report", "verify", outcome["report"], "--json")
    assert json.loads(verified.stdout)["run_id"] == outcome["run_id"]
    report = json.loads(Path(outcome["report"]).read_text(encoding="utf-8"))["report"]
    assert report["model"]["name"] == TEST_MODEL
    assert report["counts"] == {"planned": 1, "stored": 1, "failed_attempts": report["counts"]["failed_attempts"]}


def test_regenerate_rejected_with_real_model(cli_env: dict[str, str]) -> None:
    """A rejected conversation gets one replacement (the budget): same seed, next index, recorded in the store."""
    args = ["--max-seeds", "1", "--per-seed", "1", "--threads", "1", "--regenerate-rejected", "--max-regenerations", "1"]
    outcome = json.loads(cli(cli_env, "run", "--model", PLUMBING_MODEL, *args, "--json").stdout)
    assert (outcome["status"], outcome["planned"]) == ("completed", 1)
    dataset_matches_the_gate(cli_env, outcome)
    with Store.open(Path(cli_env["SCSF_HOME"]) / "scsf.duckdb", read_only=True) as store:
        items = store.run_items(outcome["run_id"])
        decisions = VerdictRepository(store).decisions(outcome["run_id"])
    [original, *replacements] = items if items[0].replaces is None else items[::-1]
    assert len(replacements) == outcome["replacements"] == (0 if decisions[original.conversation_id] else 1)
    assert outcome["stored"] == 1 + len(replacements)
    for item in replacements:
        assert (item.seed_id, item.index, item.replaces, item.regen_round) == (original.seed_id, 1, original.conversation_id, 1)
    report = json.loads(Path(outcome["report"]).read_text(encoding="utf-8"))["report"]
    assert report["quality"]["regeneration"]["replaced"] == {item.conversation_id: item.replaces for item in replacements}


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
    dataset_matches_the_gate(cli_env, resumed)
    (listed,) = json.loads(cli(cli_env, "runs", "list", "--json").stdout)
    assert (listed["run_id"], listed["status"], listed["planned"], listed["stored"]) == (run["run_id"], "completed", 4, 4)
    cli(cli_env, "report", "verify", resumed["report"])
