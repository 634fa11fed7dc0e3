"""The distribution report on a crafted set of conversations: every count, length and language by hand."""

from __future__ import annotations

from scsf.eval.distribution import distribution
from scsf.seeds.conversation import Conversation, ToolCall, Turn

SPANISH = "Buenos días, quisiera saber el precio del vehículo y las condiciones del crédito que ofrecen."
ENGLISH = "Good morning, I would like to know the price of the car and the terms of the loan you offer."


def conversation(cid: str, seed: str, texts: list[str], flow: str, persona: str, strategy: str, tools: list[str]) -> Conversation:
    turns = [Turn(role="cliente" if number % 2 == 0 else "asesor", text=text) for number, text in enumerate(texts)]
    for name in tools:  # a tool call and its result before the last message: not dialogue, not counted as turns
        turns[-1:-1] = [Turn(role="asesor", tool_call=ToolCall(name=name, arguments={})), Turn(role="herramienta", tool_result={"ok": True})]
    generation = {
        "flow_variation": flow, "persona": persona, "strategy": strategy,
        "tools": [{"turn": 1, "name": name} for name in tools],
    }  # fmt: skip
    return Conversation(
        conversation_id=cid, run_id="run-1", seed_id=seed, seed_version=1, variant="v", index=0,
        turns=turns, system_prompt="s", generation=generation,
    )  # fmt: skip


CONVERSATIONS = [
    conversation("a", "seed-1", [SPANISH, SPANISH], "happy_path", "p1", "whole_conversation", ["cotizar"]),  # 2 turns, 30 words
    conversation("b", "seed-1", [SPANISH, SPANISH, SPANISH, SPANISH], "objecion", "p2", "turn_by_turn", ["cotizar", "inventario"]),
    conversation("c", "seed-2", [ENGLISH, ENGLISH, ENGLISH], "happy_path", "p1", "whole_conversation", []),  # 3 turns, 60 words
    conversation("d", "seed-2", ["Hola.", "Sí."], "happy_path", "p3", "whole_conversation", []),  # too short to tell
]


def test_distribution_over_accepted_and_all() -> None:
    result = distribution(CONVERSATIONS, {"a": True, "c": True, "d": False})  # "b" has no verdict: not accepted
    assert result["per_seed"] == {
        "seed-1": {"conversations": 2, "accepted": 1},
        "seed-2": {"conversations": 2, "accepted": 1},
    }
    assert result["all"] == {
        "conversations": 4,
        "flows": {"happy_path": 3, "objecion": 1},
        "personas": {"p1": 2, "p2": 1, "p3": 1},
        "strategies": {"turn_by_turn": 1, "whole_conversation": 3},
        "tools_called": {"cotizar": 2, "inventario": 1},
        "languages": {"en": 1, "es": 2, "und": 1},
        "turns": {"min": 2, "median": 2.5, "max": 4},
        "words": {"min": 2, "median": 45.0, "max": 60},
    }
    assert result["accepted"] == {
        "conversations": 2,
        "flows": {"happy_path": 2},
        "personas": {"p1": 2},
        "strategies": {"whole_conversation": 2},
        "tools_called": {"cotizar": 1},
        "languages": {"en": 1, "es": 1},
        "turns": {"min": 2, "median": 2.5, "max": 3},
        "words": {"min": 30, "median": 45.0, "max": 60},
    }


def test_nothing_accepted_has_no_lengths() -> None:
    result = distribution(CONVERSATIONS[:1], {"a": False})
    assert result["accepted"]["conversations"] == 0
    assert (result["accepted"]["turns"], result["accepted"]["words"], result["accepted"]["flows"]) == (None, None, {})
    assert distribution([], {}) == {"accepted": result["accepted"], "all": result["accepted"], "per_seed": {}}
