"""Incremental evaluation of a run (`evaluate_run(..., reuse_stored=True)`, the gate's regeneration rounds): only the
conversations without stored results of the same evaluator settings reach the evaluator, diversity forcing still
runs over the whole run (a new copy names an old twin; a stored surplus rejection is lifted when its twin is later
rejected), other settings or another reference re-evaluate, and the metric results round-trip exactly."""

# ruff: noqa: F811 (the fixtures imported from test_runner are test parameters)
from __future__ import annotations

import json
import shutil
from collections.abc import Collection, Iterable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from eval_cases import FAITHFUL, SIDES, NoPii, make_seed
from scripted_backend import ScriptedBackend
from test_runner import Recorder, StubGate, config, scsf_home, seed_ids  # noqa: F401 (fixtures)
from test_runner import store as runner_store  # noqa: F401 (fixture)

import scsf.eval
from scsf.bench.eval import PatternScan
from scsf.domains import DomainRegistry
from scsf.eval.base import COHERENCIA_DIALOGO, Verdict
from scsf.eval.evaluator import Evaluator
from scsf.eval.reference import Reference
from scsf.eval.stage_cues import STAGE_CUES
from scsf.eval.stage_model import ModelStageLabeller
from scsf.pipeline import evaluation
from scsf.pipeline.evaluation import evaluate_run, evaluator_settings
from scsf.pipeline.runner import Runner
from scsf.privacy.engine import PiiScanner
from scsf.seeds.conversation import Conversation, Turn
from scsf.seeds.schema import Seed
from scsf.store import Store
from scsf.store.duckdb import RunItem
from scsf.store.references import ReferenceRepository
from scsf.store.verdicts import VerdictRepository

RUN = "run-inc"


class Counting(Evaluator):
    """The real evaluator (a scanner finding nothing) recording the conversations that reach it; those in `reject`
    fail dialogue coherence."""

    def __init__(
        self,
        domains: DomainRegistry,
        judge: Any = None,
        reject: Collection[str] = (),
        scanner: Any = None,
        labeller: Any = None,
    ) -> None:
        super().__init__(scanner or NoPii(), domains, labeller=labeller, judge=judge)
        self.seen: list[str] = []
        self.reject = reject

    def evaluate_many(self, pairs: Iterable[tuple[Conversation, Seed]], **options: Any) -> Iterator[Verdict]:
        def counted() -> Iterator[tuple[Conversation, Seed]]:
            for conversation, seed in pairs:
                self.seen.append(conversation.conversation_id)
                yield conversation, seed

        for verdict in super().evaluate_many(counted(), **options):
            yield self._scripted(verdict) if verdict.conversation_id in self.reject else verdict

    @staticmethod
    def _scripted(verdict: Verdict) -> Verdict:
        results = [
            replace(r, passed=False, reasons=["scripted rejection"]) if r.name == COHERENCIA_DIALOGO else r
            for r in verdict.results
        ]
        return Verdict.from_results(verdict.conversation_id, results)


class IdentifiedNoPii(NoPii):
    """A scanner finding nothing that names its settings, as `PiiScanner.identity` does."""

    def __init__(self, **identity: Any) -> None:
        self.settings = identity

    def identity(self) -> dict[str, Any]:
        return self.settings


class OtherModel(ScriptedBackend):
    """A scripted model under another name and sha256 (the labeller falls back to keywords on its answers)."""

    @property
    def model_info(self) -> dict[str, Any]:
        return {"backend": "scripted", "name": "other-model", "sha256": "1" * 64}


def edited_pack(domains: DomainRegistry) -> DomainRegistry:
    """The registry with one stage description of the automotive pack edited."""
    packs = []
    for pack in domains:
        if pack.namespace == "automotive.sales":
            stages = [pack.etapas[0].model_copy(update={"descripcion": "Saludo editado"}), *pack.etapas[1:]]
            pack = pack.model_copy(update={"etapas": stages})
        packs.append(pack)
    return DomainRegistry(packs)


class NamedJudge:
    model_name = "scripted-judge"

    def __call__(self, conversation: Conversation, seed: Seed, pack: Any) -> list:
        return []


@pytest.fixture
def seed(domains: DomainRegistry) -> Seed:
    return make_seed(domains)


@pytest.fixture
def store(tmp_path: Path, seed: Seed):
    with Store.open(tmp_path / "scsf.duckdb") as opened:
        opened.import_seeds([(seed, "test")])
        yield opened


