"""The Runner's scheduling: conversations in flight, Ctrl-C finishing in-flight work, time budget, stop requests,
seed tags and the output folder (scripted backends, real threads and a real SIGINT)."""

# ruff: noqa: F811 (the fixtures imported from test_runner are test parameters)
from __future__ import annotations

import signal
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from scripted_backend import ScriptedBackend
from test_runner import PLAIN, Recorder, config, runner_for, scsf_home, seed_ids, store  # noqa: F401 (fixtures)

from scsf.errors import ConfigError
from scsf.generation.backends.base import Backend, Completion, GenRequest
from scsf.pipeline.runner import Runner
from scsf.pipeline.selection import seed_tags
from scsf.reports import verify_report_file


class SlowBackend(ScriptedBackend):
    """Answers after `delay` seconds and records how many requests were in flight at once."""

    class Options(Backend.Options):
        max_concurrency: int = 1

    def __init__(self, max_concurrency: int, delay: float = 0.05, on_call: Any = None) -> None:
        super().__init__()
        self.options = self.Options(max_concurrency=max_concurrency)
        self.delay, self.on_call = delay, on_call
        self.active = self.peak = self.calls = 0
        self.lock = threading.Lock()

    def complete(self, request: GenRequest) -> Completion:
        with self.lock:
            self.active += 1
            self.peak = max(self.peak, self.active)
            self.calls += 1
            number = self.calls
        try:
            if self.on_call:
                self.on_call(number)
            time.sleep(self.delay)
            with self.lock:
                return super().complete(request)
        finally:
            with self.lock:
                self.active -= 1


def test_backend_parallelism_sets_conversations_in_flight(scsf_home, store, domains) -> None:
    backend = SlowBackend(max_concurrency=4)
    runner = runner_for(scsf_home, store, domains, backend)
    outcome = runner.execute(runner.plan(config(conversations_per_seed=4)), Recorder())
    assert (outcome.status, outcome.stored) == ("completed", 12)
    assert backend.peak == 4


def test_concurrency_option_overrides_the_backend(scsf_home, store, domains) -> None:
    backend = SlowBackend(max_concurrency=8)
    runner = runner_for(scsf_home, store, domains, backend)
    runner.execute(runner.plan(config(conversations_per_seed=4, concurrency=2)), Recorder())
    assert backend.peak == 2


def test_concurrent_run_stores_the_same_conversations_as_a_sequential_one(scsf_home, store, domains) -> None:
    def texts(run_id: str) -> list[tuple[str, list[str]]]:
        return sorted((c.seed_id + str(c.index), [t.text for t in c.turns]) for c in store.conversations(run_id))

    runner = runner_for(scsf_home, store, domains, SlowBackend(max_concurrency=6, delay=0.01))
    parallel = runner.plan(config(conversations_per_seed=3))
    runner.execute(parallel, Recorder())
    sequential = runner_for(scsf_home, store, domains, ScriptedBackend()).plan(config(conversations_per_seed=3))
    runner_for(scsf_home, store, domains, ScriptedBackend()).execute(sequential, Recorder())
    assert texts(parallel) == texts(sequential)


def test_ctrl_c_finishes_in_flight_work_then_resume_completes(scsf_home, store, domains) -> None:
    """A real SIGINT while 3 conversations are in flight: they are stored, nothing new starts, status interrupted."""
    main = threading.main_thread().ident

    def interrupt_on_third(number: int) -> None:
        if number == 3:
            signal.pthread_kill(main, signal.SIGINT)

    backend = SlowBackend(max_concurrency=3, delay=0.3, on_call=interrupt_on_third)
    runner = runner_for(scsf_home, store, domains, backend)
    run_id = runner.plan(config(conversations_per_seed=4))
    observer = Recorder()
    outcome = runner.execute(run_id, observer)
    assert (outcome.status, outcome.stored) == ("interrupted", 3)
    assert len(backend.requests) == 3
    assert observer.of("stopping") == [("stopping", "Ctrl-C: finishing the conversations in flight (Ctrl-C again to abort)", 3)]
    assert store.get_run(run_id)["status"] == "interrupted"

    resumed = runner_for(scsf_home, store, domains, ScriptedBackend()).execute(run_id, Recorder())
    assert (resumed.status, resumed.stored) == ("completed", 12)


def test_time_budget_stops_new_work_and_signs_what_was_made(scsf_home, store, domains) -> None:
    backend = SlowBackend(max_concurrency=1, delay=0.2)
    runner = runner_for(scsf_home, store, domains, backend)
    run_id = runner.plan(config(conversations_per_seed=10, time_budget_s=0.3))
    observer = Recorder()
    outcome = runner.execute(run_id, observer)
    assert outcome.status == "incomplete"
    assert 1 <= outcome.stored <= 4
    assert observer.of("stopping")[0][1] == "time budget reached"
    report = verify_report_file(Path(outcome.report), scsf_home.keys / "report_signing.pub").document
    assert (report["status"], report["counts"]["stored"]) == ("incomplete", outcome.stored)


def test_stop_event_ends_the_run_after_in_flight_work(scsf_home, store, domains) -> None:
    stop = threading.Event()
    backend = SlowBackend(max_concurrency=2, delay=0.05, on_call=lambda number: stop.set() if number == 2 else None)
    runner = runner_for(scsf_home, store, domains, backend)
    outcome = runner.execute(runner.plan(config(conversations_per_seed=5)), Recorder(), stop=stop)
    assert (outcome.status, outcome.stored) == ("incomplete", 2)


def test_output_dir_holds_the_run_folder(scsf_home, store, domains, tmp_path: Path) -> None:
    runner = runner_for(scsf_home, store, domains, ScriptedBackend())
    outcome = runner.execute(runner.plan(config(conversations_per_seed=1, output_dir=tmp_path / "out")), Recorder())
    run_dir = tmp_path / "out" / outcome.run_id
    assert outcome.dataset == str(run_dir / "dataset.sharegpt.jsonl")
    assert sorted(p.name for p in run_dir.iterdir()) == ["dataset.sharegpt.jsonl", "report.json", "report.md"]
    assert not (scsf_home.runs / outcome.run_id).exists()
    verify_report_file(run_dir / "report.json", scsf_home.keys / "report_signing.pub")


def test_seed_tags_select_seeds(scsf_home, store, domains, seed_ids) -> None:
    documents = {seed_id: store.get_seed(seed_id).document for seed_id in seed_ids}
    tags = seed_tags(documents[seed_ids[0]])
    assert f"tipo:{documents[seed_ids[0]]['tipo_interaccion']}" in tags
    assert {t.split(":")[0] for t in tags} >= {"tipo", "tono", "sensibilidad", "entidad", "etapa"}
    wanted = f"tipo:{documents[seed_ids[0]]['tipo_interaccion']}"
    runner = Runner(scsf_home, store, domains, lambda cfg: ScriptedBackend())
    run_id = runner.plan(config(tags=[wanted], conversations_per_seed=1))
    expected = sorted(s for s in seed_ids if wanted in seed_tags(documents[s]))
    assert sorted(item.seed_id for item in store.pending_items(run_id)) == expected
    with pytest.raises(ConfigError) as info:
        runner.plan(config(tags=["tipo:nada"]))
    assert info.value.msg == "no seed matches tags ['tipo:nada']"
