"""Stage labelling of the dialogue: which stage of the domain pack each message turn belongs to.

`StageLabeller` is any callable `(turns, pack) -> one stage id per turn`, so a model-based labeller can replace the
heuristic one (`scsf.eval.stage_model`); one with a `label` method also says when it fell back (`StageLabelling`).
`KeywordStageLabeller` is deterministic:

1. Each pack stage gets a profile: the words of its id and description, the name and description of each pack tool
   whose first listed stage it is (a tool listed under four stages made them all alike), and the stage's lexical
   cues (`stage_cues.STAGE_CUES`, weighted CUE_WEIGHT times). Words are accent-folded, stop words (and a few words
   whose stem is a cue's of another meaning: compacto/comparar) dropped, and cut to
   5-letter stems (Spanish inflects at the end: financiamiento/financiar -> finan).
2. Stems are weighted by IDF over the pack's profiles, so a word every stage uses counts for little.
3. A turn scores against each stage by the IDF overlap of stems (`PackStages.similarities`). Stages the pack gives to
   the other side (`lado`) are never chosen. The previous turn's stage gets a small bonus (an exchange stays in a
   stage); the stage that answers the previous one in a two-stage flow variation of the pack (objecion ->
   manejo_objecion, abandono -> recuperacion) gets a larger one.
4. The opening stage (the pack's first) is allowed only on the first OPENING_TURNS turns, and weighs OPENING_WEIGHT
   there: a greeting that also states a need is the need. The closing stage (the pack's last stage that no flow
   variation inserts: `cierre`) is allowed only on the last CLOSING_TURNS turns: a "gracias" mid-dialogue is not it.
5. A turn with no cue of a stage its side may have keeps the previous turn's stage; the first turn then takes the
   pack's first stage allowed on its side (packs list stages in their usual order; the first is the opening). Such a
   turn ("Sí, claro.", "Bueno, ni modo.") adds nothing to the observed sequence: it goes on with the exchange it is
   in, and a stage chosen for want of a cue would only be noise there.
6. A turn that opens by acknowledging the other side ("Lo entiendo.", "Tiene razón", "Es comprensible":
   ACKNOWLEDGEMENT) answers an objection: it is the stage that answers one in the pack's flow variations
   (`manejo_objecion`), and the turn before it, where its side may have it, the objection. Objections are often
   worded without any cue ("¿Solo $148,000? Pensé que valía más"); the answer's opening gives them away.

`labels` hold one primary stage per turn (the benchmark's accuracy and the stage-plan agreement use them). The
observed sequence (`StageLabelling.sequence`, what `rouge_l` scores) also has the second stage of a turn that carries
two, which one label per turn cannot give. Only an edge stage makes a turn two-staged (`second_stage`), where it is
allowed (rule 4):
- a turn whose first sentence is most like the opening, labelled with another stage, is [opening, label] ("Hola,
  buenas tardes. Busco una SUV familiar"); one whose last sentence is most like the closing is [label, closing]
  ("Le envío la cotización hoy. Gracias por su confianza");
- a turn labelled with the edge stage gets the stage the rest of its sentences are most like, when that scores at
  least SECOND_MIN: [opening, other] or [other, closing]; an opening turn that gets none that way but asks a
  question ("Buenas tardes, con gusto. ¿La busca para uso familiar?") goes on to the pack's second stage, the need.
Then an opening stage after another stage is dropped (a greeting returned once the need is stated is still the
opening exchange), and repeats collapse. Sentences end at ".", "!" or "?" followed by white space.

Measured against hand labels with `scsf.bench.stages` (tuning and held-out parts).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from scsf.domains import DomainPack
from scsf.eval.dialogue import DialogueTurn
from scsf.eval.stage_cues import STAGE_CUES
from scsf.eval.text import fold, folded_words
from scsf.hashing import content_id

StageLabeller = Callable[[Sequence[DialogueTurn], DomainPack], list[str]]


@dataclass(frozen=True)
class StageLabelling:
    """One stage id per turn; `fallback` says why a labeller fell back to another one, when it did; `sequence`, the
    observed stage sequence where the labeller gives one beyond its labels (turns of two stages), else None."""

    labels: list[str]
    fallback: str | None = None
    sequence: list[str] | None = None


def label_stages(labeller: StageLabeller, turns: Sequence[DialogueTurn], pack: DomainPack) -> StageLabelling:
    """The labeller's `label` result where it has that method (it can report a fallback), else its plain labels."""
    label = getattr(labeller, "label", None)
    return label(turns, pack) if callable(label) else StageLabelling(list(labeller(turns, pack)))


