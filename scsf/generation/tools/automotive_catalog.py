"""The automotive catalogue and the vehicle facts several automotive tools read from a seed."""

from __future__ import annotations

from typing import Any

from scsf.generation.tools.base import catalog, entry
from scsf.generation.tools.facts import REFERENCE_DATE, SeedFacts, stepped

MODEL_YEAR_KEY = r"anio(?:_modelo)?"


def automotive() -> dict[str, Any]:
    return catalog("automotive")


def segments() -> dict[str, Any]:
    return automotive()["segmentos"]


def segment_entry(segment: str, tool: str) -> dict[str, Any]:
    return entry(segments(), segment, tool, "segmento")


def reference_price(segment: dict[str, Any]) -> int:
    """The segment's middle version price: the reference for insured and used-car values."""
    versions = segment["versiones"]
    return versions[len(versions) // 2]["precio"]


def model_name(segment: dict[str, Any], version: dict[str, Any]) -> str:
    return f"{segment['nombre']} {version['version']} {automotive()['anio_modelo']}"


def seed_segment(facts: SeedFacts) -> str | None:
    """The first catalogue segment among the seed's entities (`van_de_carga_electrica` over `van_de_carga`)."""
    return facts.key(segments())


def segment(facts: SeedFacts) -> str:
    """The seed's segment, or one drawn from the catalogue."""
    return seed_segment(facts) or facts.draw("segmento", lambda rng: rng.choice(sorted(segments())))


def transmission(facts: SeedFacts) -> str | None:
    """`solo_transmision_automatica` / `transmision_automatica` -> automatica, `transmision_manual` -> manual."""
    if facts.mentions("transmision_automatica"):
        return "automatica"
    return "manual" if facts.mentions("transmision_manual") else None


def stated_price(facts: SeedFacts) -> int | float | None:
    """`precio_389900_mxn`, `precio_lista_...`, `precio_unitario_...`, `precio_publicado_...`."""
    return facts.number(r"precio(?:_lista|_unitario|_publicado)?", "mxn")


def vehicle_price(facts: SeedFacts) -> int | float:
    """The seed's price, else the list price of a catalogue version of the seed's segment (one `buscar_inventario`
    would show)."""
    price = stated_price(facts)
    if price is not None:
        return price
    wanted = transmission(facts)
    versions = [v for v in segments()[segment(facts)]["versiones"] if wanted in (None, *v["transmisiones"])]
    return facts.draw("version", lambda rng: rng.choice(versions))["precio"]


def model_year(facts: SeedFacts) -> int:
    """`anio_2021` / `anio_modelo_2024`, else a car two to ten years old."""
    year = facts.number(MODEL_YEAR_KEY, integer=True)
    return year if year is not None else facts.draw("anio", lambda rng: REFERENCE_DATE.year - rng.randint(2, 10))


def stated_mileage(facts: SeedFacts) -> int | None:
    """`kilometraje_38000_km`; else the mileage of the car's scheduled service (`servicio_60000_km`)."""
    km = facts.number("kilometraje", "km", integer=True)
    return km if km is not None else facts.number("servicio", "km", integer=True)


def mileage(facts: SeedFacts) -> int:
    """The stated mileage, else 12,000-20,000 km per year of age, in thousands."""
    if (km := stated_mileage(facts)) is not None:
        return km
    age = max(REFERENCE_DATE.year - model_year(facts), 1)
    return facts.draw("kilometraje", lambda rng: int(age * stepped(rng, 12000, 20000, 1000)))
