"""The acceptance gate inside runs: only accepted conversations are exported, `regenerate_rejected` replaces rejects
until the planned count is accepted or the budget is spent, and a run killed at any point resumes to the same result
without duplicates (scripted backend, stub gate; the metrics have their own tests)."""

# ruff: noqa: F811 (the fixtures imported from test_runner are test parameters)
from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import pytest
from scripted_backend import ScriptedBackend
from test_runner import (  # noqa: F401 (fixtures)
    Recorder,
    StubGate,
    config,
    read_jsonl,
    runner_for,
    scsf_home,
    seed_ids,
    store,
)  # fmt: skip

from scsf.errors import ConfigError
from scsf.pipeline import runner as runner_module
from scsf.pipeline.config import RunConfig
from scsf.pipeline.evaluation import RunEvaluation
from scsf.pipeline.runner import Runner
from scsf.reports import verify_report_file
from scsf.store import Store
from scsf.store.verdicts import VerdictRepository


def accept_from_index(first: int):
    """A gate accepting the conversations planned at index `first` or later (replacements get the next free ones)."""
    return lambda domains, judge: StubGate(domains, judge, lambda conversation: conversation.index >= first)


def run(scsf_home, store, domains, gate_factory, backend=None, observer=None, **changes: Any):
    runner = Runner(scsf_home, store, domains, lambda cfg: backend or ScriptedBackend(), gate_factory)
    run_id = runner.plan(config(**changes))
    return run_id, runner.execute(run_id, observer or Recorder())


def report_of(scsf_home, outcome) -> dict[str, Any]:
    return verify_report_file(Path(outcome.report), scsf_home.keys / "report_signing.pub").document


def accepted_keys(store: Store, run_id: str) -> list[tuple[str, int]]:
    decisions = VerdictRepository(store).decisions(run_id)
    return sorted((c.seed_id, c.index) for c in store.conversations(run_id) if decisions[c.conversation_id])


def replacements(store: Store, run_id: str) -> list[tuple[str, str, int]]:
    rows = store.con.execute(
        "SELECT conversation_id, replaces, regen_round FROM run_items WHERE run_id = ? AND replaces IS NOT NULL"
        " ORDER BY regen_round, conversation_id",
        [run_id],
    ).fetchall()
    return [tuple(row) for row in rows]


def test_dataset_holds_only_accepted_conversations(scsf_home, store, domains, seed_ids) -> None:
    run_id, outcome = run(scsf_home, store, domains, accept_from_index(1))
    assert (outcome.status, outcome.planned, outcome.stored, outcome.accepted) == ("completed", 6, 6, 3)
    assert outcome.rejected_by_metric == {"coherencia_dialogo": 3}
    records = read_jsonl(Path(outcome.dataset))
    decisions = VerdictRepository(store).decisions(run_id)
    assert sorted(record["id"] for record in records) == sorted(cid for cid, ok in decisions.items() if ok)
    assert {record["seed_id"] for record in records} == set(seed_ids)
    assert len(decisions) == store.count_conversations(run_id) == 6  # the rejected ones stay in the store

    quality = report_of(scsf_home, outcome)["quality"]
    assert quality["gate"] == "on"
    assert (quality["target"], quality["evaluated"], quality["accepted"], quality["rejected"]) == (6, 6, 3, 3)
    assert quality["rejections_by_metric"] == {"coherencia_dialogo": 3}
    assert quality["top_rejection_reasons"] == {"coherencia_dialogo: stub rejects it": 3}
    assert quality["thresholds"] == {"coherencia_dialogo": 0.85, "near_duplicate_threshold": 0.8, "max_copies": 1000}
    assert quality["regeneration"] == {"enabled": False, "budget": 0, "rounds": 0, "replacements": 0, "replaced": {}}
    assert quality["distribution"]["per_seed"] == {seed: {"conversations": 2, "accepted": 1} for seed in seed_ids}
    assert (quality["distribution"]["all"]["conversations"], quality["distribution"]["accepted"]["conversations"]) == (6, 3)
    assert quality["summary"].startswith("accepted 3/6; rejected most by coherencia_dialogo 3.")


def test_gate_off_exports_everything_and_never_builds_an_evaluator(scsf_home, store, domains) -> None:
    def no_evaluator(domains, judge):
        raise AssertionError("the gate is off: no evaluator")

    run_id, outcome = run(scsf_home, store, domains, no_evaluator, quality_gate=False)
    assert (outcome.status, outcome.stored, outcome.accepted) == ("completed", 6, None)
    assert len(read_jsonl(Path(outcome.dataset))) == 6
    assert VerdictRepository(store).decisions(run_id) == {}
    assert report_of(scsf_home, outcome)["quality"]["gate"] == "off"


