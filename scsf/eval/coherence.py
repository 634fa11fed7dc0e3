"""Dialogue coherence (Table 1): five checks, each scored as the share of its items that pass, weighted together.

- roles: every message turn is spoken by a role of the seed with a known side;
- alternation: consecutive message turns change side (user, assistant, user...);
- role_content: no turn says what only the other side says (role swap). Assistant-side cues are offers of help and
  welcomes ("¿en qué puedo ayudarle?", "bienvenido a", "estoy aquí para ayudar"); user-side cues are
  self-descriptions as the customer ("soy el cliente"). Every pack role adds "soy el/la/su/tu <first word of its
  id>" as a cue of its own side (a cliente saying "soy su asesor" swaps roles);
- repetition: no turn repeats an earlier one exactly or near-exactly (same accent-folded words, or a Jaccard
  similarity of word-bigram sets >= NEAR_DUPLICATE);
- length: the number of message turns is within the seed's `longitud_objetivo`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from scsf.domains import DomainPack
from scsf.eval.base import COHERENCIA_DIALOGO, MetricResult, at_least
from scsf.eval.dialogue import OTHER_SIDE, DialogueTurn
from scsf.eval.text import WORD, fold
from scsf.seeds.schema import Seed

NEAR_DUPLICATE = 0.8
WEIGHTS: dict[str, float] = {"roles": 1.0, "alternation": 1.0, "role_content": 1.0, "repetition": 1.0, "length": 1.0}
SIDE_CUES: dict[str, tuple[str, ...]] = {
    "asistente": (
        r"en que (?:te |le |les )?puedo ayudar", r"como (?:te |le |les )?puedo ayudar", r"(?:te|le|les) puedo ayudar",
        r"puedo ayudarte", r"puedo ayudarle", r"estoy aqui para ayudar", r"\bbienvenid[oa]s? a\b",
    ),
    "usuario": (r"\bsoy (?:el|la|un|una) (?:cliente|paciente|estudiante|usuari[oa])\b",),
}


@dataclass
class CheckTally:
    items: int = 0
    passed: int = 0
    reasons: list[str] = field(default_factory=list)

    def add(self, passed: bool, reason: str) -> None:
        self.items += 1
        self.passed += passed
        if not passed:
            self.reasons.append(reason)


def side_cues(pack: DomainPack | None) -> dict[str, re.Pattern[str]]:
    """One pattern per side: the fixed cues plus the self-descriptions derived from the pack's roles."""
    return _side_cues(tuple((role.id, role.lado) for role in pack.roles) if pack is not None else ())


@lru_cache(maxsize=64)
def _side_cues(roles: tuple[tuple[str, str], ...]) -> dict[str, re.Pattern[str]]:
    cues = {side: list(patterns) for side, patterns in SIDE_CUES.items()}
    for role, side in roles:
        cues[side].append(rf"\bsoy (?:el|la|su|tu) {re.escape(role.split('_')[0])}\b")
    return {side: re.compile("|".join(patterns)) for side, patterns in cues.items()}


def dialogue_coherence(
    turns: Sequence[DialogueTurn], seed: Seed, pack: DomainPack | None, threshold: float
) -> MetricResult:
    tallies = {name: CheckTally() for name in WEIGHTS}
    cues = side_cues(pack)
    folded = [fold(turn.text) for turn in turns]
    for turn, text in zip(turns, folded, strict=True):
        known = turn.role in seed.roles and turn.side is not None
        tallies["roles"].add(known, f"turn {turn.number}: role {turn.role} is not a role of the seed with a side")
        other = OTHER_SIDE.get(turn.side or "")
        swapped = other is not None and cues[other].search(text) is not None
        tallies["role_content"].add(not swapped, f"turn {turn.number}: {turn.role} says what the {other} side says")
    for before, after in zip(turns, turns[1:], strict=False):
        changes = before.side is not None and after.side is not None and before.side != after.side
        tallies["alternation"].add(changes, f"turn {after.number}: the {after.side} side speaks twice in a row")
    _check_repetition(turns, folded, tallies["repetition"])
    low, high = seed.longitud_objetivo.turnos_min, seed.longitud_objetivo.turnos_max
    tallies["length"].add(low <= len(turns) <= high, f"{len(turns)} message turns outside {low}..{high}")
    scored = {name: tally for name, tally in tallies.items() if tally.items}
    score = sum(WEIGHTS[name] * tally.passed / tally.items for name, tally in scored.items()) / sum(
        WEIGHTS[name] for name in scored
    )
    details = {name: {"passed": tally.passed, "items": tally.items} for name, tally in tallies.items()}
    reasons = [reason for tally in tallies.values() for reason in tally.reasons]
    return at_least(COHERENCIA_DIALOGO, score, threshold, reasons, details)


def _check_repetition(turns: Sequence[DialogueTurn], folded: Sequence[str], tally: CheckTally) -> None:
    """Each turn after the first against every earlier one: exact (same words) or near-exact (bigram Jaccard; not
    computed where the set sizes rule it out, Jaccard being at most the smaller size over the larger)."""
    seen: list[tuple[int, tuple[str, ...], frozenset[tuple[str, ...]], int]] = []
    for turn, text in zip(turns, folded, strict=True):
        tokens = tuple(WORD.findall(text))
        grams = frozenset(zip(tokens, tokens[1:], strict=False)) if len(tokens) > 1 else frozenset({tokens})
        size = len(grams)
        twin = next(
            (number for number, other, other_grams, other_size in seen
             if other == tokens
             or (min(size, other_size) / max(size, other_size) >= NEAR_DUPLICATE
                 and len(grams & other_grams) / len(grams | other_grams) >= NEAR_DUPLICATE)),
            None,
        )  # fmt: skip
        if seen:
            tally.add(twin is None, f"turn {turn.number} repeats turn {twin}")
        seen.append((turn.number, tokens, grams, size))
