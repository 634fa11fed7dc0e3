"""The held-out judge sets (heldout, heldout2): each loads with its counts per kind and domain, every case stands on a
pilot seed with the seed's roles and tools, each variant changes exactly the turns it names, tool records are the
tools' own results; the first set's faithful bases pass deterministic fidelity and `bench_judge` runs on it; both sets
are registered for `bench judge --set`; and a bad line is an error naming the file and line."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from appliance.commands.bench import LabelledSet
from scsf.bench.judge import LABELLED_SETS, bench_judge, run_mode
from scsf.bench.judge_heldout import (
    HELDOUT, HELDOUT2, RUN_ID, RUN_ID2, build_heldout, heldout2_set, heldout_set, load_heldout,
)  # fmt: skip
from scsf.bench.judge_set import FAITHFUL, KINDS, Case, JudgeSetError, pilot_seeds
from scsf.domains import DomainRegistry
from scsf.generation.tools import run_tool
from scsf.seeds.schema import Seed


@pytest.fixture(scope="module")
def registry() -> DomainRegistry:
    return DomainRegistry.load()


@pytest.fixture(scope="module")
def seeds(registry: DomainRegistry) -> dict[str, Seed]:
    return pilot_seeds(registry)


# set name -> (file, run id, cases per kind, bases per domain, distinct interaction types, bases with a financing call)
SETS: dict[str, tuple[Path, str, dict[str, int], dict[str, int], int, int]] = {
    "heldout": (
        HELDOUT, RUN_ID,
        {FAITHFUL: 6, "wrong_down_payment": 5, "wrong_term": 5, "contradicted_restriction": 7, "role_swap": 6,
         "invented_product": 6},
        {"automotive.sales": 6}, 6, 4,
    ),
    "heldout2": (
        HELDOUT2, RUN_ID2,
        {FAITHFUL: 6, "wrong_down_payment": 6, "wrong_term": 5, "contradicted_restriction": 6, "role_swap": 5,
         "invented_product": 4},
        {"automotive.sales": 4, "legal.advisory": 1, "medical.consultation": 1}, 3, 3,
    ),
}  # fmt: skip


@pytest.fixture(scope="module", params=sorted(SETS))
def name(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture(scope="module")
def cases(registry: DomainRegistry, name: str) -> list[Case]:
    return heldout_set(registry, SETS[name][0], SETS[name][1])


def texts(case: Case) -> list[str]:
    return [turn.text for turn in case.conversation.messages()]


def test_the_set_loads_with_its_counts(name: str, cases: list[Case], seeds: dict[str, Seed]) -> None:
    _, run_id, kinds, domains, interaction_types, financing = SETS[name]
    total = sum(kinds.values())
    assert Counter(case.kind for case in cases) == kinds
    assert len({case.case_id for case in cases}) == len(cases) == total
    assert len({case.conversation.conversation_id for case in cases}) == total
    assert {case.conversation.run_id for case in cases} == {run_id}
    used = {case.conversation.seed_id for case in cases}
    assert len(used) == 6
    assert Counter(seeds[seed_id].dominio for seed_id in used) == domains
    assert len({seeds[seed_id].tipo_interaccion for seed_id in used}) == interaction_types
    with_financing = {
        case.base.name for case in cases if any(c["name"] == "calcular_financiamiento" for c in case.base.tools)
    }
    assert len(with_financing) == financing


def test_the_sets_share_no_seed_with_each_other_or_the_calibration_bases() -> None:
    def seed_ids(path: Path) -> set[str]:
        return {json.loads(line)["seed_id"] for line in path.read_text(encoding="utf-8").splitlines()}

    calibration = seed_ids(HELDOUT.parent / "bases.jsonl")
    assert not seed_ids(HELDOUT2) & (seed_ids(HELDOUT) | calibration)


def test_both_sets_are_labelled_sets_of_bench_judge(registry: DomainRegistry) -> None:
    assert LABELLED_SETS["heldout"] is heldout_set and LABELLED_SETS["heldout2"] is heldout2_set
    assert {member.value for member in LabelledSet} == set(LABELLED_SETS)
    assert [case.case_id for case in heldout2_set(registry)] == [
        case.case_id for case in heldout_set(registry, HELDOUT2, RUN_ID2)
    ]


def test_every_case_stands_on_a_pilot_seed_with_its_roles_and_tools(cases: list[Case], seeds: dict[str, Seed]) -> None:
    for case in cases:
        seed = seeds[case.conversation.seed_id]  # KeyError: not a pilot seed
        messages = case.conversation.messages()
        assert 8 <= len(messages) <= 12, case.case_id
        assert {turn.role for turn in messages} == set(seed.roles), case.case_id
        assert {call["name"] for call in case.base.tools} <= set(seed.herramientas_disponibles), case.case_id


def test_tool_records_are_the_tools_own_results(cases: list[Case]) -> None:
    for case in (case for case in cases if case.faithful):
        for call in case.base.tools:
            assert run_tool(call["name"], call["arguments"], call["stated"]) == call["result"], case.case_id


def test_every_variant_changes_exactly_the_turns_it_names_and_says_why(name: str, cases: list[Case]) -> None:
    faithful = {case.base.name: case for case in cases if case.faithful}
    for case in (case for case in cases if not case.faithful):
        base = faithful[case.base.name]
        before, after = texts(base), texts(case)
        assert [n for n in range(len(before)) if before[n] != after[n]] == sorted(case.change.turns), case.case_id
        assert [t.role for t in base.conversation.turns] == [t.role for t in case.conversation.turns]
        assert [t for t in base.conversation.turns if not t.is_message] == [
            t for t in case.conversation.turns if not t.is_message
        ]
    entries = load_heldout(SETS[name][0])
    assert all(variant.why.strip() for entry in entries for variant in entry.variants)
    assert {variant.kind for entry in entries for variant in entry.variants} == set(KINDS)


@pytest.mark.parametrize(
    "base",
    [json.loads(line)["base"] for line in HELDOUT.read_text(encoding="utf-8").splitlines()],
)
def test_a_faithful_base_passes_deterministic_fidelity(
    base: str, seeds: dict[str, Seed], registry: DomainRegistry
) -> None:
    """The first set only: the second one's verdicts are what `bench judge --set heldout2` measures."""
    cases = heldout_set(registry)
    (outcome,) = run_mode([case for case in cases if case.case_id == f"{base}/{FAITHFUL}"], seeds, registry, None)
    assert (outcome.predicted_faithful, outcome.reasons) == (True, [])


