"""Phones (Mexican and international), e-mail, precise coordinates and IPs; hard negatives stay unreported."""

from __future__ import annotations

import pytest

from scsf.privacy import PiiScanner
from scsf.privacy.recognizers import PhoneRecognizer


def found(scanner: PiiScanner, text: str, entity: str, lang: str = "es") -> list[str]:
    return [f.text for f in scanner.scan(text, lang) if f.entity_type == entity]


@pytest.mark.parametrize(
    "phone",
    [
        "55 1234 5678", "5512345678", "(55) 1234-5678", "33-1234-5678", "81 2345 6789", "442 123 4567",
        "+52 55 1234 5678", "+52 1 55 1234 5678", "+521 81 2345 6789", "55.4336.2752",
    ],
)  # fmt: skip
def test_mexican_phone_formats(scanner: PiiScanner, phone: str) -> None:
    assert found(scanner, f"Mi cel es {phone}, márcame", "PHONE_NUMBER") == [phone]


@pytest.mark.parametrize(
    ("phone", "lang"),
    [
        ("+1 (415) 555-2671", "en"), ("(214) 555-3344", "en"), ("+34 612 345 678", "es"), ("+44 7911 123456", "en"),
        ("+57 300 1234567", "es"), ("+54 9 11 2345-6789", "es"),
    ],
)  # fmt: skip
def test_international_phones(scanner: PiiScanner, phone: str, lang: str) -> None:
    assert found(scanner, f"Call me at {phone} tomorrow", "PHONE_NUMBER", lang) == [phone]


def test_phone_score_rises_with_context(scanner: PiiScanner) -> None:
    [plain] = scanner.scan("5512345678", "es")
    [with_word] = scanner.scan("mi teléfono es 5512345678", "es")
    assert plain.score == PhoneRecognizer.SCORE < with_word.score


@pytest.mark.parametrize(
    "text",
    [
        "El precio es $389,900 con 45,000 km, modelo 2021",
        "Su cita quedó para el 15/03/2024 a las 10:30",
        "Fecha: 2024-03-15",
        "Folio de servicio: 00012345",
        "Folio de servicio: FOL-2016-980116",
        "Número de orden: 4500578340, llega en 5 días",
        "Pedido 2024001234 enviado",
        "Ticket 5512345678 del servicio",
        "El número de serie (VIN) es 3VWFE21C04M000001",
        "CP 06600, colonia Juárez",
        "Son 48 mensualidades de $7,350",
        "llámame al 10 2345 6789",  # unassigned Mexican prefix (pseudonym range)
        "call me at +1 202 555 0147",  # NANP 555-01XX: reserved for fiction
    ],
)
def test_phone_hard_negatives(scanner: PiiScanner, text: str) -> None:
    assert found(scanner, text, "PHONE_NUMBER") == []


def test_phone_regions_are_configurable() -> None:
    with pytest.raises(ValueError, match="unknown phone regions"):
        PhoneRecognizer(supported_regions=("MX", "XX"))
    spain_only = PhoneRecognizer(supported_regions=("ES",))
    assert spain_only.analyze("tel 612 345 678", ["PHONE_NUMBER"])
    assert not PhoneRecognizer(supported_regions=("MX",)).analyze("tel 612 345 678", ["PHONE_NUMBER"])


@pytest.mark.parametrize(
    "email", ["juan.perez@gmail.com", "ventas.ana@grupoautos.mx", "A.LOPEZ@HOTMAIL.COM", "x_y99@correo.unam.mx"]
)
def test_email_found(scanner: PiiScanner, email: str) -> None:
    [finding] = [f for f in scanner.scan(f"Mi correo es {email} gracias", "es") if f.entity_type == "EMAIL_ADDRESS"]
    assert finding.text == email and finding.score == 1.0


@pytest.mark.parametrize(
    "text", ["escribe a mateo.pineda10@example.com", "juan@localhost", "arroba @ gmail", "usuario@dominio.invalid"]
)
def test_email_negatives(scanner: PiiScanner, text: str) -> None:
    assert found(scanner, text, "EMAIL_ADDRESS") == []


@pytest.mark.parametrize(
    "coordinate",
    [
        "19.432608, -99.133209", "20.6597 -103.3496", "@25.6866,-100.3161", "21.1619;-86.8515",
        "19°25'57.4\"N 99°07'59.6\"W", "20.67361 lon -103.34417",
    ],
)  # fmt: skip
def test_precise_coordinates_found(scanner: PiiScanner, coordinate: str) -> None:
    assert found(scanner, f"Mi ubicación: {coordinate}. Aquí espero", "GEO_COORDINATE") == [coordinate.lstrip("@")]


@pytest.mark.parametrize("text", ["Zona centro: 19.43, -99.13", "19.432, -99.133", "95.12345, -99.12345",
                                  "versión 1.2345 y 2.3456", "19°25'N 99°07'W"])  # fmt: skip
def test_coarse_or_impossible_coordinates_not_found(scanner: PiiScanner, text: str) -> None:
    assert found(scanner, text, "GEO_COORDINATE") == []


def test_ip_addresses(scanner: PiiScanner) -> None:
    assert found(scanner, "Conexión desde 187.190.10.4", "IP_ADDRESS") == ["187.190.10.4"]
    assert found(scanner, "documentación: 192.0.2.15 y 2001:db8::1", "IP_ADDRESS") == []
