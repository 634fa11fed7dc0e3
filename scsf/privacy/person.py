"""PERSON in chat text: spaCy NER, filtered, plus cue patterns ("me llamo X", "soy X", "my name is X", "Sr. X").

The small Spanish model tags greetings, car models and cities as PER (about 22% precision raw on chat). An NER entity
is kept only after trimming greetings, honorifics, stop words, punctuation and known verbs from its edges, and only
if what is left is capitalised, made of letters, not only verbs/adverbs/function words, and not on the allow-list
(`scsf.privacy.lexicon`: car brands and models, Mexican cities and states, calendar words, business words). A lone
capitalised word opening a sentence that the lemmatizer knows as a common word ("Conexión", "Salgo") is dropped.
Cue patterns find names the NER misses: naming phrases (strong: the name may be lower case), greetings and thanks,
kinship and role nouns ("mi esposa X", "el asesor X"), honorifics, and a proper noun opening a sentence as a vocative
("Citlali, ...") or as an NER-backed subject. The name lexicon (`scsf.privacy.person_names`) adds: a given name that
is no common word, wherever it stands and in any case ("me dijo lalo", "a Raúl"), with the name words after it
("maria lopez"); a lower-case given name after a weak cue ("habla juan", "gracias lupita"); a given name that is also a
word ("Pilar", "Rosa") only after a cue, as a vocative or as a sentence or clause subject ("Pilar me dijo"), and in
English also when capitalised inside a sentence ("ask for Hope"). A capitalised word that is a conjugated or
imperative verb ("Déjeme", "Dígame": spaCy's lemma rules) or one chat typo away from a known word ("Grcias", "Mee")
is a common word, not a name. A candidate right after "calle", "Av.", "Santa", a car brand, before "Street", or
ending an allow-listed place ("Los Angeles") names a place, not a person.
Overlapping candidates merge into one span with the best score.

Scores: strong cue 0.9, weak cue / honorific 0.85, lexicon 0.8, NER 0.7 (es) / 0.85 (en), NER-backed subject 0.6.

Every candidate starts at a token that its source checks by spelling first (capitalised, word-like, not on the
allow-list...) and by tag or entity only after that. `needs_ner` and `needs_tags` apply the spelling checks alone:
when they say no, the NER or the tagger cannot change the result, and `PiiScanner.scan_many` skips it for that text.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from presidio_analyzer import AnalysisExplanation, LocalRecognizer, RecognizerResult
from spacy.attrs import ORTH
from spacy.tokens import Doc, Token

from scsf.privacy.artifacts import MissingAnnotations
from scsf.privacy.base import PERSON
from scsf.privacy.lexicon import CAR_BRANDS_AND_MODELS, GREETINGS_AND_CHAT, HONORIFICS, NOT_A_NAME, fold
from scsf.privacy.person_names import (
    PLACE_AFTER,
    PLACE_BEFORE,
    is_clear_given_name,
    is_given_name,
    is_name_word,
    is_native_given_name,
    is_word_name,
)

NER_LABELS = {"es": frozenset({"PER"}), "en": frozenset({"PERSON"})}
SUBJECT_LABELS = frozenset({"PER", "PERSON", "MISC"})
NON_NAME_POS = frozenset({"VERB", "AUX", "ADV", "ADP", "DET", "PRON", "CCONJ", "SCONJ", "INTJ", "NUM", "PUNCT", "SYM",
                          "PART"})  # fmt: skip
CLOSED_POS = frozenset({"AUX", "ADP", "DET", "PRON", "SCONJ", "CCONJ", "NUM", "PUNCT", "SYM", "PART"})
NAME_PARTICLES = frozenset({"de", "del", "la", "las", "los", "van", "von", "da", "di", "mc"})

# Cue word sequences (folded). Strong cues introduce a name even when it is written in lower case; weak cues need a
# capitalised word after them. Punctuation between a cue and the name is skipped ("Gracias, Ana").
STRONG_CUES = {
    "es": (("me", "llamo"), ("mi", "nombre", "es"), ("mi", "nombre"), ("nombre",), ("a", "nombre", "de"),
           ("mi", "nombre", "completo", "es"), ("me", "dicen")),
    "en": (("my", "name", "is"), ("my", "name", "'s"), ("name",), ("call", "me"), ("my", "full", "name", "is"),
           ("name", "is"), ("my", "name")),
}  # fmt: skip
WEAK_CUES = {
    "es": (
        ("soy",), ("somos",), ("atencion",), ("atn",), ("habla",), ("le", "habla"), ("te", "habla"),
        ("le", "atiende"), ("te", "atiende"), ("atentamente",), ("atte",), ("saludos",), ("hola",), ("gracias",),
        ("ok",), ("okay",), ("perfecto",), ("listo",), ("claro",), ("excelente",), ("buenas",), ("buenos", "dias"),
        ("buenas", "tardes"), ("buenas", "noches"), ("buen", "dia"), ("que", "tal"), ("si",), ("estimado",),
        ("estimada",), ("querido",), ("querida",), ("de", "parte", "de"), ("contacto", "de"), ("se", "llama"),
        ("hable", "con"), ("hablar", "con"), ("hablo", "con"), ("comunicar", "con"), ("comunica", "con"),
        ("comunique", "con"), ("platique", "con"), ("pregunte", "por"), ("preguntar", "por"), ("pregunta", "por"),
        ("dile", "a"), ("digale", "a"), ("avisale", "a"), ("le", "dije", "a"), ("le", "pregunte", "a"),
        ("le", "saluda"), ("te", "saluda"), ("les", "saluda"), ("le", "escribe"), ("te", "escribe"),
        ("les", "escribe"), ("aqui",), ("me", "atendio"), ("lo", "atendio"), ("la", "atendio"), ("me", "recomendo"),
        ("busco", "a"), ("buscar", "a"), ("busca", "a"), ("cordialmente",), ("firma",), ("contacto",), ("titular",),
        ("responsable",), ("prospecto",), ("asignado", "a"), ("asignada", "a"),
    ),
    "en": (
        ("i", "'m"), ("i", "am"), ("attn",), ("attention",), ("this", "is"), ("it", "'s"), ("hi",), ("hello",),
        ("hey",), ("thanks",), ("thank", "you"), ("sure",), ("ok",), ("okay",), ("great",), ("dear",), ("regards",),
        ("sincerely",), ("cheers",), ("morning",), ("afternoon",), ("evening",), ("speak", "with"),
        ("spoke", "with"), ("speak", "to"), ("spoke", "to"), ("talk", "to"), ("talked", "to"), ("ask", "for"),
        ("asked", "for"), ("tell",), ("told",), ("ask",), ("asked",), ("named",), ("called",), ("is", "this"),
        ("speaking", "with"), ("speaking", "to"), ("on", "behalf", "of"), ("cc",), ("per",), ("contact",),
        ("assigned", "to"),
    ),
}  # fmt: skip
# Weak cues that acknowledge rather than address someone: a lower-case word after them that is also a common word
# ("ok, rosa mexicano", "claro, luz verde") is not taken as a name.
ACK_CUES = frozenset({("ok",), ("okay",), ("perfecto",), ("listo",), ("claro",), ("excelente",), ("si",), ("sure",),
                      ("great",)})  # fmt: skip
ROLE_CUES = {
    "es": frozenset("""asesor asesora vendedor vendedora gerente ejecutivo ejecutiva agente cliente clienta esposa
        esposo hijo hija hermano hermana mama papa jefe jefa amigo amiga suegro suegra primo prima tio tia novio novia
        socio socia compañero compañera cuñado cuñada mecanico contador contadora abogado abogada coordinador
        coordinadora supervisor supervisora sobrino sobrina nieto nieta abuelo abuela yerno nuera chofer chófer
        asistente secretaria secretario recepcionista encargado encargada dueño dueña empleado empleada""".split()),
    "en": frozenset("""wife husband son daughter brother sister mom dad mother father boss friend assistant manager
        colleague partner advisor agent salesman saleswoman salesperson rep uncle aunt cousin coworker neighbor
        customer client grandson granddaughter driver secretary receptionist owner employee""".split()),
}  # fmt: skip
_CUES_BY_FIRST_WORD: dict[str, dict[str, list[tuple[tuple[str, ...], bool]]]] = {
    lang: {
        first: [(cue, strong) for cues, strong in ((STRONG_CUES[lang], True), (WEAK_CUES[lang], False))
                for cue in cues if cue[0] == first]
        for first in {cue[0] for cue in (*STRONG_CUES[lang], *WEAK_CUES[lang])}
    }
    for lang in STRONG_CUES
}  # fmt: skip
_ENCLITICS = ("melo", "mela", "selo", "sela", "noslo", "me", "te", "le", "lo", "la", "nos", "les", "los", "las", "se")
# Enclitics also taken off an unaccented word ("Digame", "Dejeme", chat drops accents); not lo/la/los/las/se/te,
# which end names (Angela, Romulo, Dante).
_PLAIN_ENCLITICS = ("melo", "noslo", "me", "le", "nos", "les")
# Unambiguous Spanish verb endings -> infinitive endings: 1st person present and preterite, which open chat sentences
# ("Salgo", "Quedo", "Hablé", "Pagué").
_VERB_SUFFIXES = (("zco", "cer"), ("go", "er"), ("go", "ir"), ("o", "ar"), ("o", "er"), ("o", "ir"), ("qué", "car"),
                  ("gué", "gar"), ("cé", "zar"), ("é", "ar"), ("í", "er"), ("í", "ir"))  # fmt: skip
# spaCy's Spanish lemma-rule groups for the forms a verb with enclitics takes: the tú imperative ("Llámame", "Dime")
# and the usted/ustedes one, which is the present subjunctive ("Déjeme", "Dígame", "Permítame", "Díganme").
IMPERATIVE_RULE_GROUPS = ("verb_fin_imp_sing_2", "verb_fin_sub_pres_sing_3", "verb_fin_sub_pres_plur_3")
# Stem vowel changes undone on an imperative stem ("Cuénteme" -> cuente -> contar, "Piénselo" -> pensar).
_STEM_CHANGES = (("ue", "o"), ("ie", "e"))


def _spanish_verb_bases(word: str, imperatives: tuple[tuple[str, str], ...] = ()) -> list[str]:
    """Candidate infinitives of `word` if it has the shape of a conjugated verb (stem of 3+ letters) or of an
    imperative with enclitics (`imperatives`: folded (ending, infinitive ending) rules, `IMPERATIVE_RULE_GROUPS`)."""
    bases = [word[: -len(end)] + inf for end, inf in _VERB_SUFFIXES if word.endswith(end) and len(word) - len(end) >= 3]
    plain = fold(word)
    accented = any(ch in word for ch in "áéíóú")
    if len(word) > 4 and imperatives:
        for clitic in _ENCLITICS if accented else _PLAIN_ENCLITICS:
            stem = plain[: -len(clitic)]
            if plain.endswith(clitic) and len(stem) >= 2:
                found = [stem[: len(stem) - len(end)] + inf for end, inf in imperatives if stem.endswith(end)]
                bases += found + [b.replace(a, o, 1) for b in found for a, o in _STEM_CHANGES if a in b]
    return bases


# A lexicon given name right after one of these opens a clause as it would a sentence ("dice que Pilar ya firmó").
CLAUSE_OPENERS = frozenset({"que", "y", "pero", "porque", "cuando", "pues", "and", "but", "because", "when", "so"})
_CUE_SKIP = frozenset({",", ":", "-", "–", "—", "!", "¡", "."})
_SENTENCE_END = frozenset({".", "!", "?", "¿", "¡", "\n", ":", ";", "…"})

CUE_SCORE = 0.9
WEAK_CUE_SCORE = 0.85
HONORIFIC_SCORE = 0.85
LEXICON_SCORE = 0.8
SUBJECT_SCORE = 0.6
NER_SCORE = {"es": 0.7, "en": 0.85}
MAX_NAME_TOKENS = 5


@dataclass(frozen=True, slots=True)
class _KnownWords:
    """The common words of a pipeline's language (`PersonRecognizer._load_known_words`)."""

    words: frozenset[str] = frozenset()
    verbs: frozenset[str] = frozenset()
    imperatives: tuple[tuple[str, str], ...] = ()


