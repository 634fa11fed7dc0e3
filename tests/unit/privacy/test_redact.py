"""Redaction modes: exact outputs, and pseudonyms consistent within a conversation, deterministic, never valid."""

from __future__ import annotations

import re

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scsf.privacy import PiiFinding, PiiScanner, Pseudonymizer, RedactionMode, redact_conversation, redact_text
from scsf.privacy.checkdigits import is_valid_clabe, is_valid_curp, is_valid_luhn, rfc_shape_ok

TEXT = "Soy Juan Pérez, CURP BOXW310820HNERXN09, cel 55 1234 5678"
FINDINGS = [
    PiiFinding("PERSON", 4, 14, "Juan Pérez", 0.85),
    PiiFinding("CURP", 21, 39, "BOXW310820HNERXN09", 1.0),
    PiiFinding("PHONE_NUMBER", 45, 57, "55 1234 5678", 0.95),
]


def test_redact_mode_exact() -> None:
    assert redact_text(TEXT, FINDINGS, "redact") == "Soy [PERSON], CURP [CURP], cel [PHONE_NUMBER]"


def test_mask_mode_exact() -> None:
    assert redact_text(TEXT, FINDINGS, RedactionMode.MASK) == (
        "Soy **********, CURP ******************, cel ************"
    )
    assert len(redact_text(TEXT, FINDINGS, "mask")) == len(TEXT)


def test_no_findings_no_change() -> None:
    for mode in RedactionMode:
        assert redact_text("Hola, buen día", [], mode) == "Hola, buen día"
    with pytest.raises(ValueError):
        redact_text(TEXT, FINDINGS, "shred")


def test_overlapping_findings_do_not_garble() -> None:
    overlapping = [PiiFinding("PERSON", 4, 14, "Juan Pérez", 0.85), PiiFinding("PERSON", 9, 14, "Pérez", 0.9)]
    assert redact_text(TEXT, overlapping, "redact").startswith("Soy [PERSON], CURP")


def _person(text: str, name: str) -> PiiFinding:
    start = text.index(name)
    return PiiFinding("PERSON", start, start + len(name), name, 0.85)


def test_pseudonyms_consistent_within_a_conversation() -> None:
    turns = ["Hola, soy Juan Pérez López", "Gracias Juan, ¿y el señor Pérez?", "JUAN PÉREZ LÓPEZ firmará"]
    findings = [
        [_person(turns[0], "Juan Pérez López")],
        [_person(turns[1], "Juan"), _person(turns[1], "Pérez")],
        [_person(turns[2], "JUAN PÉREZ LÓPEZ")],
    ]
    out = redact_conversation(turns, findings, "pseudonymize", seed="conv-1")
    full = out[0].removeprefix("Hola, soy ")
    first, paternal, maternal = full.split()
    assert out[1] == f"Gracias {first}, ¿y el señor {paternal}?"
    assert out[2] == f"{full.upper()} firmará"
    assert {first, paternal, maternal}.isdisjoint({"Juan", "Pérez", "López"})
    assert out == redact_conversation(turns, findings, "pseudonymize", seed="conv-1")  # deterministic
    assert out != redact_conversation(turns, findings, "pseudonymize", seed="conv-2")
    assert out == redact_conversation(turns, findings, "pseudonymize", key="conv-1")


def test_different_people_get_different_surrogates() -> None:
    p = Pseudonymizer("s")
    names = [p.surrogate("PERSON", n) for n in ("Ana", "Beatriz", "Carla", "Diana", "Elena", "Fernanda", "Gabriela")]
    assert len(set(names)) == len(names)
    assert p.surrogate("PERSON", "ana") == names[0].lower()


