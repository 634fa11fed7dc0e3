"""Mexican identifiers (CURP, RFC, CLABE) and cards: valid check digits found, invalid ones not (real engine)."""

from __future__ import annotations

import random

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scsf.bench.pii_labelled import make_amex, make_card, make_clabe, make_curp, make_rfc
from scsf.privacy import PiiScanner
from scsf.privacy.checkdigits import (
    calc_clabe_check_digit, calc_curp_check_digit, calc_luhn_check_digit, calc_rfc_check_digit, is_valid_clabe,
    is_valid_curp, is_valid_luhn, rfc_check_digit_ok, wrong_digit,
)  # fmt: skip
from scsf.privacy.recognizers import MxRfcRecognizer

RNG = random.Random(7)
VALID_CURPS = ["BOXW310820HNERXN09", *(make_curp(RNG) for _ in range(6))]
VALID_RFCS = ["GODE561231GR8", "MAB9307148T4", *(make_rfc(RNG) for _ in range(4)), make_rfc(RNG, company=True)]
VALID_CLABES = ["002010077777777771", *(make_clabe(RNG) for _ in range(5))]
VALID_CARDS = ["4111 1111 1111 1111", "5555-5555-5555-4444", "378282246310005", "3782 822463 10005",
               *(make_card(RNG) for _ in range(4)), make_amex(RNG)]  # fmt: skip


def found(scanner: PiiScanner, text: str, entity: str, lang: str = "es") -> list[str]:
    return [f.text for f in scanner.scan(text, lang) if f.entity_type == entity]


# -- the check-digit algorithms of MODELS.md agree with the maintained validators ---------------------------------

CURP_ALPHABET = "0123456789ABCDEFGHIJKLMNÑOPQRSTUVWXYZ"


def models_md_curp_check(first17: str) -> str:
    s = sum(CURP_ALPHABET.index(c) * (18 - i) for i, c in enumerate(first17))
    return str((10 - s % 10) % 10)


def models_md_clabe_check(first17: str) -> str:
    weights = [3, 7, 1] * 6
    s = sum(int(d) * w % 10 for d, w in zip(first17, weights, strict=False))
    return str((10 - s % 10) % 10)


def models_md_rfc_check(first: str) -> str:
    alphabet = "0123456789ABCDEFGHIJKLMN&OPQRSTUVWXYZ Ñ"
    body = first.rjust(12)
    s = sum(alphabet.index(c) * (13 - i) for i, c in enumerate(body))
    return "0123456789A"[(11 - s) % 11]


@given(st.randoms(use_true_random=False))
@settings(max_examples=60, deadline=None)
def test_generated_identifiers_pass_both_validators(rng: random.Random) -> None:
    curp, clabe, rfc = make_curp(rng), make_clabe(rng), make_rfc(rng)
    assert is_valid_curp(curp) and curp[-1] == models_md_curp_check(curp[:17]) == calc_curp_check_digit(curp[:17])
    assert is_valid_clabe(clabe)
    assert clabe[-1] == models_md_clabe_check(clabe[:17]) == calc_clabe_check_digit(clabe[:17])
    assert rfc_check_digit_ok(rfc) and rfc[-1] == models_md_rfc_check(rfc[:-1]) == calc_rfc_check_digit(rfc[:-1])
    card = make_card(rng)
    assert is_valid_luhn(card) and card[-1] == calc_luhn_check_digit(card[:-1])
    assert not is_valid_luhn(card[:-1] + wrong_digit(card[-1]))


# -- CURP ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("curp", VALID_CURPS)
def test_valid_curp_found(scanner: PiiScanner, curp: str) -> None:
    findings = [f for f in scanner.scan(f"Mi CURP es {curp}, gracias", "es") if f.entity_type == "CURP"]
    assert [f.text for f in findings] == [curp]
    assert findings[0].score == 1.0


def test_lowercase_curp_found(scanner: PiiScanner) -> None:
    assert found(scanner, "la curp es boxw310820hnerxn09 ok", "CURP") == ["boxw310820hnerxn09"]


@pytest.mark.parametrize(
    "curp",
    [
        "BOXW310820HNERXN08",  # wrong check digit
        *(c[:-1] + wrong_digit(c[-1]) for c in VALID_CURPS[1:4]),
        "BOXW311320HNERXN09",  # month 13 (no match)
        "BOXW310231HNERXN09",  # 31 February
        "BOXW310820HXXRXN09",  # unknown state
    ],
)
def test_invalid_curp_not_found(scanner: PiiScanner, curp: str) -> None:
    assert found(scanner, f"CURP: {curp}", "CURP") == []


