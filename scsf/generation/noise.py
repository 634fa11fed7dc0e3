"""Controlled noise (whitepaper 4.4): natural slips of the user side, planned and applied deterministically.

`plan_noise` picks which user turns get which noise, `directive` is the instruction added to that turn's prompt line,
and `apply_typos` edits a generated user message in code, returning the exact edits so the stored conversation says
what was changed. Pure functions: no model, no I/O; every draw comes from the RNG passed in.
"""

from __future__ import annotations

import random
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

from scsf.errors import ConfigError

NOISE_KINDS = ("errores_tipograficos", "autocorreccion", "interrupcion", "cambio_tema")
TYPO_KINDS = ("letras_invertidas", "sin_acento", "letra_doble", "letra_omitida", "sin_signo_apertura", "minuscula_inicial")
USER_SIDE = "usuario"
TOPIC_CHANGE = "cambio_tema"

DIRECTIVES = {
    "autocorreccion": (
        "En este mensaje se corrige a sí mismo sobre algo que acaba de escribir («perdón, quise decir…», "
        "«bueno, más bien…»), sin cambiar ninguna cifra ni dato del escenario."
    ),
    "interrupcion": (
        "Escribe como si interrumpiera antes de que le terminen de explicar: arranca con una frase corta que queda "
        "incompleta («oiga, y…») y en el mismo mensaje la completa."
    ),
    "cambio_tema": (
        "Cambia de tema un momento: además de lo que toca, pregunta algo breve que no tiene nada que ver "
        "(el tráfico, el clima, el partido), sin datos personales."
    ),
}
TOPIC_RETURN_DIRECTIVE = "Retoma el tema principal después de su pregunta ajena («bueno, regresando a lo de…»)."


@dataclass(frozen=True)
class NoiseEvent:
    """Noise on dialogue turn `turn` (0-based). A topic change is two events: the detour names its `return_turn`,
    the return names the turn it `returns_from`."""

    turn: int
    kind: str
    return_turn: int | None = None
    returns_from: int | None = None

    def __post_init__(self) -> None:
        if self.kind not in NOISE_KINDS:
            raise ConfigError(f"noise event at turn {self.turn}: unknown kind {self.kind!r} (known: {', '.join(NOISE_KINDS)})")

    def record(self) -> dict[str, int | str]:
        """The event as stored with the conversation; the topic-change links only where set."""
        row: dict[str, int | str] = {"turn": self.turn, "kind": self.kind}
        if self.return_turn is not None:
            row["return_turn"] = self.return_turn
        if self.returns_from is not None:
            row["returns_from"] = self.returns_from
        return row


def plan_noise(sides: Sequence[str], rate: float, kinds: Sequence[str], rng: random.Random) -> tuple[NoiseEvent, ...]:
    """Events on user-side turns (never turn 0), at most one per turn, in turn order.

    `rate` is the expected share of eligible user turns with noise. A topic change takes two consecutive user turns
    (detour, then return), so it is drawn only where a later user turn exists, and the chance of starting an event is
    lowered to keep the share at `rate` (see `_start_probability`). Kinds are drawn uniformly from `kinds`.
    """
    _check_rate("noise_rate", rate)
    allowed = _allowed_kinds(kinds, rate)
    eligible = [turn for turn, side in enumerate(sides) if side == USER_SIDE and turn > 0]
    if rate == 0 or not eligible:
        return ()
    start = _start_probability(rate, allowed)
    events: list[NoiseEvent] = []
    position = 0
    while position < len(eligible):
        turn, has_later = eligible[position], position + 1 < len(eligible)
        choices = [kind for kind in allowed if has_later or kind != TOPIC_CHANGE]
        position += 1
        if rng.random() >= start or not choices:
            continue
        kind = rng.choice(choices)
        if kind == TOPIC_CHANGE:
            back = eligible[position]
            events += [NoiseEvent(turn, kind, return_turn=back), NoiseEvent(back, kind, returns_from=turn)]
            position += 1
        else:
            events.append(NoiseEvent(turn, kind))
    return tuple(events)


def directive(event: NoiseEvent) -> str | None:
    """The Spanish instruction for the event's turn; None for typos, which `apply_typos` makes in code."""
    if event.kind == "errores_tipograficos":
        return None
    if event.returns_from is not None:
        return TOPIC_RETURN_DIRECTIVE
    return DIRECTIVES[event.kind]


def _check_rate(field: str, rate: float) -> None:
    if not 0.0 <= rate <= 1.0:
        raise ConfigError(f"{field} must be between 0 and 1, got {rate}")


def _allowed_kinds(kinds: Sequence[str], rate: float) -> list[str]:
    """The requested kinds, deduplicated in `NOISE_KINDS` order so the config's order does not change the draws."""
    unknown = sorted(set(kinds) - set(NOISE_KINDS))
    if unknown:
        raise ConfigError(f"noise_kinds: unknown kind {unknown[0]!r} (known: {', '.join(NOISE_KINDS)})")
    if rate > 0 and not kinds:
        raise ConfigError(f"noise_kinds is empty but noise_rate is {rate}; list kinds or set noise_rate = 0")
    return [kind for kind in NOISE_KINDS if kind in kinds]


def _start_probability(rate: float, kinds: Sequence[str]) -> float:
    """Chance of starting an event on a free user turn so that the long-run share of noisy turns is `rate`.

    With topic-change share c among started events, each free turn gives 1 + q·c turns of which q·(1 + c) are noisy;
    solving q·(1 + c) / (1 + q·c) = rate gives q = rate / (1 + c·(1 − rate)).
    """
    share = 1 / len(kinds) if TOPIC_CHANGE in kinds else 0.0
    return rate / (1 + share * (1 - rate))


