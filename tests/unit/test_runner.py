"""The Runner end to end with a scripted backend: full runs, resume after Ctrl-C, invalid outputs, refusals."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import pytest
from scripted_backend import MODEL_INFO, ScriptedBackend

from scsf.domains import DomainRegistry
from scsf.errors import ConfigError, GenerationError, SeedError, StoreError
from scsf.eval.base import MetricResult, Verdict
from scsf.generation.generator import GenerationStats
from scsf.generation.plan import plan_conversation
from scsf.generation.prompts import humanize
from scsf.generation.variation import VariationConfig
from scsf.hashing import file_sha256
from scsf.paths import Home
from scsf.pipeline.config import RunConfig
from scsf.pipeline.evaluation import RunEvaluation
from scsf.pipeline.planner import conversation_id
from scsf.pipeline.runner import Runner
from scsf.reports import generate_keypair, verify_report_file
from scsf.seeds.conversation import Conversation
from scsf.seeds.importer import PILOT_SEEDS, import_seed_files
from scsf.seeds.loader import parse_seed
from scsf.store import Store
from scsf.store.duckdb import RunItem

NOT_JSON = "output is not JSON: Expecting value at column 1"


class Recorder:
    """A RunObserver that remembers every call."""

    def __init__(self, interrupt_on_stored: int | None = None) -> None:
        self.events: list[tuple[Any, ...]] = []
        self.interrupt_on_stored = interrupt_on_stored

    def started(self, run_id: str, total: int, done: int) -> None:
        self.events.append(("started", run_id, total, done))

    def stored(self, conversation: Conversation, stats: GenerationStats) -> None:
        self.events.append(("stored", conversation.conversation_id, stats.attempts))
        if self.interrupt_on_stored == sum(1 for event in self.events if event[0] == "stored"):
            raise KeyboardInterrupt

    def failed(self, item: RunItem, error: str) -> None:
        self.events.append(("failed", item.conversation_id, error))

    def stopping(self, reason: str, in_flight: int) -> None:
        self.events.append(("stopping", reason, in_flight))

    def evaluating(self, conversations: int) -> None:
        self.events.append(("evaluating", conversations))

    def evaluated_one(self) -> None:
        self.events.append(("evaluated_one",))

    def evaluated(self, evaluation: RunEvaluation, target: int) -> None:
        self.events.append(("evaluated", evaluation.accepted, target))

    def regenerating(self, round_number: int, replacements: int) -> None:
        self.events.append(("regenerating", round_number, replacements))

    def of(self, kind: str) -> list[tuple[Any, ...]]:
        return [event for event in self.events if event[0] == kind]


class StubGate:
    """An evaluator whose decision is `accept(conversation)`: one metric, `coherencia_dialogo`, scored 1 or 0, so
    only the gate's plumbing is under test (the metrics have their own tests). A `judge` is asked about every
    conversation; its claims are not scored."""

    def __init__(
        self, domains: DomainRegistry, judge: Any = None, accept: Callable[[Conversation], bool] = lambda c: True
    ) -> None:
        self.domains, self.judge, self.accept, self.evaluated = domains, judge, accept, 0

    def evaluate(self, conversation: Conversation, seed: Any) -> Verdict:
        self.evaluated += 1
        if self.judge is not None:
            self.judge(conversation, seed, self.domains.get(seed.dominio))
        passed = self.accept(conversation)
        result = MetricResult("coherencia_dialogo", float(passed), 0.85, passed, [] if passed else ["stub rejects it"])
        return Verdict.from_results(conversation.conversation_id, [result])

    def evaluate_many(
        self, pairs: Iterable[tuple[Conversation, Any]], references: Any = None, workers: int | None = 1
    ) -> Iterator[Verdict]:
        return (self.evaluate(conversation, seed) for conversation, seed in pairs)


def never_opened(config: RunConfig) -> ScriptedBackend:
    raise AssertionError("the backend must not be opened")


@pytest.fixture
def scsf_home(home: Path) -> Home:
    resolved = Home(home).ensure()
    generate_keypair(resolved.keys, overwrite=True)
    return resolved


@pytest.fixture
def seed_ids(tmp_path: Path) -> list[str]:
    """Three automotive pilot seeds, in the store's order (by id)."""
    lines = (PILOT_SEEDS / "automotive.sales.jsonl").read_text(encoding="utf-8").splitlines()[:3]
    (tmp_path / "three.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sorted(json.loads(line)["seed_id"] for line in lines)


@pytest.fixture
def store(scsf_home: Home, domains: DomainRegistry, tmp_path: Path, seed_ids: list[str]):
    with Store.open(scsf_home.database) as opened:
        import_seed_files([tmp_path / "three.jsonl"], opened, domains)
        yield opened


def runner_for(
    scsf_home: Home, store: Store, domains: DomainRegistry, backend: ScriptedBackend, gate: StubGate | None = None
) -> Runner:
    """A Runner on `backend` whose gate is `gate` (default: one accepting everything)."""
    return Runner(scsf_home, store, domains, lambda config: backend, lambda domains, judge: gate or StubGate(domains, judge))


PLAIN = VariationConfig(flows={"happy_path": 1.0}, noise_rate=0.0, tools=False)


def config(**changes: Any) -> RunConfig:
    """The scripted backend writes the same dialogue every time: copies are allowed so only the stub gate decides."""
    defaults = {"domain": "automotive.sales", "max_seeds": 3, "conversations_per_seed": 2, "variation": PLAIN, "max_copies": 1000}
    return RunConfig(**{**defaults, **changes})


def stored_ids(store: Store, run_id: str) -> list[str]:
    rows = store.con.execute("SELECT conversation_id FROM conversations WHERE run_id = ?", [run_id]).fetchall()
    return [cid for (cid,) in rows]


def planned_ids(store: Store, run_id: str) -> list[str]:
    rows = store.con.execute("SELECT conversation_id FROM run_items WHERE run_id = ?", [run_id]).fetchall()
    return [cid for (cid,) in rows]


def audit_kinds(store: Store, run_id: str) -> list[str]:
    rows = store.con.execute("SELECT kind FROM audit_events WHERE run_id = ? ORDER BY seq", [run_id]).fetchall()
    return [kind for (kind,) in rows]


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# -- planning --------------------------------------------------------------------------------------------


def test_plan_records_items_without_opening_the_backend(scsf_home, store, domains, seed_ids) -> None:
    run_id = Runner(scsf_home, store, domains, never_opened).plan(config())
    run = store.get_run(run_id)
    assert run["status"] == "running"
    assert run["config"] == config().model_dump(mode="json")
    items = store.pending_items(run_id)
    assert len(items) == 6
    assert sorted({item.seed_id for item in items}) == seed_ids
    for item in items:
        seed = parse_seed(store.get_seed(item.seed_id).document, domains, "stored")
        plan = plan_conversation(seed, 1, domains.get("automotive.sales"), item.index, policy="min", base_seed=20261127, variation=PLAIN)
        assert item.variant == plan.variant
        assert item.conversation_id == conversation_id(run_id, item.seed_id, 1, plan.variant, item.index)
    assert sorted((item.seed_id, item.index) for item in items) == [(s, i) for s in seed_ids for i in (0, 1)]


def test_max_seeds_and_explicit_seed_ids(scsf_home, store, domains, seed_ids) -> None:
    runner = Runner(scsf_home, store, domains, never_opened)
    first = runner.plan(config(max_seeds=2, conversations_per_seed=1))
    assert sorted(item.seed_id for item in store.pending_items(first)) == seed_ids[:2]
    chosen = runner.plan(config(seed_ids=[seed_ids[2]], conversations_per_seed=3))
    assert [item.seed_id for item in store.pending_items(chosen)] == [seed_ids[2]] * 3


def test_domain_without_seeds_is_refused(scsf_home, store, domains) -> None:
    with pytest.raises(ConfigError) as info:
        Runner(scsf_home, store, domains, never_opened).plan(config(domain="medical.consultation"))
    assert info.value.msg == "no seeds of domain medical.consultation in the store (run `scsf-appliance init` first)"
    assert store.list_runs() == []


# -- a full run ------------------------------------------------------------------------------------------


def test_full_run(scsf_home, store, domains, seed_ids) -> None:
    backend, observer = ScriptedBackend(), Recorder()
    runner = runner_for(scsf_home, store, domains, backend)
    run_id = runner.plan(config())
    outcome = runner.execute(run_id, observer)

    run_dir = scsf_home.runs / run_id
    assert (outcome.run_id, outcome.status, outcome.planned, outcome.stored) == (run_id, "completed", 6, 6)
    assert outcome.failed == []
    assert outcome.dataset == str(run_dir / "dataset.sharegpt.jsonl")
    assert outcome.report == str(run_dir / "report.json")
    assert store.get_run(run_id)["status"] == "completed"
    assert store.count_conversations(run_id) == 6
    assert len(backend.requests) == 6
    assert backend.closed
    assert observer.events[0] == ("started", run_id, 6, 0)
    assert [event[2] for event in observer.of("stored")] == [1] * 6
    assert observer.of("failed") == []

    conversations = list(store.conversations(run_id))
    records = read_jsonl(run_dir / "dataset.sharegpt.jsonl")
    assert [record["id"] for record in records] == [c.conversation_id for c in conversations]
    assert sorted({record["seed_id"] for record in records}) == seed_ids
    for record, conversation in zip(records, conversations, strict=True):
        sides = [turn["from"] for turn in record["conversations"]]
        assert sides == ["human", "gpt"] * (len(sides) // 2)
        assert (sides[0], sides[-1]) == ("human", "gpt")
        assert [turn["value"] for turn in record["conversations"]] == [turn.text for turn in conversation.turns]
        assert record["system"] == conversation.system_prompt
        assert record["seed_version"] == 1
        assert conversation.generation["model"] == MODEL_INFO

    verified = verify_report_file(Path(outcome.report), scsf_home.keys / "report_signing.pub")
    report = verified.document
    assert verified.run_id == run_id
    assert (report["status"], report["model"]) == ("completed", MODEL_INFO)
    assert report["counts"] == {"planned": 6, "stored": 6, "failed_attempts": 0}
    assert report["artifacts"] == [
        {
            "kind": "dataset.sharegpt",
            "path": "dataset.sharegpt.jsonl",
            "sha256": file_sha256(run_dir / "dataset.sharegpt.jsonl"),
        }
    ]
    assert [(seed["seed_id"], seed["version"]) for seed in report["seeds"]] == [(s, 1) for s in seed_ids]
    assert {seed["content_hash"] for seed in report["seeds"]} == {store.get_seed(s).content_hash for s in seed_ids}
    assert {path.name for path in verified.checked} == {"dataset.sharegpt.jsonl", "report.md"}
    assert sorted(path.name for path in run_dir.iterdir()) == ["dataset.sharegpt.jsonl", "report.json", "report.md"]

    assert report["quality"]["gate"] == "on"
    assert (report["quality"]["accepted"], report["quality"]["target"], report["quality"]["summary"]) == (6, 6, "accepted 6/6")
    assert outcome.accepted == 6
    assert observer.events[-2:] == [("evaluated_one",), ("evaluated", 6, 6)]

    assert audit_kinds(store, run_id) == [
        "run.created", *["conversation.stored"] * 6, "run.evaluated", "artifact.written", "run.completed", "report.signed",
    ]  # fmt: skip
    events, _ = store.verify_audit_chain()
    assert events == 1 + 11  # the seed import, then the run's events


def test_executing_a_completed_run_is_refused(scsf_home, store, domains) -> None:
    runner = runner_for(scsf_home, store, domains, ScriptedBackend())
    run_id = runner.plan(config(conversations_per_seed=1))
    runner.execute(run_id, Recorder())
    with pytest.raises(StoreError) as info:
        Runner(scsf_home, store, domains, never_opened).execute(run_id, Recorder())
    assert info.value.msg == f"run {run_id} is already completed; nothing to resume"
    assert store.count_conversations(run_id) == 3


def test_unknown_run_is_refused(scsf_home, store, domains) -> None:
    with pytest.raises(StoreError) as info:
        Runner(scsf_home, store, domains, never_opened).execute("run-nope", Recorder())
    assert info.value.msg == "run run-nope is not in the store"


# -- resume ----------------------------------------------------------------------------------------------


def test_resume_after_interrupt_generates_only_the_rest(scsf_home, store, domains) -> None:
    first = ScriptedBackend().raise_on_call(3, KeyboardInterrupt())
    run_id = runner_for(scsf_home, store, domains, first).plan(config())
    with pytest.raises(KeyboardInterrupt):
        runner_for(scsf_home, store, domains, first).execute(run_id, Recorder())
    assert store.get_run(run_id)["status"] == "interrupted"
    assert store.count_conversations(run_id) == 2
    assert first.closed
    assert audit_kinds(store, run_id)[-1] == "run.interrupted"

    pending = store.pending_items(run_id)
    assert len(pending) == 4
    expected_seeds = []
    for item in pending:
        seed = parse_seed(store.get_seed(item.seed_id).document, domains, "stored")
        plan = plan_conversation(seed, 1, domains.get(seed.dominio), item.index, policy="min", base_seed=20261127, variation=PLAIN)
        expected_seeds.append(plan.sampling_seed)

    second, observer = ScriptedBackend(), Recorder()
    outcome = runner_for(scsf_home, store, domains, second).execute(run_id, observer)
    assert (outcome.status, outcome.planned, outcome.stored) == ("completed", 6, 6)
    assert [request.seed for request in second.requests] == expected_seeds
    assert second.requests[0] == first.requests[2]  # the interrupted request, asked again identically
    assert observer.events[0] == ("started", run_id, 6, 2)
    assert [event[1] for event in observer.of("stored")] == [item.conversation_id for item in pending]

    ids = stored_ids(store, run_id)
    assert len(ids) == len(set(ids)) == 6
    assert sorted(ids) == sorted(planned_ids(store, run_id))
    assert store.get_run(run_id)["status"] == "completed"
    assert store.pending_items(run_id) == []
    verify_report_file(Path(outcome.report), scsf_home.keys / "report_signing.pub")
    assert len(read_jsonl(Path(outcome.dataset))) == 6


def test_resume_with_nothing_left_uses_the_recorded_model(scsf_home, store, domains) -> None:
    """Interrupted right after the last conversation was stored: the resume opens no backend."""
    runner = runner_for(scsf_home, store, domains, ScriptedBackend())
    run_id = runner.plan(config(conversations_per_seed=1))
    with pytest.raises(KeyboardInterrupt):
        runner.execute(run_id, Recorder(interrupt_on_stored=3))
    assert store.get_run(run_id)["status"] == "interrupted"
    assert store.pending_items(run_id) == []

    outcome = Runner(scsf_home, store, domains, never_opened, StubGate).execute(run_id, Recorder())
    assert (outcome.status, outcome.planned, outcome.stored) == ("completed", 3, 3)
    report = verify_report_file(Path(outcome.report), scsf_home.keys / "report_signing.pub").document
    assert report["model"] == MODEL_INFO


def test_invalid_outputs_leave_the_run_incomplete_then_resume_completes_it(scsf_home, store, domains) -> None:
    bad, observer = ScriptedBackend(default=lambda request: "no es JSON"), Recorder()
    runner = runner_for(scsf_home, store, domains, bad)
    run_id = runner.plan(config(max_seeds=2, conversations_per_seed=1, max_attempts=2))
    outcome = runner.execute(run_id, observer)

    items = planned_ids(store, run_id)
    assert (outcome.status, outcome.planned, outcome.stored) == ("incomplete", 2, 0)
    assert sorted(outcome.failed) == sorted(items)
    assert store.get_run(run_id)["status"] == "incomplete"
    assert len(bad.requests) == 4
    attempts = store.con.execute(
        "SELECT conversation_id, attempt, raw_output, error FROM generation_attempts WHERE run_id = ?"
        " ORDER BY conversation_id, attempt",
        [run_id],
    ).fetchall()
    assert attempts == [(cid, n, "no es JSON", NOT_JSON) for cid in sorted(items) for n in (1, 2)]
    assert [event[0] for event in observer.events] == ["started", "failed", "failed", "evaluating", "evaluated"]
    assert observer.of("failed")[0][2].endswith(
        "all 2 attempts were rejected; their raw outputs are stored in generation_attempts"
    )
    assert Path(outcome.dataset).read_text(encoding="utf-8") == ""
    report = verify_report_file(Path(outcome.report), scsf_home.keys / "report_signing.pub").document
    assert (report["status"], report["counts"]) == ("incomplete", {"planned": 2, "stored": 0, "failed_attempts": 4})

    good = ScriptedBackend()
    resumed = runner_for(scsf_home, store, domains, good).execute(run_id, Recorder())
    assert (resumed.status, resumed.planned, resumed.stored, resumed.failed) == ("completed", 2, 2, [])
    assert len(good.requests) == 2
    assert store.failed_attempts(run_id) == 4
    assert store.get_run(run_id)["status"] == "completed"
    report = verify_report_file(Path(resumed.report), scsf_home.keys / "report_signing.pub").document
    assert report["counts"] == {"planned": 2, "stored": 2, "failed_attempts": 4}
    assert len(read_jsonl(Path(resumed.dataset))) == 2
    assert audit_kinds(store, run_id).count("generation.attempt_failed") == 4


def test_backend_error_fails_only_that_conversation(scsf_home, store, domains) -> None:
    backend = ScriptedBackend().enqueue_error(GenerationError("model crashed"))
    run_id = runner_for(scsf_home, store, domains, backend).plan(config(conversations_per_seed=1))
    outcome = runner_for(scsf_home, store, domains, backend).execute(run_id, Recorder())
    assert (outcome.status, outcome.stored, len(outcome.failed)) == ("incomplete", 2, 1)


def test_run_uses_the_seed_version_it_planned(scsf_home, store, domains, seed_ids) -> None:
    backend = ScriptedBackend()
    runner = runner_for(scsf_home, store, domains, backend)
    run_id = runner.plan(config(seed_ids=[seed_ids[0]], conversations_per_seed=1))
    original = store.get_seed(seed_ids[0]).document
    tone = next(tone for tone in ("tecnico_preciso", "formal_cordial") if tone != original["tono_objetivo"])
    document = {**original, "tono_objetivo": tone}
    [edited] = store.import_seeds([(parse_seed(document, domains, "edited"), "edited")])
    assert edited.version == 2

    outcome = runner.execute(run_id, Recorder())
    [conversation] = store.conversations(run_id)
    assert conversation.seed_version == 1
    assert f"Tono: {humanize(original['tono_objetivo'])}." in conversation.system_prompt
    report = verify_report_file(Path(outcome.report), scsf_home.keys / "report_signing.pub").document
    assert [(seed["seed_id"], seed["version"]) for seed in report["seeds"]] == [(seed_ids[0], 1)]


# -- privacy ---------------------------------------------------------------------------------------------


def test_seed_file_declaring_pii_is_refused_at_import(scsf_home, store, domains, listing1, tmp_path) -> None:
    listing1["privacidad"]["contiene_pii"] = True
    path = tmp_path / "pii.json"
    path.write_text(json.dumps(listing1), encoding="utf-8")
    before = store.list_seeds(all_versions=True)
    with pytest.raises(SeedError) as info:
        import_seed_files([path], store, domains)
    assert info.value.msg == (
        f"{path}:1: privacidad.contiene_pii: a seed that contains PII is refused for generation; "
        "remove the personal data and declare it false"
    )
    assert store.list_seeds(all_versions=True) == before


def test_stored_seed_declaring_pii_is_refused_for_generation(scsf_home, store, domains, listing1) -> None:
    listing1["privacidad"]["contiene_pii"] = True
    seed = parse_seed(listing1, domains, "direct")
    store.import_seeds([(seed, "direct")])  # bypassing the importer's check
    with pytest.raises(SeedError) as info:
        Runner(scsf_home, store, domains, never_opened).plan(config(seed_ids=[seed.seed_id]))
    assert info.value.msg == f"seed {seed.seed_id}: privacidad.contiene_pii is true; refused for generation"
    assert store.list_runs() == []
