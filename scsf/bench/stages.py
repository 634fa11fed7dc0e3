"""`bench stages`: stage labellers against hand labels (`stage_data/`), per-turn accuracy, confusions and ROUGE-L.

`stage_data/tuning.jsonl` and `stage_data/heldout.jsonl` hold hand-written Mexican-Spanish (and a few English)
conversations of several domain packs, one JSON object per line: `id`, `domain`, `language` and `turns`, each turn a
`role`, its `text` and the `stage` a careful human gives it (a stage of the pack allowed on the role's side). The
labels were written before any labeller was tuned; the keyword labeller's cues were then tuned on the tuning part
only, so the held-out part is the estimate for unseen dialogue.

`discrimination` checks that the `rouge_l` gate still tells a followed flow from a broken one: the faithful bases of
the judge calibration set (`judge_data/bases.jsonl`, hand-written to follow their pilot seed's `flujo_esperado`) must
pass it, and two broken variants of each, made by code, must fail it (`broken_variants`). Reversed variants fail
whatever the labeller; a middle-dropped one keeps both ends of the dialogue, so most of the seed's stages stay in
order: labelled turn by turn as a careful human would (tests/unit/test_eval_stages_oracle.py), 15 of the 16
middle-dropped bases still score ROUGE-L F 0.67-0.92 (precision 1, recall 4/7-6/7) and pass the 0.65 threshold.
Only a noisy labeller rejects them; they are counted apart (`rejected_by_variant`).
"""

from __future__ import annotations

import json
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scsf.bench.judge_set import BASES, load_bases, pilot_seeds
from scsf.domains import DomainPack, DomainRegistry
from scsf.errors import ScsfError
from scsf.eval.base import ROUGE_L, THRESHOLD_FIELDS
from scsf.eval.dialogue import DialogueTurn
from scsf.eval.rouge import sequence_rouge_l, structural_coherence
from scsf.eval.stages import StageLabeller, collapse_repeats, label_stages, observed_sequence, side_allows

STAGE_DATA = Path(__file__).resolve().parent / "stage_data"
PARTS = ("tuning", "heldout")
BROKEN = ("reversed", "middle_dropped")


@dataclass(frozen=True)
class LabelledConversation:
    """A hand-labelled conversation: its message turns (with sides from the pack) and one stage per turn."""

    id: str
    domain: str
    language: str
    turns: tuple[DialogueTurn, ...]
    stages: tuple[str, ...]


def load_labelled(path: Path, domains: DomainRegistry) -> list[LabelledConversation]:
    """The conversations of one labelled file.

    Raises:
        ScsfError: a line is not such a conversation (names the file, line and field).
    """
    conversations = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip():
            try:
                conversations.append(_conversation(json.loads(line), domains))
            except (ValueError, KeyError, TypeError, ScsfError) as exc:
                reason = f"missing field {exc}" if isinstance(exc, KeyError) else str(exc)
                raise ScsfError(f"{path}:{number}: {reason}", title="stage data") from exc
    return conversations


def _conversation(record: dict[str, Any], domains: DomainRegistry) -> LabelledConversation:
    pack = domains.get(record["domain"])
    sides = {role.id: role.lado for role in pack.roles}
    stage_sides = {stage.id: stage.lado for stage in pack.etapas}
    turns, stages = [], []
    for number, turn in enumerate(record["turns"], start=1):
        role, stage = turn["role"], turn["stage"]
        if role not in sides:
            raise ValueError(f"turn {number}: role {role!r} is not a role of {pack.namespace}")
        if stage not in stage_sides or not side_allows(stage_sides[stage], sides[role]):
            raise ValueError(f"turn {number}: stage {stage!r} is not a {pack.namespace} stage of side {sides[role]}")
        turns.append(DialogueTurn(number, role, sides[role], turn["text"]))
        stages.append(stage)
    if not turns:
        raise ValueError("turns: empty")
    return LabelledConversation(record["id"], pack.namespace, record["language"], tuple(turns), tuple(stages))


def stage_bench(
    labellers: Mapping[str, StageLabeller],
    domains: DomainRegistry | None = None,
    parts: Sequence[str] = PARTS,
    data: Path = STAGE_DATA,
    bases: Path | None = BASES,
) -> dict[str, Any]:
    """Per labeller and part: turn accuracy, per-stage recall and confusions, mean ROUGE-L F between the labelled
    collapsed stage sequence and the predicted one (`rouge_l`: of the labels; `rouge_l_observed`: of the observed
    sequence with second stages, which the metric scores; the hand labels give one stage per turn), fallbacks (a
    model labeller that fell back) and seconds per conversation; with `bases`, also the labeller's `discrimination`
    on them."""
    domains = domains or DomainRegistry.load()
    sets = {part: load_labelled(data / f"{part}.jsonl", domains) for part in parts}
    results: dict[str, Any] = {}
    for name, labeller in labellers.items():
        results[name] = {part: score_labeller(labeller, conversations, domains) for part, conversations in sets.items()}
        if bases is not None:
            results[name]["discrimination"] = discrimination(labeller, domains, bases)
    return results


