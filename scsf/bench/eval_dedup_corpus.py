"""A synthetic car-sales corpus with planted copies, for the near-duplicate benchmark.

Each base conversation is 8 to 12 Spanish turns (customer and salesperson) drawn from several phrasings per stage,
with car, price, financing and appointment values filled in and small talk mixed in. A share of the bases get 1 to 5
copies placed later in the corpus: exact (only case and punctuation changed), light (a few values changed) or heavy
(some turns rewritten), so that some planted copies are near-duplicates and some are not. Which are is settled by
their exact shingle Jaccard similarity, not by the kind of edit.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

MODELS = ("Versa", "Sentra", "March", "Kicks", "X-Trail", "Frontier", "Aveo", "Onix", "Tracker", "Jetta", "Virtus",
          "Taos", "Corolla", "Yaris", "RAV4", "Hilux", "CX-30", "Mazda 3", "Rio", "Seltos", "Tucson", "Creta")
TRIMS = ("Sense", "Advance", "Exclusive", "Platinum", "LT", "Premier", "Comfortline", "Highline", "Signature", "GT")
COLOURS = ("blanco perla", "gris oxford", "rojo", "azul marino", "negro", "plata", "arena", "verde olivo")
CITIES = ("Guadalajara", "Monterrey", "Puebla", "Querétaro", "León", "Mérida", "Toluca", "Saltillo", "Morelia")
DAYS = ("lunes", "martes", "miércoles", "jueves", "viernes", "sábado", "domingo")
EXTRAS = ("rines de aluminio", "cámara de reversa", "pantalla táctil", "Apple CarPlay", "sensores de estacionamiento",
          "quemacocos", "asientos de piel", "control crucero", "seis bolsas de aire", "frenado autónomo")
SMALL_TALK = ("Por cierto, ¿tienen estacionamiento para clientes?", "Disculpe la demora en responder.",
              "Mi hermano compró uno el año pasado y está muy contento.", "Estoy comparando con otra agencia.",
              "Gracias por la paciencia.", "Le comento que la promoción vence a fin de mes.",
              "¿Aceptan auto a cuenta?", "Quisiera llevarme los papeles para revisarlos en casa.",
              "Con gusto le mando la ficha técnica por aquí.", "Nuestro horario es de nueve a siete.",
              "Me interesa sobre todo el consumo de gasolina.",
              "También manejamos seguros de varias aseguradoras.")  # fmt: skip

Slots = dict[str, str]
STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("cliente", ("Hola, buenas {part}, vi el {model} {year} en su página y quisiera más información.",
                 "Buen día, ¿todavía tienen disponible el {model} {trim} en color {colour}?",
                 "Qué tal, estoy buscando un auto para la familia y me llamó la atención el {model}.",
                 "Hola, me recomendaron su agencia de {city}; ¿qué precio tiene el {model} {year}?")),
    ("agente_ventas", ("¡Hola! Con gusto le ayudo. El {model} {trim} {year} tiene un precio de lista de "
                       "{price} pesos.",
                       "Buenas {part}, gracias por escribirnos. Sí lo tenemos en {colour}, versión {trim}, en "
                       "{price} pesos.",
                       "Claro que sí, el {model} es de los más vendidos en {city}; la versión {trim} cuesta "
                       "{price} pesos.")),
    ("cliente", ("¿Qué equipamiento trae la versión {trim}? Me interesa que tenga {extra}.",
                 "¿Y cuánto consume? Manejo unos {km} kilómetros a la semana.",
                 "¿Tiene {extra} y {extra2}? Es importante para mí.")),
    ("agente_ventas", ("La {trim} incluye {extra}, {extra2} y garantía de {warranty} años o {km}0 kilómetros.",
                       "Rinde alrededor de {kml} kilómetros por litro en ciudad, y trae {extra} de serie.",
                       "Sí, trae {extra}; {extra2} viene como accesorio con costo de {accessory} pesos.")),
    ("cliente", ("¿Cómo quedaría a crédito con un enganche del {down} por ciento a {term} meses?",
                 "Si doy {down} por ciento de enganche, ¿de cuánto sería la mensualidad a {term} meses?",
                 "Prefiero financiarlo, ¿qué plan tienen a {term} meses?")),
    ("agente_ventas", ("Con {down} por ciento de enganche a {term} meses, la mensualidad queda en {monthly} pesos con "
                       "una tasa de {rate} por ciento anual.",
                       "Le preparé la cotización: enganche de {down_amount} pesos y {term} pagos de {monthly} pesos, "
                       "seguro incluido el primer año.",
                       "A {term} meses la tasa es de {rate} por ciento; con su enganche la mensualidad sería de "
                       "{monthly} pesos.")),
    ("cliente", ("Me parece un poco alta la mensualidad, ¿hay algún descuento?",
                 "¿Y si lo pago a {term2} meses?", "¿Qué requisitos piden para el crédito?")),
    ("agente_ventas", ("Este mes tenemos un bono de {bonus} pesos y el primer servicio sin costo.",
                       "A {term2} meses la mensualidad bajaría a {monthly2} pesos.",
                       "Solo necesitamos identificación oficial, comprobante de domicilio y de ingresos de "
                       "{months} meses.")),
    ("cliente", ("¿Puedo hacer una prueba de manejo el {day}?", "Me gustaría verlo en persona, ¿abren el {day}?")),
    ("agente_ventas", ("Claro, lo esperamos el {day} a las {hour} en la sucursal de {city}.",
                       "Sí, el {day} a las {hour} le aparto el {model} {colour} para la prueba.")),
    ("cliente", ("Perfecto, ahí nos vemos. Gracias.", "Muy bien, lo platico en casa y le confirmo.")),
    ("agente_ventas", ("A usted, que tenga un excelente día.", "Quedo atento, cualquier duda me escribe por aquí.")),
)  # fmt: skip


def _slots(rng: random.Random) -> Slots:
    price = rng.randrange(259_900, 989_900, 1000)
    down, term = rng.choice((10, 15, 20, 25, 30, 35, 40)), rng.choice((12, 24, 36, 48, 60, 72))
    extra, extra2 = rng.sample(EXTRAS, 2)
    return {
        "part": rng.choice(("tardes", "días", "noches")), "model": rng.choice(MODELS), "trim": rng.choice(TRIMS),
        "year": str(rng.randrange(2022, 2027)), "colour": rng.choice(COLOURS), "city": rng.choice(CITIES),
        "price": f"{price:,}", "extra": extra, "extra2": extra2, "km": str(rng.randrange(100, 900, 10)),
        "kml": str(rng.randrange(11, 24)), "warranty": str(rng.choice((3, 5, 7))),
        "accessory": f"{rng.randrange(2, 30)},900",
        "down": str(down), "term": str(term), "term2": str(term + 12), "rate": f"{rng.uniform(8.9, 18.9):.1f}",
        "down_amount": f"{price * down // 100:,}", "monthly": f"{rng.randrange(4_000, 25_000):,}",
        "monthly2": f"{rng.randrange(3_500, 20_000):,}", "bonus": f"{rng.randrange(5, 60)},000",
        "months": str(rng.choice((3, 6))), "day": rng.choice(DAYS),
        "hour": f"{rng.randrange(9, 19)}:{rng.choice(('00', '30'))}",
    }  # fmt: skip


def _turn(rng: random.Random, stage: int, slots: Slots) -> str:
    text = rng.choice(STAGES[stage][1]).format_map(slots)
    return f"{text} {rng.choice(SMALL_TALK)}" if rng.random() < 0.4 else text


def _conversation(rng: random.Random) -> list[str]:
    slots, skipped = _slots(rng), set(rng.sample(range(2, 10, 2), rng.randrange(0, 3)))  # 8 to 12 turns
    stages = [stage for stage in range(len(STAGES)) if stage - stage % 2 not in skipped]
    return [_turn(rng, stage, slots) for stage in stages]


def _exact(rng: random.Random, turns: list[str]) -> list[str]:
    return [turn.upper() if rng.random() < 0.3 else turn.replace(",", "").replace("¿", "") for turn in turns]


def _light(rng: random.Random, turns: list[str]) -> list[str]:
    edited = list(turns)
    for _ in range(rng.randrange(1, 3)):
        spot = rng.randrange(len(edited))
        edited[spot] = edited[spot].replace(rng.choice(DAYS + COLOURS), rng.choice(DAYS + COLOURS), 1) + " Gracias."
    return edited


def _heavy(rng: random.Random, turns: list[str]) -> list[str]:
    fresh = _conversation(rng)
    return [fresh[i] if i < len(fresh) and rng.random() < 0.35 else turn for i, turn in enumerate(turns)]


EDITS: dict[str, Callable[[random.Random, list[str]], list[str]]] = {"exact": _exact, "light": _light, "heavy": _heavy}


@dataclass(frozen=True)
class PlantedCorpus:
    """`items` in corpus order; `groups[i]` is the base conversation item i is, or was copied from."""

    items: list[tuple[str, str]]
    groups: list[int]
    edits: dict[str, int]  # planted copies by kind of edit


def planted_corpus(size: int, *, copy_share: float = 0.1, seed: int = 7) -> PlantedCorpus:
    """`size` conversations; about `copy_share` of the bases get copies, always placed after their base."""
    rng = random.Random(seed)
    slots: list[tuple[int, list[str]] | None] = [None] * size
    edits = dict.fromkeys(EDITS, 0)
    free, base = list(range(size)), 0
    rng.shuffle(free)
    placed = set()
    while free:
        position = free.pop()
        if position in placed:
            continue
        turns = _conversation(rng)
        slots[position], base = (base, turns), base + 1
        placed.add(position)
        if rng.random() < copy_share:
            later = [p for p in free[-64:] if p > position and p not in placed][: rng.randrange(1, 6)]
            for copy_at in later:
                kind = rng.choice(tuple(EDITS))
                slots[copy_at] = (slots[position][0], EDITS[kind](rng, turns))
                placed.add(copy_at)
                edits[kind] += 1
    items = [(f"conv-{n:06d}", "\n".join(turns)) for n, (_, turns) in enumerate(slots)]
    return PlantedCorpus(items, [group for group, _ in slots], edits)
