"""Item generators of `generar_reactivo`: one per topic, each a pure function of (random stream, difficulty 1-5).

Math and physics items are built from numbers, so their answers are computed, not stored; language items come from
the word banks in `data/education.toml`. The first wrong answer is always the topic's most typical mistake.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from scsf.generation.tools.base import NOTHING, catalog, require
from scsf.generation.tools.facts import whole

ITEM = "generar_reactivo"

PYTHAGOREAN_TRIPLES = ((3, 4, 5), (5, 12, 13), (8, 15, 17), (7, 24, 25), (20, 21, 29))
STRESS_CLASSES = ("aguda", "grave", "esdrújula", "sobresdrújula")
NEARBY = (1, 2, 3)  # offsets of the last-resort wrong answers


@dataclass(frozen=True)
class Item:
    enunciado: str
    correcta: str
    incorrectas: tuple[str, ...]
    explicacion: str


def _fraction(value: Fraction) -> str:
    return str(value.numerator) if value.denominator == 1 else f"{value.numerator}/{value.denominator}"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.2f}"


def _distinct(correct: str, candidates: list[str]) -> tuple[str, ...]:
    """Three wrong answers, different from the correct one and from each other, in the given order (generators end
    their candidates with nearby values, so three always exist)."""
    wrong: list[str] = []
    for candidate in candidates:
        if candidate != correct and candidate not in wrong:
            wrong.append(candidate)
    return tuple(wrong[:3])


def fracciones(rng: random.Random, level: int) -> Item:
    b, d = rng.sample(range(2, 5 + 2 * level), 2)
    a, c = rng.randint(1, b - 1), rng.randint(1, d - 1)
    total = Fraction(a, b) + Fraction(c, d)
    candidates = [f"{a + c}/{b + d}", f"{a * d + c * b}/{b + d}", f"{a * c}/{b * d}"]
    candidates += [f"{total.numerator + step}/{total.denominator}" for step in NEARBY]
    wrong = [text for text in candidates if Fraction(text) != total]
    return Item(
        f"Calcula {a}/{b} + {c}/{d} y simplifica el resultado.",
        _fraction(total),
        _distinct(_fraction(total), wrong),
        f"Denominador común: {a}/{b} + {c}/{d} = ({a}·{d} + {c}·{b})/({b}·{d}) = {a * d + c * b}/{b * d} "
        f"= {_fraction(total)}.",
    )


def _signed(value: int) -> str:
    return f"+ {value}" if value >= 0 else f"- {-value}"


def ecuaciones_lineales(rng: random.Random, level: int) -> Item:
    x = rng.choice([n for n in range(-3 * level, 3 * level + 1) if n])
    a = rng.randint(2, 2 + level)
    b = rng.choice([n for n in range(-10 * level, 10 * level + 1) if n])
    c = a * x + b
    candidates = [f"x = {_fraction(Fraction(c + b, a))}", f"x = {c - b}", f"x = {-x}"]
    candidates += [f"x = {x + n}" for n in NEARBY]
    return Item(
        f"Resuelve la ecuación {a}x {_signed(b)} = {c}.",
        f"x = {x}",
        _distinct(f"x = {x}", candidates),
        f"Se despeja: {a}x = {c} {_signed(-b)} = {c - b}, luego x = {c - b}/{a} = {x}.",
    )


def teorema_pitagoras(rng: random.Random, level: int, given: Mapping[str, int] = NOTHING) -> Item:
    """Legs and hypotenuse of a scaled Pythagorean triple, or the seed's (`cateto_a`, `cateto_b`, `hipotenusa`)."""
    triple, scale = rng.choice(PYTHAGOREAN_TRIPLES[: 1 + level]), rng.randint(1, level)
    a, b, c = (side * scale for side in triple)
    if given:
        a, b = given["cateto_a"], given["cateto_b"]
        c = given.get("hipotenusa", math.isqrt(a * a + b * b))
        require(a * a + b * b == c * c, ITEM, f"stated sides {a}, {b}, {c} are not a right triangle with whole sides")
    if level >= 3 and rng.random() < 0.5:
        return Item(
            f"Un triángulo rectángulo tiene hipotenusa {c} y un cateto {a}. ¿Cuánto mide el otro cateto?",
            str(b),
            _distinct(str(b), [str(c - a), str(c * c - a * a), str(c + a)] + [str(b + n) for n in NEARBY]),
            f"b = √(c² − a²) = √({c * c} − {a * a}) = √{b * b} = {b}.",
        )
    return Item(
        f"Un triángulo rectángulo tiene catetos {a} y {b}. ¿Cuánto mide la hipotenusa?",
        str(c),
        _distinct(str(c), [str(a + b), str(a * a + b * b), str(abs(b - a))] + [str(c + n) for n in NEARBY]),
        f"c = √(a² + b²) = √({a * a} + {b * b}) = √{c * c} = {c}.",
    )


