"""CURP (Clave Única de Registro de Población), 18 characters; a match counts only if stdnum validates it."""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer

from scsf.privacy.base import CURP
from scsf.privacy.checkdigits import is_valid_curp
from scsf.privacy.recognizers.prefilter import PatternPrefilter

_STATES = "AS|BC|BS|CC|CL|CM|CS|CH|DF|DG|GT|GR|HG|JC|MC|MN|MS|NT|NL|OC|PL|QT|QR|SP|SL|SR|TC|TS|TL|VZ|YN|ZS|NE"


class MxCurpRecognizer(PatternPrefilter, PatternRecognizer):
    """4 letters, birth date YYMMDD, sex H/M, state, 3 internal consonants, homoclave, check digit.

    `validate_result` runs the check digit (plus date and state) through `stdnum.mx.curp`: a pass scores 1.0,
    a fail drops the match, so CURP-shaped strings with a wrong check digit are never reported.
    """

    COUNTRY_CODE = "mx"
    PATTERNS = [
        Pattern(
            "CURP",
            r"(?<![A-Z0-9Ñ])[A-Z][AEIOUX][A-Z]{2}\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])[HM]"
            rf"(?:{_STATES})[B-DF-HJ-NP-TV-Z]{{3}}[0-9A-Z]\d(?![A-Z0-9Ñ])",
            0.5,
        ),
    ]
    QUICK_CHECK = (r"\d{6}", "cd67fba0cfbafce8")
    """Every match holds the birth date YYMMDD: six digits in a row."""
    CONTEXT = ["curp", "clave única", "registro de población", "población"]

    def __init__(self, supported_language: str = "es", name: str | None = None) -> None:
        super().__init__(
            supported_entity=CURP,
            name=name or f"MxCurpRecognizer_{supported_language}",
            supported_language=supported_language,
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
        )

    def validate_result(self, pattern_text: str) -> bool:
        return is_valid_curp(pattern_text)