def add(store: Store, seed: Seed, *indexes: int, replaces: str | None = None) -> list[str]:
    """Plan (the run itself, or replacements of `replaces`) and store copies of the faithful dialogue at `indexes`
    (ids `conv-<index>`)."""
    items = [RunItem(f"conv-{i}", seed.seed_id, 1, "v", i, replaces, 1 if replaces else 0) for i in indexes]
    if replaces:
        store.add_replacements(RUN, items)
    else:
        store.create_run(RUN, {"test": True}, items)
    for item in items:
        store.put_conversation(
            Conversation(
                conversation_id=item.conversation_id, run_id=RUN, seed_id=seed.seed_id, seed_version=1, variant="v",
                index=item.index, turns=[Turn(role=role, text=text) for role, text in FAITHFUL],
                system_prompt="Eres el asistente.", generation={"sides": dict(SIDES)},
            )
        )  # fmt: skip
    return [item.conversation_id for item in items]


def verdicts_by_id(store: Store) -> dict[str, Any]:
    return {v.conversation_id: v for v in VerdictRepository(store).of_run(RUN)}


def test_only_new_conversations_reach_the_evaluator_and_a_new_copy_names_an_old_twin(store, domains, seed) -> None:
    old = add(store, seed, 0, 1, 2)
    first = Counting(domains)
    result = evaluate_run(store, first, RUN, reuse_stored=True)
    assert (first.seen, result.accepted, result.reused) == (old, 3, 0)
    new = add(store, seed, 3, 4, replaces="conv-0")
    again = Counting(domains)
    result = evaluate_run(store, again, RUN, reuse_stored=True)
    assert again.seen == new
    assert (result.conversations, result.accepted, result.surplus_copies, result.reused) == (5, 3, 2, 3)
    verdicts = verdicts_by_id(store)
    assert [cid for cid, v in verdicts.items() if v.accepted] == old
    for cid in new:
        assert verdicts[cid].twin_id in old
        assert verdicts[cid].reasons == [f"diversidad_dataset: more than 3 copies; twin {verdicts[cid].twin_id}"]
    payload = store.con.execute(
        "SELECT payload FROM audit_events WHERE kind = 'run.evaluated' ORDER BY seq DESC LIMIT 1"
    ).fetchone()[0]
    assert '"reused":3' in payload


def test_a_stored_surplus_rejection_is_lifted_when_its_twin_is_rejected(store, domains, seed) -> None:
    add(store, seed, 0, 1)
    evaluate_run(store, Counting(domains), RUN, max_copies=1, reuse_stored=True)
    assert verdicts_by_id(store)["conv-1"].twin_id == "conv-0"
    # conv-0's verdict as one stored before evaluator settings were (migration 6): not reusable
    store.con.execute("UPDATE verdicts SET evaluator = NULL WHERE conversation_id = 'conv-0'")
    gate = Counting(domains, reject={"conv-0"})
    result = evaluate_run(store, gate, RUN, max_copies=1, reuse_stored=True)
    assert (gate.seen, result.reused, result.accepted, result.surplus_copies) == (["conv-0"], 1, 1, 0)
    verdicts = verdicts_by_id(store)
    assert (verdicts["conv-1"].accepted, verdicts["conv-1"].twin_id, verdicts["conv-1"].reasons) == (True, None, [])
    assert not verdicts["conv-0"].accepted
    assert verdicts["conv-0"].reasons == ["coherencia_dialogo: scripted rejection"]


def test_other_evaluator_settings_re_evaluate_everything(store, domains, seed) -> None:
    ids = add(store, seed, 0, 1)
    evaluate_run(store, Counting(domains), RUN, reuse_stored=True)
    judged = Counting(domains, judge=NamedJudge())
    assert evaluator_settings(judged) != evaluator_settings(Counting(domains))
    assert evaluate_run(store, judged, RUN, reuse_stored=True).reused == 0
    assert judged.seen == ids
    same = Counting(domains, judge=NamedJudge())
    assert evaluate_run(store, same, RUN, reuse_stored=True).reused == 2
    assert same.seen == []


SETTINGS_CHANGES = {
    "domain pack edited": lambda domains, monkeypatch: Counting(edited_pack(domains)),
    "stage cue edited": lambda domains, monkeypatch: (
        monkeypatch.setitem(STAGE_CUES, "saludo", STAGE_CUES["saludo"] + " holis"),
        Counting(domains),
    )[1],
    "model labeller": lambda domains, monkeypatch: Counting(domains, labeller=ModelStageLabeller(ScriptedBackend())),
    "scanner settings": lambda domains, monkeypatch: Counting(domains, scanner=IdentifiedNoPii(min_score=0.6)),
}


@pytest.mark.parametrize("change", SETTINGS_CHANGES, ids=list(SETTINGS_CHANGES))
def test_a_change_of_what_decides_the_results_re_evaluates(store, domains, seed, monkeypatch, change) -> None:
    ids = add(store, seed, 0, 1)
    before = Counting(domains, scanner=IdentifiedNoPii(min_score=0.5))
    evaluate_run(store, before, RUN, reuse_stored=True)
    assert (
        evaluate_run(store, Counting(domains, scanner=IdentifiedNoPii(min_score=0.5)), RUN, reuse_stored=True).reused
        == 2
    )
    changed = SETTINGS_CHANGES[change](domains, monkeypatch)
    assert evaluator_settings(changed) != evaluator_settings(before)
    assert evaluate_run(store, changed, RUN, reuse_stored=True).reused == 0
    assert changed.seen == ids


