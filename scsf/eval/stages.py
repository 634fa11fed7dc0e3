"""Stage labelling of the dialogue: which stage of the domain pack each message turn belongs to.

`StageLabeller` is any callable `(turns, pack) -> one stage id per turn`, so a model-based labeller can replace the
heuristic one. `KeywordStageLabeller` is deterministic:

1. Each pack stage gets a profile: the words of its id and description, the names and descriptions of the pack tools
   called in it, and the stage's lexical cues (`stage_cues.STAGE_CUES`). Words are accent-folded, stop words dropped,
   and cut to 5-letter stems (Spanish inflects at the end: financiamiento/financiar -> finan).
2. Stems are weighted by IDF over the pack's profiles, so a word every stage uses counts for little.
3. A turn scores against each stage by cosine similarity of stem sets (IDF weights). Stages the pack gives to the
   other side (`lado`) are never chosen. The previous turn's stage gets a small bonus (an exchange stays in a stage).
4. A turn with no cue at all keeps the previous turn's stage; the first turn then takes the pack's first stage
   allowed on its side (packs list stages in their usual order; the first is the opening).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scsf.domains import DomainPack
from scsf.eval.dialogue import DialogueTurn
from scsf.eval.stage_cues import STAGE_CUES
from scsf.eval.text import fold, folded_words

StageLabeller = Callable[[Sequence[DialogueTurn], DomainPack], list[str]]

STEM_LENGTH = 5
STAY_BONUS = 0.05
STOPWORDS = frozenset(
    fold(
        "que de la el los las un una unos unas y o a en con por para del al se su sus lo le les me mi mis te tu tus "
        "nos es son esta este esto estos estas ese esa eso como cuando donde muy mas ya si no sí también pero sin "
        "sobre entre hay ser estar tiene tengo puede puedo hacer hace usted ustedes cual cuál qué cómo dónde "
        "todo toda todos todas otro otra bien aqui aquí ahi ahí entonces bueno claro favor"
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
    weights: dict[str, float]  # stem -> IDF weight
    norm: float


def stage_profiles(pack: DomainPack) -> tuple[StageProfile, ...]:
    """The IDF-weighted stem profile of every stage of `pack`, in the pack's order."""
    texts = {
        stage.id: [stage.id.replace("_", " "), stage.descripcion, STAGE_CUES.get(stage.id, "")] for stage in pack.etapas
    }
    for tool in pack.herramientas:
        for stage in tool.etapas:
            texts[stage] += [tool.nombre.replace("_", " "), tool.descripcion]
    bags = {stage: stems(" ".join(parts)) for stage, parts in texts.items()}
    document_frequency: dict[str, int] = {}
    for bag in bags.values():
        for stem in bag:
            document_frequency[stem] = document_frequency.get(stem, 0) + 1
    profiles = []
    for stage in pack.etapas:
        weights = {stem: math.log(1 + len(bags) / document_frequency[stem]) for stem in bags[stage.id]}
        norm = math.sqrt(sum(weight * weight for weight in weights.values())) or 1.0
        profiles.append(StageProfile(stage.id, stage.lado, weights, norm))
    return tuple(profiles)


class KeywordStageLabeller:
    """The deterministic labeller described in the module docstring."""

    def __init__(self, stay_bonus: float = STAY_BONUS) -> None:
        self.stay_bonus = stay_bonus
        self._profiles: dict[int, tuple[DomainPack, tuple[StageProfile, ...]]] = {}  # id(pack) -> (pack, profiles)

    def profiles(self, pack: DomainPack) -> tuple[StageProfile, ...]:
        """Profiles of `pack`, built once per pack object (packs are unhashable; the entry keeps the pack alive)."""
        if id(pack) not in self._profiles:
            self._profiles[id(pack)] = (pack, stage_profiles(pack))
        return self._profiles[id(pack)][1]

    def __call__(self, turns: Sequence[DialogueTurn], pack: DomainPack) -> list[str]:
        profiles = self.profiles(pack)
        vocabulary = {stem: weight for profile in profiles for stem, weight in profile.weights.items()}
        labels: list[str] = []
        for turn in turns:
            allowed = [p for p in profiles if p.side in ("ambos", turn.side)] or list(profiles)
            turn_stems = stems(turn.text) & vocabulary.keys()
            previous = labels[-1] if labels else None
            if not turn_stems:
                keep = previous if any(p.stage == previous for p in allowed) else None
                labels.append(keep or allowed[0].stage)
                continue
            turn_norm = math.sqrt(sum(vocabulary[stem] ** 2 for stem in turn_stems))

            def score(profile: StageProfile) -> float:
                shared = sum(profile.weights[stem] ** 2 for stem in turn_stems if stem in profile.weights)
                return shared / (profile.norm * turn_norm) + (self.stay_bonus if profile.stage == previous else 0.0)

            labels.append(max(allowed, key=score).stage)
        return labels


def collapse_repeats(labels: Sequence[str]) -> list[str]:
    """Consecutive equal labels merged: [a, a, b, a] -> [a, b, a]."""
    return [label for index, label in enumerate(labels) if index == 0 or label != labels[index - 1]]