def observed_sequence(labelling: StageLabelling) -> list[str]:
    """The stage sequence the dialogue went through: the labeller's `sequence`, else its labels, repeats collapsed."""
    return collapse_repeats(labelling.labels if labelling.sequence is None else labelling.sequence)


def side_allows(stage_side: str, turn_side: str | None) -> bool:
    """Whether a stage of side `stage_side` (pack `lado`) may label a turn of `turn_side` (None: a role of no side)."""
    return turn_side is None or stage_side in ("ambos", turn_side)


STEM_LENGTH = 5
STAY_BONUS = 0.05
CUE_WEIGHT = 3.0
OPENING_TURNS = 2
OPENING_WEIGHT = 0.7
CLOSING_TURNS = 3
REPLY_BONUS = 1.0
SECOND_MIN = 1.2
SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
ACKNOWLEDGED = "manejo_objecion"
ACKNOWLEDGEMENT = re.compile(
    r"\W*(?:(?:lo|le|te|la|los|las)\s+)?(?:entiendo|comprendo)\b|\W*tienes?\s+raz[oó]n\b"
    r"|\W*es\s+(?:comprensible|normal|l[oó]gico|entendible)\b|\W*(?:i\s+)?understand\b",
    re.IGNORECASE,
)
STOPWORDS = frozenset(
    fold(
        "que de la el los las un una unos unas y o a en con por para del al se su sus lo le les me mi mis te tu tus "
        "nos es son esta este esto estos estas ese esa eso como cuando donde muy mas ya si no sí también pero sin "
        "sobre entre hay ser estar tiene tengo puede puedo hacer hace usted ustedes cual cuál qué cómo dónde "
        "todo toda todos todas otro otra bien aqui aquí ahi ahí entonces bueno claro favor "
        # words whose 5-letter stem is a cue's of another meaning (compacto/comparar, negocio/negociar)
        "compacto compacta subcompacto negocio negocios"
    ).split()
)


def stems(text: str) -> set[str]:
    """Accent-folded 5-letter stems of the content words of `text` (no stop words, no numbers, 3+ letters)."""
    return {
        word[:STEM_LENGTH] for word in folded_words(text) if len(word) >= 3 and word.isalpha() and word not in STOPWORDS
    }


@dataclass(frozen=True)
class StageProfile:
    stage: str
    side: str
    weights: dict[str, float]  # stem -> IDF weight, times CUE_WEIGHT for a stem of the stage's cues
    norm: float


def stage_profiles(pack: DomainPack) -> tuple[StageProfile, ...]:
    """The IDF-weighted stem profile of every stage of `pack`, in the pack's order."""
    texts = {stage.id: [stage.id.replace("_", " "), stage.descripcion] for stage in pack.etapas}
    for tool in pack.herramientas:
        if tool.etapas:
            texts[tool.etapas[0]] += [tool.nombre.replace("_", " "), tool.descripcion]
    cues = {stage: stems(STAGE_CUES.get(stage, "")) for stage in texts}
    bags = {stage: stems(" ".join(parts)) | cues[stage] for stage, parts in texts.items()}
    idf = inverse_document_frequency(bags.values())
    profiles = []
    for stage in pack.etapas:
        weights = {stem: idf[stem] * (CUE_WEIGHT if stem in cues[stage.id] else 1.0) for stem in bags[stage.id]}
        norm = math.sqrt(sum(weight * weight for weight in weights.values())) or 1.0
        profiles.append(StageProfile(stage.id, stage.lado, weights, norm))
    return tuple(profiles)


def inverse_document_frequency(bags: Collection[set[str]]) -> dict[str, float]:
    """log(1 + N / df) of every stem of the N bags."""
    document_frequency = Counter(stem for bag in bags for stem in bag)
    return {stem: math.log(1 + len(bags) / count) for stem, count in document_frequency.items()}


