"""Reads tool arguments out of a seed's identifiers, and draws what the seed leaves open.

Seeds state facts as snake_case ids: `enganche_20pct` (20), `plazo_48_meses` (48), `precio_389900_mxn` (389900),
`tasa_13_9pct_anual` (13.9: an `_` between digits is the decimal point), `precio_3_2_millones_mxn` (3200000),
`aciertos_4_de_10` (4 and 10). `SeedFacts` finds them; every value a seed does not fix is drawn from a random stream
of its own per aspect (`draw`), so tools that share a fact (the car's price, the appointment date) agree within one
conversation and adding a tool never changes another tool's draws.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable
from datetime import date, timedelta
from typing import Any, TypeVar

from scsf.seeds.schema import Seed

T = TypeVar("T")

DECIMAL = r"(?P<number>\d+(?:_\d+)?)"
WHOLE = r"(?P<number>\d+)"
COUNT_WORDS = {"dos": 2, "tres": 3, "cuatro": 4, "cinco": 5, "seis": 6}
# The "today" of every simulated tool: dates, ages of cars and model years are counted from it.
REFERENCE_DATE = date(2026, 1, 12)


def number_from_id(text: str) -> int | float:
    """`13_9` -> 13.9, `389900` -> 389900."""
    return float(text.replace("_", ".")) if "_" in text else int(text)


def whole(value: float) -> int | float:
    """An integral float as int (3200000.0 -> 3200000), anything else unchanged."""
    return int(value) if float(value).is_integer() else value


def contains_token(identifier: str, key: str) -> bool:
    """Whether `key` appears in `identifier` as whole `_`-separated words."""
    return f"_{key}_" in f"_{identifier}_"


class SeedFacts:
    """The facts of one seed as tools need them, plus memoised draws (one random stream per aspect)."""

    def __init__(self, seed: Seed, rng: random.Random) -> None:
        factual = seed.parametros_factuales
        self.entities: tuple[str, ...] = tuple(factual.entidades_clave)
        self.constraints: tuple[str, ...] = tuple(factual.restricciones)
        self.interaction = seed.tipo_interaccion
        self._base = rng.getrandbits(64)
        self._drawn: dict[str, Any] = {}

    @property
    def identifiers(self) -> tuple[str, ...]:
        """Entities, then constraints."""
        return self.entities + self.constraints

    def has(self, *ids: str) -> bool:
        """Whether any of the ids is one of the seed's entities or constraints."""
        return any(identifier in self.identifiers for identifier in ids)

    def mentions(self, *words: str) -> bool:
        """Whether any entity or constraint contains one of the words as whole `_`-separated words."""
        return any(contains_token(identifier, word) for identifier in self.identifiers for word in words)

    def number(self, key: str, unit: str = "", *, integer: bool = False) -> int | float | None:
        """The first `<key>_<number>[_millones]<unit>` in the entities, then the constraints (key and unit are regex
        alternatives; `tiempo_estudio_30_min_dia` is a constraint).

        The key may follow other words (`credito_pyme_plazo_48_meses` has key `plazo`), the unit may be glued
        (`20pct`) or separate (`48_meses`), and words may follow (`tasa_13_9pct_anual`).
        """
        value = DECIMAL if not integer else WHOLE
        pattern = re.compile(rf"(?:^|_)(?:{key})_{value}(?P<millions>_millones)?_?(?:{unit})(?:_|$)")
        for identifier in self.identifiers:
            if match := pattern.search(identifier):
                number = number_from_id(match["number"])
                return whole(number * 1_000_000) if match["millions"] else number
        return None

    def match(self, pattern: str) -> re.Match[str] | None:
        """The first entity matching a full regex, for facts with more than one number (`presion_arterial_145_92`)."""
        compiled = re.compile(pattern)
        return next((m for entity in self.entities if (m := compiled.fullmatch(entity))), None)

    def key(self, keys: Iterable[str], *, search: Iterable[str] | None = None) -> str | None:
        """The catalogue key the seed names first: entities then constraints (or `search`) in order, the longest key
        within each."""
        keys = list(keys)
        for identifier in self.identifiers if search is None else search:
            found = [key for key in keys if contains_token(identifier, key)]
            if found:
                return max(found, key=len)
        return None

    def draw(self, aspect: str, choose: Callable[[random.Random], T]) -> T:
        """`choose` applied to this seed's stream for `aspect`; the same aspect always gives the same value."""
        if aspect not in self._drawn:
            self._drawn[aspect] = choose(random.Random(f"{self._base}:{aspect}"))
        return self._drawn[aspect]

    def or_draw(self, stated: T | None, aspect: str, choose: Callable[[random.Random], T]) -> T:
        """The value the seed states, else the draw for `aspect`."""
        return stated if stated is not None else self.draw(aspect, choose)

    def day(self) -> date:
        """The date the conversation's appointments and deadlines start from (drawn once per seed)."""
        return self.draw("fecha", lambda rng: REFERENCE_DATE + timedelta(days=rng.randint(1, 120)))


def unit_count(facts: SeedFacts, key: str = r"[a-z_]+") -> int | None:
    """How many units the seed speaks of: `flotilla_3_unidades` -> 3, `dos_unidades_misma_cita` -> 2; `key` narrows
    the words before the count (`auto_a_cuenta` for `auto_a_cuenta_3_unidades_anio_2016`)."""
    count = rf"(?P<count>\d+|{'|'.join(COUNT_WORDS)})"
    if match := facts.match(rf"(?:(?:{key})_)?{count}_unidades(?:_[a-z0-9_]+)?"):
        return int(match["count"]) if match["count"].isdigit() else COUNT_WORDS[match["count"]]
    return None


def stepped(rng: random.Random, low: float, high: float, step: float) -> int | float:
    """A value from low to high in steps (a realistic round amount), as int when whole."""
    steps = round((high - low) / step)
    return whole(round(low + step * rng.randint(0, steps), 2))


def term_months(facts: SeedFacts) -> int | None:
    """`plazo_48_meses` -> 48, `plazo_20_anios` -> 240, `consolidacion_credito_personal_36_meses` -> 36."""
    if (months := facts.number("plazo", "meses", integer=True)) is not None:
        return months
    if (years := facts.number("plazo", "anios", integer=True)) is not None:
        return years * 12
    return facts.number(r"credito(?:_[a-z]+)*", "meses", integer=True)


def annual_rate_pct(facts: SeedFacts) -> int | float | None:
    """`tasa_13_9pct_anual`, `tasa_fija_anual_16pct`, `tasa_preferencial_10_9pct_anual` -> the rate in percent."""
    return facts.number(r"tasa(?:_[a-z]+)*", "pct")