def test_metric_rules_address_the_metrics_code(tmp_path: Path) -> None:
    package = Path(scsf.eval.__file__).parent
    assert evaluation.metric_rules() == evaluation.metric_rules(package)
    same, edited = tmp_path / "same", tmp_path / "edited"
    for copy in (same, edited):
        shutil.copytree(package, copy, ignore=shutil.ignore_patterns("__pycache__"))
    rule = edited / "ceilings.py"
    rule.write_text(rule.read_text(encoding="utf-8").replace("REL_TOL)", "REL_TOL * 2)"), encoding="utf-8")
    assert evaluation.metric_rules(same) == evaluation.metric_rules(package) != evaluation.metric_rules(edited)


def test_an_edited_metric_rule_re_evaluates(store, domains, seed, monkeypatch) -> None:
    ids = add(store, seed, 0, 1)
    evaluate_run(store, Counting(domains), RUN, reuse_stored=True)
    monkeypatch.setattr(evaluation, "metric_rules", lambda: "sha256:" + "0" * 64)
    changed = Counting(domains)
    assert evaluate_run(store, changed, RUN, reuse_stored=True).reused == 0
    assert changed.seen == ids


def test_the_model_labeller_and_the_pii_scanner_name_their_settings(domains) -> None:
    one, same = ModelStageLabeller(ScriptedBackend()), ModelStageLabeller(ScriptedBackend())
    other = ModelStageLabeller(OtherModel())
    assert one.identity() == same.identity() != other.identity()
    assert other.identity()["sha256"] == "1" * 64
    assert (
        json.loads(evaluator_settings(Counting(domains, labeller=one)))["labeller"]["fallback"]
        == json.loads(evaluator_settings(Counting(domains)))["labeller"]
    )
    full = PiiScanner().identity()
    assert full == PiiScanner().identity() != PiiScanner(min_score=0.6).identity()
    assert full["pipelines"]["es"].startswith("es_core_news_sm==")
    assert evaluator_settings(Counting(domains, scanner=PiiScanner())) != evaluator_settings(
        Counting(domains, scanner=PatternScan(PiiScanner()))
    )


def test_eval_without_reuse_evaluates_everything(store, domains, seed) -> None:
    ids = add(store, seed, 0, 1)
    evaluate_run(store, Counting(domains), RUN)
    fresh = Counting(domains)
    assert evaluate_run(store, fresh, RUN).reused == 0
    assert fresh.seen == ids


def test_another_reference_re_evaluates_its_seeds_conversations(store, domains, seed, monkeypatch) -> None:
    ids = add(store, seed, 0, 1)
    evaluate_run(store, Counting(domains), RUN, reuse_stored=True)
    reference = Reference("imported-1", "\n".join(text for _, text in FAITHFUL))
    monkeypatch.setattr(ReferenceRepository, "of_run", lambda self, run_id: {seed.seed_id: reference})
    gate = Counting(domains)
    evaluate_run(store, gate, RUN, reuse_stored=True)
    assert gate.seen == ids
    assert ReferenceRepository(store).text_rouge_l(RUN) == {cid: 1.0 for cid in ids}
    unchanged = Counting(domains)
    assert evaluate_run(store, unchanged, RUN, reuse_stored=True).reused == 2
    assert unchanged.seen == []


def test_metric_results_round_trip_exactly(store, domains, seed) -> None:
    add(store, seed, 0, 1)
    gate = Counting(domains, judge=NamedJudge(), reject={"conv-1"})
    evaluate_run(store, gate, RUN, reuse_stored=True)
    fresh = list(gate.evaluate_many((c, seed) for c in store.conversations(RUN)))
    stored = VerdictRepository(store).metric_results(RUN, evaluator_settings(gate))
    assert stored == {verdict.conversation_id: verdict.results for verdict in fresh}
    assert VerdictRepository(store).metric_results(RUN, evaluator_settings(Counting(domains))) == {}


def test_regeneration_rounds_evaluate_each_conversation_once(scsf_home, runner_store, domains) -> None:
    """Three rounds (6 planned, indexes 0-3 rejected): 18 conversations evaluated once each, not 6 + 12 + 18."""
    gate = StubGate(domains, accept=lambda conversation: conversation.index >= 4)
    runner = Runner(scsf_home, runner_store, domains, lambda cfg: ScriptedBackend(), lambda domains, judge: gate)
    run_id = runner.plan(config(regenerate_rejected=True))
    outcome = runner.execute(run_id, Recorder())
    assert (outcome.stored, outcome.accepted, outcome.replacements) == (18, 6, 12)
    assert gate.evaluated == 18
