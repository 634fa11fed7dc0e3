"""`bench generate` at tiny sizes: the fake OpenAI server and the memory section on loopback, the engine recorder
with a scripted backend, and (marked `model`) one real small run of every section."""

from __future__ import annotations

import json
import time
from pathlib import Path

import httpx
import pytest
from scripted_backend import ScriptedBackend, valid_conversation

from scsf.bench.generate import SECTIONS, GenerateBenchSettings, bench_generate
from scsf.bench.generate_engine import PairedBaselineBackend, measure_plan, pilot_plans
from scsf.bench.generate_fake_server import REPLY_TEXT, InFlightCounter, fake_server
from scsf.bench.generate_memory import RssSampler, bench_memory_in_flight, rss_mib
from scsf.bench.generate_pipeline import bench_pipeline_in_flight
from scsf.errors import ConfigError
from scsf.generation.backends.base import GenRequest
from scsf.generation.backends.openai_http import OpenAIHttpBackend
from scsf.generation.generator import ConversationGenerator, Sampling
from scsf.paths import Home

loopback = pytest.mark.allow_hosts(["127.0.0.1"])
SHARED_MODELS = Home.resolve().models  # where installer/setup.sh assembled the weights
PLUMBING_MODEL = "smollm2-135m-instruct-q4_1"


def test_in_flight_counter_keeps_the_peak_until_reset() -> None:
    counter = InFlightCounter()
    for _ in range(3):
        counter.enter()
    counter.leave()
    assert counter.snapshot(reset=True) == {"in_flight": 2, "peak_in_flight": 3, "served": 1}
    counter.leave()
    assert counter.snapshot(reset=False) == {"in_flight": 1, "peak_in_flight": 2, "served": 1}


def test_rss_sampler_sees_a_short_lived_allocation() -> None:
    before = rss_mib()
    with RssSampler(interval_s=0.001) as sampler:
        block = b"\x01" * (64 * 2**20)  # written, so every page is resident
        time.sleep(0.05)  # the allocation runs under the GIL: give the sampler a turn while it is held
        del block
    assert sampler.peak >= before + 48
    assert rss_mib() < sampler.peak


@loopback
def test_fake_server_answers_a_valid_completion_and_counts_requests() -> None:
    with fake_server(delay_s=0.0) as server:
        backend = OpenAIHttpBackend(OpenAIHttpBackend.Options(endpoints=[server.endpoint], model="fake"))
        try:
            completion = backend.complete(GenRequest(messages=[{"role": "user", "content": "hola"}], max_tokens=8))
            assert httpx.get(server.endpoint.removesuffix("/v1") + "/nothing", trust_env=False).status_code == 404
        finally:
            backend.close()
        assert json.loads(completion.text) == json.loads(REPLY_TEXT)
        assert completion.completion_tokens == 16 and completion.prompt_tokens > 0
        assert server.stats(reset=True) == {"in_flight": 0, "peak_in_flight": 1, "served": 1}
        assert server.stats() == {"in_flight": 0, "peak_in_flight": 0, "served": 0}


@loopback
def test_memory_section_fills_every_slot_and_never_exceeds_them() -> None:
    # 40 slots span two connection pools (32 + 8): the server must see all 40 at once, never more.
    steps: list[str] = []
    result = bench_memory_in_flight(in_flight=40, queued=160, delay_s=0.5, on_step=steps.append)

    first, second = result["phases"]
    assert (first["requests"], first["failed"], first["server_served"]) == (40, 0, 40)
    assert (second["requests"], second["failed"], second["server_served"]) == (160, 0, 160)
    assert first["server_peak_in_flight"] == 40 and second["server_peak_in_flight"] == 40
    assert second["seconds"] >= 4 * 0.5  # 160 requests through 40 slots: at least four rounds
    for phase in (first, second):
        assert 0 < phase["rss_before_mib"] <= phase["rss_peak_mib"]
        assert phase["rss_growth_mib"] == pytest.approx(phase["rss_peak_mib"] - phase["rss_before_mib"], abs=0.11)
    assert (result["peak_in_flight"], result["target_peak_in_flight"], result["meets_target"]) == (40, 64, False)
    assert len(steps) == 2


class SlowRaw:
    """A raw baseline that answers `text` after `delay_s`, noting how many engine calls had run at each call."""

    def __init__(self, engine: ScriptedBackend, text: str, delay_s: float = 0.0) -> None:
        self.engine, self.text, self.delay_s = engine, text, delay_s
        self.engine_calls_seen: list[int] = []

    def __call__(self, request: GenRequest) -> tuple[str, int]:
        self.engine_calls_seen.append(len(self.engine.requests))
        time.sleep(self.delay_s)
        return self.text, 7


