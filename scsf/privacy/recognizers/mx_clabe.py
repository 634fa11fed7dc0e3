"""CLABE (Clave Bancaria Estandarizada): 18 digits = bank (3) + branch (3) + account (11) + control digit.

The control digit decides: a fail drops the match. A pass with a bank code the `clabe` package knows scores 1.0; with
an unknown (e.g. merged, retired) bank code it scores `UNKNOWN_BANK_SCORE`, below the scanner's default threshold,
which the word "CLABE" or "cuenta" nearby lifts above it.
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult

from scsf.privacy.base import CLABE
from scsf.privacy.checkdigits import calc_clabe_check_digit, compact, is_valid_clabe
from scsf.privacy.recognizers.prefilter import PatternPrefilter


class MxClabeRecognizer(PatternPrefilter, PatternRecognizer):
    """The control digit (package `clabe`) validates; the bank code sets the score."""

    COUNTRY_CODE = "mx"
    UNKNOWN_BANK_SCORE = 0.45
    PATTERNS = [
        Pattern("CLABE", r"(?<![\d-])\d{3}[ -]?\d{3}[ -]?\d{11}[ -]?\d(?![\d-])", 0.5),
    ]
    QUICK_CHECK = (r"\d{11}", "3d8528b9c7ddd3b1")
    """Every match holds the 11-digit account number unbroken."""
    CONTEXT = ["clabe", "interbancaria", "transferencia", "depósito", "cuenta", "spei", "bank", "account"]

    def __init__(self, supported_language: str = "es", name: str | None = None) -> None:
        super().__init__(
            supported_entity=CLABE,
            name=name or f"MxClabeRecognizer_{supported_language}",
            supported_language=supported_language,
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
        )

    def validate_result(self, pattern_text: str) -> bool:
        number = compact(pattern_text)
        return len(number) == 18 and number.isdigit() and number[-1] == calc_clabe_check_digit(number[:17])

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None) -> list[RecognizerResult]:  # noqa: ANN001
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        for result in results:
            if not is_valid_clabe(text[result.start : result.end]):
                result.score = self.UNKNOWN_BANK_SCORE
        return EntityRecognizer.remove_duplicates(results)