_TYPO_LETTERS = "abcdefghijklmnopqrstuvwxyzñ"


def _typo_corrections(word: str) -> Iterator[str]:
    """Every word that `word` is with one typo undone: a letter removed (it was doubled or added), two adjacent
    letters swapped back, a letter put back (it was dropped)."""
    for i in range(len(word)):
        yield word[:i] + word[i + 1 :]
    for i in range(len(word) - 1):
        yield word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    for i in range(len(word) + 1):
        for letter in _TYPO_LETTERS:
            yield word[:i] + letter + word[i:]


@dataclass(frozen=True, slots=True)
class _Spelling:
    """A word's properties that do not depend on tags or entities (see `PersonRecognizer.needs_tags`)."""

    text: str
    folded: str
    space: bool
    ner_start: bool  # could start an NER candidate once its edges are trimmed (`_from_ner`, `_looks_like_name`)
    name_start: bool  # `_take_name(lowercase_ok=False)` can take it as a first word, given fitting tags
    lower_name_start: bool  # the same with lowercase_ok=True (after a strong cue)
    common: bool  # `_common_word`, asked of `name_start` words only (False for the others: never read)
    given: bool  # a lexicon given name that can open a name (`scsf.privacy.person_names`)
    clear_given: bool  # ... and no common word: a name wherever it stands (`_from_lexicon`)
    word_name: bool  # a lexicon given name that is also a common word ("Grace", "Rosa"), not a place
    name_word: bool  # a clear given name or a surname: may continue a name in lower case, whatever its tag
    place_before: bool  # "calle", "Santa", "Kia": a name right after it names a place or a car
    place_after: bool  # "Street", "Hospital": a name right before it names a place
    lexicon_start: bool  # `_from_lexicon` may start a name here, given fitting tags
    cue_start: bool  # may open a cue, a role word or an honorific (`needs_tags` checks what follows)