# -- RFC ------------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("rfc", VALID_RFCS)
def test_valid_rfc_found_with_full_score(scanner: PiiScanner, rfc: str) -> None:
    findings = [f for f in scanner.scan(f"Facturar a {rfc} por favor", "es") if f.entity_type == "RFC"]
    assert [(f.text, f.score) for f in findings] == [(rfc, 1.0)]


def test_rfc_with_separators_found(scanner: PiiScanner) -> None:
    assert found(scanner, "RFC con guiones: GODE-561231-GR8", "RFC") == ["GODE-561231-GR8"]


@pytest.mark.parametrize("bad", ["VACE460910SX6", "GODE561231GR9"])  # the first: stdnum's example of a real failing RFC
def test_failing_rfc_check_digit_lowers_the_score_but_does_not_reject(scanner: PiiScanner, bad: str) -> None:
    assert not rfc_check_digit_ok(bad)
    recognizer = MxRfcRecognizer()
    [result] = recognizer.analyze(f"código {bad}", ["RFC"])
    assert result.score == MxRfcRecognizer.CHECK_FAILED_SCORE < 1.0
    # below the default threshold alone; the word "RFC" nearby lifts it above (some real RFCs fail the check)
    assert found(scanner, f"código de promoción {bad}", "RFC") == []
    [finding] = [f for f in scanner.scan(f"mi RFC es {bad}", "es") if f.entity_type == "RFC"]
    assert finding.text == bad and 0.5 <= finding.score < 1.0


@pytest.mark.parametrize("rfc", ["XAXX010101000", "XEXX010101000", "GODE561331GR8", "GODE560230GR8", "GODE5612"])
def test_generic_or_impossible_rfc_not_found(scanner: PiiScanner, rfc: str) -> None:
    assert found(scanner, f"RFC: {rfc}", "RFC") == []


def test_rfc_inside_a_curp_is_not_an_rfc(scanner: PiiScanner) -> None:
    assert [f.entity_type for f in scanner.scan("CURP BOXW310820HNERXN09", "es")] == ["CURP"]


# -- CLABE ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("clabe", VALID_CLABES)
def test_valid_clabe_found(scanner: PiiScanner, clabe: str) -> None:
    assert found(scanner, f"Deposita a la {clabe} por favor", "CLABE") == [clabe]


def test_spaced_clabe_found(scanner: PiiScanner) -> None:
    assert found(scanner, "CLABE 002 010 07777777777 1", "CLABE") == ["002 010 07777777777 1"]


@pytest.mark.parametrize("clabe", [c[:-1] + wrong_digit(c[-1]) for c in VALID_CLABES])
def test_clabe_with_wrong_control_digit_not_found(scanner: PiiScanner, clabe: str) -> None:
    assert scanner.scan(f"CLABE interbancaria {clabe}", "es") == []


def test_clabe_of_unknown_bank_needs_context(scanner: PiiScanner) -> None:
    body = "03218000011835971"  # control digit right, bank code 032 no longer in the clabe package
    clabe = body + calc_clabe_check_digit(body)
    assert not is_valid_clabe(clabe)
    assert found(scanner, f"referencia {clabe}", "CLABE") == []
    assert found(scanner, f"mi CLABE es {clabe}", "CLABE") == [clabe]


# -- cards ----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("card", VALID_CARDS)
def test_valid_card_found(scanner: PiiScanner, card: str) -> None:
    findings = [f for f in scanner.scan(f"Pago con la tarjeta {card}", "es") if f.entity_type == "CREDIT_CARD"]
    assert [(f.text, f.score) for f in findings] == [(card, 1.0)]


@pytest.mark.parametrize(
    "card", ["4111 1111 1111 1112", "5555-5555-5555-4445", "378282246310006", "1234 5678 9012 3456", "0000000000000000"]
)
def test_card_failing_luhn_or_prefix_not_found(scanner: PiiScanner, card: str) -> None:
    assert found(scanner, f"tarjeta {card}", "CREDIT_CARD") == []


def test_clabe_is_not_reported_as_card(scanner: PiiScanner) -> None:
    body = "64618000000000012"  # STP-like: starts with 6, may pass Luhn
    clabe = body + calc_clabe_check_digit(body)
    assert [f.entity_type for f in scanner.scan(f"CLABE {clabe}", "es")] == ["CLABE"]
