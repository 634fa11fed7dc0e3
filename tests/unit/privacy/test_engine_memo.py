"""The engine's shortcuts around Presidio (remembered recognizer lists, no context step without findings, tokens
only when read) give Presidio's own answers."""

from __future__ import annotations

from presidio_analyzer import Pattern, PatternRecognizer, RecognizerRegistry
from presidio_analyzer.nlp_engine import NlpArtifacts

from scsf.privacy import PiiScanner
from scsf.privacy.artifacts import TokenArtifacts
from scsf.privacy.engine import Analyzer, MemoRegistry, get_nlp_engine


def _ticket(**kwargs: object) -> PatternRecognizer:
    pattern = Pattern("ticket", r"TK-\d{4}", 0.6)
    return PatternRecognizer(supported_entity="TICKET", patterns=[pattern], supported_language="es", **kwargs)


def test_memo_registry_answers_as_presidio_and_sees_new_recognizers() -> None:
    memo, plain = MemoRegistry(supported_languages=["es"]), RecognizerRegistry(supported_languages=["es"])
    first = _ticket(context=["ticket"])
    for registry in (memo, plain):
        registry.add_recognizer(first)
    assert memo.get_recognizers("es", ["TICKET"]) == plain.get_recognizers("es", ["TICKET"]) == [first]
    second = _ticket(name="other")
    memo.add_recognizer(second)
    assert set(memo.get_recognizers("es", ["TICKET"])) == {first, second}
    assert set(memo.get_recognizers("es", all_fields=True)) == {first, second}


def test_context_words_still_apply_and_an_enhancing_recognizer_is_still_asked() -> None:
    class Enhancing(PatternRecognizer):
        def enhance_using_context(
            self, text: str, raw_recognizer_results: list, *args: object, **kwargs: object
        ) -> list:
            asked.append(text)
            return raw_recognizer_results

    asked: list[str] = []
    registry = MemoRegistry(supported_languages=["es"])
    registry.add_recognizer(_ticket(context=["ticket"]))
    analyzer = Analyzer(registry=registry, nlp_engine=get_nlp_engine(), supported_languages=["es"])
    found = analyzer.analyze("el ticket es TK-1234", language="es", entities=["TICKET"])
    assert [r.score for r in found] > [0.6]  # raised by the context word
    assert analyzer.analyze("sin nada", language="es", entities=["TICKET"]) == []
    registry.add_recognizer(Enhancing(supported_entity="TICKET", deny_list=["zzz"], supported_language="es"))
    assert analyzer.analyze("sin nada", language="es", entities=["TICKET"]) == []
    assert asked == ["sin nada"]


def test_pattern_scan_tokenizes_only_texts_whose_findings_read_context(scanner: PiiScanner) -> None:
    engine, text = scanner.analyzer.nlp_engine, "El cliente pide su factura"
    lazy = TokenArtifacts(text, engine, "es")
    assert "tokens" not in lazy.__dict__
    doc = engine.get_nlp("es").make_doc(text)
    lower = [t.text.lower() for t in doc]
    eager = NlpArtifacts([], doc, [t.idx for t in doc], lower, engine, "es")  # what the scanner built before
    assert (lazy.tokens_indices, lazy.lemmas, lazy.keywords) == (eager.tokens_indices, lower, eager.keywords)
    assert lazy.entities == eager.entities and lazy.scores == eager.scores and lazy.keywords
    assert [f.entity_type for f in scanner.scan_structured(["El RFC de la empresa es GODE561231GR1"], "es")[0]] == [
        "RFC"
    ]  # a failed check digit, lifted by the context word (a token standing in for its lemma)
