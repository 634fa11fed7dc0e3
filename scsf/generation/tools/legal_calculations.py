"""Legal calculations: `calcular_plazo_procesal` and `calcular_liquidacion_laboral`."""

from __future__ import annotations

import math
from collections.abc import Mapping
from datetime import date, timedelta
from typing import Any

from scsf.generation.tools.base import ToolImpl, catalog, require
from scsf.generation.tools.dates import WEEKDAYS, is_business_day
from scsf.generation.tools.facts import SeedFacts, stepped, whole
from scsf.generation.tools.money import centavos

DEADLINE = "calcular_plazo_procesal"
SEVERANCE = "calcular_liquidacion_laboral"
DAYS_PER_MONTH = 30
DEADLINE_RULE = (
    "cuenta desde el día siguiente; sábados, domingos y descansos obligatorios (LFT art. 74) son inhábiles"
)
DRAWN_TERMS = (3, 5, 9, 15, 30)
TERMINATIONS = ("despido_injustificado", "renuncia_voluntaria", "rescision_justificada")
SEVERANCE_ASSUMPTIONS = (
    "partes proporcionales sobre la fracción del último año de antigüedad (cero con años completos)",
    "no incluye salarios vencidos, vacaciones pendientes de años anteriores ni otras prestaciones del contrato",
    "rescisión justificada se entiende como despido con causa justificada (LFT art. 47)",
)


def calcular_plazo_procesal(args: Mapping[str, Any]) -> dict[str, Any]:
    """Counting starts the day after `fecha_inicio`. Business days skip Saturdays, Sundays and the official rest
    days of LFT art. 74; calendar days count every day, and a term ending on a non-business day moves to the next
    business day. Court holiday periods and local calendars are not modelled."""
    start, days, kind = date.fromisoformat(args["fecha_inicio"]), args["dias"], args["tipo_dias"]
    day, counted, skipped = start, 0, 0
    while counted < days:
        day += timedelta(days=1)
        if kind == "naturales" or is_business_day(day):
            counted += 1
        else:
            skipped += 1
    while not is_business_day(day):
        day += timedelta(days=1)
        skipped += 1
    return {
        "fecha_inicio": start.isoformat(),
        "dias": days,
        "tipo_dias": kind,
        "fecha_vencimiento": day.isoformat(),
        "dia_semana": WEEKDAYS[day.weekday()],
        "dias_inhabiles_omitidos": skipped,
        "regla": DEADLINE_RULE,
    }


def derive_plazo(facts: SeedFacts) -> dict[str, Any]:
    """`plazo_respuesta_20_dias` (business days), `plazo_prescripcion_2_meses` (60 calendar days), else drawn."""
    if (days := facts.number(r"plazo(?:_[a-z]+)*", "dias(?:_habiles)?", integer=True)) is not None:
        kind = "naturales" if facts.mentions("naturales") else "habiles"
    elif (months := facts.number(r"plazo(?:_[a-z]+)*", "meses", integer=True)) is not None:
        days, kind = months * DAYS_PER_MONTH, "naturales"
    else:
        days, kind = facts.draw("dias_plazo", lambda rng: rng.choice(DRAWN_TERMS)), "habiles"
    return {"fecha_inicio": facts.day().isoformat(), "dias": days, "tipo_dias": kind}


def vacation_days(service_year: int) -> int:
    """LFT art. 76 (2023): 12 days in year 1, +2 a year up to 20 in year 5, then +2 for every five years."""
    return 10 + 2 * service_year if service_year <= 5 else 20 + 2 * math.ceil((service_year - 5) / 5)


