"""The distribution report of a run's conversations (issue #5, dataset level): flows, personas, strategies, tools
called, lengths and languages over the accepted conversations beside all of them, and each seed's acceptance."""

from __future__ import annotations

import statistics
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import Any

from scsf.langid import detect_language
from scsf.seeds.conversation import Conversation

UNDETERMINED = "und"


def distribution(conversations: Iterable[Conversation], accepted: Mapping[str, bool]) -> dict[str, Any]:
    """`accepted` maps a conversation id to the gate's decision; a conversation without one counts as not accepted."""
    profiles = [(conversation.seed_id, accepted.get(conversation.conversation_id, False), _profile(conversation))
                for conversation in conversations]  # fmt: skip
    per_seed: dict[str, dict[str, int]] = {}
    for seed_id, passed, _ in profiles:
        counts = per_seed.setdefault(seed_id, {"conversations": 0, "accepted": 0})
        counts["conversations"] += 1
        counts["accepted"] += passed
    return {
        "accepted": _summary([profile for _, passed, profile in profiles if passed]),
        "all": _summary([profile for _, _, profile in profiles]),
        "per_seed": dict(sorted(per_seed.items())),
    }


def _profile(conversation: Conversation) -> dict[str, Any]:
    generation = conversation.generation
    texts = [turn.text for turn in conversation.messages()]
    return {
        "flow": generation.get("flow_variation"),
        "persona": generation.get("persona"),
        "strategy": generation.get("strategy"),
        "tools": [call["name"] for call in generation.get("tools") or []],
        "turns": len(texts),
        "words": sum(len(text.split()) for text in texts),
        "language": detect_language(" ".join(texts), UNDETERMINED),
    }


def _summary(profiles: list[dict[str, Any]]) -> dict[str, Any]:
    def counts(values: Iterable[Any]) -> dict[str, int]:
        return dict(sorted(Counter(str(value) for value in values).items()))

    return {
        "conversations": len(profiles),
        "flows": counts(p["flow"] for p in profiles),
        "personas": counts(p["persona"] for p in profiles),
        "strategies": counts(p["strategy"] for p in profiles),
        "tools_called": counts(name for p in profiles for name in p["tools"]),
        "languages": counts(p["language"] for p in profiles),
        "turns": _spread([p["turns"] for p in profiles]),
        "words": _spread([p["words"] for p in profiles]),
    }


def _spread(values: list[int]) -> dict[str, float] | None:
    if not values:
        return None
    return {"min": min(values), "median": statistics.median(values), "max": max(values)}