def score_labeller(
    labeller: StageLabeller, conversations: Sequence[LabelledConversation], domains: DomainRegistry
) -> dict[str, Any]:
    """The scores of `stage_bench` for one labeller on one set of conversations."""
    confusion: dict[str, Counter[str]] = {}
    rouge, rouge_observed, fallbacks, seconds = [], [], [], 0.0
    for conversation in conversations:
        pack: DomainPack = domains.get(conversation.domain)
        started = time.perf_counter()
        labelling = label_stages(labeller, conversation.turns, pack)
        seconds += time.perf_counter() - started
        if labelling.fallback:
            fallbacks.append(f"{conversation.id}: {labelling.fallback}")
        for gold, predicted in zip(conversation.stages, labelling.labels, strict=True):
            confusion.setdefault(gold, Counter())[predicted] += 1
        gold_sequence = collapse_repeats(conversation.stages)
        rouge.append(sequence_rouge_l(collapse_repeats(labelling.labels), gold_sequence)[2])
        rouge_observed.append(sequence_rouge_l(observed_sequence(labelling), gold_sequence)[2])
    turns = sum(sum(row.values()) for row in confusion.values())
    correct = sum(row[gold] for gold, row in confusion.items())
    return {
        "conversations": len(conversations),
        "turns": turns,
        "accuracy": round(correct / turns, 4) if turns else None,
        "rouge_l": mean(rouge),
        "rouge_l_observed": mean(rouge_observed),
        "seconds_per_conversation": round(seconds / len(conversations), 3) if conversations else None,
        "fallbacks": fallbacks,
        "per_stage": {
            gold: {
                "turns": sum(row.values()),
                "recall": round(row[gold] / sum(row.values()), 4),
                "confused_with": dict(sorted(((p, n) for p, n in row.items() if p != gold), key=lambda x: -x[1])),
            }
            for gold, row in sorted(confusion.items())
        },
    }


def mean(values: Sequence[float]) -> float | None:
    """The mean of `values` to 4 decimals; None for none."""
    return round(sum(values) / len(values), 4) if values else None


def broken_variants(messages: Sequence[tuple[str, str]]) -> dict[str, list[tuple[str, str]]]:
    """Two flow-breaking variants of a dialogue of (role, text) message turns:
    - `reversed`: the turns in reverse order with roles kept where they are (so they still alternate): each side's
      texts are reversed among that side's positions;
    - `middle_dropped`: the middle third dropped, the turns from n // 3 up to n - n // 3 (of n)."""
    by_role: dict[str, list[str]] = {}
    for role, text in messages:
        by_role.setdefault(role, []).append(text)
    reversed_texts = {role: iter(texts[::-1]) for role, texts in by_role.items()}
    third = len(messages) // 3
    return {
        "reversed": [(role, next(reversed_texts[role])) for role, _ in messages],
        "middle_dropped": list(messages[:third]) + list(messages[len(messages) - third :]),
    }


def discrimination(labeller: StageLabeller, domains: DomainRegistry, bases: Path = BASES) -> dict[str, Any]:
    """The `rouge_l` gate (seed threshold, seed `flujo_esperado`) on the faithful bases of `bases` and on their
    `broken_variants`: how many faithful ones pass, how many broken ones fail (in all and per variant), each score."""
    seeds = pilot_seeds(domains)
    cases = []
    for base in load_bases(bases):
        seed = seeds[base.seed_id]
        pack = domains.get(seed.dominio)
        sides = {role.id: role.lado for role in pack.roles}
        threshold = seed.metricas_calidad.threshold(THRESHOLD_FIELDS[ROUGE_L])
        variants = {"faithful": list(base.messages), **broken_variants(base.messages)}
        scores = {}
        for name, messages in variants.items():
            turns = [DialogueTurn(n, role, sides.get(role), text) for n, (role, text) in enumerate(messages, start=1)]
            scores[name] = structural_coherence(
                turns, pack, seed.parametros_factuales.flujo_esperado, threshold, labeller
            ).score
        cases.append({"base": base.name, "threshold": threshold, **scores})
    return {
        "faithful_accepted": sum(case["faithful"] >= case["threshold"] for case in cases),
        "faithful": len(cases),
        "broken_rejected": sum(case[name] < case["threshold"] for case in cases for name in BROKEN),
        "broken": len(cases) * len(BROKEN),
        "rejected_by_variant": {name: sum(case[name] < case["threshold"] for case in cases) for name in BROKEN},
        "cases": cases,
    }