def calcular_liquidacion_laboral(args: Mapping[str, Any]) -> dict[str, Any]:
    """Severance under the Ley Federal del Trabajo, simplified:

    despido_injustificado: 3 months (90 days) + 20 days per year of service (art. 50, paid here in every unjustified
    dismissal, as in usual settlements) + prima de antigüedad; rescision_justificada (dismissal with cause, art. 47):
    prima de antigüedad only; renuncia_voluntaria: prima de antigüedad only with 15 years or more. Prima de
    antigüedad = 12 days per year on the daily wage capped at twice the general minimum wage (arts. 162, 485, 486).
    Every case adds the proportional part of aguinaldo (15 days), vacations (art. 76 days for the year in course)
    and vacation premium (25 %) for the fraction of the last year of service, assuming that year matches the
    calendar year. Back pay (salarios vencidos) and other benefits are not included. `notas` says why a concept the
    law names is absent (a resignation before 15 years of service has no seniority premium, LFT art. 162 fr. III;
    whole years leave no proportional parts), so a total of 0 reads as what it is.
    """
    wage, years, kind = args["salario_diario"], args["antiguedad_anios"], args["tipo_terminacion"]
    require(wage > 0, SEVERANCE, f"salario_diario must be > 0, got {wage}")
    require(years >= 0, SEVERANCE, f"antiguedad_anios must be >= 0, got {years}")
    rules = catalog("legal")["liquidacion"]
    capped = min(wage, 2 * rules["salario_minimo_general_diario"])
    fraction = years - math.floor(years)
    vacation = vacation_days(math.floor(years) + 1) * fraction
    items = []
    if kind == "despido_injustificado":
        items.append(("indemnizacion_constitucional", rules["dias_indemnizacion_constitucional"], wage, "LFT art. 48"))
        items.append(("veinte_dias_por_anio", rules["dias_por_anio_indemnizacion"] * years, wage, "LFT art. 50"))
    if kind != "renuncia_voluntaria" or years >= rules["anios_prima_antiguedad_renuncia"]:
        items.append(("prima_antiguedad", rules["dias_prima_antiguedad_por_anio"] * years, capped, "LFT art. 162"))
    items.append(("aguinaldo_proporcional", rules["dias_aguinaldo"] * fraction, wage, "LFT art. 87"))
    items.append(("vacaciones_proporcionales", vacation, wage, "LFT art. 76"))
    items.append(("prima_vacacional", vacation * rules["prima_vacacional_pct"] / 100, wage, "LFT art. 80"))
    concepts = [
        {"concepto": name, "dias": round(days, 2), "salario_base": base, "monto": centavos(days * base),
         "fundamento": law}
        for name, days, base, law in items
        if days > 0
    ]  # fmt: skip
    return {
        "tipo_terminacion": kind,
        "salario_diario": wage,
        "antiguedad_anios": years,
        "salario_tope_prima_antiguedad": centavos(2 * rules["salario_minimo_general_diario"]),
        "conceptos": concepts,
        "total": centavos(sum(concept["monto"] for concept in concepts)),
        "supuestos": list(SEVERANCE_ASSUMPTIONS),
        "notas": _absent_concepts(kind, years, rules["anios_prima_antiguedad_renuncia"]),
    }


def _absent_concepts(kind: str, years: float, premium_years: int) -> list[str]:
    notes = []
    if kind == "renuncia_voluntaria" and years < premium_years:
        notes.append(
            f"prima de antigüedad: no procede; en renuncia voluntaria se paga con {premium_years} años de servicio o "
            f"más (LFT art. 162, fr. III) y la antigüedad es de {whole(years)} años"
        )
    if years == math.floor(years):
        notes.append(
            "aguinaldo, vacaciones y prima vacacional proporcionales: cero días; la antigüedad es de años "
            "completos y el último año de servicio se toma como el año calendario, así que no queda fracción "
            "por pagar (LFT arts. 76, 80 y 87)"
        )
    return notes


def derive_liquidacion(facts: SeedFacts) -> dict[str, Any]:
    wage = facts.number("salario_diario", "mxn")
    years = facts.number("antiguedad", "anios")
    kind = facts.key(TERMINATIONS) or facts.draw("terminacion", lambda rng: rng.choice(TERMINATIONS))
    return {
        "salario_diario": facts.or_draw(wage, "salario", lambda rng: stepped(rng, 280, 1500, 10)),
        "antiguedad_anios": facts.or_draw(years, "antiguedad", lambda rng: stepped(rng, 1, 20, 0.5)),
        "tipo_terminacion": kind,
    }


TOOLS = (
    ToolImpl(DEADLINE, calcular_plazo_procesal, derive_plazo),
    ToolImpl(SEVERANCE, calcular_liquidacion_laboral, derive_liquidacion),
)
