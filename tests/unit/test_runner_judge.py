"""The judge inside `run`: its config fields and their one-line errors, when its backend opens and closes against the
generator's (two llama.cpp models are never loaded together; the same model is loaded once), the signed report's
quality section naming it, and resume after a kill (scripted backends, a scripted judge double, the stub gate)."""

# ruff: noqa: F811 (the fixtures imported from test_runner are test parameters)
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from scripted_backend import MODEL_INFO, ScriptedBackend
from test_runner import (  # noqa: F401 (fixtures)
    Recorder,
    StubGate,
    config,
    read_jsonl,
    scsf_home,
    seed_ids,
    store,
)  # fmt: skip
from test_runner_gate import InterruptOn

from scsf.errors import ConfigError
from scsf.eval.fidelity import Claim
from scsf.eval.judge import JudgeUsage
from scsf.eval.judge_prompt import PROMPT_VERSION
from scsf.models.catalog import ModelCatalog
from scsf.pipeline.config import RunConfig
from scsf.pipeline.judge_backend import judge_backend_config, judge_summary, summed, usage_since
from scsf.pipeline.loaded_models import LoadedModels
from scsf.pipeline.runner import Runner
from scsf.reports import verify_report_file
from scsf.store.verdicts import VerdictRepository

GENERATOR = "generator-model"
JUDGE = "judge-model"


class NamedBackend(ScriptedBackend):
    """A scripted backend named after the model its config asks for; its opening and closing go to `log`."""

    def __init__(self, model: str, log: list[tuple[str, str]]) -> None:
        super().__init__()
        self.model, self.log = model, log
        log.append(("open", model))

    @property
    def model_info(self) -> dict[str, Any]:
        return {**MODEL_INFO, "name": self.model}

    def close(self) -> None:
        super().close()
        self.log.append(("close", self.model))


class Backends:
    """A backend factory that opens a NamedBackend per call and remembers the configs it was given."""

    def __init__(self, first: ScriptedBackend | None = None) -> None:
        self.log: list[tuple[str, str]] = []
        self.configs: list[RunConfig] = []
        self.first = first

    def __call__(self, run_config: RunConfig) -> ScriptedBackend:
        self.configs.append(run_config)
        if self.first is not None:
            first, self.first = self.first, None
            return first
        return NamedBackend(run_config.model or GENERATOR, self.log)


class ScriptedJudge:
    """A judge double shaped like LlmJudge (`__call__`, `backend`, `usage`, `model_name`): one supported claim per
    conversation."""

    def __init__(self, backend: ScriptedBackend) -> None:
        self.backend, self.usage = backend, JudgeUsage()

    @property
    def model_name(self) -> str:
        return f"judge on {self.backend.model_info['name']}"

    def __call__(self, conversation: Any, seed: Any, pack: Any) -> list[Claim]:
        self.usage.conversations += 1
        self.usage.calls += 1
        self.usage.seconds += 0.5
        return [Claim(1, "producto", (), "scripted", True)]


def judged_run(scsf_home, store, domains, backends: Backends, observer=None, accept_from: int = 0, **changes: Any):
    """Plan and execute a run whose stub gate asks the scripted judge and accepts the indexes from `accept_from`."""
    runner = judge_runner(scsf_home, store, domains, backends, accept_from)
    run_id = runner.plan(config(**{"model": GENERATOR, "judge": True, "judge_model": JUDGE, **changes}))
    return run_id, runner.execute(run_id, observer or Recorder())


def judge_runner(scsf_home, store, domains, backends: Backends, accept_from: int = 0) -> Runner:
    def gate(domains, judge):
        return StubGate(domains, judge, lambda conversation: conversation.index >= accept_from)

    return Runner(scsf_home, store, domains, backends, gate, ScriptedJudge)


def quality_of(scsf_home, outcome) -> dict[str, Any]:
    report = verify_report_file(Path(outcome.report), scsf_home.keys / "report_signing.pub").document
    return report["quality"]


def judge_section(conversations: int) -> dict[str, Any]:
    return {
        "model": JUDGE, "backend": "scripted", "sha256": "0" * 64, "prompt": PROMPT_VERSION,
        "conversations": conversations, "calls": conversations, "failed": 0, "completion_tokens": 0,
        "seconds": conversations * 0.5,
    }  # fmt: skip


def never_two_open(log: list[tuple[str, str]]) -> bool:
    loaded: set[str] = set()
    for action, model in log:
        loaded = loaded | {model} if action == "open" else loaded - {model}
        if len(loaded) > 1:
            return False
    return True


