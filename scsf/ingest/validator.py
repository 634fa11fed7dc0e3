"""ValidadorConversacional (whitepaper Listing 2): five explainable checks, one InformeValidacion."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from scsf.domains import DomainPack
from scsf.seeds.schema import Seed

DEFAULT_LENGTH = (2, 400)
CONTINUITY_WINDOW = 3
CONTINUITY_MIN = 0.5
WORD = re.compile(r"[a-záéíóúüñ0-9]{4,}", re.IGNORECASE)
STOPWORDS = frozenset(
    "este esta esto estos estas para pero como cuando donde porque tambien también puede pueden quiero gracias "
    "hola buenas buenos tardes noches días dias claro bueno muchas sobre tengo tiene tienen usted ustedes "
    "that this with have what your there they from would could about thanks hello please".split()
)

# A residual-PII scan of each turn's text: returns the number of findings per turn.
PiiCounter = Callable[[Sequence[str]], list[int]]


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool | None  # None: not applicable (e.g. no linked seed)
    score: float | None
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class InformeValidacion:
    """The validation report stored with a conversation: a score and reasons per check."""

    checks: list[Check]

    @property
    def applicable(self) -> list[Check]:
        return [check for check in self.checks if check.passed is not None]

    @property
    def passed(self) -> bool:
        return all(check.passed for check in self.applicable)

    @property
    def score(self) -> float:
        scores = [check.score for check in self.applicable if check.score is not None]
        return round(sum(scores) / len(scores), 4) if scores else 0.0

    def as_dict(self) -> dict:
        return {
            "passed": self.passed,
            "score": self.score,
            "checks": [check.__dict__ for check in self.checks],
        }


@dataclass(frozen=True)
class TurnView:
    """What the validator needs of a turn: its mapped role and (already redacted) text."""

    role: str | None
    text: str


class ValidadorConversacional:
    """Role consistency, topical continuity, factual fidelity against a linked seed, residual PII, length."""

    def __init__(self, pack: DomainPack, count_pii: PiiCounter) -> None:
        self.pack = pack
        self.count_pii = count_pii

    def validar(self, turns: Sequence[TurnView], seed: Seed | None = None) -> InformeValidacion:
        return InformeValidacion(
            [
                self._check_roles_consistentes(turns),
                self._check_continuidad_topica(turns),
                self._check_fidelidad_factual(turns, seed),
                self._check_pii_residual(turns),
                self._check_longitud_objetivo(turns, seed),
            ]
        )

    def _check_roles_consistentes(self, turns: Sequence[TurnView]) -> Check:
        reasons = []
        sides = {role.id: role.lado for role in self.pack.roles}
        unknown = sorted({t.role or "(none)" for t in turns if t.role not in sides and t.role not in {"system", "tool"}})
        if unknown:
            reasons.append(f"roles not in domain {self.pack.namespace}: {', '.join(unknown)}")
        present = {sides[t.role] for t in turns if t.role in sides}
        for side in ("usuario", "asistente"):
            if side not in present:
                reasons.append(f"no {side}-side turn")
        dialogue = [t for t in turns if t.role in sides]
        switches = sum(1 for a, b in zip(dialogue, dialogue[1:], strict=False) if sides[a.role] != sides[b.role])
        score = switches / (len(dialogue) - 1) if len(dialogue) > 1 else 0.0
        return Check("roles_consistentes", not reasons, round(score, 4), reasons)

    def _check_continuidad_topica(self, turns: Sequence[TurnView]) -> Check:
        words = [{w.lower() for w in WORD.findall(t.text)} - STOPWORDS for t in turns]
        linked = 0
        for index in range(1, len(words)):
            previous = set().union(*words[max(0, index - CONTINUITY_WINDOW) : index])
            linked += bool(words[index] & previous) or not words[index]
        score = linked / (len(words) - 1) if len(words) > 1 else 0.0
        passed = score >= CONTINUITY_MIN
        reasons = [] if passed else [f"only {score:.0%} of turns share a content word with the previous {CONTINUITY_WINDOW}"]
        return Check("continuidad_topica", passed, round(score, 4), reasons)

    def _check_fidelidad_factual(self, turns: Sequence[TurnView], seed: Seed | None) -> Check:
        if seed is None:
            return Check("fidelidad_factual", None, None, ["no linked seed"])
        text = " ".join(t.text for t in turns).lower().replace(",", "")
        values = {entity: re.findall(r"\d+", entity) for entity in seed.parametros_factuales.entidades_clave}
        checked = {entity: numbers for entity, numbers in values.items() if numbers}
        missing = [entity for entity, numbers in checked.items() if not all(n in text for n in numbers)]
        if not checked:
            return Check("fidelidad_factual", None, None, ["the seed has no numeric facts to check"])
        score = 1 - len(missing) / len(checked)
        threshold = seed.metricas_calidad.threshold("fidelidad_factual_min")
        return Check("fidelidad_factual", score >= threshold, round(score, 4), [f"value of {e} not found" for e in missing])

    def _check_pii_residual(self, turns: Sequence[TurnView]) -> Check:
        counts = self.count_pii([t.text for t in turns])
        flagged = [index for index, count in enumerate(counts, start=1) if count]
        reasons = [f"turn {index}: {counts[index - 1]} PII findings" for index in flagged]
        return Check("pii_residual", not flagged, 0.0 if flagged else 1.0, reasons)

    def _check_longitud_objetivo(self, turns: Sequence[TurnView], seed: Seed | None) -> Check:
        low, high = (
            (seed.longitud_objetivo.turnos_min, seed.longitud_objetivo.turnos_max) if seed else DEFAULT_LENGTH
        )
        count = sum(1 for t in turns if t.role not in {"system", "tool"})
        passed = low <= count <= high
        reasons = [] if passed else [f"{count} turns outside {low}..{high}"]
        return Check("longitud_objetivo", passed, 1.0 if passed else 0.0, reasons)
