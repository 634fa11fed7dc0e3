"""Check digits of the identifiers the scanner validates, through maintained validators where one exists.

Validation goes through `python-stdnum` (CURP, RFC, Luhn) and `clabe`; the `calc_*` helpers exist for the code that
*builds* identifiers (benchmark data, pseudonyms that must fail validation).
"""

from __future__ import annotations

from clabe import compute_control_digit, validate_clabe
from stdnum import luhn
from stdnum.mx import curp as _curp
from stdnum.mx import rfc as _rfc

__all__ = [
    "calc_clabe_check_digit", "calc_curp_check_digit", "calc_luhn_check_digit", "calc_rfc_check_digit",
    "compact", "is_valid_clabe", "is_valid_curp", "is_valid_luhn", "rfc_check_digit_ok", "rfc_shape_ok",
    "wrong_digit",
]  # fmt: skip


def compact(value: str) -> str:
    """Upper-case `value` without spaces, dashes, dots or underscores."""
    return "".join(ch for ch in value if ch not in " -_.\u00a0").upper()


def is_valid_curp(value: str) -> bool:
    """Structure, birth date, state code and check digit (stdnum.mx.curp)."""
    return _curp.is_valid(compact(value))


def calc_curp_check_digit(first17: str) -> str:
    return _curp.calc_check_digit(compact(first17))


def rfc_shape_ok(value: str) -> bool:
    """Structure and date of a 12 (company) or 13 (person) character RFC, check digit not considered."""
    number = compact(value)
    return len(number) in (12, 13) and _rfc.is_valid(number, validate_check_digits=False)


def rfc_check_digit_ok(value: str) -> bool:
    """True when the RFC's homoclave passes the SAT check digit (some real RFCs fail it)."""
    number = compact(value)
    return len(number) in (12, 13) and _rfc.is_valid(number, validate_check_digits=True)


def calc_rfc_check_digit(first: str) -> str:
    return _rfc.calc_check_digit(compact(first))


def is_valid_clabe(value: str) -> bool:
    """18 digits, a known bank code and the control digit (package `clabe`)."""
    return validate_clabe(compact(value))


def calc_clabe_check_digit(first17: str) -> str:
    return compute_control_digit(compact(first17))


def is_valid_luhn(value: str) -> bool:
    number = compact(value)
    return number.isdigit() and luhn.is_valid(number)


def calc_luhn_check_digit(body: str) -> str:
    return luhn.calc_check_digit(compact(body))


def wrong_digit(correct: str, alphabet: str = "0123456789") -> str:
    """A character of `alphabet` that differs from `correct` (deterministic: the next one)."""
    index = alphabet.index(correct) if correct in alphabet else -1
    return alphabet[(index + 1) % len(alphabet)]