def _monomial(coefficient: int, power: int) -> str:
    base = "" if power == 0 else "x" if power == 1 else f"x^{power}"
    return f"{coefficient}{base}" if coefficient != 1 or not base else base


def derivadas_regla_cadena(rng: random.Random, level: int, given: Mapping[str, Any] = NOTHING) -> Item:
    """f(x) = sen(k x^n), or e^(k x^n) from level 4, or the seed's function (`funcion_externa` sen, cos or e, with
    `coeficiente` k and `exponente` n)."""
    k, n = rng.randint(2, 2 + level), 1 if level == 1 else rng.randint(2, 3)
    k, n = given.get("coeficiente", k), given.get("exponente", n)
    outer = given.get("funcion_externa", "e" if level >= 4 else "sen")
    inner, outer_derivative = _monomial(k, n), _monomial(n * k, n - 1)
    if outer == "cos":
        correct = f"-{outer_derivative} sen({inner})"
        candidates = [f"-sen({inner})", f"{outer_derivative} sen({inner})", f"-{outer_derivative} cos({inner})"]
        function = f"cos({inner})"
    elif outer == "e":
        correct = f"{outer_derivative} e^({inner})"
        candidates = [
            f"e^({inner})", f"{inner} e^({_monomial(k, n - 1)})", f"{outer_derivative} e^({outer_derivative})",
        ]
        function = f"e^({inner})"
    else:
        correct = f"{outer_derivative} cos({inner})"
        candidates = [f"cos({inner})", f"-{outer_derivative} cos({inner})", f"{outer_derivative} sen({inner})"]
        function = f"sen({inner})"
    return Item(
        f"Deriva f(x) = {function}.",
        correct,
        _distinct(correct, candidates),
        f"Regla de la cadena: derivada de la función externa evaluada en {inner}, "
        f"por la derivada interna {outer_derivative}.",
    )


def segunda_ley_newton(rng: random.Random, level: int, given: Mapping[str, float] = NOTHING) -> Item:
    """Mass, acceleration and force (F = m a), or the seed's (`masa_kg`, `aceleracion_m_s2`, `fuerza_n`: any two)."""
    mass, acceleration = rng.randint(1, 5 * level), rng.randint(1, 3 * level)
    if given:
        mass, acceleration = _mass_and_acceleration(given)
    force = mass * acceleration
    if level >= 2 and rng.random() < 0.5:
        wrong = [f"{_number(value)} m/s²" for value in (force * mass, force - mass, round(mass / force, 2))]
        return Item(
            f"Sobre un cuerpo de {mass} kg actúa una fuerza neta de {force} N. ¿Cuál es su aceleración?",
            f"{acceleration} m/s²",
            _distinct(f"{acceleration} m/s²", wrong + [f"{acceleration + n} m/s²" for n in NEARBY]),
            f"a = F / m = {force} N / {mass} kg = {acceleration} m/s².",
        )
    wrong = [f"{mass + acceleration} N", f"{_number(round(mass / acceleration, 2))} N", f"{force * 10} N"]
    return Item(
        f"Un cuerpo de {mass} kg acelera a {acceleration} m/s². ¿Qué fuerza neta actúa sobre él?",
        f"{force} N",
        _distinct(f"{force} N", wrong + [f"{force + n} N" for n in NEARBY]),
        f"F = m · a = {mass} kg · {acceleration} m/s² = {force} N.",
    )