@dataclass(frozen=True)
class PackStages:
    """What the labeller reads from a pack, built once per pack: its stage profiles, their stems' postings (stem ->
    each stage with it and its weight over the square root of the profile norm, what `similarities` sums), the edge
    stages (`edge_stages`; `need`, the pack's second stage) and the stage that answers each stage of a two-stage flow
    variation (`replies`: objecion -> manejo_objecion)."""

    profiles: tuple[StageProfile, ...]
    postings: dict[str, tuple[tuple[str, float], ...]]
    opening: str | None
    need: str | None
    closing: str | None
    replies: dict[str, str]

    @classmethod
    def of(cls, pack: DomainPack) -> PackStages:
        profiles = stage_profiles(pack)
        postings: dict[str, list[tuple[str, float]]] = {}
        for profile in profiles:
            for stem, weight in profile.weights.items():
                postings.setdefault(stem, []).append((profile.stage, weight / math.sqrt(profile.norm)))
        replies = {inserted[0]: inserted[1] for inserted in pack.variaciones_flujo.values() if len(inserted) == 2}
        opening, closing = edge_stages(pack)
        need = pack.etapas[1].id if len(pack.etapas) > 1 else None
        frozen = {stem: tuple(stages) for stem, stages in postings.items()}
        return cls(profiles, frozen, opening, need, closing, replies)

    def similarities(self, text: str) -> dict[str, float]:
        """The similarity of `text` to every stage that shares a stem with it: the cue-weighted IDF overlap of stems
        over sqrt(profile norm) * sqrt(the text's stems of the pack). The square roots dampen the length penalty of
        cosine, which made stages with long profiles hard to win. Empty for a text without such a stem."""
        text_stems = stems(text) & self.postings.keys()
        totals: dict[str, float] = {}
        for stem in text_stems:
            for stage, weight in self.postings[stem]:
                totals[stage] = totals.get(stage, 0.0) + weight
        scale = 1 / math.sqrt(len(text_stems)) if text_stems else 0.0
        return {stage: total * scale for stage, total in totals.items()}


class KeywordStageLabeller:
    """The deterministic labeller described in the module docstring."""

    def __init__(self, stay_bonus: float = STAY_BONUS) -> None:
        self.stay_bonus = stay_bonus
        self._packs: dict[int, tuple[DomainPack, PackStages]] = {}  # id(pack) -> (pack, its stages)

    def pack_stages(self, pack: DomainPack) -> PackStages:
        """`PackStages` of `pack`, built once per pack object (packs are unhashable; the entry keeps the pack alive)."""
        if id(pack) not in self._packs:
            self._packs[id(pack)] = (pack, PackStages.of(pack))
        return self._packs[id(pack)][1]

    def __call__(self, turns: Sequence[DialogueTurn], pack: DomainPack) -> list[str]:
        """The primary stage of each turn."""
        return self.label(turns, pack).labels

    def label(self, turns: Sequence[DialogueTurn], pack: DomainPack) -> StageLabelling:
        """One primary stage per turn and the observed sequence with the turns' second stages (module docstring)."""
        known = self.pack_stages(pack)
        opening, closing, replies = known.opening, known.closing, known.replies
        objection = next(((asked, answer) for asked, answer in replies.items() if answer == ACKNOWLEDGED), None)
        factor = {opening: OPENING_WEIGHT}
        labels: list[str] = []
        allowed_per_turn = []
        cued = []  # whether a turn's label comes from its words (a cue or an acknowledgement)
        allowed_by: dict[tuple[str | None, bool, bool], list[StageProfile]] = {}  # (side, opening?, closing?) ->
        for index, turn in enumerate(turns):
            key = (turn.side, index < OPENING_TURNS, index >= len(turns) - CLOSING_TURNS)
            if key not in allowed_by:
                edges = {closing: key[2], opening: key[1]}
                allowed_by[key] = [
                    p for p in known.profiles if side_allows(p.side, turn.side) and edges.get(p.stage, True)
                ] or list(known.profiles)
            allowed = allowed_by[key]
            allowed_per_turn.append(allowed)
            previous = labels[-1] if labels else None
            if objection and acknowledges(turn.text) and any(p.stage == objection[1] for p in allowed):
                labels.append(objection[1])
                cued.append(True)
                if index and any(p.stage == objection[0] for p in allowed_per_turn[index - 1]):
                    labels[index - 1], cued[index - 1] = objection[0], True
                continue
            similarities = known.similarities(turn.text)
            if not any(p.stage in similarities for p in allowed):  # no cue word, or only the other side's stages'
                cued.append(not index)
                keep = previous if any(p.stage == previous for p in allowed) else None
                labels.append(keep or allowed[0].stage)
                continue
            cued.append(True)
            bonus = {previous: self.stay_bonus}
            if previous in replies:
                bonus[replies[previous]] = bonus.get(replies[previous], 0.0) + REPLY_BONUS
            scores = {
                p.stage: similarities.get(p.stage, 0.0) * factor.get(p.stage, 1.0) + bonus.get(p.stage, 0.0)
                for p in allowed
            }
            labels.append(max(allowed, key=lambda p: scores[p.stage]).stage)
        sequence = [
            stage
            for turn, label, allowed, has_cue in zip(turns, labels, allowed_per_turn, cued, strict=True)
            if has_cue
            for stage in turn_stages(label, turn.text, allowed, known)
        ]
        return StageLabelling(labels, sequence=without_late_opening(sequence, opening))

    def identity(self) -> dict[str, object]:
        """What decides the labels besides the pack (the gate fingerprints packs apart): the class, the stay bonus
        and a hash of the cue and stop-word tables and tuning constants."""
        tables = {
            "cues": STAGE_CUES, "stopwords": sorted(STOPWORDS), "acknowledgement": ACKNOWLEDGEMENT.pattern,
            "constants": [
                STEM_LENGTH, CUE_WEIGHT, OPENING_TURNS, OPENING_WEIGHT, CLOSING_TURNS, REPLY_BONUS, SECOND_MIN,
            ],
        }  # fmt: skip
        return {"class": type(self).__qualname__, "stay_bonus": self.stay_bonus, "tables": content_id(tables)}