# -- config -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"judge_model": "m"}, "run config: judge_model: needs judge = true"),
        ({"judge_endpoint": "http://127.0.0.1:8000/v1"}, "run config: judge_endpoint: needs judge = true"),
        (
            {"judge": True, "quality_gate": False},
            "run config: judge: needs quality_gate (the judge scores conversations for the gate)",
        ),
        (
            {"judge": True, "judge_endpoint": "http://10.0.0.5:8000/v1"},
            "run config: judge_endpoint: 'http://10.0.0.5:8000/v1' is not loopback; the judge runs on this machine only",
        ),
        (
            {"judge": True, "judge_endpoint": "ftp://127.0.0.1/v1"},
            "run config: judge_endpoint: 'ftp://127.0.0.1/v1' must be an http(s) URL such as http://127.0.0.1:8000/v1",
        ),
    ],
    ids=["model-without-judge", "endpoint-without-judge", "judge-without-gate", "not-loopback", "not-http"],
)
def test_judge_fields_are_validated_in_one_line(fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as info:
        RunConfig.build(fields)
    assert info.value.msg == message


def test_a_malformed_judge_endpoint_is_named() -> None:
    with pytest.raises(ConfigError) as info:
        RunConfig.build({"judge": True, "judge_endpoint": "http://127.0.0.1:port/v1"})
    assert info.value.msg.startswith("run config: judge_endpoint: 'http://127.0.0.1:port/v1' is not a valid URL")


@pytest.mark.parametrize("url", ["http://localhost:8000/v1/", "http://[::1]:8000/v1", "https://127.0.0.2/v1"])
def test_loopback_judge_endpoints_are_kept_for_resume(url: str) -> None:
    built = RunConfig.build({"judge": True, "judge_model": "served", "judge_endpoint": url})
    assert built.judge_endpoint == url.rstrip("/")
    assert RunConfig.model_validate(built.model_dump(mode="json")) == built  # what `--resume` reads back


def test_a_config_stored_before_the_judge_existed_still_resumes() -> None:
    stored = RunConfig().model_dump(mode="json")
    for name in ("judge", "judge_model", "judge_endpoint"):
        del stored[name]
    assert RunConfig.model_validate(stored).judge is False


def test_judge_backend_config(scsf_home) -> None:
    local = judge_backend_config(RunConfig(judge=True, n_threads=3, n_ctx=2048), scsf_home)
    default_judge = ModelCatalog.load(scsf_home).default("judge").name
    assert (local.backend, local.model, local.n_threads, local.n_ctx) == ("llamacpp", default_judge, 3, 2048)
    served = judge_backend_config(
        RunConfig(judge=True, judge_model="served", judge_endpoint="http://127.0.0.1:9/v1"), scsf_home
    )  # fmt: skip
    assert (served.backend, served.model, served.endpoints) == ("openai", "served", ["http://127.0.0.1:9/v1"])


# -- models and report ------------------------------------------------------------------------------------------


def test_the_report_names_the_judge_opened_after_the_generator_closed(scsf_home, store, domains) -> None:
    backends = Backends()
    _, outcome = judged_run(scsf_home, store, domains, backends)
    assert (outcome.status, outcome.stored, outcome.accepted) == ("completed", 6, 6)
    assert backends.log == [("open", GENERATOR), ("close", GENERATOR), ("open", JUDGE), ("close", JUDGE)]
    assert (backends.configs[1].backend, backends.configs[1].model) == ("llamacpp", JUDGE)
    assert outcome.judge == quality_of(scsf_home, outcome)["judge"] == judge_section(6)


def test_the_evaluators_judge_follows_the_judge_reopened_between_rounds() -> None:
    backends = Backends()
    models = LoadedModels(RunConfig(model=GENERATOR), backends, lambda: RunConfig(model=JUDGE), ScriptedJudge)
    current = models.current_judge()
    assert current.model_name == f"judge on {JUDGE}"
    models.generator()  # a regeneration round: the judge makes room
    assert current(None, None, None) == [Claim(1, "producto", (), "scripted", True)]
    models.close()
    assert backends.log == [("open", JUDGE), ("close", JUDGE), ("open", GENERATOR), ("close", GENERATOR)] + [
        ("open", JUDGE), ("close", JUDGE),
    ]  # fmt: skip
    assert judge_summary(models.judges)["conversations"] == 1


def test_a_judge_on_the_generators_model_shares_its_backend(scsf_home, store, domains) -> None:
    backends = Backends()
    _, outcome = judged_run(scsf_home, store, domains, backends, judge_model=GENERATOR)
    assert backends.log == [("open", GENERATOR), ("close", GENERATOR)]
    assert (outcome.judge["model"], outcome.judge["calls"]) == (GENERATOR, 6)


def test_a_served_judge_leaves_the_generator_loaded(scsf_home, store, domains) -> None:
    backends = Backends()
    _, outcome = judged_run(scsf_home, store, domains, backends, judge_endpoint="http://127.0.0.1:9/v1")
    assert (backends.configs[1].backend, backends.configs[1].endpoints) == ("openai", ["http://127.0.0.1:9/v1"])
    assert backends.log == [("open", GENERATOR), ("open", JUDGE), ("close", JUDGE), ("close", GENERATOR)]
    assert outcome.judge["calls"] == 6


def test_regeneration_rounds_swap_two_local_models_and_add_up_the_judges(scsf_home, store, domains) -> None:
    backends = Backends()
    _, outcome = judged_run(scsf_home, store, domains, backends, accept_from=4, regenerate_rejected=True)
    assert (outcome.stored, outcome.accepted, outcome.replacements) == (18, 6, 12)
    assert never_two_open(backends.log)
    assert backends.log == [("open", GENERATOR), ("close", GENERATOR), ("open", JUDGE), ("close", JUDGE)] * 3
    assert quality_of(scsf_home, outcome)["judge"] == judge_section(
        6 + 6 + 6
    )  # each round judges only its new conversations


def test_without_the_gate_the_report_says_judge_null(scsf_home, store, domains) -> None:
    runner = Runner(scsf_home, store, domains, Backends(), StubGate, ScriptedJudge)
    run_id = runner.plan(config(quality_gate=False))
    outcome = runner.execute(run_id, Recorder())
    assert outcome.judge is None
    assert quality_of(scsf_home, outcome)["judge"] is None


def test_without_the_judge_the_report_says_judge_null(scsf_home, store, domains) -> None:
    backends = Backends()
    _, outcome = judged_run(scsf_home, store, domains, backends, judge=False, judge_model=None)
    assert backends.log == [("open", GENERATOR), ("close", GENERATOR)]
    assert outcome.judge is None and quality_of(scsf_home, outcome)["judge"] is None


# -- resume -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "observer"),
    [
        (ScriptedBackend().raise_on_call(3, KeyboardInterrupt()), Recorder()),  # generating
        (None, InterruptOn("evaluated_one", 3)),  # the judge open, mid-evaluation
    ],
    ids=["generating", "judging"],
)
def test_a_killed_run_with_the_judge_resumes_to_the_same_report(scsf_home, store, domains, first, observer) -> None:
    backends = Backends(first)
    runner = judge_runner(scsf_home, store, domains, backends)
    run_id = runner.plan(config(model=GENERATOR, judge=True, judge_model=JUDGE))
    with pytest.raises(KeyboardInterrupt):
        runner.execute(run_id, observer)
    assert store.get_run(run_id)["status"] == "interrupted"
    assert never_two_open(backends.log) and backends.log.count(("open", JUDGE)) == backends.log.count(("close", JUDGE))
    resumed = judge_runner(scsf_home, store, domains, Backends()).execute(run_id, Recorder())
    assert (resumed.status, resumed.stored, resumed.accepted) == ("completed", 6, 6)
    stored = [c.conversation_id for c in store.conversations(run_id)]
    assert len(stored) == len(set(stored)) == 6
    assert store.get_run(run_id)["config"]["judge_model"] == JUDGE
    assert quality_of(scsf_home, resumed)["judge"] == judge_section(6)
    assert len(read_jsonl(Path(resumed.dataset))) == 6


