"""Evaluating a run: verdicts and per-metric scores round-trip through the store, diversity forcing keeps at most
three copies and names the twin, re-evaluation replaces, and the dashboard reads it all back."""

from __future__ import annotations

import pytest
from scripted_backend import ScriptedBackend
from test_runner import Recorder, StubGate, config, runner_for, scsf_home, seed_ids, store  # noqa: F401 (fixtures)

from scsf.errors import StoreError
from scsf.eval.dashboard import quality_dashboard
from scsf.eval.evaluator import Evaluator
from scsf.pipeline.evaluation import evaluate_run
from scsf.store.verdicts import VerdictRepository


class NoPii:
    """A scanner that finds nothing (the real one is tested in the evaluator's own tests)."""

    def scan_many(self, texts, langs=None):
        return [[] for _ in texts]


def scripted_run(scsf_home, store, domains, per_seed: int) -> str:
    runner = runner_for(scsf_home, store, domains, ScriptedBackend())
    run_id = runner.plan(config(conversations_per_seed=per_seed, max_seeds=1))
    runner.execute(run_id, Recorder())
    return run_id


def test_four_copies_leave_three_and_the_fourth_names_its_twin(scsf_home, store, domains) -> None:
    run_id = scripted_run(scsf_home, store, domains, per_seed=4)  # the scripted backend writes the same text each time
    result = evaluate_run(store, StubGate(domains), run_id)
    assert (result.conversations, result.accepted, result.surplus_copies) == (4, 3, 1)
    verdicts = VerdictRepository(store).of_run(run_id)
    [rejected] = [v for v in verdicts if not v.accepted]
    kept = [v.conversation_id for v in verdicts if v.accepted]
    assert rejected.twin_id in kept
    assert rejected.reasons == [f"diversidad_dataset: more than 3 copies; twin {rejected.twin_id}"]
    assert {v.scores["coherencia_dialogo"] for v in verdicts} == {1.0}


def test_real_metrics_round_trip_and_re_evaluation_replaces(scsf_home, store, domains) -> None:
    run_id = scripted_run(scsf_home, store, domains, per_seed=2)
    first = evaluate_run(store, Evaluator(NoPii(), domains), run_id)
    again = evaluate_run(store, Evaluator(NoPii(), domains), run_id)
    assert first == again
    repository = VerdictRepository(store)
    verdicts = repository.of_run(run_id)
    assert len(verdicts) == 2
    assert store.con.execute("SELECT count(*) FROM evaluations").fetchone()[0] == 2 * 6
    for verdict in verdicts:
        assert set(verdict.scores) == {
            "rouge_l", "fidelidad_factual", "diversidad_lexica", "coherencia_dialogo", "privacy_score", "memorizacion",
        }  # fmt: skip
        assert verdict.accepted == (not verdict.reasons)
    thresholds = repository.thresholds(run_id)
    assert thresholds["diversidad_lexica"] == 0.55 and thresholds["coherencia_dialogo"] == 0.85
    dashboard = quality_dashboard(verdicts, thresholds, conversations=store.conversations(run_id))
    assert dashboard["conversations"] == 2
    assert dashboard["distribution"]["all"]["conversations"] == 2
    assert dashboard["distribution"]["accepted"]["conversations"] == dashboard["accepted"]
    assert dashboard["accepted"] + dashboard["rejected"] == 2
    assert dashboard["metrics"]["privacy_score"]["max"] == 0
    assert sum(dashboard["rejection_reasons"].values()) == sum(len(v.reasons) for v in verdicts)
    events = store.con.execute("SELECT count(*) FROM audit_events WHERE kind = 'run.evaluated'").fetchone()[0]
    assert events == 1 + 2  # the run's own gate (a stub), then the two evaluations here


def test_unknown_run_is_refused(scsf_home, store, domains) -> None:
    with pytest.raises(StoreError):
        evaluate_run(store, StubGate(domains), "run-nope")
