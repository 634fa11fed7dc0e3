"""A seed's monthly-payment ceiling against the monthly amounts the assistant proposes (factual fidelity,
deterministic part).

A seed with the restriction `mensualidad_maxima` states the customer's ceiling as an entity
(`mensualidad_max_8500_mxn`). An assistant turn that states a monthly amount above it ("suba el pago a unos 9 mil al
mes", "la mensualidad queda en $9,200") contradicts the restriction: a critical claim of kind `restriccion`. An amount
is monthly when a monthly cue comes just after it ("al mes", "mensuales") or leads to it in the same clause ("la
mensualidad sale en"). A value a recorded tool computed is exempt: the assistant may quote the calculation that shows
an option is too expensive.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from scsf.eval.dialogue import DialogueTurn
from scsf.eval.fidelity import REL_TOL, Claim, is_supported, tool_references
from scsf.eval.numbers import in_digits, stated_values
from scsf.seeds.schema import Seed

RESTRICTION = "mensualidad_maxima"
AMOUNTS = frozenset({"monto", "cantidad"})  # "9,000 al mes" has no currency
CEILING_ID = re.compile(r"^mensualidad_max(?:ima)?_(\d+)")
MONTHLY_AFTER = re.compile(r"^[^\w.;]{0,3}(?:\w+\s+)?(?:al mes|por mes|cada mes|mensual(?:es)?|de mensualidad)\b", re.I)
MONTHLY_BEFORE = re.compile(
    r"\b(?:mensualidad(?:es)?|pagos? mensual(?:es)?|abonos? mensual(?:es)?)\b[^.;:,$\d]{0,30}\$?\s*$", re.I
)


def ceiling_claims(turns: Sequence[DialogueTurn], seed: Seed, tools: Sequence[Mapping]) -> list[Claim]:
    """One unsupported `restriccion` claim per monthly amount an assistant turn states above the seed's ceiling."""
    ceiling = monthly_ceiling(seed)
    if ceiling is None:
        return []
    computed = sorted(tool_references(tools))  # is_supported bisects
    claims = []
    for turn in turns:
        if turn.side != "asistente":
            continue
        text = in_digits(turn.text)  # stated_values' positions are those of this text
        for value in stated_values(turn.text):
            amount = value.values[0]
            if value.kind not in AMOUNTS or amount <= ceiling * (1 + REL_TOL) or is_supported(value.values, computed):
                continue
            if MONTHLY_AFTER.search(text[value.end :]) or MONTHLY_BEFORE.search(text[: value.start]):
                label = f"{RESTRICTION}: {amount:,.10g} a month is above the seed's ceiling of {ceiling:,.10g}"
                claims.append(Claim(turn.number, "restriccion", (), label, False))
    return claims


def monthly_ceiling(seed: Seed) -> float | None:
    """The ceiling a seed with the restriction states (`mensualidad_max_8500_mxn` -> 8500), else None."""
    factual = seed.parametros_factuales
    if RESTRICTION not in factual.restricciones:
        return None
    found = (CEILING_ID.match(identifier) for identifier in factual.entidades_clave)
    return next((float(match[1]) for match in found if match), None)
