"""Conversation risk: weighted noisy-OR of distinct findings, review at the configurable threshold."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scsf.privacy import DEFAULT_THRESHOLD, PiiFinding, assess_conversation, risk_score
from scsf.privacy.base import ENTITY_TYPES
from scsf.privacy.risk import DEFAULT_WEIGHTS


def finding(entity: str, text: str, score: float) -> PiiFinding:
    return PiiFinding(entity, 0, len(text), text, score)


def test_no_findings_no_risk() -> None:
    assert risk_score([]) == 0.0
    assessment = assess_conversation([[], []])
    assert assessment.score == 0.0 and not assessment.needs_review and assessment.threshold == DEFAULT_THRESHOLD == 0.5


def test_single_values() -> None:
    assert risk_score([finding("CURP", "BOXW310820HNERXN09", 1.0)]) == 1.0
    assert risk_score([finding("PERSON", "Juan", 0.9)]) == pytest.approx(0.45 * 0.9)
    assert risk_score([finding("PHONE_NUMBER", "5512345678", 0.95)]) == pytest.approx(0.8 * 0.95)


def test_repeats_count_once_and_distinct_values_accumulate() -> None:
    juan = finding("PERSON", "Juan", 0.9)
    assert risk_score([juan, juan, finding("PERSON", "JUAN", 0.85)]) == risk_score([juan])
    two = risk_score([juan, finding("PERSON", "Ana", 0.9)])
    assert two == pytest.approx(1 - (1 - 0.405) ** 2)
    phone_a, phone_b = finding("PHONE_NUMBER", "55 1234 5678", 0.6), finding("PHONE_NUMBER", "5512345678", 0.95)
    assert risk_score([phone_a, phone_b]) == risk_score([phone_b])  # same digits, best score


def test_review_decision_and_threshold() -> None:
    one_name = [[finding("PERSON", "Juan", 0.9)]]
    two_names = [[finding("PERSON", "Juan", 0.9)], [finding("PERSON", "Ana", 0.9)]]
    assert not assess_conversation(one_name).needs_review
    assert assess_conversation(two_names).needs_review
    assert assess_conversation(one_name, threshold=0.4).needs_review
    assert assess_conversation(two_names).counts == {"PERSON": 2}
    assert assess_conversation(two_names).to_dict()["needs_review"] is True
    with pytest.raises(ValueError):
        assess_conversation(one_name, threshold=1.5)


def test_custom_weights() -> None:
    name = [finding("PERSON", "Juan", 1.0)]
    assert risk_score(name, {"PERSON": 1.0}) == 1.0
    assert risk_score([finding("NEW_TYPE", "x", 1.0)]) == 0.5


def test_every_entity_type_has_a_weight() -> None:
    assert set(ENTITY_TYPES) <= set(DEFAULT_WEIGHTS)


ITEMS = st.tuples(st.sampled_from(ENTITY_TYPES), st.text(min_size=1, max_size=5), st.floats(0, 1))


@given(st.lists(ITEMS, max_size=12))
@settings(max_examples=200, deadline=None)
def test_risk_is_bounded_and_monotone(items: list[tuple[str, str, float]]) -> None:
    findings = [finding(e, t, s) for e, t, s in items]
    score = risk_score(findings)
    assert 0.0 <= score <= 1.0
    assert risk_score([*findings, finding("CURP", "ZZZZ999999HDFZZZ99", 1.0)]) >= score
