"""Factual fidelity (Table 1), deterministic part: every value the dialogue states must be one the seed states, one
derived from it, or one a recorded tool result reports. score = supported / checked.

References:
- numbers in the seed's entity and restriction ids (`precio_389900_mxn`, `enganche_20pct`, `tasa_13_9pct_anual`
  read as 13.9 and also as 13 and 9, `precio_3_2_millones_mxn`, `plazo_5_anios` also as 60 months);
- each seed percentage applied to each seed amount of 1,000 or more, and the rest (20 % of 389,900: 77,980 and 311,920);
- every number in the recorded tool calls (`generation["tools"]`: arguments, stated values, results), numbers
  written inside result strings included.
A stated value is supported when one of its readings is within `REL_TOL` of a reference (rounding such as "390 mil"
for 389,900). Matching is by number, not by kind.

A judge model adds claims later: a `Claim` whose `supported` is already decided is counted as it is. An unsupported
critical claim fails the metric whatever the ratio: one such error makes a conversation unfit for training. Critical
are a contradicted restriction, a product neither the seed nor a tool names, a role swap, a judge that gave no valid
answer, and a percentage or term the assistant states (a down payment, rate or term the seed does not give: among a
dozen supported values, one wrong term would otherwise pass at 12/13; amounts are not critical, since an assistant
may derive a total the references lack). Such
claims that hold (honoured restrictions, named products) are counted apart (`confirmed`), not in the ratio, where they
would dilute a wrong value below the threshold's reach (found by `bench judge`: a wrong term scored 12/13).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from scsf.eval.base import FIDELIDAD_FACTUAL, MetricResult, at_least
from scsf.eval.dialogue import DialogueTurn
from scsf.eval.numbers import stated_values
from scsf.seeds.schema import Seed

REL_TOL = 0.005
CRITICAL_KINDS = frozenset({"restriccion", "producto", "rol", "juez"})
CRITICAL_STATED = frozenset({"porcentaje", "plazo"})  # critical when the assistant states them
ID_NUMBER = re.compile(r"(?:^|_)(\d+(?:_\d+)*)(_millones)?(?:_?([a-z]+))?")
BARE_NUMBER = re.compile(r"(?<![\d.,])\d+(?![\d.,]\d)")


@dataclass(frozen=True)
class Claim:
    """A checkable statement of turn `turn`: its kind, the numbers it may stand for, and, for claims compared
    elsewhere (a judge's product or restriction claims), `supported` already decided."""

    turn: int
    kind: str
    values: tuple[float, ...] = ()
    label: str = ""
    supported: bool | None = None
    stated_by_assistant: bool = False

    @property
    def critical(self) -> bool:
        """Whether, unsupported, it fails the metric whatever the ratio (see the module docstring)."""
        return self.kind in CRITICAL_KINDS or (self.stated_by_assistant and self.kind in CRITICAL_STATED)


def claims_from_dialogue(turns: Sequence[DialogueTurn]) -> list[Claim]:
    """The deterministic claims: every amount, percentage, term and grouped number stated in a message turn."""
    return [
        Claim(turn.number, value.kind, value.values, _format(value.values[0]),
              stated_by_assistant=turn.side == "asistente")
        for turn in turns
        for value in stated_values(turn.text)
    ]  # fmt: skip


def seed_references(seed: Seed) -> list[float]:
    """The numbers the seed's ids state, plus percentages of its amounts (see the module docstring)."""
    factual = seed.parametros_factuales
    return id_references([*factual.entidades_clave, *factual.restricciones])


def id_references(identifiers: Iterable[str]) -> list[float]:
    """The numbers `identifiers` state (`precio_389900_mxn`, `plazo_5_anios`), plus percentages of their amounts."""
    numbers: list[float] = []
    percentages: list[float] = []
    for identifier in identifiers:
        for match in ID_NUMBER.finditer(identifier):
            digits, millions, unit = match[1], match[2], match[3] or ""
            parts = digits.split("_")
            readings = [float(".".join(parts[:2])) if len(parts) > 1 else float(parts[0]), *map(float, parts)]
            if millions:
                readings = [reading * 1_000_000 for reading in readings[:1]]
            if unit == "anios":
                readings += [reading * 12 for reading in readings]
            if unit.startswith("pct"):
                percentages.append(readings[0])
            numbers.extend(readings)
    amounts = [number for number in numbers if number >= 1_000]
    derived = [amount * share / 100 for amount in amounts for share in percentages]
    derived += [amount - amount * share / 100 for amount in amounts for share in percentages]
    return numbers + derived


def tool_references(tools: Iterable[Mapping[str, Any]]) -> list[float]:
    """Every number in the recorded tool calls' arguments, stated values and results (years also in months)."""
    found: list[float] = []
    for call in tools:
        for part in ("arguments", "stated", "result"):
            _collect_numbers(call.get(part), found)
    return found


def tool_strings(value: Any) -> list[str]:
    """Every string in the recorded tool calls (model names, versions, products)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, Mapping):
        return [text for item in value.values() for text in tool_strings(item)]
    if isinstance(value, list | tuple):
        return [text for item in value for text in tool_strings(item)]
    return []


def _collect_numbers(value: Any, found: list[float], years: bool = False) -> None:
    """Numbers of `value` at any depth; one under a key in years (`vigencia_anios`) also in months, as a text's
    `3 años` is read."""
    if isinstance(value, bool) or value is None:
        return
    if isinstance(value, int | float):
        found.extend((float(value), float(value) * 12) if years else (float(value),))
    elif isinstance(value, str):
        found.extend(reading for stated in stated_values(value) for reading in stated.values)
        found.extend(float(number) for number in BARE_NUMBER.findall(value))
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _collect_numbers(item, found, str(key).endswith("anios"))
    elif isinstance(value, list | tuple):
        for item in value:
            _collect_numbers(item, found, years)


def is_supported(values: Sequence[float], references: Sequence[float]) -> bool:
    """Whether a reading is within REL_TOL of a reference; `references` sorted ascending."""
    for value in values:
        low, high = sorted((value * (1 - REL_TOL), value * (1 + REL_TOL)))
        index = bisect.bisect_left(references, low)
        if index < len(references) and references[index] <= high:
            return True
    return False


def factual_fidelity(claims: Sequence[Claim], references: Iterable[float], threshold: float) -> MetricResult:
    """The `fidelidad_factual` metric over `claims`; reasons list every unsupported one by turn, kind and value.
    A decided claim without values that holds (an honoured restriction, a product the seed names) is counted in
    `details["confirmed"]`, not in the ratio: checks that pass must not dilute a wrong value below the threshold."""
    confirmed = [claim for claim in claims if not claim.values and claim.supported]
    claims = [claim for claim in claims if claim.values or not claim.supported]
    ordered = sorted(set(references))
    unsupported = [
        claim for claim in claims
        if not (claim.supported if claim.supported is not None else is_supported(claim.values, ordered))
    ]  # fmt: skip
    details = {
        "checked": len(claims), "supported": len(claims) - len(unsupported), "references": len(ordered),
        "confirmed": len(confirmed),
    }  # fmt: skip
    if not claims:
        nothing = ["nothing checkable: the dialogue states no values"]
        return at_least(FIDELIDAD_FACTUAL, 1.0, threshold, nothing, details)
    reasons = [_reason(claim) for claim in unsupported]
    result = at_least(FIDELIDAD_FACTUAL, (len(claims) - len(unsupported)) / len(claims), threshold, reasons, details)
    critical = sorted({claim.kind for claim in unsupported if claim.critical})
    if result.passed and critical:
        head = f"unsupported {', '.join(critical)} claim: fails whatever the score"
        return replace(result, passed=False, reasons=[head, *result.reasons])
    return result


def _reason(claim: Claim) -> str:
    """Why `claim` is unsupported: a value the references lack, or the judge's decided finding as it labels it."""
    if claim.values:
        return f"turn {claim.turn}: {claim.kind} {claim.label} is not stated by the seed nor by a tool result"
    if claim.kind == "producto":
        return f"turn {claim.turn}: producto {claim.label} is named by neither the seed nor a tool result"
    return f"turn {claim.turn}: {claim.kind} {claim.label}"


def _format(value: float) -> str:
    return f"{value:,.2f}".rstrip("0").rstrip(".")
