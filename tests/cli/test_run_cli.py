"""`run` through Typer with a scripted backend and a stub gate: what it prints about the quality gate, and its
options `--no-quality-gate` and `--regenerate-rejected` (the real model and PII scanner: tests/integration)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import typer
from scripted_backend import ScriptedBackend
from typer.testing import CliRunner

from appliance.commands import run
from appliance.state import state
from scsf.domains import DomainRegistry
from scsf.errors import ConfigError
from scsf.eval.base import MetricResult, Verdict
from scsf.pipeline import backend as backend_module
from scsf.pipeline import gate as gate_module
from scsf.reports import generate_keypair
from scsf.seeds.importer import import_seed_files, pilot_seed_files
from scsf.store import Store

cli = typer.Typer()
cli.command("run")(run.run)
cli.command("other")(lambda: None)  # two commands: `run` stays a subcommand


class RejectAll:
    """A gate that rejects every conversation on `diversidad_lexica`, after asking the judge when there is one."""

    def __init__(self, domains: DomainRegistry, judge=None) -> None:
        self.domains, self.judge = domains, judge

    def evaluate_many(self, pairs, references=None, workers=1):
        for conversation, seed in pairs:
            if self.judge is not None:
                self.judge(conversation, seed, self.domains.get(seed.dominio))
            failed = MetricResult("diversidad_lexica", 0.2, 0.55, False, ["score 0.2 below the threshold 0.55"])
            yield Verdict.from_results(conversation.conversation_id, [failed])


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, domains: DomainRegistry) -> Path:
    root = tmp_path / "home"
    monkeypatch.setattr(state, "home_override", root)
    monkeypatch.setattr(backend_module, "open_backend", lambda config, home: ScriptedBackend())
    monkeypatch.setattr(gate_module, "default_evaluator", RejectAll)
    resolved = state.home.ensure()
    generate_keypair(resolved.keys)
    with Store.open(resolved.database) as store:
        import_seed_files(pilot_seed_files(), store, domains)
    return root


def invoke(*args: str):
    result = CliRunner().invoke(cli, ["run", "--max-seeds", "3", *args], env={"COLUMNS": "200", "NO_COLOR": "1"})
    assert result.exit_code == 0, result.output
    return result


def test_a_run_with_nothing_accepted_explains_why(home: Path) -> None:
    output = invoke().stdout
    run_id = output.split()[1].rstrip(":")
    assert f"run {run_id}: completed, 3 conversations stored (3 planned)" in output
    assert "accepted 0/3\nrejected most by diversidad_lexica (3)\n" in output
    assert "Small CPU demo models write repetitive text, so a demo run may have none accepted." in output
    assert f"quality  `scsf-appliance quality {run_id}`" in output
    dataset = home / "runs" / run_id / "dataset.sharegpt.jsonl"
    assert f"dataset  {dataset}" in output
    assert dataset.read_text(encoding="utf-8") == ""


def test_no_quality_gate_exports_everything(home: Path) -> None:
    output = invoke("--no-quality-gate").stdout
    assert "quality gate off: the dataset holds every stored conversation, unevaluated" in output
    dataset = Path(output.split("dataset  ")[1].split("\n")[0])
    assert len(dataset.read_text(encoding="utf-8").splitlines()) == 3


def test_regenerate_rejected_within_its_budget(home: Path) -> None:
    outcome = json.loads(invoke("--regenerate-rejected", "--max-regenerations", "2", "--json").stdout)
    assert (outcome["status"], outcome["planned"], outcome["stored"]) == ("completed", 3, 5)
    assert (outcome["accepted"], outcome["replacements"]) == (0, 2)
    assert outcome["rejected_by_metric"] == {"diversidad_lexica": 5}


def test_judge_options_go_into_the_stored_config_and_the_outcome(home: Path) -> None:
    outcome = json.loads(invoke("--judge-model", "scripted-test-model", "--json").stdout)
    assert outcome["judge"]["model"] == "scripted-test-model" and outcome["judge"]["conversations"] == 3
    with Store.open(home / "scsf.duckdb", read_only=True) as store:
        stored = store.get_run(outcome["run_id"])["config"]
    assert (stored["judge"], stored["judge_model"], stored["judge_endpoint"]) == (True, "scripted-test-model", None)
    printed = invoke("--judge").stdout
    assert "judge    scripted-test-model (scripted, prompt " in printed


def test_a_judge_endpoint_off_the_machine_is_refused(home: Path) -> None:
    result = CliRunner().invoke(cli, ["run", "--judge-endpoint", "http://192.168.1.20:8000/v1"])
    assert isinstance(result.exception, ConfigError)
    assert result.exception.msg == (
        "run config: judge_endpoint: 'http://192.168.1.20:8000/v1' is not loopback; the judge runs on this machine only"
    )


def test_resume_takes_no_judge_options(home: Path) -> None:
    result = CliRunner().invoke(cli, ["run", "--resume", "run-x", "--judge"])
    assert result.exit_code == 2 and "--resume reuses the run's stored config" in result.output