def test_a_run_resumed_after_a_judged_evaluation_reports_the_judge_usage_of_every_session(
    scsf_home, store, domains
) -> None:
    """Killed once the first gate's verdicts (6 judged) are stored; the resumed session judges the 12 replacements."""
    runner = judge_runner(scsf_home, store, domains, Backends(), accept_from=4)
    run_id = runner.plan(config(model=GENERATOR, judge=True, judge_model=JUDGE, regenerate_rejected=True))
    with pytest.raises(KeyboardInterrupt):
        runner.execute(run_id, InterruptOn("regenerating", 1))
    assert [usage["calls"] for usage in VerdictRepository(store).judge_usage(run_id)] == [6]
    resumed = judge_runner(scsf_home, store, domains, Backends(), accept_from=4).execute(run_id, Recorder())
    assert (resumed.status, resumed.stored, resumed.accepted) == ("completed", 18, 6)
    assert resumed.judge["calls"] == 12  # this session's
    assert quality_of(scsf_home, resumed)["judge"] == judge_section(18)
    assert [usage["calls"] for usage in VerdictRepository(store).judge_usage(run_id)] == [6, 6, 6]


def test_judge_usage_between_readings_and_summed() -> None:
    before = judge_section(2)
    after = {**judge_section(5), "seconds": 2.6}
    assert usage_since(before, after) == {**judge_section(3), "seconds": 1.6}
    assert usage_since(after, after) is None and usage_since(None, None) is None
    assert usage_since(None, before) == before
    assert summed([judge_section(1), {**judge_section(2), "model": "later"}]) == {**judge_section(3), "model": "later"}
    assert summed([]) is None
