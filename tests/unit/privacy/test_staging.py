"""`scan_many` runs the NER and the tagger only where they can change a finding: same findings as the full pipeline."""

from __future__ import annotations

import pytest

from scsf.privacy import PiiScanner
from scsf.privacy.artifacts import MissingAnnotations, StagedArtifacts
from scsf.privacy.engine import get_analyzer

TEXTS = {
    "es": [
        "Hola, me llamo Juan Pérez, mi cel es 55 1234 5678",
        "hola me llamo rodrigo ramírez, quiero informes",  # strong cue, lower case: tags, no NER
        "Citlali, ¿me confirmas la cita del sábado?",  # vocative
        "Efraín ya pagó el enganche",  # opening subject backed by the NER
        "Para el crédito solo necesitamos identificación",  # opening stop word: tagged first, not PROPN: no NER
        "Claro que sí señor Ramírez, le envío la cotización",  # honorific
        "Mi esposa Marcela también quiere ir",  # role word
        "Con enganche del 20 % a 48 meses la mensualidad queda en $7,850",
        "El RFC de la empresa es GODE561231GR1",  # check digit fails: the context word "RFC" needs lemmas
        "Los datos fiscales: GODE561231GR1",
        "Mi CURP es BOXW310820HNERXN09 y mi correo ana.lopez@gmail.com",
        "ok",
        "gracias",
    ],
    "en": [
        "Hi, I'm interested in the SUV, what is the final price?",
        "My name is Emily Carter, you can reach me at cliente12@correo.mx",
        "Mr. Anderson asked about the warranty",
        "Tell Emma I said thanks",
        "Sure, call me at +1 (415) 555-2671",
        "sure thing",
    ],
}


@pytest.mark.parametrize("lang", ["es", "en"])
def test_staged_scan_finds_what_the_full_pipeline_finds(scanner: PiiScanner, lang: str) -> None:
    analyzer, entities = scanner.analyzer, scanner.entities
    for text, findings in zip(TEXTS[lang], scanner.scan_many(TEXTS[lang], lang), strict=True):
        # Presidio's own way: `analyze` without artifacts runs the whole spaCy pipeline on the text
        full = analyzer.analyze(text, language=lang, entities=entities, score_threshold=0.0)
        assert findings == scanner._findings(text, full, entities), text


def test_context_words_still_raise_a_failed_rfc(scanner: PiiScanner) -> None:
    # GODE561231GR1 fails the check digit (0.4, below 0.5): only the word "RFC" next to it (a lemma) lifts it
    assert [f.entity_type for f in scanner.scan("El RFC de la empresa es GODE561231GR1", "es")] == ["RFC"]
    assert scanner.scan("El código de la empresa es GODE561231GR1", "es") == []


def test_untagged_artifacts_ask_for_tags_before_lemmas_are_read() -> None:
    analyzer = get_analyzer()
    nlp = analyzer.nlp_engine.get_nlp("es")
    doc = nlp.make_doc("El RFC de la empresa es GODE561231GR1")
    artifacts = StagedArtifacts(doc, analyzer.nlp_engine, "es", has_ner=False, has_tags=False)
    with pytest.raises(MissingAnnotations):
        artifacts.lemmas  # noqa: B018
    person = next(r for r in analyzer.registry.get_recognizers("es", all_fields=True) if r.name.startswith("Person"))
    named = StagedArtifacts(nlp.make_doc("me llamo rodrigo"), analyzer.nlp_engine, "es", has_ner=False, has_tags=False)
    with pytest.raises(MissingAnnotations):
        person.analyze("me llamo rodrigo", ["PERSON"], named)
    plain = StagedArtifacts(nlp.make_doc("para el crédito"), analyzer.nlp_engine, "es", has_ner=False, has_tags=False)
    assert person.analyze("para el crédito", ["PERSON"], plain) == []


def test_a_plugin_recognizer_gets_the_full_pipeline_everywhere() -> None:
    from types import SimpleNamespace

    from presidio_analyzer import PatternRecognizer

    from scsf.privacy.engine import _staging_person

    builtin = get_analyzer().registry.get_recognizers("es", all_fields=True)
    assert _staging_person(get_analyzer(), "es") is not None
    plugin = PatternRecognizer(supported_entity="TICKET", deny_list=["ABC"], supported_language="es")
    registry = SimpleNamespace(get_recognizers=lambda language, all_fields: [*builtin, plugin])
    assert _staging_person(SimpleNamespace(registry=registry), "es") is None
