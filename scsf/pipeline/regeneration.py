"""Replacements for `regenerate_rejected`: one new item per rejected conversation not yet replaced, while fewer than
the target are accepted and the budget allows; the same seed at its next free index, so the plan (and the
conversation) differs."""

from __future__ import annotations

from scsf.pipeline.config import RunConfig
from scsf.pipeline.planner import Planner
from scsf.store import Store
from scsf.store.duckdb import RunItem
from scsf.store.verdicts import VerdictRepository


def replacements(store: Store, planner: Planner, run_id: str, config: RunConfig) -> list[RunItem]:
    """The next round's items, in the order of the rejected ones; empty when the target or the budget is reached."""
    items = store.run_items(run_id)
    target = store.planned_count(run_id)
    decisions = VerdictRepository(store).decisions(run_id)
    replaced = {item.replaces for item in items if item.replaces}
    budget = config.regeneration_budget(target) - len(replaced)
    if sum(decisions.values()) >= target or budget <= 0:
        return []
    next_index: dict[tuple[str, int], int] = {}
    for item in items:
        key = (item.seed_id, item.seed_version)
        next_index[key] = max(next_index.get(key, 0), item.index + 1)
    planned: list[RunItem] = []
    for item in items:
        if len(planned) == budget:
            break
        if decisions.get(item.conversation_id, True) or item.conversation_id in replaced:
            continue
        key = (item.seed_id, item.seed_version)
        index = next_index[key]
        next_index[key] += 1
        planned.append(
            planner.item(
                run_id, config, item.seed_id, item.seed_version, index, item.conversation_id, item.regen_round + 1
            )
        )
    return planned
