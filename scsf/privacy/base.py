"""Findings and entity types shared by the scanner, redaction, risk scoring and the CLI."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

CURP = "CURP"
RFC = "RFC"
CLABE = "CLABE"
CREDIT_CARD = "CREDIT_CARD"
PHONE_NUMBER = "PHONE_NUMBER"
EMAIL_ADDRESS = "EMAIL_ADDRESS"
PERSON = "PERSON"
IP_ADDRESS = "IP_ADDRESS"
GEO_COORDINATE = "GEO_COORDINATE"

ENTITY_TYPES: tuple[str, ...] = (
    CURP, RFC, CLABE, CREDIT_CARD, PHONE_NUMBER, EMAIL_ADDRESS, PERSON, IP_ADDRESS, GEO_COORDINATE,
)  # fmt: skip
"""Every type the scanner can report. LOCATION (cities, states) is deliberately absent: not PII here."""

DEFAULT_ENTITIES: tuple[str, ...] = ENTITY_TYPES

STRUCTURED_ENTITIES: tuple[str, ...] = (CURP, RFC, CLABE, CREDIT_CARD, PHONE_NUMBER, EMAIL_ADDRESS, GEO_COORDINATE)
"""Types found by pattern plus validation (as opposed to NER)."""

SUPPORTED_LANGUAGES: tuple[str, ...] = ("es", "en")


@dataclass(frozen=True, slots=True)
class PiiFinding:
    """One detected span: `text[start:end]` of the scanned string is `text`."""

    entity_type: str
    start: int
    end: int
    text: str
    score: float
    recognizer: str = ""

    def overlaps(self, other: PiiFinding) -> bool:
        return self.start < other.end and other.start < self.end

    def to_dict(self, *, with_recognizer: bool = False) -> dict[str, Any]:
        data = asdict(self)
        data["score"] = round(self.score, 4)
        if not with_recognizer:
            del data["recognizer"]
        return data


@dataclass(frozen=True, slots=True)
class ScanResult:
    """The findings of one scanned text, with the language it was analysed in."""

    text: str
    lang: str
    findings: list[PiiFinding] = field(default_factory=list)

    @property
    def has_pii(self) -> bool:
        return bool(self.findings)
