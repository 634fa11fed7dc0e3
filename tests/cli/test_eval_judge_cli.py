"""`scsf-appliance eval RUN_ID --judge` on a tiny stored run: one faithful conversation, one with an invented model
and a wrong down payment. Once with a scripted judge double (the CLI's plumbing, whatever the judge's prompt), once
with the real 0.5B through llama.cpp."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from appliance.cli import app
from scsf.domains import DomainRegistry
from scsf.errors import ConfigError
from scsf.paths import Home
from scsf.pipeline import judge_backend
from scsf.store import Store
from scsf.store.duckdb import RunItem

sys.path.insert(0, str(Path(__file__).parents[1] / "unit"))
sys.path.insert(0, str(Path(__file__).parents[1]))
from eval_cases import FAITHFUL, conversation, make_seed
from scripted_backend import ScriptedBackend
from test_runner_judge import ScriptedJudge

RUN_ID = "run-test"
TEST_MODEL = "qwen2.5-coder-0.5b-instruct-q4_k_m"
SHARED_MODELS = Home.resolve().models
UNFAITHFUL = list(FAITHFUL)
UNFAITHFUL[3] = ("agente_ventas", "Le propongo el Zentra GT con enganche del 35 % y plazo de 48 meses.")
runner = CliRunner()


@pytest.fixture
def stored_run(tmp_path: Path) -> Path:
    """A data directory holding listing 1's seed and a run of two conversations."""
    root = tmp_path / "home"
    domains = DomainRegistry.load()
    seed = make_seed(domains)
    conversations = [
        conversation(seed, FAITHFUL, conversation_id="conv-faithful"),
        conversation(seed, UNFAITHFUL, conversation_id="conv-unfaithful"),
    ]
    with Store.open(Home(root).ensure().database) as store:
        store.import_seeds([(seed, "test")])
        items = [RunItem(c.conversation_id, seed.seed_id, 1, c.variant, c.index) for c in conversations]
        store.create_run(RUN_ID, {}, items)
        for item in conversations:
            store.put_conversation(item)
    return root


def test_eval_with_a_scripted_judge(stored_run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    backend = ScriptedBackend()
    monkeypatch.setattr(judge_backend, "open_backend", lambda config, home: backend)
    monkeypatch.setattr(judge_backend, "LlmJudge", ScriptedJudge)
    result = runner.invoke(app, ["--home", str(stored_run), "eval", RUN_ID, "--judge", "--json"])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.stdout)
    assert payload["accepted"] == 1 and payload["rejected_by_metric"] == {"fidelidad_factual": 1}
    assert payload["judge"]["model"] == "scripted-test-model" and payload["judge"]["calls"] == 2
    assert backend.closed


def test_eval_refuses_a_judge_endpoint_off_the_machine(stored_run: Path) -> None:
    result = runner.invoke(
        app, ["--home", str(stored_run), "eval", RUN_ID, "--judge-endpoint", "http://example.com/v1"]
    )
    assert isinstance(result.exception, ConfigError)
    assert result.exception.msg == (
        "eval --judge: judge_endpoint: 'http://example.com/v1' is not loopback; the judge runs on this machine only"
    )


def test_quality_prints_the_distribution_after_eval(stored_run: Path) -> None:
    assert runner.invoke(app, ["--home", str(stored_run), "eval", RUN_ID]).exit_code == 0
    dashboard = json.loads(runner.invoke(app, ["--home", str(stored_run), "quality", RUN_ID, "--json"]).stdout)
    assert dashboard["distribution"]["all"]["conversations"] == 2
    assert dashboard["distribution"]["accepted"]["conversations"] == dashboard["accepted"] == 1
    printed = runner.invoke(app, ["--home", str(stored_run), "quality", RUN_ID], env={"COLUMNS": "200"})
    assert printed.exit_code == 0, printed.output
    assert "distribution (accepted / all)" in printed.output and "per seed" in printed.output
    assert re.search(r"languages\s*│\s*es\s*│\s*1\s*│\s*2\s*│", printed.output), printed.output


def test_eval_in_worker_processes_gives_the_same_verdicts(stored_run: Path) -> None:
    results = {}
    for workers in ("1", "2"):
        invoked = runner.invoke(app, ["--home", str(stored_run), "eval", RUN_ID, "--workers", workers, "--json"])
        assert invoked.exit_code == 0, invoked.output
        results[workers] = json.loads(invoked.stdout)
    assert results["1"] == results["2"]
    assert results["2"]["accepted"] == 1 and results["2"]["rejected_by_metric"] == {"fidelidad_factual": 1}


@pytest.mark.model
def test_eval_judge_through_the_real_model(stored_run: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if not (SHARED_MODELS / "verified.json").exists():
        pytest.skip(f"models not assembled in {SHARED_MODELS}: run installer/setup.sh")
    monkeypatch.setenv("SCSF_MODELS_DIR", str(SHARED_MODELS))
    result = runner.invoke(app, ["--home", str(stored_run), "eval", RUN_ID, "--judge-model", TEST_MODEL])
    assert result.exit_code == 0, result.output
    assert f"judge: {TEST_MODEL} (llamacpp), 34 calls, 0 conversations without a valid answer" in result.output
    assert f"run {RUN_ID}: 1/2 accepted" in result.output  # the 35 % down payment is caught without the judge too
    quality = runner.invoke(app, ["--home", str(stored_run), "quality", RUN_ID, "--json"])
    assert quality.exit_code == 0, quality.output
