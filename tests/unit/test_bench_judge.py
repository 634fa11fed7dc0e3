"""The judge calibration set and its benchmark: size and balance, each perturbation changes exactly what it claims,
faithful conversations pass deterministic fidelity, and the metrics on a scripted judge, computed exactly."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import pytest
from scripted_backend import ScriptedBackend

from scsf.bench.judge import Outcome, metrics, point_biserial, run_mode, select
from scsf.bench.judge_set import (
    CONTRADICTED_RESTRICTION, CONTRADICTIONS, FAITHFUL, INVENTED_PRODUCT, KINDS, PRODUCTS, ROLE_SWAP, SENTENCE_END,
    WRONG_DOWN_PAYMENT, WRONG_TERM, Case, JudgeSetError, build_set, calibration_set, load_bases, pilot_seeds,
)  # fmt: skip
from scsf.domains import DomainPack, DomainRegistry
from scsf.eval.judge import LlmJudge
from scsf.eval.fidelity import Claim
from scsf.eval.numbers import stated_values
from scsf.generation.tools import run_tool
from scsf.seeds.conversation import Conversation
from scsf.seeds.schema import Seed


@pytest.fixture(scope="module")
def registry() -> DomainRegistry:
    return DomainRegistry.load()


@pytest.fixture(scope="module")
def seeds(registry: DomainRegistry) -> dict[str, Seed]:
    return pilot_seeds(registry)


@pytest.fixture(scope="module")
def cases(registry: DomainRegistry) -> list[Case]:
    return calibration_set(registry)


def texts(conversation: Conversation) -> list[str]:
    return [turn.text for turn in conversation.messages()]


def numbers(text: str) -> Counter[float]:
    return Counter(value.values[0] for value in stated_values(text))


def test_set_size_and_balance(cases: list[Case], seeds: dict[str, Seed]) -> None:
    kinds = Counter(case.kind for case in cases)
    assert len(cases) >= 60
    assert kinds == {FAITHFUL: 16, **{kind: 10 for kind in KINDS}}
    used = {case.conversation.seed_id for case in cases}
    assert len(used) == 16
    assert len({seeds[seed_id].tipo_interaccion for seed_id in used}) >= 4


def test_bases_are_within_the_seeds_length_roles_and_tools(cases: list[Case], seeds: dict[str, Seed]) -> None:
    for case in (case for case in cases if case.faithful):
        seed = seeds[case.conversation.seed_id]
        messages = case.conversation.messages()
        assert 6 <= len(messages) <= 10
        assert {turn.role for turn in messages} <= set(seed.roles)
        assert {call["name"] for call in case.base.tools} <= set(seed.herramientas_disponibles)


def test_tool_records_are_the_tools_own_results(cases: list[Case]) -> None:
    for case in (case for case in cases if case.faithful):
        for call in case.base.tools:
            assert run_tool(call["name"], call["arguments"], call["stated"]) == call["result"], case.case_id


def test_faithful_conversations_pass_deterministic_fidelity(
    cases: list[Case], seeds: dict[str, Seed], registry: DomainRegistry
) -> None:
    outcomes = run_mode([case for case in cases if case.faithful], seeds, registry, None)
    assert [(o.case.case_id, o.reasons) for o in outcomes if not o.predicted_faithful] == []
    assert all(o.score == 1.0 for o in outcomes)


def test_every_variant_changes_only_the_turns_it_names(cases: list[Case]) -> None:
    faithful = {case.base.name: case for case in cases if case.faithful}
    for case in (case for case in cases if not case.faithful):
        base = faithful[case.base.name].conversation
        before, after = texts(base), texts(case.conversation)
        assert [n for n in range(len(before)) if before[n] != after[n]] == list(case.change.turns), case.case_id
        assert [t.role for t in base.turns] == [t.role for t in case.conversation.turns]
        assert [t for t in base.turns if not t.is_message] == [t for t in case.conversation.turns if not t.is_message]


def of_kind(cases: list[Case], kind: str) -> list[Case]:
    return [case for case in cases if case.kind == kind]


def test_wrong_down_payment_changes_the_share_and_its_two_amounts(cases: list[Case]) -> None:
    for case in of_kind(cases, WRONG_DOWN_PAYMENT):
        financing = next(call["result"] for call in case.base.tools if call["name"] == "calcular_financiamiento")
        share, price = financing["enganche_pct"], financing["precio"]
        wrong = share - 5 if share >= 25 else share + 5
        removed = numbers(case.change.before) - numbers(case.change.after)
        added = numbers(case.change.after) - numbers(case.change.before)
        assert removed == Counter([share, financing["enganche"], financing["monto_financiado"]]), case.case_id
        assert added == Counter([wrong, price * wrong / 100, price * (100 - wrong) / 100]), case.case_id
        assert "enganche" in case.change.after


def test_wrong_term_changes_only_the_months(cases: list[Case]) -> None:
    for case in of_kind(cases, WRONG_TERM):
        financing = next(call for call in case.base.tools if call["name"] == "calcular_financiamiento")
        months = financing["arguments"]["plazo_meses"]
        wrong = months - 12 if months >= 48 else months + 12
        assert numbers(case.change.before) - numbers(case.change.after) == Counter([months]), case.case_id
        assert numbers(case.change.after) - numbers(case.change.before) == Counter([wrong]), case.case_id
        assert case.change.after == case.change.before.replace(f"{months} meses", f"{wrong} meses", 1)


def test_contradicted_restriction_replaces_one_honouring_sentence(cases: list[Case], seeds: dict[str, Seed]) -> None:
    restrictions = []
    for case in of_kind(cases, CONTRADICTED_RESTRICTION):
        restriction = case.base.restriction
        assert restriction in seeds[case.conversation.seed_id].parametros_factuales.restricciones
        cue, contradiction = CONTRADICTIONS[restriction]
        before, after = SENTENCE_END.split(case.change.before), SENTENCE_END.split(case.change.after)
        changed = [(old, new) for old, new in zip(before, after, strict=True) if old != new]
        assert len(changed) == 1 and changed[0][1] == contradiction, case.case_id
        assert re.search(cue, changed[0][0])
        assert not stated_values(contradiction)
        restrictions.append(restriction)
    assert len(set(restrictions)) == len(restrictions)  # ten different restrictions


def test_role_swap_exchanges_one_user_assistant_pair(cases: list[Case]) -> None:
    for case in of_kind(cases, ROLE_SWAP):
        first, second = case.change.turns
        assert second == first + 1
        messages = case.conversation.messages()
        sides = case.conversation.generation["sides"]
        assert (sides[messages[first].role], sides[messages[second].role]) == ("usuario", "asistente")
        user_text, assistant_text = case.change.before.split(" | ")
        assert (messages[first].text, messages[second].text) == (assistant_text, user_text)


def test_invented_product_names_a_vehicle_the_seed_does_not(cases: list[Case], seeds: dict[str, Seed]) -> None:
    for case in of_kind(cases, INVENTED_PRODUCT):
        entities = seeds[case.conversation.seed_id].parametros_factuales.entidades_clave
        entity = next(entity for entity in entities if entity in PRODUCTS)
        pattern, other = PRODUCTS[entity]
        assert re.search(pattern, case.change.before) and other in case.change.after
        assert re.sub(pattern, other, case.change.before, count=1) == case.change.after
        assert other.replace(" ", "_").replace("é", "e").lower() not in entities
        assert numbers(case.change.before) == numbers(case.change.after)


class ScriptedJudge:
    """Flags every conversation whose id ends in one of `kinds`, and the ids in `also`, with two unsupported claims
    (one is not always enough: 9 supported values and 1 unsupported claim score 0.9, which passes)."""

    def __init__(self, kinds: Sequence[str], also: Sequence[str] = ()) -> None:
        self.flag = set(kinds)
        self.also = set(also)
        self.calls: list[str] = []

    def __call__(self, conversation: Conversation, seed: Seed, pack: DomainPack) -> list[Claim]:
        self.calls.append(conversation.conversation_id)
        kind = conversation.conversation_id.rsplit("/", 1)[1]
        if kind in self.flag or conversation.conversation_id in self.also:
            return [Claim(1, "producto", (), "scripted", False), Claim(2, "rol", (), "scripted", False)]
        return []


def test_metrics_with_a_scripted_judge(cases: list[Case], seeds: dict[str, Seed], registry: DomainRegistry) -> None:
    wrongly = "financiamiento-hatchback/faithful"
    judge = ScriptedJudge([ROLE_SWAP], also=[wrongly])
    report = metrics(run_mode(cases, seeds, registry, judge))
    assert len(judge.calls) == 66
    assert report["accuracy"] == round(55 / 66, 4)  # 40 of 50 unfaithful caught, 15 of 16 faithful passed
    assert report["recall_by_kind"] == {
        WRONG_DOWN_PAYMENT: 1.0, WRONG_TERM: 1.0, CONTRADICTED_RESTRICTION: 0.0, ROLE_SWAP: 1.0, INVENTED_PRODUCT: 1.0,
    }  # fmt: skip
    assert report["faithful_specificity"] == 0.9375
    assert report["confusion"] == {
        "unfaithful": {"predicted_unfaithful": 40, "predicted_faithful": 10},
        "faithful": {"predicted_unfaithful": 1, "predicted_faithful": 15},
    }
    assert report["misclassified"] == 11
    assert report["accuracy_if_any_unsupported_claim_fails"] == round(55 / 66, 4)
    contradicted = [case.case_id for case in of_kind(cases, CONTRADICTED_RESTRICTION)]
    assert [example["case"] for example in report["examples"]] == [wrongly, *contradicted[:3]]


def test_deterministic_checks_alone_catch_exactly_the_wrong_values_and_catalogue_products(
    cases: list[Case], seeds: dict[str, Seed], registry: DomainRegistry
) -> None:
    report = metrics(run_mode(cases, seeds, registry, None))
    assert report["recall_by_kind"] == {
        WRONG_DOWN_PAYMENT: 1.0, WRONG_TERM: 1.0, CONTRADICTED_RESTRICTION: 0.0, ROLE_SWAP: 0.0, INVENTED_PRODUCT: 1.0,
    }  # fmt: skip
    assert report["accuracy"] == round(46 / 66, 4)


def test_the_llm_judge_plugs_in_and_fails_closed(
    cases: list[Case], seeds: dict[str, Seed], registry: DomainRegistry
) -> None:
    judge = LlmJudge(ScriptedBackend(default=lambda request: "no es JSON"))
    outcomes = run_mode(select(cases, 2), seeds, registry, judge)
    assert judge.usage.conversations == 2 and judge.usage.failed == 2
    assert all(any("gave no valid answer" in reason for reason in o.reasons) for o in outcomes)


def outcome(faithful: bool, score: float, passed: bool, cases: list[Case]) -> Outcome:
    case = next(case for case in cases if case.faithful == faithful)
    return Outcome(case, score, passed, [], 0.5)


def test_metrics_by_hand(cases: list[Case]) -> None:
    outcomes = [
        outcome(True, 1.0, True, cases), outcome(True, 0.8, False, cases),
        outcome(False, 0.5, False, cases), outcome(False, 1.0, True, cases),
    ]  # fmt: skip
    report = metrics(outcomes)
    assert report["accuracy"] == 0.5
    assert report["faithful_specificity"] == 0.5
    assert report["recall_unfaithful"] == 0.5
    assert report["mean_score"] == {FAITHFUL: 0.9, "unfaithful": 0.75}
    assert report["seconds_per_conversation"] == 0.5
    # r = sum(dx*dy) / sqrt(sum(dx^2) * sum(dy^2)) = 0.15 / sqrt(0.1675 * 1)
    assert report["pearson_r_score_vs_label"] == round(0.15 / 0.1675**0.5, 4) == 0.3665


def test_point_biserial_is_undefined_without_variation() -> None:
    assert point_biserial([1.0, 1.0], [True, False]) is None
    assert point_biserial([1.0, 0.5], [True, True]) is None


def test_select_takes_the_kinds_in_turn(cases: list[Case]) -> None:
    assert [case.kind for case in select(cases, 2)] == [FAITHFUL, WRONG_DOWN_PAYMENT]
    assert [case.kind for case in select(cases, 6)] == [FAITHFUL, *KINDS]
    assert sorted(case.case_id for case in select(cases, None)) == sorted(case.case_id for case in cases)


def test_a_malformed_base_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bases.jsonl"
    path.write_text('{"base": "x", "seed_id": "y", "kinds": [], "messages": [], "tools": []}\n{"base": "z"}\n')
    with pytest.raises(JudgeSetError, match=rf"{re.escape(str(path))}:2: not a judge-set base \(KeyError"):
        load_bases(path)


def test_a_base_without_what_its_kind_changes_is_an_error(
    tmp_path: Path, seeds: dict[str, Seed], registry: DomainRegistry
) -> None:
    base = load_bases()[0]
    path = tmp_path / "bases.jsonl"
    messages = [{"role": "cliente", "text": "Hola."}, {"role": "agente_ventas", "text": "Buenas tardes."}]
    document = {"base": "sin-enganche", "seed_id": base.seed_id, "kinds": ["wrong_term"], "tools": []}
    path.write_text(json.dumps({**document, "messages": messages}) + "\n")
    with pytest.raises(JudgeSetError, match="base sin-enganche: wrong_term: needs a calcular_financiamiento"):
        build_set(load_bases(path), seeds, registry)
