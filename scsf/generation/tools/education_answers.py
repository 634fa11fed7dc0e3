"""Answer comparison of `evaluar_respuesta`: how a student's answer relates to the expected one.

Order of checks: same text (ignoring case, spaces and punctuation); same text but accents (an error only when the
topic is accentuation); same number (fractions and decimals compared by value, a fraction not in lowest terms is
`sin_simplificar`, a missing or different unit is `unidades`); opposite sign; off by a power of ten; within 5 %
(`redondeo`); one answer's words contained in the other's (`incompleta`); at most two letters apart (`ortografia`);
otherwise a conceptual error.
"""

from __future__ import annotations

import math
import re
import unicodedata
from fractions import Fraction
from typing import Any

PUNCTUATION = re.compile(r"[\s,;:¿?¡!\"']+|(?<!\d)\.|\.(?!\d)")  # a decimal point stays
DECIMAL_COMMA = re.compile(r"(?<=\d),(?=\d)")
NUMBER = re.compile(r"^(?:[a-z]=)?(-?\d+(?:\.\d+)?)(?:/(-?\d+))?([a-z/²³%]{0,6})$")
FEEDBACK = {
    "ninguno": "Respuesta correcta.",
    "acentuacion": "La palabra es correcta, pero revisa la tilde.",
    "sin_simplificar": "El valor es correcto; falta simplificar la fracción.",
    "unidades": "El número es correcto; revisa las unidades.",
    "signo": "Revisa el signo del resultado.",
    "orden_de_magnitud": "El resultado está desplazado por una potencia de diez; revisa el punto decimal.",
    "redondeo": "El resultado es cercano; revisa el redondeo o un paso intermedio.",
    "incompleta": "La respuesta va en la dirección correcta, pero le falta una parte.",
    "ortografia": "La idea es correcta; revisa cómo está escrita.",
    "concepto": "La respuesta no corresponde; conviene repasar el concepto.",
}
PARTIAL_SCORE = 0.5


def canonical(text: str) -> str:
    """Lower case, without spaces or punctuation; `0,75` is read as `0.75`."""
    return PUNCTUATION.sub("", DECIMAL_COMMA.sub(".", text.casefold()))


def without_accents(text: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))


def as_number(text: str) -> tuple[Fraction, str, bool] | None:
    """(value, unit, written in lowest terms) of `4`, `x=4`, `3/4`, `0.75`, `5m/s²`; None for anything else."""
    match = NUMBER.match(text)
    if not match or match[2] == "0":
        return None
    value = Fraction(match[1]) / Fraction(match[2] or 1)
    lowest = match[2] is None or ("." not in match[1] and math.gcd(int(match[1]), int(match[2])) == 1)
    return value, match[3], lowest


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i]
        for j, char_b in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (char_a != char_b)))
        previous = current
    return previous[-1]


def verdict(error: str, score: float) -> dict[str, Any]:
    kind = "exacta" if score == 1 and error == "ninguno" else "parcial" if score > 0 else "incorrecta"
    return {
        "correcta": score == 1,
        "tipo_coincidencia": kind,
        "tipo_error": error,
        "puntaje": score,
        "retroalimentacion": FEEDBACK[error],
    }


def compare(topic: str, student: str, expected: str) -> dict[str, Any]:
    s, e = canonical(student), canonical(expected)
    if s == e:
        return verdict("ninguno", 1)
    if without_accents(s) == without_accents(e):
        return verdict("acentuacion", PARTIAL_SCORE) if topic == "acentuacion" else _equivalent()
    if (numeric := _numeric_error(s, e)) is not None:
        return numeric
    if s == f"-{e}" or e == f"-{s}":
        return verdict("signo", 0)
    words_s, words_e = set(student.casefold().split()), set(expected.casefold().split())
    if words_s and words_e and (words_s < words_e or words_e < words_s):
        return verdict("incompleta", round(len(words_s & words_e) / len(words_s | words_e), 2))
    if len(e) > 4 and edit_distance(s, e) <= 2:
        return verdict("ortografia", PARTIAL_SCORE)
    return verdict("concepto", 0)


def _equivalent() -> dict[str, Any]:
    return {**verdict("ninguno", 1), "tipo_coincidencia": "equivalente"}


def _numeric_error(student: str, expected: str) -> dict[str, Any] | None:
    s, e = as_number(student), as_number(expected)
    if s is None or e is None:
        return None
    (value_s, unit_s, lowest_s), (value_e, unit_e, _) = s, e
    if value_s == value_e:
        if unit_s != unit_e:
            return verdict("unidades", PARTIAL_SCORE)
        return _equivalent() if lowest_s else verdict("sin_simplificar", PARTIAL_SCORE)
    if value_e and value_s == -value_e:
        return verdict("signo", 0)
    if value_e and value_s and _power_of_ten(abs(value_s / value_e)):
        return verdict("orden_de_magnitud", 0)
    if value_e and abs(value_s - value_e) / abs(value_e) <= Fraction(5, 100):
        return verdict("redondeo", PARTIAL_SCORE)
    return verdict("concepto", 0)


def _power_of_ten(ratio: Fraction) -> bool:
    ratio = ratio if ratio >= 1 else 1 / ratio
    return ratio.denominator == 1 and ratio.numerator > 1 and str(ratio.numerator).rstrip("0") == "1"
