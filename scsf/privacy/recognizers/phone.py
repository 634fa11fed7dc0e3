"""Phone numbers, Mexican and international, found and validated by `phonenumbers` for a set of regions.

Numbers written with a country code are found whatever the regions; national numbers need their region in
`supported_regions` (default MX, US, ES). WhatsApp's legacy Mexican mobile form `+52 1 55 1234 5678` is accepted too.
A number glued to letters (part of a code) or whose nearest cue word is an order/invoice/price word ("folio",
"pedido", "$", ...) or a standard or class ("ISO 4406 21 19 16", "norma", "clase") rather than a phone word is not
reported; NANP's fictional 555-01XX range and Mexico's
unassigned `10` prefix (used for pseudonyms) never are.
"""

from __future__ import annotations

import phonenumbers
import regex as re
from phonenumbers import Leniency, PhoneNumberMatcher
from presidio_analyzer import AnalysisExplanation, EntityRecognizer, LocalRecognizer, RecognizerResult

from scsf.privacy.base import PHONE_NUMBER

DEFAULT_REGIONS: tuple[str, ...] = ("MX", "US", "ES")

_LEGACY_MX_MOBILE = re.compile(r"(?<![\d+])\+?52[ \-.]?1[ \-.]?\(?\d{2,3}\)?(?:[ \-.]?\d){7,8}(?!\d)")
_DIGIT = re.compile(r"\d")
_DIGIT_RUN = re.compile(r"\+?\(?\d[\d\s().\-]{5,}\d")


class PhoneRecognizer(LocalRecognizer):
    """`phonenumbers.PhoneNumberMatcher` at leniency VALID per region; context words raise the score."""

    SCORE = 0.6
    CONTEXT = [
        "teléfono", "telefono", "tel", "cel", "celular", "móvil", "whatsapp", "whats", "wa", "número", "numero",
        "marcar", "márcame", "llamar", "llámame", "contacto", "phone", "mobile", "cell", "call", "number", "text",
    ]  # fmt: skip
    NEGATIVE_CONTEXT = frozenset({
        "folio", "pedido", "orden", "factura", "ticket", "serie", "vin", "order", "invoice", "km", "kilómetros",
        "kilometros", "placas", "referencia", "guía", "guia", "rastreo", "tracking", "clabe", "tarjeta", "card",
        "precio", "price", "$", "#", "mxn", "usd", "cotización", "cotizacion", "contrato", "póliza", "poliza",
        "expediente", "crédito", "credito", "cuenta", "account", "sku", "código", "codigo", "modelo", "año",
        # a standard's number or class code ("ISO 4406 21/19/16", "NOM-001", "clase 8.8"), not a line
        "iso", "iec", "astm", "din", "sae", "ansi", "nom", "norma", "estándar", "estandar", "standard", "clase",
        "class", "grado", "grade",
    })  # fmt: skip
    NEGATIVE_WINDOW = 3

    def __init__(
        self,
        supported_language: str = "es",
        supported_regions: tuple[str, ...] = DEFAULT_REGIONS,
        name: str | None = None,
    ) -> None:
        unknown = [r for r in supported_regions if r not in phonenumbers.SUPPORTED_REGIONS]
        if unknown:
            raise ValueError(f"unknown phone regions: {unknown}")
        self.supported_regions = tuple(supported_regions)
        super().__init__(
            supported_entities=[PHONE_NUMBER],
            supported_language=supported_language,
            context=list(self.CONTEXT),
            name=name or f"PhoneRecognizer_{supported_language}",
        )

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:  # noqa: ANN001
        if len(_DIGIT.findall(text)) < 7:
            return []
        spans: dict[tuple[int, int], str] = {}
        for n, region in enumerate(self.supported_regions):
            if n and not self._uncovered_digits(text, spans):
                break  # every long digit run is already a phone: other regions cannot add one
            for match in PhoneNumberMatcher(text, region, leniency=Leniency.VALID):
                if not self._fictional(match.number):
                    found_region = phonenumbers.region_code_for_number(match.number) or region
                    spans.setdefault((match.start, match.end), found_region)
        for match in _LEGACY_MX_MOBILE.finditer(text):
            digits = "".join(_DIGIT.findall(match.group()))
            number = phonenumbers.parse("+52" + digits[3:])  # drop "52" and the legacy mobile "1"
            if phonenumbers.is_valid_number(number) and not any(s <= match.start() < e for s, e in spans):
                spans[(match.start(), match.end())] = "MX"
        results = []
        for (start, end), region in spans.items():
            if self._negative_context(text, start, end):
                continue
            results.append(
                RecognizerResult(
                    entity_type=PHONE_NUMBER,
                    start=start,
                    end=end,
                    score=self.SCORE,
                    analysis_explanation=AnalysisExplanation(
                        recognizer=self.name,
                        original_score=self.SCORE,
                        textual_explanation=f"valid {region} phone number (phonenumbers)",
                    ),
                    recognition_metadata={
                        RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                        RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
                    },
                )
            )
        return EntityRecognizer.remove_duplicates(results)

    @staticmethod
    def _uncovered_digits(text: str, spans: dict[tuple[int, int], str]) -> bool:
        """True if some run of 7+ digits (with separators) lies outside the spans found so far."""
        for run in _DIGIT_RUN.finditer(text):
            if len(_DIGIT.findall(run.group())) >= 7 and not any(s <= run.start() < e for s, e in spans):
                return True
        return False

    @staticmethod
    def _fictional(number: phonenumbers.PhoneNumber) -> bool:
        national = str(number.national_number)
        if number.country_code == 1 and len(national) == 10:
            return national[3:6] == "555" and national[6:8] == "01"
        return False

    def _negative_context(self, text: str, start: int, end: int) -> bool:
        """Part of a code ("FOL-2016-980116"), or the nearest cue word before it is an order/price word."""
        before, after = text[max(0, start - 60) : start], text[end : end + 1]
        if re.search(r"[^\W_][-/_]?$", before) or (after and (after.isalnum() or after in "-/_")):
            return True
        for word in reversed(re.findall(r"[^\W\d_]+|\$|#", before.lower())[-self.NEGATIVE_WINDOW :]):
            if word in self.NEGATIVE_CONTEXT:
                return True
            if word in self.CONTEXT:
                return False
        return False