@dataclass(frozen=True, slots=True)
class _Gates:
    """What the spelling checks of `PersonRecognizer.needs_ner`/`needs_tags` read, once per doc."""

    ner_start: bool  # some token has `_Spelling.ner_start`
    lexicon_start: bool  # some token has `_Spelling.lexicon_start`
    cue_starts: tuple[int, ...]  # tokens with `_Spelling.cue_start`, the last one aside
    openings: tuple[int, ...]  # `PersonRecognizer._opening_starts`


@dataclass
class _Candidate:
    start: int  # token indices, end exclusive
    end: int
    score: float
    source: str


def _is_capitalised(token: Token) -> bool:
    return token.text[:1].isupper()


def _is_wordlike(token: Token) -> bool:
    return token.text.replace("-", "").replace("'", "").replace(".", "").isalpha()


def _not_a_name(token: Token) -> bool:
    folded = fold(token.text).rstrip(".")
    return folded in NOT_A_NAME or folded in HONORIFICS


class PersonRecognizer(LocalRecognizer):
    """Reads the spaCy `Doc` that Presidio's NLP engine already produced; runs no model of its own."""

    def __init__(self, supported_language: str = "es", name: str | None = None) -> None:
        if supported_language not in NER_LABELS:
            raise ValueError(f"PersonRecognizer supports {sorted(NER_LABELS)}, not {supported_language!r}")
        super().__init__(
            supported_entities=[PERSON],
            supported_language=supported_language,
            name=name or f"PersonRecognizer_{supported_language}",
        )

    def load(self) -> None:
        pass

    def analyze(self, text: str, entities: list[str], nlp_artifacts=None) -> list[RecognizerResult]:  # noqa: ANN001
        """Artifacts with `has_ner`/`has_tags` False (`PiiScanner.scan_many` skips stages) are accepted when the
        skipped stage cannot matter here (checked here unless the artifacts say `gated`: the scanner checked);
        otherwise `MissingAnnotations` asks the caller for the full pipeline."""
        if nlp_artifacts is None or not isinstance(nlp_artifacts.tokens, Doc):
            return []
        doc: Doc = nlp_artifacts.tokens
        lang = self.supported_language
        self._load_known_words(nlp_artifacts.nlp_engine)
        has_ner, has_tags = getattr(nlp_artifacts, "has_ner", True), getattr(nlp_artifacts, "has_tags", True)
        gated = getattr(nlp_artifacts, "gated", False)
        if not has_ner and not gated and self.needs_ner(doc, nlp_artifacts.nlp_engine, tagged=has_tags):
            raise MissingAnnotations("PERSON needs the NER on this text")
        if not has_tags:
            if not gated and self.needs_tags(doc, nlp_artifacts.nlp_engine):
                raise MissingAnnotations("PERSON needs POS tags on this text")
            return []  # no candidate can start anywhere: the tags would not change that
        candidates = [*self._from_ner(doc, lang), *self._from_cues(doc, lang), *self._from_honorifics(doc),
                      *self._from_lexicon(doc)]  # fmt: skip
        kept = [c for c in candidates if not self._in_place_name(doc, c)]
        return [self._result(doc, c) for c in self._merge(kept)]

    # -- which pipeline stages can change the result ---------------------------------------------------------------

    def needs_ner(self, doc: Doc, nlp_engine: object, *, tagged: bool = False, subject: bool = True) -> bool:
        """False when no NER entity could lead to a candidate: an NER candidate starts, once its edges are trimmed,
        at a token that is no edge noise and is capitalised (or a name particle), and the "subject" opening name
        starts at a sentence-initial token that could start a name and, with `tagged` (the doc's tags are final),
        is tagged PROPN. `subject=False` leaves the subject out (NER candidates only). Spelling checks (and tags)
        only: the NER need not have run."""
        self._load_known_words(nlp_engine)
        gates = self._gates(doc)
        if gates.ner_start:
            return True
        return subject and any(not tagged or doc[i].pos_ == "PROPN" for i in gates.openings)

    def needs_tags(self, doc: Doc, nlp_engine: object) -> bool:
        """False when no candidate can arise whatever the tags: checks, by spelling and NER entities only, the token
        where each source (NER entity, cue, role word, honorific, opening name) would start a name. `doc.ents` must
        be final (the NER ran, or `needs_ner` was False)."""
        self._load_known_words(nlp_engine)
        lang = self.supported_language
        spellings, gates = self._spellings(doc), self._gates(doc)
        if gates.lexicon_start:
            return True
        subjects = set()
        for ent in doc.ents:
            if ent.label_ in NER_LABELS[lang] and fold(ent.text) not in NOT_A_NAME:
                if any(s.ner_start for s in spellings[ent.start : ent.end]):
                    return True
            if ent.label_ in SUBJECT_LABELS:
                subjects.update(range(ent.start, ent.end))
        by_first = _CUES_BY_FIRST_WORD[lang]
        for i in gates.cue_starts:
            word = spellings[i].folded
            for cue, strong in by_first.get(word, ()):
                if tuple(s.folded for s in spellings[i : i + len(cue)]) == cue and i + len(cue) < len(doc):
                    if self._cue_could_name(spellings, i + len(cue), strong=strong):
                        return True
            if word in ROLE_CUES[lang] and self._cue_could_name(spellings, i + 1, strong=False):
                return True
            if word.rstrip(".") in HONORIFICS:  # `_from_honorifics`
                start = i + 2 if spellings[i + 1].text == "." else i + 1
                if start < len(doc) and spellings[start].name_start:
                    return True
        for i in gates.openings:
            # `_take_name` with tags stops at or before the untagged end, and where it stops earlier the token is
            # word-like: only a "," or "(" at the untagged end can make a vocative
            end = self._take_name(doc, i, lowercase_ok=False, tagged=False)
            if (end < len(doc) and doc[end].text in {",", "("}) or i in subjects or spellings[i].given:
                return True
        return False

    @staticmethod
    def _cue_could_name(spellings: list[_Spelling], start: int, *, strong: bool) -> bool:
        """Where `_after_cue` would take a name: can one start there?"""
        while start < len(spellings) and spellings[start].text in _CUE_SKIP:
            start += 1
        if start >= len(spellings):
            return False
        spelling = spellings[start]
        return spelling.given or (spelling.lower_name_start if strong else spelling.name_start)

    def _opening_starts(self, spellings: list[_Spelling]) -> Iterator[int]:
        """Sentence-initial tokens (or lexicon given names opening a clause) where `_opening_name` could start a
        name (all but the PROPN check)."""
        check_common = self.supported_language == "es"
        for i in range(len(spellings) - 1):
            previous = spellings[i - 1] if i else None
            opens_sentence = previous is None or previous.text in _SENTENCE_END or previous.space
            if not opens_sentence and not (previous.folded in CLAUSE_OPENERS and spellings[i].given):
                continue
            if spellings[i].name_start and not (check_common and spellings[i].common and not spellings[i].given):
                yield i

    def _spellings(self, doc: Doc) -> list[_Spelling]:
        """What the spelling of each token says; cached per word (every field is a function of the word, keyed by
        its string-store hash) and per doc (the gates ask more than once)."""
        key = ("scsf.person.spellings", self.supported_language)
        found: list[_Spelling] | None = doc.user_data.get(key)
        if found is not None and len(found) == len(doc):
            return found
        cache: dict[int, _Spelling] = self.__dict__.setdefault("_spelling_cache", {})
        if len(cache) > 50_000:
            cache.clear()
        found = []
        for i, orth in enumerate(doc.to_array(ORTH).tolist()):
            spelling = cache.get(orth)
            if spelling is None:
                spelling = cache[orth] = self._spelling(doc[i])
            found.append(spelling)
        doc.user_data[key] = found
        return found

    def _gates(self, doc: Doc) -> _Gates:
        """The doc's `_Gates`, cached with its spellings."""
        spellings = self._spellings(doc)
        key = ("scsf.person.gates", self.supported_language)
        found = doc.user_data.get(key)
        if found is not None and found[0] is spellings:
            return found[1]
        gates = _Gates(
            ner_start=any(s.ner_start for s in spellings),
            lexicon_start=any(s.lexicon_start for s in spellings),
            cue_starts=tuple(i for i, s in enumerate(spellings[:-1]) if s.cue_start),
            openings=tuple(self._opening_starts(spellings)),
        )
        doc.user_data[key] = (spellings, gates)
        return gates

    def _spelling(self, token: Token) -> _Spelling:
        folded = fold(token.text)
        lang = self.supported_language
        # the first-token checks of `_take_name`, tags aside
        opens = _is_wordlike(token) and not _not_a_name(token) and folded not in NAME_PARTICLES
        capitalised = _is_capitalised(token)
        bare = folded.rstrip(".")
        clear_given = opens and is_clear_given_name(folded) and not self._foreign_typo(folded, capitalised)
        word_name = opens and is_word_name(folded)
        return _Spelling(
            text=token.text,
            folded=folded,
            space=token.is_space,
            ner_start=not self._edge_noise(token) and (capitalised or folded in NAME_PARTICLES),
            name_start=opens and capitalised,
            lower_name_start=opens and (capitalised or not token.is_stop),
            common=opens and capitalised and self._common_word(token),
            given=opens and is_given_name(folded),
            clear_given=clear_given,
            word_name=word_name,
            name_word=opens and is_name_word(folded),
            place_before=bare in PLACE_BEFORE or (capitalised and bare in CAR_BRANDS_AND_MODELS),
            place_after=bare in PLACE_AFTER,
            lexicon_start=clear_given or (lang == "en" and word_name and opens and capitalised),
            cue_start=folded in _CUES_BY_FIRST_WORD[lang] or folded in ROLE_CUES[lang] or bare in HONORIFICS,
        )

    # -- NER -----------------------------------------------------------------------------------------------------

    def _from_ner(self, doc: Doc, lang: str) -> list[_Candidate]:
        labels = NER_LABELS[lang]
        found = []
        for ent in doc.ents:
            if ent.label_ not in labels or fold(ent.text) in NOT_A_NAME:
                continue
            start, end = ent.start, ent.end
            while start < end and (self._edge_noise(doc[start]) or self._common_verb(doc[start])):
                start += 1
            while end > start and (self._edge_noise(doc[end - 1]) or self._common_verb(doc[end - 1])):
                end -= 1
            if start < end and self._looks_like_name(doc[start:end]) and not self._allow_listed_phrase(doc, start, end):
                if (end - start == 1 and self._sentence_initial(doc, start) and self._common_word(doc[start])
                        and (lang == "es" or doc[start].pos_ != "PROPN")):
                    continue  # "Conexión rechazada...": a capitalised common word, not a name
                end = self._extend_right(doc, end)
                found.append(_Candidate(start, end, NER_SCORE[lang], "ner"))
        return found

    @staticmethod
    def _sentence_initial(doc: Doc, i: int) -> bool:
        return i == 0 or doc[i - 1].text in _SENTENCE_END or doc[i - 1].is_space

    @staticmethod
    def _edge_noise(token: Token) -> bool:
        return token.is_punct or token.is_space or token.is_stop or _not_a_name(token) or not _is_wordlike(token)

    @staticmethod
    def _looks_like_name(tokens: object) -> bool:
        words = [t for t in tokens if not t.is_punct]  # type: ignore[attr-defined]
        if not words or len(words) > MAX_NAME_TOKENS or fold(" ".join(t.text for t in words)) in NOT_A_NAME:
            return False
        if not all(_is_wordlike(t) for t in words):
            return False
        content = [t for t in words if fold(t.text) not in NAME_PARTICLES]
        if not content or not all(_is_capitalised(t) for t in content):
            return False
        return not all(t.pos_ in NON_NAME_POS or t.is_stop for t in content)

    @staticmethod
    def _extend_right(doc: Doc, end: int) -> int:
        """Take following capitalised proper nouns the NER left out ("María" + "López Ortiz")."""
        limit = min(len(doc), end + 3)
        while end < limit:
            token = doc[end]
            if not (_is_capitalised(token) and _is_wordlike(token) and token.pos_ == "PROPN") or _not_a_name(token):
                break
            end += 1
        return end

    # -- cue patterns --------------------------------------------------------------------------------------------

    def _from_cues(self, doc: Doc, lang: str) -> list[_Candidate]:
        folded = [s.folded for s in self._spellings(doc)]
        found = []
        by_first = _CUES_BY_FIRST_WORD[lang]
        for i, word in enumerate(folded[:-1]):
            for cue, strong in by_first.get(word, ()):
                if tuple(folded[i : i + len(cue)]) == cue and i + len(cue) < len(doc):
                    found += self._after_cue(doc, i + len(cue), strong=strong, ack=cue in ACK_CUES)
            if word in ROLE_CUES[lang]:
                found += self._after_cue(doc, i + 1, strong=False)
        found += self._opening_name(doc)
        return found

    def _opening_name(self, doc: Doc) -> list[_Candidate]:
        """A proper noun opening a sentence, as a vocative ("Citlali, ¿me confirmas?", "Claudia (ventas)") or, when
        the NER saw a person or misc entity there or it is a lexicon given name, as the subject ("Efraín ya pagó",
        "¿Norma sigue ahí?", "Pilar me dijo"); a lexicon given name may also open a clause ("dice que Pilar ya")."""
        found = []
        # sentence-initial, a possible first name word, and in Spanish not a common word unless a lexicon given name
        # (the English index lists given names, john, james: trust the English tagger's PROPN)
        spellings = self._spellings(doc)
        for i in self._gates(doc).openings:
            token = doc[i]
            if token.pos_ != "PROPN":
                continue
            end = self._take_name(doc, i, lowercase_ok=False)
            if end == i or end >= len(doc) or self._allow_listed_phrase(doc, i, end):
                continue
            if doc[end].text in {",", "("}:
                found.append(_Candidate(i, end, WEAK_CUE_SCORE, "vocative"))
            elif token.ent_type_ in SUBJECT_LABELS and doc[end].pos_ in {"VERB", "AUX", "ADV", "CCONJ"}:
                found.append(_Candidate(i, end, SUBJECT_SCORE, "subject"))
            elif spellings[i].given and doc[end].pos_ in {"VERB", "AUX", "ADV", "PRON"}:
                found.append(_Candidate(i, end, LEXICON_SCORE, "subject"))
        return found

    def _after_cue(self, doc: Doc, start: int, *, strong: bool, ack: bool = False) -> list[_Candidate]:
        """The name a cue introduces. After a weak cue a lower-case name must open with a lexicon given name, and
        after an acknowledging one (`ACK_CUES`) with one that is no common word ("ok, rosa mexicano")."""
        cue_end = start
        while start < len(doc) and doc[start].text in _CUE_SKIP:
            start += 1
        end = self._take_name(doc, start, lowercase_ok=strong, names_lower=True)
        if end == start or self._allow_listed_phrase(doc, start, end):
            return []
        first, spellings = doc[start], self._spellings(doc)
        if not strong and not _is_capitalised(first) and not (spellings[start].clear_given or
                                                               (spellings[start].given and not ack)):  # fmt: skip
            return []
        found = [_Candidate(start, end, CUE_SCORE if strong else WEAK_CUE_SCORE, "cue")]
        if end + 1 < len(doc) and fold(doc[end].text) in {"y", "e", "and", "&"} and (
            _is_capitalised(doc[end + 1]) or spellings[end + 1].given
        ):
            # "somos Miguel y Rocío": a second name joined to the first
            second = self._take_name(doc, end + 1, lowercase_ok=False, names_lower=True)
            if second > end + 1 and not self._allow_listed_phrase(doc, end + 1, second):
                found.append(_Candidate(end + 1, second, found[0].score, "cue"))
        if not strong and not spellings[start].given:  # a lexicon given name passes whatever its tag
            if first.pos_ not in {"PROPN", "NOUN", "ADV", "X", "ADJ", "VERB"} or (first.is_upper and len(first) <= 3):
                return []  # "from IP ...", "con BBVA": acronyms after a weak cue are not names
            if first.pos_ in {"ADJ", "VERB"} and (start > cue_end or self._common_word(first)):
                return []  # "Perfecto, Quedo atento": a capitalised word opening a new clause
            if any(doc[k].text in _SENTENCE_END for k in range(cue_end, start)) and self._common_word(first):
                return []  # "Buen día. Ya liquidé", "mi gerente. Déjeme": a common word opening the next sentence
        return found

    def _from_lexicon(self, doc: Doc) -> list[_Candidate]:
        """A lexicon given name that is no common word, capitalised or not, wherever it stands ("ya le deposité a
        Raúl", "me dijo lalo"), with the name words after it ("maria lopez"); in English also one that is a common
        word, capitalised inside a sentence and tagged PROPN ("ask for Hope", not "Hope Street" or "I will")."""
        found = []
        english = self.supported_language == "en"
        for i, spelling in enumerate(self._spellings(doc)):
            if spelling.clear_given or (
                english and spelling.word_name and spelling.name_start and doc[i].pos_ == "PROPN"
                and not self._sentence_initial(doc, i)
            ):  # fmt: skip
                end = self._take_name(doc, i, lowercase_ok=False, names_lower=True)
                if end > i and not self._allow_listed_phrase(doc, i, end):
                    found.append(_Candidate(i, end, LEXICON_SCORE, "lexicon"))
        return found

    def _in_place_name(self, doc: Doc, cand: _Candidate) -> bool:
        """"Av. Benito Juárez", "Santa Catarina", "Kia Carnival", "Plaza Galerías", "Hope Street", "Los Angeles": the
        candidate follows, ends before or holds, or (with more words) opens with a word that makes it a street, place
        or car model, or it ends an allow-listed place phrase."""
        spellings = self._spellings(doc)
        before = cand.start - 1
        if before > 0 and spellings[before].text == ".":  # "Av ." tokenised apart
            before -= 1
        after = range(cand.start + 1, min(cand.end + 1, len(doc)))
        return (
            (before >= 0 and spellings[before].place_before)
            or (cand.end - cand.start > 1 and spellings[cand.start].place_before)
            or any(spellings[k].place_after for k in after)
            or self._ends_allow_listed_phrase(spellings, cand.start)
        )

    @staticmethod
    def _ends_allow_listed_phrase(spellings: list[_Spelling], start: int) -> bool:
        """"Los Angeles", "Santa Fe": the word at `start` ends an allow-listed phrase opened by one or two words."""
        words = [s.folded for s in spellings[max(0, start - 2) : start + 1]]
        return any(" ".join(words[k:]) in NOT_A_NAME for k in range(len(words) - 1))

    def _common_verb(self, token: Token) -> bool:
        """"Tell" in "Tell Emma": a verb, adverb or interjection that is a known word is not part of a name."""
        return token.pos_ in {"VERB", "AUX", "ADV", "INTJ"} and self._common_word(token)

    @staticmethod
    def _allow_listed_phrase(doc: Doc, start: int, end: int) -> bool:
        """'San Diego', 'Apple CarPlay': the candidate, or its first two or three words, form an allow-listed phrase."""
        words = [fold(t.text) for t in doc[start:end]]
        return any(" ".join(words[:n]) in NOT_A_NAME for n in range(1, len(words) + 1) if n != 1 or len(words) == 1)

    def _common_word(self, token: Token) -> bool:
        """True when the lower-cased word is a known common word of the language: in the pipeline lemmatizer's index
        (nouns, verbs, adjectives, adverbs), a stop word or a chat word (`GREETINGS_AND_CHAT`), or, in Spanish, a
        conjugated form of a known verb ("Salgo" -> salir, "Déjeme" -> dejar, "Dígame" -> decir). Names that are
        also words (Rosa, Marco, Julio) count as common. A capitalised word is also common when it is one chat typo
        away from a known word ("Grcias", "Mee", "Muhcas"), since a name starts with a capital (`_typo_of_common`)."""
        word = token.text.lower()
        if "_lexicon_cache" not in self.__dict__:
            return False  # no lexicon (another NLP engine): nothing counts as common, and nothing is cached
        key = (word, _is_capitalised(token))
        cache = self.__dict__.setdefault("_common_cache", {})
        if key not in cache:
            if len(cache) > 50_000:
                cache.clear()
            cache[key] = self._is_common(word) or (key[1] and self._typo_of_common(word))
        return cache[key]

    def _is_common(self, word: str) -> bool:
        lexicon = self._lexicon
        if word in lexicon.words or fold(word) in lexicon.words:
            return True
        return self.supported_language == "es" and any(
            base in lexicon.verbs for base in _spanish_verb_bases(word, lexicon.imperatives)
        )

    def _typo_of_common(self, word: str) -> bool:
        """`word` (3+ letters) is a known word with one of the typos chat makes (`scsf.generation.noise` makes the
        same): a letter doubled or added, one dropped, two adjacent ones swapped; accents are folded away."""
        plain = fold(word)
        return len(plain) >= 3 and plain.isalpha() and any(
            self._is_common(variant) for variant in _typo_corrections(plain) if len(variant) >= 2
        )

    def _foreign_typo(self, folded: str, capitalised: bool) -> bool:
        """In Spanish, a lower-case English given name that is also a typo'd Spanish word ("muy ben" is "muy bien"):
        left to the cues rather than taken from the lexicon alone. Not the other way round: short Spanish chats are
        often detected as English ("ok fany gracias"), and their Mexican hypocorisms must still count."""
        return (
            self.supported_language == "es" and not capitalised and not is_native_given_name(folded, "es")
            and self._typo_of_common(folded)
        )  # fmt: skip

    @property
    def _lexicon(self) -> _KnownWords:
        return self.__dict__.get("_lexicon_cache", _KnownWords())

    def _load_known_words(self, nlp_engine) -> None:  # noqa: ANN001
        if "_lexicon_cache" in self.__dict__:
            return
        known = _KnownWords()
        try:
            nlp = nlp_engine.get_nlp(self.supported_language)
            lookups = nlp.get_pipe("lemmatizer").lookups
            index = lookups.get_table("lemma_index")
            words = {word for entries in index.values() for word in entries}
            words |= {fold(word) for word in nlp.Defaults.stop_words} | GREETINGS_AND_CHAT
            rules = lookups.get_table("lemma_rules") if lookups.has_table("lemma_rules") else {}
            imperatives = {(fold(end), inf) for group in IMPERATIVE_RULE_GROUPS for end, inf in rules.get(group, [])}
            verbs = frozenset(index.get(nlp.vocab.strings["verb"], []))
            known = _KnownWords(frozenset(words), verbs, tuple(sorted(imperatives)))
        except (AttributeError, KeyError, ValueError):  # another NLP engine: no tables, no filtering
            pass
        self.__dict__["_lexicon_cache"] = known

    def _from_honorifics(self, doc: Doc) -> list[_Candidate]:
        found = []
        for i, spelling in enumerate(self._spellings(doc)[:-1]):
            if spelling.folded.rstrip(".") not in HONORIFICS:
                continue
            start = i + 1
            if doc[start].text == ".":
                start += 1
            end = self._take_name(doc, start, lowercase_ok=False)
            if end > start:
                found.append(_Candidate(start, end, HONORIFIC_SCORE, "honorific"))
        return found

    def _take_name(
        self, doc: Doc, start: int, *, lowercase_ok: bool, names_lower: bool = False, tagged: bool = True
    ) -> int:
        """End (exclusive) of the name starting at token `start`, or `start` if there is none. `lowercase_ok` takes
        any lower-case content word (after a strong cue); `names_lower` only lower-case lexicon name words, which
        pass whatever their tag. `tagged=False` skips the tag checks: the end is then the farthest the tagged call
        could reach."""
        spellings = self._spellings(doc)
        lower_names = lowercase_ok or names_lower
        end = start
        while end < len(doc) and end - start < MAX_NAME_TOKENS:
            token = doc[end]
            word = fold(token.text)
            if end > start and word in NAME_PARTICLES:
                # "María de la Luz": particles only inside a name, followed by a capitalised (or lexicon) word
                nxt = end
                while nxt < len(doc) and fold(doc[nxt].text) in NAME_PARTICLES:
                    nxt += 1
                if nxt < len(doc) and nxt - end <= 2 and not _not_a_name(doc[nxt]) and (
                    _is_capitalised(doc[nxt]) or (lower_names and spellings[nxt].name_word)
                ):
                    end = nxt
                    continue
                break
            if not _is_wordlike(token) or _not_a_name(token) or word in NAME_PARTICLES:
                break
            known = spellings[end].name_word or (end == start and spellings[end].given)
            if tagged and not known and token.pos_ in CLOSED_POS:
                break
            if not _is_capitalised(token) and not (known and lower_names) and (
                not lowercase_ok or token.is_stop or (tagged and token.pos_ in {"VERB", "ADV"})
            ):
                break
            end += 1
        return end

    # -- merge ---------------------------------------------------------------------------------------------------

    @staticmethod
    def _merge(candidates: list[_Candidate]) -> list[_Candidate]:
        merged: list[_Candidate] = []
        for cand in sorted(candidates, key=lambda c: (c.start, -c.end)):
            if merged and cand.start < merged[-1].end:
                last = merged[-1]
                last.end = max(last.end, cand.end)
                last.score = max(last.score, cand.score)
                last.source = last.source if cand.source in last.source else f"{last.source}+{cand.source}"
            else:
                merged.append(_Candidate(cand.start, cand.end, cand.score, cand.source))
        return merged

    def _result(self, doc: Doc, cand: _Candidate) -> RecognizerResult:
        span = doc[cand.start : cand.end]
        return RecognizerResult(
            entity_type=PERSON,
            start=span.start_char,
            end=span.end_char,
            score=cand.score,
            analysis_explanation=AnalysisExplanation(
                recognizer=self.name, original_score=cand.score, textual_explanation=f"person ({cand.source})"
            ),
            recognition_metadata={
                RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
                RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
            },
        )
