"""From the judge's answer to Claims: code, not the model, decides what is supported.

Every reported item first passes the hallucination guard (`judge_grounding`): a value or product counts only if the
turn named, or else the nearest turn, writes it. Then:

- values are checked by kind where the seed or a recorded tool states that kind (`plazo_meses` against
  `plazo_48_meses` and the tools' `plazo_meses`), else left to factual fidelity's by-number comparison. No double
  counting: a value the deterministic claims already state in that turn adds a claim only when the judge's kind
  turns their verdict round (stated "20 meses" is supported by number, the 20 % down payment, but is no term of the
  seed). A value they state and already find unsupported is counted once, by them;
- products are supported only when a seed entity or a tool result names them (`Sedán compacto` for
  `sedan_compacto`); a name made only of generic words (auto, plan) is no product, and one of the pack's catalogue
  is left to the deterministic check (`scsf.eval.catalogue`), which has already counted it;
- a restriction the per-turn question says a turn contradicts is an unsupported claim of kind `restriccion`;
- a turn the per-turn question gives to the other side is an unsupported claim of kind `rol` when a neighbour is
  given to the other side too (a swapped exchange) or the turn has a speech act of that side, and none of its own.
Labels name turns, kinds and seed or catalogue terms only, never the dialogue's own words beyond a product's name.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from scsf.domains import DomainPack
from scsf.eval.catalogue import mentioned_products
from scsf.eval.dialogue import OTHER_SIDE, DialogueTurn
from scsf.eval.fidelity import (
    Claim,
    claims_from_dialogue,
    id_references,
    is_supported,
    seed_references,
    tool_references,
    tool_strings,
)
from scsf.eval.judge_grounding import content_words, covers, says_number, shares_word, speaks_as
from scsf.seeds.schema import Seed

PRICE_ID = r"precio(?:_lista|_unitario|_publicado)?_\d"


@dataclass(frozen=True)
class Kind:
    """A value kind: the seed ids that state it (matched at the start of one of their words, so that
    `suv_compacta_precio_459900_mxn` is a price), the tool fields that report it (whole name), the words a turn uses
    for it (accent-folded) and the deterministic kinds it may be (`scsf.eval.numbers`)."""

    ids: str
    fields: str
    cues: tuple[str, ...]
    stated_as: frozenset[str]


AMOUNT = frozenset({"monto", "cantidad"})
KINDS: dict[str, Kind] = {
    "enganche_pct": Kind(r"enganche_\d", r"enganche_pct", ("enganche", "inicial"), frozenset({"porcentaje"})),
    "enganche_monto": Kind(rf"enganche_\d|{PRICE_ID}", r"enganche(?:_monto)?", ("enganche", "inicial"), AMOUNT),
    "plazo_meses": Kind(r"plazo_\d", r"plazo.*", ("plazo", "meses", "mes", "anos", "ano"), frozenset({"plazo"})),
    "precio": Kind(PRICE_ID, r"precio.*", ("precio", "cuesta", "vale", "valor", "costo"), AMOUNT),
    "tasa_pct": Kind(r"tasa_\d", r"tasa.*", ("tasa", "interes"), frozenset({"porcentaje"})),
    "mensualidad": Kind(r"mensualidad_\d", r"mensualidad.*", ("mensualidad", "mensual", "pago", "pagos"), AMOUNT),
}
GENERIC = frozenset(
    ["auto", "autos", "carro", "coche", "vehiculo", "unidad", "modelo", "version", "plan", "credito", "financiamiento",
     "producto", "opcion", "nuevo", "enganche", "plazo", "meses", "precio", "tasa", "interes", "mensualidad", "pago"]
)  # fmt: skip


@dataclass(frozen=True)
class Reported:
    """One item of the answer: the turn the judge names and what it reports there."""

    turn: int
    text: str


def value_claims(
    values: Iterable[tuple[int, str, float]], turns: Sequence[DialogueTurn], seed: Seed, tools: Sequence[Mapping]
) -> list[Claim]:
    """Claims for the (turn, kind, value) the judge reports, by the rule of the module docstring."""
    everything = sorted(set(seed_references(seed) + tool_references(tools)))
    claims = []
    for turn_number, name, value in values:
        kind = KINDS[name]
        months = name == "plazo_meses"
        turn = _grounded(turns, turn_number, lambda text, v=value, m=months: says_number(text, v, months=m))
        if turn is None:
            continue
        stated = [claim for claim in claims_from_dialogue([turn]) if is_supported(claim.values, [value])]
        if stated and not any(claim.kind in kind.stated_as for claim in stated):
            continue  # the judge mislabelled a value the deterministic reading knows the kind of
        expected = sorted(set(kind_references(name, seed, tools))) if shares_word(kind.cues, turn.text) else []
        by_kind = is_supported((value,), expected) if expected else None
        label = _number(value)
        if stated:
            if by_kind is not False or not any(is_supported(claim.values, everything) for claim in stated):
                continue  # settled by the deterministic claim
            label += f" (the seed's or tools' {name}: {', '.join(map(_number, expected[:3]))})"
        claims.append(Claim(turn.number, name, (value,), label, by_kind))
    return claims


def kind_references(kind: str, seed: Seed, tools: Sequence[Mapping]) -> list[float]:
    """The values of `kind` the seed's ids and the recorded tools state; empty for a kind neither states."""
    id_pattern, field_pattern = re.compile(rf"(?:^|_)(?:{KINDS[kind].ids})"), re.compile(KINDS[kind].fields)
    found = id_references(
        identifier for identifier in seed.parametros_factuales.entidades_clave if id_pattern.search(identifier)
    )
    for call in tools:
        for part in ("arguments", "stated", "result"):
            _field_numbers(call.get(part), field_pattern, found)
    return found


