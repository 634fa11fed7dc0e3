"""RFC (Registro Federal de Contribuyentes): 13 characters for a person, 12 for a company.

Some real RFCs fail the SAT check digit, so the check digit does not reject a match: a pass scores 1.0, a fail
scores `CHECK_FAILED_SCORE` (below the scanner's default 0.5 threshold), which the word "RFC" nearby lifts above it.
"""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer, Pattern, PatternRecognizer, RecognizerResult

from scsf.privacy.base import RFC
from scsf.privacy.checkdigits import compact, rfc_check_digit_ok, rfc_shape_ok
from scsf.privacy.recognizers.prefilter import PatternPrefilter

GENERIC_RFCS = frozenset({"XAXX010101000", "XEXX010101000"})
"""SAT's generic RFCs (público en general, extranjeros): identify nobody."""


class MxRfcRecognizer(PatternPrefilter, PatternRecognizer):
    """Letters (4 person, 3 company incl. & and Ñ), date YYMMDD, 3-character homoclave; optional separators."""

    COUNTRY_CODE = "mx"
    CHECK_FAILED_SCORE = 0.4
    PATTERNS = [
        Pattern(
            "RFC",
            r"(?<![A-Z0-9Ñ&])[A-ZÑ&]{3,4}[ -]?\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[ -]?[A-Z0-9]{2}[0-9A]"
            r"(?![A-Z0-9Ñ&])",
            0.5,
        ),
    ]
    QUICK_CHECK = (r"\d{6}", "1626f996c8fd9b72")
    """Every match holds the date YYMMDD: six digits in a row."""
    CONTEXT = ["rfc", "registro federal", "contribuyente", "factura", "facturación", "fiscal", "sat", "tax"]

    def __init__(self, supported_language: str = "es", name: str | None = None) -> None:
        super().__init__(
            supported_entity=RFC,
            name=name or f"MxRfcRecognizer_{supported_language}",
            supported_language=supported_language,
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
        )

    def validate_result(self, pattern_text: str) -> bool:
        """Shape and date decide; the check digit only sets the score (see `analyze`)."""
        return rfc_shape_ok(pattern_text)

    def invalidate_result(self, pattern_text: str) -> bool:
        return compact(pattern_text) in GENERIC_RFCS

    def analyze(self, text, entities, nlp_artifacts=None, regex_flags=None) -> list[RecognizerResult]:  # noqa: ANN001
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        for result in results:
            if not rfc_check_digit_ok(text[result.start : result.end]):
                result.score = self.CHECK_FAILED_SCORE
        return EntityRecognizer.remove_duplicates(results)
