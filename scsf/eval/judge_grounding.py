"""Whether a turn really says what the judge reports (the hallucination guard): a number in digits, in a format
`scsf.eval.numbers` reads, or in Spanish words (`cuarenta y ocho`, `veinte mil`); a name by its content words; a role
swap by a speech act of the other side (an offer from the customer, a purchase request from the agent)."""

from __future__ import annotations

import re
from collections.abc import Iterable

from scsf.domains import DomainPack
from scsf.eval.coherence import side_cues
from scsf.eval.fidelity import REL_TOL
from scsf.eval.numbers import NUMBER, parse_number, stated_values
from scsf.eval.text import fold, folded_words

UNITS = ["cero", "uno", "dos", "tres", "cuatro", "cinco", "seis", "siete", "ocho", "nueve"]
TEENS = ["diez", "once", "doce", "trece", "catorce", "quince", "dieciseis", "diecisiete", "dieciocho", "diecinueve"]
TENS = {"veinte": 20, "treinta": 30, "cuarenta": 40, "cincuenta": 50, "sesenta": 60, "setenta": 70, "ochenta": 80,
        "noventa": 90}  # fmt: skip
HUNDREDS = {2: "dos", 3: "tres", 4: "cuatro", 6: "seis", 8: "ocho"}
WORD_NUMBERS: dict[str, int] = {
    **{word: value for value, word in enumerate(UNITS)}, "un": 1, "una": 1,
    **{word: 10 + value for value, word in enumerate(TEENS)},
    **{f"veinti{word}": 20 + value for value, word in enumerate(UNITS) if value}, "veintiun": 21,
    **TENS, "cien": 100, "ciento": 100,
    **{f"{prefix}cientos": 100 * value for value, prefix in HUNDREDS.items()},
    **{f"{prefix}cientas": 100 * value for value, prefix in HUNDREDS.items()},
    "quinientos": 500, "quinientas": 500, "setecientos": 700, "novecientos": 900,
}  # fmt: skip
SCALES = {"mil": 1_000, "millon": 1_000_000, "millones": 1_000_000}
DIGITS = re.compile(rf"(?<![\d.,])(?:{NUMBER})")
PREFIX = 5  # words compared by their first letters: plurals and inflections match (compacto/compacta)
MIN_WORD = 3
# Speech acts of each side, beside the welcomes and self-descriptions of `scsf.eval.coherence` (accent-folded).
SIDE_ACTS: dict[str, str] = {
    "asistente": r"\b(?:le|te|les) (?:ofrezco|propongo|recomiendo|presento|puedo ofrecer|podemos ofrecer)\b"
    r"|\b(?:podemos|puedo) ofrecer(?:le|te)?\b|\bcontamos con\b|\bcon gusto le\b",
    "usuario": r"\b(?:busco|estoy buscando|quiero comprar|quisiera comprar|me gustaria comprar|me interesa"
    r"|necesito comprar|cuanto cuesta)\b",
}
STOPWORDS = frozenset(
    ["con", "sin", "por", "para", "del", "las", "los", "una", "uno", "que", "mas", "muy", "pct", "mxn", "usd", "anual",
     "mensual", "max", "maxima", "maximo", "minimo"]
)  # fmt: skip


def turn_numbers(text: str) -> set[float]:
    """Every number `text` writes: formatted values and their readings, bare digits, and Spanish number words."""
    found = {reading for value in stated_values(text) for reading in value.values}
    found.update(parse_number(match[0]) for match in DIGITS.finditer(text))
    found.update(_word_numbers(folded_words(text)))
    return found


def says_number(text: str, value: float, *, months: bool = False) -> bool:
    """`text` writes `value` (within REL_TOL); with `months`, also as years (`4 años` for 48)."""
    readings = turn_numbers(text)
    if months:
        readings |= {reading * 12 for reading in readings}
    return any(abs(reading - value) <= abs(value) * REL_TOL for reading in readings)


def content_words(text: str) -> list[str]:
    """Accent-folded words that name something: no digits, stop words or words under MIN_WORD letters."""
    return [
        word for word in folded_words(text.replace("_", " "))
        if len(word) >= MIN_WORD and not word.isdigit() and word not in STOPWORDS
    ]  # fmt: skip


def covers(words: Iterable[str], text: str) -> bool:
    """Every one of `words` occurs in `text` (compared by their first PREFIX letters); False when `words` is empty."""
    stems = {word[:PREFIX] for word in folded_words(text.replace("_", " "))}
    wanted = [word[:PREFIX] for word in words]
    return bool(wanted) and all(stem in stems for stem in wanted)


def shares_word(words: Iterable[str], text: str) -> bool:
    """One of `words` occurs in `text` (by its first PREFIX letters)."""
    stems = {word[:PREFIX] for word in folded_words(text)}
    return any(word[:PREFIX] in stems for word in words)


def _word_numbers(words: list[str]) -> list[float]:
    """`cuarenta y ocho` -> 48, `seis mil quinientos` -> 6500, `ciento veinte` -> 120, `dos millones` -> 2000000."""
    found: list[float] = []
    index = 0
    while index < len(words):
        if words[index] not in WORD_NUMBERS:
            index += 1
            continue
        total = current = 0
        while index < len(words):
            word = words[index]
            if word in WORD_NUMBERS:
                current += WORD_NUMBERS[word]
            elif word in SCALES:
                total, current = total + (current or 1) * SCALES[word], 0
            elif word != "y":
                break
            index += 1
        found.append(float(total + current))
    return found


def speaks_as(side: str, text: str, pack: DomainPack | None) -> bool:
    """`text` has a speech act, welcome or self-description of `side` (asistente or usuario)."""
    folded = fold(text)
    cue = side_cues(pack).get(side)
    return re.search(SIDE_ACTS[side], folded) is not None or (cue is not None and cue.search(folded) is not None)