def test_a_run_with_nothing_accepted_still_completes_with_an_empty_dataset(scsf_home, store, domains) -> None:
    _, outcome = run(scsf_home, store, domains, accept_from_index(99), max_seeds=1, conversations_per_seed=3)
    assert (outcome.status, outcome.accepted) == ("completed", 0)
    assert Path(outcome.dataset).read_text(encoding="utf-8") == ""
    assert report_of(scsf_home, outcome)["quality"]["summary"].startswith("accepted 0/3; rejected most by coherencia_dialogo 3.")


def test_regeneration_replaces_rejects_until_the_target(scsf_home, store, domains, seed_ids) -> None:
    observer, backend = Recorder(), ScriptedBackend()
    run_id, outcome = run(
        scsf_home, store, domains, accept_from_index(4), backend, observer, regenerate_rejected=True
    )  # fmt: skip
    # round 0: indexes 0-1 rejected; round 1: 2-3 rejected; round 2: 4-5 accepted (budget 2 x 6 = 12, all spent)
    assert (outcome.status, outcome.planned, outcome.stored, outcome.accepted, outcome.replacements) == (
        "completed", 6, 18, 6, 12,
    )  # fmt: skip
    assert len(backend.requests) == 18
    assert accepted_keys(store, run_id) == [(seed, index) for seed in seed_ids for index in (4, 5)]
    assert observer.of("regenerating") == [("regenerating", 1, 6), ("regenerating", 2, 6)]
    assert [event[1:] for event in observer.of("evaluated")] == [(0, 6), (0, 6), (6, 6)]
    items = {item.conversation_id: item for item in store.run_items(run_id)}
    for new, old, round_number in replacements(store, run_id):
        assert (items[new].seed_id, items[new].regen_round) == (items[old].seed_id, round_number)
        assert items[new].index in (2 * round_number, 2 * round_number + 1)  # the seed's next free indexes
    assert len(read_jsonl(Path(outcome.dataset))) == 6

    regeneration = report_of(scsf_home, outcome)["quality"]["regeneration"]
    assert (regeneration["enabled"], regeneration["budget"], regeneration["rounds"], regeneration["replacements"]) == (
        True, 12, 2, 12,
    )  # fmt: skip
    assert regeneration["replaced"] == {new: old for new, old, _ in replacements(store, run_id)}
    assert report_of(scsf_home, outcome)["counts"] == {"planned": 6, "stored": 18, "failed_attempts": 0}


def test_regeneration_stops_when_the_budget_is_spent(scsf_home, store, domains) -> None:
    run_id, outcome = run(
        scsf_home, store, domains, accept_from_index(99), regenerate_rejected=True, max_regenerations=4
    )  # fmt: skip
    assert (outcome.status, outcome.stored, outcome.accepted, outcome.replacements) == ("completed", 10, 0, 4)
    assert [round_number for _, _, round_number in replacements(store, run_id)] == [1, 1, 1, 1]
    quality = report_of(scsf_home, outcome)["quality"]
    assert (quality["accepted"], quality["rejections_by_metric"]) == (0, {"coherencia_dialogo": 10})
    assert quality["regeneration"]["budget"] == 4


def test_regeneration_stops_once_the_target_is_accepted(scsf_home, store, domains) -> None:
    gate = StubGate(domains)
    _, outcome = run(scsf_home, store, domains, lambda domains, judge: gate, regenerate_rejected=True)
    assert (outcome.stored, outcome.accepted, outcome.replacements) == (6, 6, 0)
    assert gate.evaluated == 6


def test_regeneration_needs_the_gate() -> None:
    with pytest.raises(ConfigError) as info:
        RunConfig.build({"regenerate_rejected": True, "quality_gate": False})
    assert "regenerate_rejected needs quality_gate" in info.value.msg


class InterruptOn(Recorder):
    """Raises KeyboardInterrupt (a kill) at the n-th call of one observer hook."""

    def __init__(self, hook: str, number: int) -> None:
        super().__init__()
        self.hook, self.number = hook, number

    def _count(self, hook: str) -> None:
        if hook == self.hook and sum(1 for event in self.events if event[0] == hook) == self.number:
            raise KeyboardInterrupt

    def evaluated_one(self) -> None:
        super().evaluated_one()
        self._count("evaluated_one")

    def evaluated(self, evaluation: RunEvaluation, target: int) -> None:
        super().evaluated(evaluation, target)
        self._count("evaluated")

    def regenerating(self, round_number: int, replacements: int) -> None:
        super().regenerating(round_number, replacements)
        self._count("regenerating")


