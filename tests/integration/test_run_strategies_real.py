"""Real runs per strategy and per backend: turn by turn with the 0.5B model in-process, and a whole run through the
`openai` backend against a real `llama_cpp.server` on loopback, both through the CLI with a run config file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_openai_server_real import SMOLLM2, Server, model_path, server  # noqa: F401 (fixtures)
from test_run_real import TEST_MODEL, cli, cli_env, dataset_matches_the_gate  # noqa: F401 (fixture)

from scsf.export.sharegpt import sharegpt_record
from scsf.store import Store

pytestmark = [pytest.mark.model, pytest.mark.allow_hosts(["127.0.0.1"])]


def write_config(path: Path, run: str, variation: str) -> Path:
    path.write_text(f"[run]\n{run}\n[run.variation]\n{variation}\n", encoding="utf-8")
    return path


def stored_conversations(env: dict[str, str], run_id: str) -> list:
    with Store.open(Path(env["SCSF_HOME"]) / "scsf.duckdb") as store:
        return list(store.conversations(run_id))


def test_turn_by_turn_run_with_tools_and_noise(cli_env: dict[str, str], tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "run.toml",
        f'model = "{TEST_MODEL}"\nmax_seeds = 1\nconversations_per_seed = 1\nn_threads = 2\n'
        'tags = ["herramienta:calcular_financiamiento"]',
        'strategies = { turn_by_turn = 1.0 }\nflows = { objecion_temprana = 1.0 }\nnoise_rate = 0.5\ntools = true',
    )
    outcome = json.loads(cli(cli_env, "run", "--config", str(config), "--json").stdout)
    assert (outcome["status"], outcome["stored"]) == ("completed", 1)
    [conversation] = stored_conversations(cli_env, outcome["run_id"])
    generation = conversation.generation
    assert (generation["strategy"], generation["flow_variation"]) == ("turn_by_turn", "objecion_temprana")
    assert generation["calls"] >= len(conversation.messages())
    sides = [generation["sides"][turn.role] for turn in conversation.messages()]
    assert sides == ["usuario", "asistente"] * (len(sides) // 2)
    calls = [turn.tool_call for turn in conversation.turns if turn.tool_call is not None]
    assert [call.name for call in calls] == [tool["name"] for tool in generation["tools"]]
    assert calls, "the pilot seed lists tools; they must be injected"
    dataset_matches_the_gate(cli_env, outcome)
    record = sharegpt_record(conversation)  # what the dataset holds for it once the gate accepts it
    kinds = [turn["from"] for turn in record["conversations"]]
    assert kinds.count("function_call") == kinds.count("observation") == len(calls)
    assert {tool["name"] for tool in json.loads(record["tools"])} == {call.name for call in calls}


def test_run_through_the_openai_backend_against_a_real_server(cli_env: dict[str, str], server: Server, tmp_path: Path) -> None:
    config = write_config(
        tmp_path / "run.toml",
        f'backend = "openai"\nmodel = "{SMOLLM2}"\nendpoints = ["{server.endpoint}"]\nmax_seeds = 1\n'
        'conversations_per_seed = 2\nconcurrency = 2\nmax_attempts = 4\ntags = ["herramienta:buscar_inventario"]\n'
        '[run.backend_options]\nstructured_output = "json_object"\ntimeout_s = 300',
        "strategies = { whole_conversation = 1.0 }\nnoise_rate = 0.0\ntools = true",
    )
    done = cli(cli_env, "run", "--config", str(config), "--json", check=False)
    outcome = json.loads(done.stdout)
    assert outcome["planned"] == 2, done.stderr
    assert outcome["stored"] + len(outcome["failed"]) == 2
    report = json.loads(Path(outcome["report"]).read_text(encoding="utf-8"))["report"]
    assert report["model"] == {"backend": "openai", "name": SMOLLM2, "endpoints": [server.endpoint]}
    assert report["privacy"]["network_egress"] == "loopback only"
    for conversation in stored_conversations(cli_env, outcome["run_id"]):
        assert conversation.generation["model"]["backend"] == "openai"
    dataset_matches_the_gate(cli_env, outcome)
