"""Calendar rules shared by the scheduling and deadline tools: Spanish weekday names and Mexico's official rest
days (Ley Federal del Trabajo, art. 74: I-VIII; election days, fraction IX, are not modelled)."""

from __future__ import annotations

from datetime import date, timedelta

WEEKDAYS = ("lunes", "martes", "miercoles", "jueves", "viernes", "sabado", "domingo")
MONDAY = 0


def nth_monday(year: int, month: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(MONDAY - first.weekday()) % 7 + 7 * (n - 1))


def official_holidays(year: int) -> frozenset[date]:
    """1 Jan, first Monday of Feb, third Monday of Mar, 1 May, 16 Sep, 1 Oct every six years from 2024 (change of
    federal executive), third Monday of Nov, 25 Dec."""
    days = {
        date(year, 1, 1), nth_monday(year, 2, 1), nth_monday(year, 3, 3), date(year, 5, 1), date(year, 9, 16),
        nth_monday(year, 11, 3), date(year, 12, 25),
    }  # fmt: skip
    if (year - 2024) % 6 == 0:
        days.add(date(year, 10, 1))
    return frozenset(days)


def is_business_day(day: date) -> bool:
    """Monday to Friday and not an official rest day."""
    return day.weekday() < 5 and day not in official_holidays(day.year)


def open_day(day: date, *, saturdays: bool) -> date:
    """`day`, or the next day that is not a Sunday, not an official rest day (and not a Saturday unless allowed)."""
    while day.weekday() == 6 or (day.weekday() == 5 and not saturdays) or day in official_holidays(day.year):
        day += timedelta(days=1)
    return day
