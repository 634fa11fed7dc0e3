"""PERSON with the name lexicon: lower-case names, names that are also words, naming cues, places named after
people. Exact spans, Spanish and English chat."""

from __future__ import annotations

import pytest

from scsf.bench.pii import load_marked
from scsf.privacy import PiiScanner
from scsf.privacy.lexicon import fold
from scsf.privacy.person_names import (
    AMBIGUOUS,
    GIVEN,
    PLACE_NAMES,
    WORD_NAMES,
    is_clear_given_name,
    is_name_word,
    is_word_name,
)


def persons(scanner: PiiScanner, text: str, lang: str) -> list[str]:
    return [f.text for f in scanner.scan(text, lang) if f.entity_type == "PERSON"]


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("soy maria lopez y quiero informes del crédito", ["maria lopez"]),  # lower case after a weak cue
        ("habla juan, ¿me regresa la llamada?", ["juan"]),
        ("ayer vino ernesto a dejar el enganche", ["ernesto"]),  # lower case, no cue: the lexicon alone
        ("Ya le pasé los papeles a Raúl", ["Raúl"]),
        ("gracias, Lupita", ["Lupita"]),  # hypocorism as a vocative
        ("Buenas tardes, aquí Chuy del taller", ["Chuy"]),
        ("me llamo pilar y vi su anuncio", ["pilar"]),  # a name that is also a word, after a naming cue
        ("Mi nombre es Rosa Hernández", ["Rosa Hernández"]),
        ("Con la señora Luz Ramírez, por favor", ["Luz Ramírez"]),
        ("De parte de Blanca, que ya depositó", ["Blanca"]),
        ("Atentamente, Salvador Medina", ["Salvador Medina"]),
        ("Hola rocío, ¿ya salió el crédito?", ["rocío"]),
        ("le saluda Guadalupe Treviño de seminuevos", ["Guadalupe Treviño"]),
        ("Pilar me dijo que hoy no abren", ["Pilar"]),  # opening subject
        ("dice que Pilar ya firmó", ["Pilar"]),  # clause subject
        ("Mi nombre es Ana de la Garza", ["Ana de la Garza"]),  # compound surnames
        ("Soy Jorge García-Méndez", ["Jorge García-Méndez"]),
    ],
)
def test_spanish_names(scanner: PiiScanner, text: str, names: list[str]) -> None:
    assert persons(scanner, text, "es") == names


@pytest.mark.parametrize(
    "text",
    [
        "Se encendió la luz del check engine",
        "La quiero en rosa mexicano",
        "ok, rosa pastel está bien",  # an acknowledging cue does not make a common word a name
        "claro, luz verde para el trámite",
        "Vivimos en paz, gracias",
        "La sucursal de San Pedro Garza García",
        "Nos vemos en Mayo",
        "El 6 de Enero es Día de Reyes",
        "Señor, ya está su auto",
        "Vivo en la calle Ignacio Zaragoza 15",  # streets named after people
        "Queda sobre Avenida Vicente Guerrero",
        "Me voy a Santa Catarina",
        "Llegué a Ciudad Victoria",
        "Vivo en León",
        "La funda color Rosa",
        "¿Tienen el Renault Logan?",
        "qué caro está el seguro",
    ],
)
def test_spanish_non_names(scanner: PiiScanner, text: str) -> None:
    assert persons(scanner, text, "es") == []


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("hey it's jen from the front desk", ["jen"]),
        ("talked to mike yesterday", ["mike"]),
        ("I left the keys with Kevin", ["Kevin"]),
        ("Thanks Will, talk soon", ["Will"]),  # names that are words, in a naming context
        ("this is grace from finance", ["grace"]),
        ("My coworker Will recommended you", ["Will"]),
        ("I think Frank already left", ["Frank"]),  # capitalised inside a sentence
    ],
)
def test_english_names(scanner: PiiScanner, text: str, names: list[str]) -> None:
    assert persons(scanner, text, "en") == names


@pytest.mark.parametrize(
    "text",
    [
        "I will call you tomorrow",
        "Is there a grace period?",
        "Mark the second box",
        "sure, may works for me",
        "The rebate expires in May",
        "We drove from Austin",
        "We live off Hope Street",
        "The shop is on Michael Road",
        "Is the Sportage still available in Los Angeles?",
        "Ford Explorer or Lincoln Aviator?",
    ],
)
def test_english_non_names(scanner: PiiScanner, text: str) -> None:
    assert persons(scanner, text, "en") == []


def test_lexicon_classes() -> None:
    assert is_clear_given_name(fold("Raúl")) and is_clear_given_name("lupita") and is_clear_given_name("kevin")
    assert not is_clear_given_name("rosa") and not is_clear_given_name("will") and not is_clear_given_name("leon")
    assert is_word_name("grace") and not is_word_name("austin") and not is_word_name("kevin")
    assert is_name_word("lopez") and is_name_word("hdz") and not is_name_word("rosa")
    assert WORD_NAMES.isdisjoint(PLACE_NAMES) and AMBIGUOUS <= GIVEN
    assert all(word == fold(word) and " " not in word for word in GIVEN)


def test_staged_scan_equals_the_full_pipeline_on_the_heldout_texts(scanner: PiiScanner) -> None:
    """The lexicon sources are gated by spelling too: skipping the NER or the tagger never changes a finding."""
    analyzer, entities = scanner.analyzer, scanner.entities
    rows = load_marked()
    for lang in ("es", "en"):
        texts = [row["text"] for row in rows if row["lang"] == lang]
        for text, findings in zip(texts, scanner.scan_many(texts, lang), strict=True):
            full = analyzer.analyze(text, language=lang, entities=entities, score_threshold=0.0)
            assert findings == scanner._findings(text, full, entities), text
