"""Money arithmetic shared by the credit tools: centavo rounding and the French (fixed payment) annuity."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def centavos(value: float) -> float:
    """Rounded to centavos, half up (the way a receipt rounds, not banker's rounding)."""
    return float(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def monthly_rate(annual_rate_pct: float) -> float:
    """Nominal annual rate in percent -> monthly rate (r = tasa / 100 / 12)."""
    return annual_rate_pct / 100 / 12


def fixed_payment(principal: float, annual_rate_pct: float, months: int) -> float:
    """French amortisation: P * r / (1 - (1 + r)^-n), or P / n at zero rate; unrounded."""
    rate = monthly_rate(annual_rate_pct)
    if rate == 0:
        return principal / months
    return principal * rate / (1 - (1 + rate) ** -months)


def present_value(payment: float, annual_rate_pct: float, months: int) -> float:
    """The principal a fixed monthly payment repays: the inverse of `fixed_payment`."""
    rate = monthly_rate(annual_rate_pct)
    if rate == 0:
        return payment * months
    return payment * (1 - (1 + rate) ** -months) / rate


def effective_annual_pct(annual_rate_pct: float) -> float:
    """(1 + r)^12 - 1 in percent: the CAT of a credit whose only cost is the interest (no fees, without IVA)."""
    return ((1 + monthly_rate(annual_rate_pct)) ** 12 - 1) * 100