# --- typos ------------------------------------------------------------------------------------------------------

_WITHOUT_ACCENT = dict(zip("áéíóúüÁÉÍÓÚÜ", "aeiouuAEIOUU", strict=True))
_WORD = re.compile(r"[^\W\d_]+")
_UNTOUCHABLE = re.compile(
    r"(?:https?://|www\.)\S+"  # URLs
    r"|\S+@\S+"  # e-mail addresses
    r"|\S*\d\S*"  # any token holding a digit: 389,900 / 13.9 / $77,980 / CX-5
    r"|\b(?:pesos?|d[óo]lar(?:es)?|euros?|mxn|usd|eur)\b",  # currency words
    re.IGNORECASE,
)
_SENTENCE_START = re.compile(r"(?:\A|[.!?…]\s|\n)[\s\"'«“(¿¡]*([^\W\d_])")
_OPENING_MARKS = "¿¡"


class _Edit(NamedTuple):
    """Replace `before` at `position` of the original text with `after`."""

    position: int
    kind: str
    before: str
    after: str

    @property
    def end(self) -> int:
        return self.position + len(self.before)


def apply_typos(
    text: str, rng: random.Random, *, protected: Sequence[str] = (), rate: float = 0.04, at_least_one: bool = False
) -> tuple[str, list[dict]]:
    """Realistic chat typos on a user message, and the edits made.

    Each site (a word, an opening ¿/¡, an upper-case sentence start) gets a typo with probability `rate`; a word gets
    one of: an accent dropped (á→a), or, on its lower-case letters, two adjacent ones swapped, one doubled or dropped
    (so all-caps words only lose accents). Never touched: tokens holding a digit (amounts, rates, models such as
    389,900 / 13.9 / $77,980 / CX-5), currency words, URLs, e-mail addresses and any `protected` substring
    (case-insensitive). With `at_least_one`, one typo is forced where the draws made none.
    Edits are `{"position", "kind", "before", "after"}` against the original text, in order, non-overlapping.
    """
    _check_rate("typo rate", rate)
    sites = _typo_sites(text, _protected_mask(text, protected))
    edits: list[_Edit] = []
    claimed: set[int] = set()
    for site in sites:
        if rng.random() < rate and (edit := _choose(site, claimed, rng)):
            edits.append(edit)
            claimed.update(range(edit.position, edit.end))
    if at_least_one and not edits and (candidates := [site for site in sites if site]):
        edits.append(_choose(rng.choice(candidates), claimed, rng))
    return _replace(text, edits), [edit._asdict() for edit in edits]


def _protected_mask(text: str, protected: Sequence[str]) -> list[bool]:
    spans = [match.span() for match in _UNTOUCHABLE.finditer(text)]
    for phrase in filter(None, protected):
        spans += [match.span() for match in re.finditer(re.escape(phrase), text, re.IGNORECASE)]
    mask = [False] * len(text)
    for start, end in spans:
        mask[start:end] = [True] * (end - start)
    return mask


def _typo_sites(text: str, mask: list[bool]) -> list[list[_Edit]]:
    """Candidate edits grouped by site, in text order (a sentence start before the word it opens)."""
    keyed: list[tuple[int, int, list[_Edit]]] = []
    for index, char in enumerate(text):
        if char in _OPENING_MARKS and not mask[index]:
            keyed.append((index, 0, [_Edit(index, "sin_signo_apertura", char, "")]))
    for match in _SENTENCE_START.finditer(text):
        index, char = match.start(1), match.group(1)
        lower, following = char.lower(), text[index + 1 : index + 2]
        if not mask[index] and char.isupper() and len(lower) == 1 and lower != char and not following.isupper():
            keyed.append((index, 0, [_Edit(index, "minuscula_inicial", char, lower)]))
    for match in _WORD.finditer(text):
        start, end = match.span()
        if end - start > 1 and not any(mask[start:end]):
            keyed.append((start, 1, _word_edits(text, start, end)))
    keyed.sort(key=lambda entry: entry[:2])
    return [edits for _, _, edits in keyed]


def _word_edits(text: str, start: int, end: int) -> list[_Edit]:
    edits = []
    for index in range(start, end):
        char = text[index]
        if char in _WITHOUT_ACCENT:
            edits.append(_Edit(index, "sin_acento", char, _WITHOUT_ACCENT[char]))
        elif char.islower():
            edits.append(_Edit(index, "letra_doble", char, char * 2))
            if index > start and end - start >= 4:
                edits.append(_Edit(index, "letra_omitida", char, ""))
        pair = text[index : index + 2]
        if start < index < end - 1 and pair.islower() and len(set(pair)) == 2 and pair.isalpha():
            edits.append(_Edit(index, "letras_invertidas", pair, pair[::-1]))
    return edits


def _choose(candidates: list[_Edit], claimed: set[int], rng: random.Random) -> _Edit | None:
    """A kind uniformly among those still free at the site, then one of its edits."""
    free = [edit for edit in candidates if claimed.isdisjoint(range(edit.position, edit.end))]
    kinds = [kind for kind in TYPO_KINDS if any(edit.kind == kind for edit in free)]
    if not kinds:
        return None
    kind = rng.choice(kinds)
    return rng.choice([edit for edit in free if edit.kind == kind])


def _replace(text: str, edits: list[_Edit]) -> str:
    parts, cursor = [], 0
    for edit in edits:
        parts += [text[cursor : edit.position], edit.after]
        cursor = edit.end
    return "".join(parts) + text[cursor:]
