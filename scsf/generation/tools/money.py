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


def nominal_from_effective_pct(effective_pct: float) -> float:
    """The nominal annual rate in percent whose monthly compounding gives `effective_pct`: the inverse of
    `effective_annual_pct` (a CAT of 22 % -> 20.05 %), unrounded."""
    return ((1 + effective_pct / 100) ** (1 / 12) - 1) * 1200


def effective_annual_pct_with_fee(principal: float, fee: float, payment: float, months: int) -> float:
    """The CAT of a loan whose only costs are the interest and an opening fee paid at the start: the monthly rate i
    at which the payments are worth what the borrower receives (principal - fee), as (1 + i)^12 - 1 in percent
    (bisection to 1e-12)."""
    received, low, high = principal - fee, 0.0, 1.0
    for _ in range(200):
        rate = (low + high) / 2
        worth = payment * months if rate == 0 else payment * (1 - (1 + rate) ** -months) / rate
        low, high = (rate, high) if worth > received else (low, rate)
        if high - low < 1e-12:
            break
    return ((1 + (low + high) / 2) ** 12 - 1) * 100