def test_paired_backend_runs_every_engine_call_raw_too_in_alternating_order() -> None:
    plan = pilot_plans(1, "whole_conversation")[0]
    scripted = ScriptedBackend()
    scripted.enqueue("not json").enqueue("still not json")  # two rejected attempts: the raw twin runs for each
    raw = SlowRaw(scripted, "not json")
    paired = PairedBaselineBackend(scripted, raw)

    ConversationGenerator(paired, Sampling()).generate(
        plan, run_id="run-x", conversation_id="conv-x", on_failed_attempt=lambda *args: None
    )

    calls = paired.take()
    assert [call.request for call in calls] == scripted.requests
    assert raw.engine_calls_seen == [1, 1, 3]  # engine first, raw first, engine first
    assert [call.raw_text == call.completion.text for call in calls] == [True, False, False]
    assert [call.raw_tokens for call in calls] == [7, 7, 7]
    assert paired.take() == []
    assert paired.model_info == scripted.model_info and paired.supports_json_schema


def test_measure_plan_leaves_the_raw_twins_time_out_of_the_engine_time() -> None:
    plan = pilot_plans(1, "whole_conversation")[0]
    scripted = ScriptedBackend()
    paired = PairedBaselineBackend(scripted, SlowRaw(scripted, "x", delay_s=0.3))

    row = measure_plan(ConversationGenerator(paired, Sampling()), paired, plan, 0)

    assert (row["calls"], row["accepted"], row["identical_outputs"], row["raw_tokens"]) == (1, True, 0, 7)
    assert row["raw_seconds"] >= 0.3
    assert 0 <= row["engine_seconds"] < 0.3
    assert row["engine_tokens"] == len(valid_conversation(scripted.requests[0])) // 4  # the scripted token count


def test_pilot_plans_cycle_over_the_domains() -> None:
    plans = pilot_plans(7, "turn_by_turn")
    domains = [plan.seed.dominio for plan in plans]
    assert len(set(domains[:6])) == 6 and domains[6] == domains[0]
    assert [plan.index for plan in plans] == [0, 0, 0, 0, 0, 0, 1]
    assert {plan.strategy for plan in plans} == {"turn_by_turn"}
    assert {plan.flow_variation for plan in plans} == {"happy_path"}
    assert all(not plan.noise and not plan.tool_calls for plan in plans)


def test_unknown_section_is_a_config_error() -> None:
    with pytest.raises(ConfigError, match="unknown section 'pipeline'"):
        bench_generate(GenerateBenchSettings(), ["memory_in_flight", "pipeline"])
    assert list(SECTIONS) == ["engine_overhead", "http_parallel", "memory_in_flight", "pipeline_in_flight", "pipeline_local"]


@loopback
def test_pipeline_section_keeps_the_configured_conversations_in_flight(tmp_path: Path) -> None:
    """The whole run pipeline (plan, turn-by-turn generation, store, export, report) against the fake server."""
    result = bench_pipeline_in_flight(conversations=67, concurrency=16, delay_s=0.05, on_step=lambda step: None)
    assert (result["conversations"], result["stored"], result["failures"]) == (67, 67, [])
    assert result["server_peak_in_flight"] == 16
    assert result["requests"] >= 67 * 4  # turn by turn: one request per turn, at least four turns each


@pytest.mark.model
@loopback
def test_real_small_run_of_every_section(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    if not (SHARED_MODELS / "verified.json").exists():
        pytest.skip(f"models not assembled in {SHARED_MODELS}: run installer/setup.sh")
    monkeypatch.setenv("SCSF_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SCSF_MODELS_DIR", str(SHARED_MODELS))
    settings = GenerateBenchSettings(
        model=PLUMBING_MODEL, n_threads=1, n_ctx=4096, plans=1, parallel=(1, 2), http_requests_per_pass=2,
        http_max_tokens=8, in_flight=8, queued=16, fake_delay_s=0.2, pipeline_conversations=67,
        pipeline_concurrency=8, pipeline_delay_s=0.01, local_conversations=1,
    )  # fmt: skip

    result = bench_generate(settings, on_step=lambda step: None)

    assert result["model"]["name"] == PLUMBING_MODEL and result["model"]["n_threads"] == 1
    engine = result["engine_overhead"]
    assert engine["calls"] >= 1 and engine["engine"]["completion_tokens"] > 0
    # Same model, messages, schema, budget and seed on identical llama.cpp settings: the same tokens come out.
    assert engine["identical_outputs"] == engine["calls"]
    assert engine["engine"]["completion_tokens"] == engine["raw"]["completion_tokens"]
    assert engine["ratio"] == pytest.approx(engine["engine"]["tokens_per_s"] / engine["raw"]["tokens_per_s"], abs=0.01)
    levels = result["http_parallel"]["levels"]
    assert [level["parallel"] for level in levels] == [1, 2]
    assert all(level["requests"] == 4 and level["failed"] == 0 for level in levels)
    assert all(0 < level["completion_tokens"] <= 4 * 8 for level in levels)
    assert result["memory_in_flight"]["peak_in_flight"] == 8
    assert result["pipeline_in_flight"]["server_peak_in_flight"] == 8
    local = result["pipeline_local"]
    assert local["conversations"] == 1 and local["stored"] + len(local["failures"]) >= 1
