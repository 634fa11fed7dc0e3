"""The held-out judge sets (issue #5, "Judge calibration"): faithful conversations over pilot seeds and unfaithful
variants of them, all written by hand without reading the judge's checks, so that `bench judge --set heldout` and
`--set heldout2` measure the judge on data it was not designed against. `judge_data/heldout.jsonl` is the first;
`judge_data/heldout2.jsonl` a second one, written blind by another hand on six other pilot seeds (four of
automotive.sales, one of legal.advisory, one of medical.consultation), in the same format.

One line per base: `base`, `seed_id`, `messages` [{role, text}], `tools` (recorded as in the calibration bases:
turn, name, arguments, stated, result) and `variants` [{kind, edits [{turn, text}], why}]. Turns are 0-based message
indexes; a variant is its base with the edited turns saying the new texts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scsf.bench.judge_set import KINDS, Base, Case, Change, JudgeSetError, _conversation, build_set, pilot_seeds
from scsf.domains import DomainRegistry
from scsf.seeds.schema import Seed

HELDOUT = Path(__file__).resolve().parent / "judge_data" / "heldout.jsonl"
HELDOUT2 = Path(__file__).resolve().parent / "judge_data" / "heldout2.jsonl"
RUN_ID = "judge-heldout"
RUN_ID2 = "judge-heldout2"


@dataclass(frozen=True)
class Variant:
    """A hand-written unfaithful version of a base: its kind, the (turn, new text) edits, and why it is unfaithful."""

    kind: str
    edits: tuple[tuple[int, str], ...]
    why: str


@dataclass(frozen=True)
class HeldOutBase:
    base: Base
    variants: tuple[Variant, ...]


def load_heldout(path: Path = HELDOUT) -> list[HeldOutBase]:
    """The bases of `path` with their variants; a malformed line, an unknown kind, an edit of a turn the base does not
    have or one that leaves the turn's text as it was is a JudgeSetError naming the file and line."""
    entries = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        where = f"{path}:{number}"
        try:
            raw = json.loads(line)
            base = Base(
                raw["base"], raw["seed_id"], (),
                tuple((message["role"], message["text"]) for message in raw["messages"]), tuple(raw["tools"]),
            )  # fmt: skip
            variants = tuple(
                Variant(item["kind"], tuple((edit["turn"], edit["text"]) for edit in item["edits"]), item["why"])
                for item in raw["variants"]
            )
        except (json.JSONDecodeError, KeyError, TypeError) as exc:
            raise JudgeSetError(f"{where}: not a held-out base ({type(exc).__name__}: {exc})") from exc
        for position, variant in enumerate(variants, start=1):
            _check(variant, base, f"{where}: variant {position} ({variant.kind})")
        entries.append(HeldOutBase(base, variants))
    return entries


def _check(variant: Variant, base: Base, where: str) -> None:
    if variant.kind not in KINDS:
        raise JudgeSetError(f"{where}: kind not among {list(KINDS)}")
    if not variant.edits:
        raise JudgeSetError(f"{where}: no edits")
    for turn, text in variant.edits:
        if not isinstance(turn, int) or not 0 <= turn < len(base.messages):
            raise JudgeSetError(f"{where}: turn {turn!r} is not a message turn (0-{len(base.messages) - 1})")
        if text == base.messages[turn][1]:
            raise JudgeSetError(f"{where}: turn {turn}: the edit's text equals the base's")


def build_heldout(
    entries: Sequence[HeldOutBase], seeds: dict[str, Seed], domains: DomainRegistry, run_id: str = RUN_ID
) -> list[Case]:
    """Every base as it is (faithful), then each of its variants, in file order; a kind a base varies twice gets
    `-2`, `-3` on its case id. Every conversation has run id `run_id`."""
    cases = []
    for entry in entries:
        base = entry.base
        faithful = build_set([base], seeds, domains)[0]
        cases.append(_renamed(faithful, faithful.case_id, run_id))
        sides = faithful.conversation.generation["sides"]
        for position, variant in enumerate(entry.variants):
            repeat = sum(other.kind == variant.kind for other in entry.variants[:position])
            case_id = f"{base.name}/{variant.kind}" + (f"-{repeat + 1}" if repeat else "")
            conversation = _conversation(base, seeds[base.seed_id], sides, _edited(base, variant), variant.kind)
            case = Case(case_id, variant.kind, base, conversation, _change(base, variant))
            cases.append(_renamed(case, case_id, run_id))
    return cases


def heldout_set(domains: DomainRegistry, path: Path = HELDOUT, run_id: str = RUN_ID) -> list[Case]:
    """The whole held-out set of `path` (default: the first bundled one) over the pilot seeds."""
    return build_heldout(load_heldout(path), pilot_seeds(domains), domains, run_id)


def heldout2_set(domains: DomainRegistry) -> list[Case]:
    """The second bundled held-out set (`heldout2.jsonl`), with its own run id."""
    return heldout_set(domains, HELDOUT2, RUN_ID2)


def _edited(base: Base, variant: Variant) -> tuple[tuple[str, str], ...]:
    messages = list(base.messages)
    for turn, text in variant.edits:
        messages[turn] = (messages[turn][0], text)
    return tuple(messages)


def _change(base: Base, variant: Variant) -> Change:
    """The edited turns, before -> after (texts of several turns joined by ' | ')."""
    turns = tuple(turn for turn, _ in variant.edits)
    before = " | ".join(base.messages[turn][1] for turn in turns)
    return Change(turns, before, " | ".join(text for _, text in variant.edits))


def _renamed(case: Case, case_id: str, run_id: str) -> Case:
    """`case` with conversation id `case_id` and run id `run_id` (the held-out set's)."""
    conversation = case.conversation.model_copy(update={"conversation_id": case_id, "run_id": run_id})
    return Case(case_id, case.kind, case.base, conversation, case.change)
