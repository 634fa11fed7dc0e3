"""PERSON in Spanish and English chat: cue patterns, NER filtering, allow-list (cars, cities, greetings)."""

from __future__ import annotations

import pytest

from scsf.privacy import PiiScanner
from scsf.privacy.lexicon import fold, is_not_a_name


def persons(scanner: PiiScanner, text: str, lang: str) -> list[str]:
    return [f.text for f in scanner.scan(text, lang) if f.entity_type == "PERSON"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Hola, me llamo Juan Pérez y quiero cotizar un Jetta 2022", ["Juan Pérez"]),
        ("hola me llamo rodrigo ramírez, quiero informes", ["rodrigo ramírez"]),
        ("Buenas tardes, soy María Guadalupe Hernández", ["María Guadalupe Hernández"]),
        ("Hola buenas, habla Roberto de la agencia Toyota en Monterrey", ["Roberto"]),
        ("Mi nombre es Ana Sofía Trejo, ayer pregunté por el Versa", ["Ana Sofía Trejo"]),
        ("Le atiende Miguel Ángel Gutiérrez, ¿en qué le ayudo?", ["Miguel Ángel Gutiérrez"]),
        ("Claro que sí señor Ramírez, le envío la cotización", ["Ramírez"]),
        ("Gracias Zoe, le mando la cotización en un rato", ["Zoe"]),
        ("Mi esposa Marcela también quiere ir a la prueba de manejo", ["Marcela"]),
        ("Hola, somos Miguel y Rocío, queremos ver el Jetta", ["Miguel", "Rocío"]),
        ("La factura va a nombre de María del Carmen López", ["María del Carmen López"]),
        ("Mi papá se llama Roberto Gómez", ["Roberto Gómez"]),
        ("Citlali, ¿me confirmas la cita del sábado?", ["Citlali"]),
    ],
)
def test_spanish_names(scanner: PiiScanner, text: str, names: list[str]) -> None:
    assert persons(scanner, text, "es") == names


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Hi, my name is John Smith and I'm interested in the Civic", ["John Smith"]),
        ("Thanks Sarah, I'll send the paperwork tonight", ["Sarah"]),
        ("This is Mike Johnson from the dealership", ["Mike Johnson"]),
        ("I'm Emily, the one who called earlier", ["Emily"]),
        ("Mr. Anderson asked about the warranty", ["Anderson"]),
        ("My wife Rachel will come with me", ["Rachel"]),
        ("Best regards, Patrick O'Neill", ["Patrick O'Neill"]),
        ("Tell Emma I said thanks", ["Emma"]),
    ],
)
def test_english_names(scanner: PiiScanner, text: str, names: list[str]) -> None:
    assert persons(scanner, text, "en") == names


@pytest.mark.parametrize(
    "text",
    [
        "Hola! Buen día",
        "Hola buenas tardes, me pasa el precio del Jetta por favor",
        "Gracias por la información, lo platico en casa",
        "¿Tienen el Sentra en Guadalajara? Yo estoy en Nuevo León",
        "Perfecto, nos vemos en la agencia Mazda de Querétaro",
        "Ok perfecto, mañana paso a Monterrey",
        "Quiero cambiar mi Aveo por un Corolla, ¿me lo toman a cuenta?",
        "Muchas gracias, Excelente día",
        "Conexión rechazada desde el portal",
        "Llámame mañana temprano",
        "¿Tienen el Ibiza en color Rojo?",
        "Con Banorte me dan mejor tasa",
        "Hablé con Atención a Clientes y no me resolvieron",
        "Perfecto, Quedo atento",
    ],
)
def test_spanish_non_names(scanner: PiiScanner, text: str) -> None:
    assert persons(scanner, text, "es") == []


@pytest.mark.parametrize(
    "text",
    [
        "Hello, good morning!",
        "Is the Corolla still available in Dallas?",
        "Thanks for the info, I'll think about it",
        "Does it come with Apple CarPlay and Android Auto?",
        "Card number: 4111 1111 1111 1111",
        "The login failed from IP 187.190.10.4",
    ],
)
def test_english_non_names(scanner: PiiScanner, text: str) -> None:
    assert persons(scanner, text, "en") == []


def test_locations_are_not_reported(scanner: PiiScanner) -> None:
    findings = scanner.scan("Vivo en Guadalajara, Jalisco, cerca de Zapopan", "es")
    assert findings == []


def test_fold_and_allow_list() -> None:
    assert fold("Querétaro") == "queretaro" and fold("PEÑA") == "peña"
    assert is_not_a_name("NUEVO LEÓN") and is_not_a_name("jetta") and is_not_a_name("Hola")
    assert not is_not_a_name("Guadalupe") and not is_not_a_name("Mercedes") and not is_not_a_name("Guerrero")