def acknowledges(text: str) -> bool:
    """Whether a turn opens by acknowledging what the other side objected ("Lo entiendo.", "Tiene razón")."""
    return ACKNOWLEDGEMENT.match(text) is not None


def edge_stages(pack: DomainPack) -> tuple[str | None, str | None]:
    """The pack's opening stage (its first) and closing stage (its last one that no flow variation inserts)."""
    inserted = {stage for stages in pack.variaciones_flujo.values() for stage in stages}
    regular = [stage.id for stage in pack.etapas if stage.id not in inserted]
    return (pack.etapas[0].id if pack.etapas else None), (regular[-1] if regular else None)


def turn_stages(primary: str, text: str, allowed: Sequence[StageProfile], known: PackStages) -> list[str]:
    """The stages a turn labelled `primary` adds to the observed sequence, in order: the opening first, the closing
    last, with the `second_stage` each gives where it is allowed (module docstring); an opening turn that gets none
    that way but asks a question goes on to the need (the pack's second stage)."""
    opening, need, closing = known.opening, known.need, known.closing
    allowed_stages = {p.stage for p in allowed}
    stages = [primary]
    if opening not in allowed_stages and closing not in allowed_stages:
        return stages
    sentences = SENTENCE_END.split(text)
    if opening in allowed_stages:
        first, rest = text_scores(sentences[:1], allowed, known), text_scores(sentences[1:], allowed, known)
        second = second_stage(primary, opening, first, rest)
        if second is None and primary == opening and need in allowed_stages and "?" in text:
            second = need
        if second is not None:
            stages = [second, primary] if primary != opening else [primary, second]
    if closing in allowed_stages:
        last, rest = text_scores(sentences[-1:], allowed, known), text_scores(sentences[:-1], allowed, known)
        second = second_stage(primary, closing, last, rest)
        if second is not None:
            stages = [*stages, second] if primary != closing else [second, *stages]
    return stages


def text_scores(texts: Sequence[str], allowed: Sequence[StageProfile], known: PackStages) -> dict[str, float]:
    """The similarity of the allowed stages to the joined `texts` on their own (no context); empty for no cue."""
    found = known.similarities(" ".join(texts))
    return {p.stage: found.get(p.stage, 0.0) for p in allowed} if found else {}


def second_stage(primary: str, edge: str | None, edge_part: dict[str, float], rest: dict[str, float]) -> str | None:
    """The second stage that `edge` (the opening or the closing) gives a turn labelled `primary`, or None: the edge
    itself where the turn's edge sentence (`edge_part`: the scores of its first sentence for the opening, of its last
    for the closing; empty where the edge is not allowed or the sentence has no cue) is most like it; where the
    primary is the edge, the other stage the rest of the turn (`rest` scores) is most like, scoring SECOND_MIN+."""
    if edge is None or edge not in edge_part:
        return None
    if primary != edge:
        return edge if max(edge_part, key=edge_part.__getitem__) == edge else None
    other = max((stage for stage in rest if stage != edge), key=rest.__getitem__, default=None)
    return other if other is not None and rest[other] >= SECOND_MIN else None


def without_late_opening(sequence: Sequence[str], opening: str | None) -> list[str]:
    """The sequence without an opening stage after another stage: a greeting returned after the need was stated
    still belongs to the opening exchange."""
    return [stage for index, stage in enumerate(sequence) if stage != opening or set(sequence[:index]) <= {opening}]


def collapse_repeats(labels: Sequence[str]) -> list[str]:
    """Consecutive equal labels merged: [a, a, b, a] -> [a, b, a]."""
    return [label for index, label in enumerate(labels) if index == 0 or label != labels[index - 1]]