def finish_after_kill(scsf_home, store, domains, first_backend, observer) -> tuple[str, Any]:
    """A regenerating run killed as the observer or backend says, then resumed to the end."""
    gate = accept_from_index(4)
    runner = Runner(scsf_home, store, domains, lambda cfg: first_backend, gate)
    run_id = runner.plan(config(regenerate_rejected=True))
    with pytest.raises(KeyboardInterrupt):
        runner.execute(run_id, observer)
    assert store.get_run(run_id)["status"] == "interrupted"
    resumed = Runner(scsf_home, store, domains, lambda cfg: ScriptedBackend(), gate).execute(run_id, Recorder())
    return run_id, resumed


@pytest.mark.parametrize(
    ("backend", "observer"),
    [
        (ScriptedBackend().raise_on_call(9, KeyboardInterrupt()), Recorder()),  # generating round 1
        (ScriptedBackend(), InterruptOn("evaluated_one", 10)),  # evaluating after round 1, nothing stored yet
        (ScriptedBackend(), InterruptOn("evaluated", 1)),  # evaluated, replacements not planned yet
        (ScriptedBackend(), InterruptOn("regenerating", 2)),  # round 2 planned, nothing of it generated
    ],
    ids=["generating", "evaluating", "before-planning", "after-planning"],
)
def test_a_run_killed_mid_regeneration_resumes_to_the_same_result(
    scsf_home, store, domains, seed_ids, backend, observer
) -> None:
    run_id, outcome = finish_after_kill(scsf_home, store, domains, backend, observer)
    assert (outcome.status, outcome.planned, outcome.stored, outcome.accepted, outcome.replacements) == (
        "completed", 6, 18, 6, 12,
    )  # fmt: skip
    stored = [c.conversation_id for c in store.conversations(run_id)]
    assert len(stored) == len(set(stored)) == 18
    assert sorted(stored) == sorted(item.conversation_id for item in store.run_items(run_id))
    replaced = [old for _, old, _ in replacements(store, run_id)]
    assert len(replaced) == len(set(replaced)) == 12
    assert accepted_keys(store, run_id) == [(seed, index) for seed in seed_ids for index in (4, 5)]
    assert len(read_jsonl(Path(outcome.dataset))) == 6
    assert report_of(scsf_home, outcome)["quality"]["regeneration"]["rounds"] == 2


def test_a_run_killed_during_export_resumes_to_the_same_dataset(scsf_home, store, domains, monkeypatch) -> None:
    real_write = runner_module.write_sharegpt

    def killed(conversations, path):
        raise KeyboardInterrupt

    monkeypatch.setattr(runner_module, "write_sharegpt", killed)
    runner = runner_for(scsf_home, store, domains, ScriptedBackend(), StubGate(domains, accept=lambda c: c.index == 0))
    run_id = runner.plan(config())
    with pytest.raises(KeyboardInterrupt):
        runner.execute(run_id, Recorder())
    assert store.get_run(run_id)["status"] == "interrupted"
    monkeypatch.setattr(runner_module, "write_sharegpt", real_write)
    outcome = runner_for(scsf_home, store, domains, ScriptedBackend(), StubGate(domains, accept=lambda c: c.index == 0)).execute(
        run_id, Recorder()
    )
    assert (outcome.status, outcome.stored, outcome.accepted) == ("completed", 6, 3)
    assert [record["id"] for record in read_jsonl(Path(outcome.dataset))] == [
        c.conversation_id for c in store.conversations(run_id) if c.index == 0
    ]


def test_stopping_during_regeneration_leaves_the_run_incomplete_and_resumable(scsf_home, store, domains) -> None:
    """The time budget or a stop request between rounds: the planned replacements wait for `--resume`."""
    stop = threading.Event()

    class StopOnRegeneration(Recorder):
        def regenerating(self, round_number: int, replacements: int) -> None:
            super().regenerating(round_number, replacements)
            stop.set()

    runner = Runner(scsf_home, store, domains, lambda cfg: ScriptedBackend(), accept_from_index(2))
    run_id = runner.plan(config(regenerate_rejected=True))
    outcome = runner.execute(run_id, StopOnRegeneration(), stop=stop)
    assert (outcome.status, outcome.stored, outcome.accepted, outcome.replacements) == ("incomplete", 6, 0, 6)
    assert report_of(scsf_home, outcome)["status"] == "incomplete"
    outcome = runner.execute(run_id, Recorder())
    assert (outcome.status, outcome.stored, outcome.accepted, outcome.replacements) == ("completed", 12, 6, 6)
