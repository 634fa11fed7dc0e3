"""PII-free synthetic conversations (issue #5's evaluator) yield no findings: usted imperatives with enclitics,
typo'd common words and standards' codes are no PERSON or PHONE_NUMBER, while the names and phones next to them
still are."""

from __future__ import annotations

import pytest

from scsf.bench.eval_corpus import generated_conversations
from scsf.domains import DomainRegistry
from scsf.privacy import PiiScanner

SYNTHETIC_CONVERSATIONS = 150


def spans(scanner: PiiScanner, text: str, entity: str) -> list[str]:
    return [f.text for f in scanner.scan(text, "es") if f.entity_type == entity]


def test_synthetic_corpus_has_no_findings(scanner: PiiScanner) -> None:
    domains = DomainRegistry.load()
    texts = [
        turn.text
        for conversation, _ in generated_conversations(SYNTHETIC_CONVERSATIONS, domains)
        for turn in conversation.messages()
    ]
    scanned = zip(texts, scanner.scan_many(texts), strict=True)
    found = [(text, finding.entity_type, finding.text) for text, findings in scanned for finding in findings]
    assert found == []


@pytest.mark.parametrize(
    "text",
    [
        "Déjeme pensarlo y luego le aviso.",
        "Dígame qué necesita.",
        "Permítame un momento, por favor.",
        "Cuénteme qué busca y su presupuesto.",
        "Díganme si les queda bien.",
        "Dejeme pensarlo y luego le aviso.",  # accents dropped, as chat does
        "Graciias, qeu tenga buen día.",
        "Hola, buen día. Ya liquidé el crédito de mi auto anterior con ustedes.",
        "Para esa oferta necesito la autorización de mi gerente. Déjeme consultarlo con él ahora mismo.",
        "Grcias, que tenga buen día.",
        "Mee interesa apertura cuenta empresarial, ¿qué me recomienda?",
        "Muhcas gracias por todo, hasta luego.",
        "Estyo buscando algo como fatiga 3 semanas.",
        "Hla, buenas tardes.",
        "Muy ben, continúe por favor.",
    ],
)
def test_verb_forms_and_typos_are_no_person(scanner: PiiScanner, text: str) -> None:
    assert spans(scanner, text, "PERSON") == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Déjeme pensarlo, Graciela, y luego le aviso.", ["Graciela"]),
        ("Buenas tardes. Rocío Méndez le escribe.", ["Rocío Méndez"]),
        ("Dígale a Raúl que ya pagué.", ["Raúl"]),
        ("Citlali, ¿me confirma la cita?", ["Citlali"]),
        ("q onda beto, ya salió lo del credito?", ["beto"]),
        ("Gracias Ben, quedo atento.", ["Ben"]),
    ],
)
def test_names_beside_them_are_kept(scanner: PiiScanner, text: str, names: list[str]) -> None:
    assert spans(scanner, text, "PERSON") == names


@pytest.mark.parametrize(
    "text",
    [
        "Le propongo esta opción con contaminacion iso 4406 21 19 16, creo que le conviene.",
        "Cumple la norma 4406 21 19 16 de limpieza.",
        "Tornillos clase 4406 21 19 16 en existencia.",
    ],
)
def test_standard_codes_are_no_phone(scanner: PiiScanner, text: str) -> None:
    assert spans(scanner, text, "PHONE_NUMBER") == []


def test_a_phone_after_its_cue_is_still_found(scanner: PiiScanner) -> None:
    text = "Cumple la norma ISO; mi celular es 55 1234 5678."
    assert spans(scanner, text, "PHONE_NUMBER") == ["55 1234 5678"]