def test_bench_judge_runs_on_the_heldout_set() -> None:
    report = bench_judge(model=None, limit=None, deterministic_only=True, n_threads=1, labelled_set="heldout")
    assert report["set"]["name"] == "heldout"
    assert report["evaluated"] == report["set"]["conversations"] == 35
    assert "llm_judge" not in report
    faithful_rejected = [e["case"] for e in report["deterministic"]["examples"] if e["kind"] == FAITHFUL]
    assert faithful_rejected == []  # "autonomía eléctrica de 80 km" was once read as the product auto_electrico


def base_line(**changes: Any) -> dict[str, Any]:
    first = json.loads(HELDOUT.read_text(encoding="utf-8").splitlines()[0])
    return {**first, **changes}


def write(tmp_path: Path, *lines: dict[str, Any] | str) -> Path:
    path = tmp_path / "heldout.jsonl"
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n")
    return path


@pytest.mark.parametrize(
    ("second", "message"),
    [
        ("{not json", r":2: not a held-out base \(JSONDecodeError"),
        ({"base": "x", "seed_id": "y"}, r":2: not a held-out base \(KeyError: 'messages'"),
        (base_line(variants=[{"kind": "wrong_price", "edits": [{"turn": 1, "text": "x"}], "why": "w"}]),
         r":2: variant 1 \(wrong_price\): kind not among"),
        (base_line(variants=[{"kind": "role_swap", "edits": [{"turn": 10, "text": "x"}], "why": "w"}]),
         r":2: variant 1 \(role_swap\): turn 10 is not a message turn \(0-9\)"),
        (base_line(variants=[{"kind": "role_swap", "edits": [], "why": "w"}]),
         r":2: variant 1 \(role_swap\): no edits"),
        (base_line(variants=[{"kind": "role_swap", "edits": [{"turn": 1, "text": "x"}]}]),
         r":2: not a held-out base \(KeyError: 'why'"),
    ],
)  # fmt: skip
def test_a_bad_line_names_the_file_and_line(tmp_path: Path, second: dict[str, Any] | str, message: str) -> None:
    path = write(tmp_path, base_line(), second)
    with pytest.raises(JudgeSetError, match=re.escape(str(path)) + message):
        load_heldout(path)


def test_an_edit_that_changes_nothing_is_an_error(tmp_path: Path) -> None:
    unchanged = base_line()["messages"][3]["text"]
    line = base_line(variants=[{"kind": "wrong_term", "edits": [{"turn": 3, "text": unchanged}], "why": "w"}])
    with pytest.raises(JudgeSetError, match=r":1: variant 1 \(wrong_term\): turn 3: the edit's text equals the base's"):
        load_heldout(write(tmp_path, line))


def test_a_base_on_an_unknown_seed_is_an_error(
    tmp_path: Path, seeds: dict[str, Seed], registry: DomainRegistry
) -> None:
    path = write(tmp_path, base_line(seed_id="00000000-0000-4000-8000-000000000000"))
    with pytest.raises(JudgeSetError, match="seed 00000000-0000-4000-8000-000000000000 is not a pilot seed"):
        build_heldout(load_heldout(path), seeds, registry)
