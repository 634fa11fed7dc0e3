"""Payment card numbers: a known issuer prefix, 13 to 19 digits, and the Luhn check digit."""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer

from scsf.privacy.base import CREDIT_CARD
from scsf.privacy.checkdigits import compact, is_valid_clabe, is_valid_luhn
from scsf.privacy.recognizers.prefilter import PatternPrefilter

_PREFIXES = (
    "4",  # Visa
    "51", "52", "53", "54", "55", "22", "23", "24", "25", "26", "27",  # Mastercard
    "34", "37",  # American Express
    "6011", "65", "64",  # Discover
    "36", "38", "300", "301", "302", "303", "304", "305",  # Diners
    "35",  # JCB
    "62",  # UnionPay
    "50", "56", "57", "58", "63", "67",  # Maestro and other debit ranges
)  # fmt: skip


class CreditCardRecognizer(PatternPrefilter, PatternRecognizer):
    """Groups of 4 (or Amex 4-6-5) digits, with spaces or dashes, or one unbroken run; Luhn decides."""

    PATTERNS = [
        Pattern("card (grouped)", r"(?<![\d-])[2-6]\d{3}(?:[ -]\d{4}){2}[ -]\d{1,7}(?![\d-])", 0.5),
        Pattern("card (amex grouped)", r"(?<![\d-])3[47]\d{2}[ -]\d{6}[ -]\d{5}(?![\d-])", 0.5),
        Pattern("card (plain)", r"(?<![\d-])[2-6]\d{12,18}(?![\d-])", 0.5),
    ]
    QUICK_CHECK = (r"\d{4}", "8fc5c98d1cf3c7f9")
    """Every match opens with four digits in a row (issuer digit plus three)."""
    CONTEXT = ["tarjeta", "crédito", "débito", "visa", "mastercard", "amex", "card", "credit", "debit", "pago"]

    def __init__(self, supported_language: str = "es", name: str | None = None) -> None:
        super().__init__(
            supported_entity=CREDIT_CARD,
            name=name or f"CreditCardRecognizer_{supported_language}",
            supported_language=supported_language,
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
        )

    def validate_result(self, pattern_text: str) -> bool:
        number = compact(pattern_text)
        if len(number) == 18 and is_valid_clabe(number):  # an 18-digit run that is a CLABE is reported as one
            return False
        return 13 <= len(number) <= 19 and number.startswith(_PREFIXES) and is_valid_luhn(number)