def _mass_and_acceleration(given: Mapping[str, float]) -> tuple[int | float, int | float]:
    mass, acceleration, force = given.get("masa_kg"), given.get("aceleracion_m_s2"), given.get("fuerza_n")
    require([mass, acceleration, force].count(None) <= 1, ITEM, "stated values need two of mass, acceleration, force")
    mass = whole(force / acceleration) if mass is None else mass
    acceleration = whole(force / mass) if acceleration is None else acceleration
    require(force is None or math.isclose(mass * acceleration, force), ITEM, f"stated F = {force} N is not m * a")
    return mass, acceleration


def acentuacion(rng: random.Random, level: int) -> Item:
    word = rng.choice(catalog("education")["acentuacion"])
    rule = "lleva tilde" if word["tilde"] else "no lleva tilde"
    return Item(
        f"Clasifica la palabra «{word['palabra']}» según su sílaba tónica.",
        word["clase"],
        _distinct(word["clase"], list(STRESS_CLASSES)),
        f"«{word['palabra']}» es {word['clase']} y {rule} según las reglas generales de acentuación.",
    )


def _bank_item(topic: str, rng: random.Random, instruction: str, explanation: str) -> Item:
    entry = rng.choice(catalog("education")[topic])
    prompt = entry.get("oracion") or f"{entry['texto']} {entry['pregunta']}"
    return Item(f"{instruction}{prompt}", entry["correcta"], tuple(entry["incorrectas"]), explanation)


def ingles_presente_perfecto(rng: random.Random, level: int) -> Item:
    explanation = "Presente perfecto: have/has (según el sujeto) + participio pasado del verbo."
    return _bank_item("ingles_presente_perfecto", rng, "Completa con el presente perfecto: ", explanation)


def comprension_lectora(rng: random.Random, level: int) -> Item:
    explanation = "La respuesta correcta se apoya en lo que el texto afirma, no en datos externos."
    return _bank_item("comprension_lectora", rng, "Lee el texto y responde. ", explanation)


GENERATORS: dict[str, Callable[..., Item]] = {
    generator.__name__: generator
    for generator in (
        fracciones, ecuaciones_lineales, teorema_pitagoras, derivadas_regla_cadena, segunda_ley_newton, acentuacion,
        ingles_presente_perfecto, comprension_lectora,
    )
}  # fmt: skip


# The values a seed may fix in an item, per topic (the generators above take them as `given`).
GIVEN = {
    "teorema_pitagoras": frozenset({"cateto_a", "cateto_b", "hipotenusa"}),
    "derivadas_regla_cadena": frozenset({"funcion_externa", "coeficiente", "exponente"}),
    "segunda_ley_newton": frozenset({"masa_kg", "aceleracion_m_s2", "fuerza_n"}),
}


def make_item(topic: str, level: int, given: Mapping[str, Any] = NOTHING) -> Item:
    """The item of a topic at a difficulty: the same pair always gives the same item, whatever the format. `given`
    holds the seed's own numbers or function (see `GIVEN`), which the item then uses."""
    rng = random.Random(f"reactivo:{topic}:{level}")
    if not given:
        return GENERATORS[topic](rng, level)
    require(set(given) <= GIVEN.get(topic, frozenset()), ITEM, f"{topic} cannot take the stated values {sorted(given)}")
    return GENERATORS[topic](rng, level, given)
