"""Whether a turn really says what the judge reports (the hallucination guard): a number in digits, in a format
`scsf.eval.numbers` reads, or in Spanish words (`cuarenta y ocho`, `veinte mil`: `numbers.in_digits`); a name by its
content words; a role swap by a speech act of the other side (an offer from the customer, a purchase request from the
agent), and none of its own."""

from __future__ import annotations

import re
from collections.abc import Iterable

from scsf.domains import DomainPack
from scsf.eval.coherence import side_cues
from scsf.eval.fidelity import REL_TOL
from scsf.eval.numbers import NUMBER, in_digits, parse_number, stated_values
from scsf.eval.text import fold, folded_words

DIGITS = re.compile(rf"(?<![\d.,])(?:{NUMBER})")
PREFIX = 5  # words compared by their first letters: plurals and inflections match (compacto/compacta)
MIN_WORD = 3
# Speech acts of each side, beside the welcomes and self-descriptions of `scsf.eval.coherence` (accent-folded).
SIDE_ACTS: dict[str, str] = {
    "asistente": r"\b(?:le|te|les) (?:ofrezco|propongo|recomiendo|presento|puedo ofrecer|podemos ofrecer)\b"
    r"|\b(?:podemos|puedo) ofrecer(?:le|te)?\b|\bcontamos con\b|\bcon gusto le\b|\ble confirmo que\b"
    r"|\bgracias por su (?:visita|preferencia|confianza|compra)\b",
    "usuario": r"\b(?:busco|estoy buscando|quiero comprar|quisiera comprar|me gustaria comprar|me interesa"
    r"|necesito comprar|cuanto cuesta)\b|\b(?:que|cuales) (?:versiones|modelos|colores|opciones) (?:tienen|manejan)\b",
}
STOPWORDS = frozenset(
    ["con", "sin", "por", "para", "del", "las", "los", "una", "uno", "que", "mas", "muy", "pct", "mxn", "usd", "anual",
     "mensual", "max", "maxima", "maximo", "minimo"]
)  # fmt: skip


def turn_numbers(text: str) -> set[float]:
    """Every number `text` writes: formatted values and their readings, bare digits, and Spanish number words."""
    found = {reading for value in stated_values(text) for reading in value.values}
    found.update(parse_number(match[0]) for match in DIGITS.finditer(in_digits(text)))
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


def speaks_as(side: str, text: str, pack: DomainPack | None) -> bool:
    """`text` has a speech act, welcome or self-description of `side` (asistente or usuario)."""
    folded = fold(text)
    cue = side_cues(pack).get(side)
    return re.search(SIDE_ACTS[side], folded) is not None or (cue is not None and cue.search(folded) is not None)
