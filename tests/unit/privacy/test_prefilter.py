"""Pattern recognizers skip texts where no pattern can match; the quick checks hold for the patterns they name."""

from __future__ import annotations

import pytest

from scsf.bench.pii import load_labelled
from scsf.privacy.engine import get_analyzer
from scsf.privacy.recognizers.prefilter import PatternPrefilter, _compiled, patterns_fingerprint


def _prefiltered() -> list[PatternPrefilter]:
    return [r for r in get_analyzer().registry.get_recognizers("es", all_fields=True) if isinstance(r, PatternPrefilter)]


def test_every_builtin_pattern_recognizer_is_prefiltered() -> None:
    names = {type(r).__name__ for r in _prefiltered()}
    assert names == {"MxCurpRecognizer", "MxRfcRecognizer", "MxClabeRecognizer", "CreditCardRecognizer",
                     "GeoCoordinateRecognizer", "EmailRecognizer", "IpRecognizer"}  # fmt: skip


@pytest.mark.parametrize("recognizer", _prefiltered(), ids=lambda r: type(r).__name__)
def test_quick_check_was_derived_from_these_patterns(recognizer: PatternPrefilter) -> None:
    # a failure here means the patterns changed (or Presidio's did): derive QUICK_CHECK again, then its fingerprint
    assert recognizer.QUICK_CHECK is not None
    assert recognizer.QUICK_CHECK[1] == patterns_fingerprint(recognizer.patterns)


@pytest.mark.parametrize("recognizer", _prefiltered(), ids=lambda r: type(r).__name__)
def test_quick_check_never_rejects_a_text_a_pattern_matches(recognizer: PatternPrefilter) -> None:
    quick = _compiled(recognizer.QUICK_CHECK[0], 0)
    flags = recognizer.global_regex_flags
    texts = [row["text"] for row in load_labelled()]
    matched = [t for t in texts if any(_compiled(p.regex, flags).search(t) for p in recognizer.patterns)]
    assert matched  # the labelled set has examples of every type
    assert all(quick.search(t) for t in matched)


def test_prefilter_returns_what_the_pattern_loop_returns(monkeypatch: pytest.MonkeyPatch) -> None:
    texts = ["sin números aquí", "mi CURP es BOXW310820HNERXN09", "ip 10.0.0.1 o fe80::1", "correo a@b.mx",
             "19.432608, -99.133209", "tarjeta 4111 1111 1111 1111", "CLABE 032180000118359719", "precio $389,900",
             "rfc GODE561231GR1", "19°25'57.4\"N 99°07'59.6\"W"]  # fmt: skip

    def found(recognizer: PatternPrefilter, text: str) -> list[tuple]:
        return [(r.entity_type, r.start, r.end, r.score) for r in recognizer.analyze(text, [], None)]

    ours = {(type(r).__name__, t): found(r, t) for r in _prefiltered() for t in texts}
    monkeypatch.setattr(PatternPrefilter, "analyze", lambda self, text, entities, nlp_artifacts=None, regex_flags=None:
                        super(PatternPrefilter, self).analyze(text, entities, nlp_artifacts, regex_flags))  # fmt: skip
    plain = {(type(r).__name__, t): found(r, t) for r in _prefiltered() for t in texts}
    assert ours == plain
    assert sum(map(bool, plain.values())) >= 8  # the texts do hold identifiers
