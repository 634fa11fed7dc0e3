"""`run --judge` end to end: the 0.5B through llama.cpp as generator and judge (one model, loaded once), the real gate
(PII scanner included), a real DuckDB file and a signed report that names the judge."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_run_real import TEST_MODEL, cli, cli_env, dataset_matches_the_gate  # noqa: F401 (fixture)

from scsf.eval.judge_prompt import PROMPT_VERSION
from scsf.models.catalog import ModelCatalog
from scsf.paths import Home
from scsf.store import Store
from scsf.store.verdicts import VerdictRepository

pytestmark = pytest.mark.model


def test_a_one_conversation_run_with_the_judge(cli_env: dict[str, str]) -> None:  # noqa: F811
    args = ["--model", TEST_MODEL, "--judge-model", TEST_MODEL, "--max-seeds", "1", "--per-seed", "1", "--threads", "1"]
    outcome = json.loads(cli(cli_env, "run", *args, "--json").stdout)
    assert (outcome["status"], outcome["planned"], outcome["stored"]) == ("completed", 1, 1)
    dataset_matches_the_gate(cli_env, outcome)
    report = json.loads(Path(outcome["report"]).read_text(encoding="utf-8"))["report"]
    judge = report["quality"]["judge"]
    sha256 = ModelCatalog.load(Home(Path(cli_env["SCSF_HOME"]))).get(TEST_MODEL).sha256
    assert (judge["model"], judge["backend"], judge["sha256"], judge["prompt"]) == (
        TEST_MODEL, "llamacpp", sha256, PROMPT_VERSION,
    )  # fmt: skip
    assert judge["conversations"] == 1 and judge["calls"] >= 1 and judge["seconds"] > 0
    assert outcome["judge"] == judge
    assert report["config"]["judge"] is True and report["config"]["judge_model"] == TEST_MODEL
    with Store.open(Path(cli_env["SCSF_HOME"]) / "scsf.duckdb", read_only=True) as store:
        [verdict] = VerdictRepository(store).of_run(outcome["run_id"])
        [(details,)] = store.con.execute(
            "SELECT details FROM evaluations WHERE conversation_id = ? AND metric = 'fidelidad_factual'",
            [verdict.conversation_id],
        ).fetchall()
    fidelity = json.loads(details)
    assert {"reasons", "checked", "supported", "confirmed"} <= set(fidelity)
    assert fidelity["judge"] == {"model": TEST_MODEL, "prompt_version": PROMPT_VERSION}
    verified = cli(cli_env, "report", "verify", outcome["report"], "--json")
    assert json.loads(verified.stdout)["run_id"] == outcome["run_id"]