def test_structured_surrogates_fail_validation() -> None:
    p = Pseudonymizer("seed")
    curp = p.surrogate("CURP", "BOXW310820HNERXN09")
    assert re.fullmatch(r"[A-Z]{4}\d{6}[HM][A-Z]{5}[0-9A-Z]\d", curp) and not is_valid_curp(curp)
    assert curp[10] == "H"  # sex kept
    clabe = p.surrogate("CLABE", "002 010 07777777777 1")
    assert re.fullmatch(r"002 \d{3} \d{11} \d", clabe) and not is_valid_clabe(clabe)
    card = p.surrogate("CREDIT_CARD", "4111-1111-1111-1111")
    assert re.fullmatch(r"4\d{3}-\d{4}-\d{4}-\d{4}", card) and not is_valid_luhn(card) and card != "4111-1111-1111-1111"
    rfc = p.surrogate("RFC", "GODE561231GR8")
    assert len(rfc) == 13 and not rfc_shape_ok(rfc)
    assert p.surrogate("EMAIL_ADDRESS", "Juan.Perez@gmail.com").endswith("@example.com")
    assert p.surrogate("EMAIL_ADDRESS", "juan.perez@gmail.com") == p.surrogate("EMAIL_ADDRESS", "Juan.Perez@gmail.com")
    assert p.surrogate("IP_ADDRESS", "187.190.10.4").startswith("192.0.2.")
    assert p.surrogate("GEO_COORDINATE", "19.432608, -99.133209") == "19.43, -99.13"
    assert p.surrogate("SOMETHING_ELSE", "x") == "[SOMETHING_ELSE]"


@pytest.mark.parametrize(
    ("phone", "shape"),
    [
        ("55 1234 5678", r"10 \d{2}\d{2} \d{4}"),
        ("+52 1 55 1234 5678", r"\+52 1 10 \d{4} \d{4}"),
        ("+52 55 1234 5678", r"\+52 10 \d{4} \d{4}"),
        ("+1 (415) 555-2671", r"\+1 \(2\d\d\) 555-01\d\d"),
        ("+34 612 345 678", r"\+34 \d{3} \d{3} \d{3}"),
    ],
)
def test_phone_surrogates_keep_format_and_are_not_real(phone: str, shape: str) -> None:
    p = Pseudonymizer("seed")
    fake = p.surrogate("PHONE_NUMBER", phone)
    assert re.fullmatch(shape, fake), fake
    assert p.surrogate("PHONE_NUMBER", phone) == fake
    if not fake.startswith("+1"):
        assert not phonenumbers.is_valid_number(phonenumbers.parse(fake, "MX"))


def test_same_phone_in_two_formats_gets_one_surrogate() -> None:
    p = Pseudonymizer("seed")
    a, b = p.surrogate("PHONE_NUMBER", "55 1234 5678"), p.surrogate("PHONE_NUMBER", "+52 (55) 1234-5678")
    assert re.fullmatch(r"10 \d{4} \d{4}", a) and re.fullmatch(r"\+52 \(10\) \d{4}-\d{4}", b)
    assert re.sub(r"\D", "", a) == re.sub(r"\D", "", b)[2:]


@given(st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789", min_size=18, max_size=18), st.text(max_size=8))
@settings(max_examples=100, deadline=None)
def test_curp_and_clabe_surrogates_never_validate(value: str, seed: str) -> None:
    p = Pseudonymizer(seed)
    assert not is_valid_curp(p.surrogate("CURP", value))
    digits = "".join(str(ord(c) % 10) for c in value)
    assert not is_valid_clabe(p.surrogate("CLABE", digits))


def test_pseudonymized_conversation_rescans_clean_except_invented_names(scanner: PiiScanner) -> None:
    turns = [
        "Hola, me llamo Juan Pérez López, mi cel es +52 1 55 1234 5678",
        "Mi CURP es BOXW310820HNERXN09 y mi RFC GODE561231GR8, correo juan.perez@gmail.com",
        "Deposita a la CLABE 002010077777777771, tarjeta 4111 1111 1111 1111",
        "Estoy en 19.432608, -99.133209. Llámame al (415) 555-2671 o al +1 415 555 2671",
        "IP 187.190.10.4",
    ]
    findings = scanner.scan_many(turns)
    assert sum(len(f) for f in findings) >= 11
    pseudonymized = redact_conversation(turns, findings, "pseudonymize", seed="c-9")
    residual = [f for per_turn in scanner.scan_many(pseudonymized) for f in per_turn]
    assert {f.entity_type for f in residual} <= {"PERSON"}
    for original in ("Juan", "Pérez", "BOXW310820HNERXN09", "1234 5678", "juan.perez", "4111", "187.190.10.4"):
        assert all(original not in text for text in pseudonymized)
    redacted = redact_conversation(turns, findings, "redact")
    assert [f for per_turn in scanner.scan_many(redacted) for f in per_turn] == []