def product_claims(
    products: Iterable[Reported], turns: Sequence[DialogueTurn], seed: Seed, tools: Sequence[Mapping], pack: DomainPack
) -> list[Claim]:
    """A claim per named product an assistant turn writes and the catalogue does not list; supported when a seed entity
    or a tool result names it. The customer's own things ('mi camioneta 2020') are not offers, as in the catalogue."""
    known = [*seed.parametros_factuales.entidades_clave, *tool_strings(tools)]
    catalogue = tuple(pack.catalogo_productos)
    offering = [turn for turn in turns if turn.side == "asistente"]
    claims = []
    for product in products:
        if mentioned_products(product.text, catalogue):
            continue
        words = [word for word in content_words(product.text) if word not in GENERIC]
        turn = _grounded(offering, product.turn, lambda text, words=words: covers(words, text))
        if turn is not None:
            supported = any(covers(words, reference) for reference in known)
            claims.append(Claim(turn.number, "producto", (), f"'{' '.join(product.text.split())}'", supported))
    return claims


def contradiction_claims(contradicted: Mapping[int, Sequence[str]], turns: Sequence[DialogueTurn]) -> list[Claim]:
    """An unsupported claim per (turn, restriction) the judge says the turn contradicts."""
    numbers = {turn.number for turn in turns}
    return [
        Claim(number, "restriccion", (), f"{name} contradicted by the dialogue", False)
        for number, names in sorted(contradicted.items()) if number in numbers
        for name in names
    ]  # fmt: skip


def role_claims(speakers: Mapping[int, str], turns: Sequence[DialogueTurn], pack: DomainPack | None) -> list[Claim]:
    """An unsupported claim per turn whose speaker the judge places on the other side (`speakers`: turn -> side),
    when a neighbour is misplaced too (a swapped exchange) or the turn has a speech act of the other side
    (`speaks_as`): one misreading alone is not enough. A turn with a speech act of its own side ('Quedo al pendiente.
    Gracias por su preferencia.' from the agent) is not misplaced, whatever the judge says."""
    misplaced = {
        turn.number: other for turn in turns
        if (other := OTHER_SIDE.get(turn.side or "")) is not None and speakers.get(turn.number) == other
        and not speaks_as(turn.side or "", turn.text, pack)
    }  # fmt: skip
    return [
        Claim(turn.number, "rol", (), f"{turn.role} says what the {misplaced[turn.number]} side says", False)
        for turn in turns
        if turn.number in misplaced
        and (turn.number - 1 in misplaced or turn.number + 1 in misplaced
             or speaks_as(misplaced[turn.number], turn.text, pack))
    ]  # fmt: skip


def _grounded(turns: Sequence[DialogueTurn], number: int, says: Any) -> DialogueTurn | None:
    """The turn named if it says it, else the nearest one that does (judges miscount turns), else None."""
    ordered = sorted(turns, key=lambda turn: (abs(turn.number - number), turn.number))
    return next((turn for turn in ordered if says(turn.text)), None)


def _field_numbers(value: Any, pattern: re.Pattern[str], found: list[float], matched: bool = False) -> None:
    """Numbers under keys matching `pattern` (at any depth: an inventory's `unidades[].precio`)."""
    if isinstance(value, Mapping):
        for key, item in value.items():
            _field_numbers(item, pattern, found, matched or bool(pattern.fullmatch(str(key))))
    elif isinstance(value, list | tuple):
        for item in value:
            _field_numbers(item, pattern, found, matched)
    elif matched and isinstance(value, int | float) and not isinstance(value, bool):
        found.append(float(value))


def _number(value: float) -> str:
    return f"{value:,.10g}"
