"""Built-in recognizers, one identifier per module (Presidio style: class PATTERNS/CONTEXT, validate_result)."""

from __future__ import annotations

from presidio_analyzer import EntityRecognizer

from scsf.privacy.recognizers.card import CreditCardRecognizer
from scsf.privacy.recognizers.email import EmailRecognizer
from scsf.privacy.recognizers.geo import GeoCoordinateRecognizer
from scsf.privacy.recognizers.ip import IpRecognizer
from scsf.privacy.recognizers.mx_clabe import MxClabeRecognizer
from scsf.privacy.recognizers.mx_curp import MxCurpRecognizer
from scsf.privacy.recognizers.mx_rfc import MxRfcRecognizer
from scsf.privacy.recognizers.phone import DEFAULT_REGIONS, PhoneRecognizer

__all__ = [
    "DEFAULT_REGIONS", "CreditCardRecognizer", "EmailRecognizer", "GeoCoordinateRecognizer", "IpRecognizer",
    "MxClabeRecognizer", "MxCurpRecognizer", "MxRfcRecognizer", "PhoneRecognizer", "builtin_recognizers",
]  # fmt: skip


def builtin_recognizers(language: str, phone_regions: tuple[str, ...] = DEFAULT_REGIONS) -> list[EntityRecognizer]:
    """One instance of every built-in recognizer for `language` (PERSON included)."""
    from scsf.privacy.person import PersonRecognizer

    return [
        MxCurpRecognizer(supported_language=language),
        MxRfcRecognizer(supported_language=language),
        MxClabeRecognizer(supported_language=language),
        CreditCardRecognizer(supported_language=language),
        GeoCoordinateRecognizer(supported_language=language),
        PhoneRecognizer(supported_language=language, supported_regions=phone_regions),
        EmailRecognizer(supported_language=language),
        IpRecognizer(supported_language=language),
        PersonRecognizer(supported_language=language),
    ]
