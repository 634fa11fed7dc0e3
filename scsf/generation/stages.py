"""Side-aware stage plan: which stage of the flow each turn belongs to.

Every stage of the flow gets at least one turn, in order, spread evenly over the turns; a stage that one side opens
(`lado` in the domain pack, e.g. `objecion` is the user's) starts on a turn of that side wherever the turn count
allows; the turns after its first are the exchange that follows (the agent's answer to the objection). Solved exactly
as a shortest path over (turn, stage) with steps "same stage" or "next stage".
"""

from __future__ import annotations

from collections.abc import Sequence

SIDE_MISMATCH_COST = 1_000.0


def assign_stages(stage_sides: Sequence[str], turn_sides: Sequence[str]) -> list[int]:
    """Index into the flow for every turn: starts at 0, ends at the last stage, advances by 0 or 1 per turn.

    `stage_sides` holds "usuario", "asistente" or "ambos" per flow stage; `turn_sides` the side of each turn. Cost of
    a turn = distance from its even-spread position, plus a large cost when it opens a stage of the other side.
    """
    stages, turns = len(stage_sides), len(turn_sides)
    if not stages or turns < stages:
        raise ValueError(f"{turns} turns cannot hold {stages} stages")

    def distance(turn: int, stage: int) -> float:
        return abs(stage - ((turn + 0.5) * stages / turns - 0.5))

    def opening(turn: int, stage: int) -> float:
        return SIDE_MISMATCH_COST if stage_sides[stage] not in ("ambos", turn_sides[turn]) else 0.0

    infinity = float("inf")
    best = [[infinity] * stages for _ in range(turns)]
    came_from = [[0] * stages for _ in range(turns)]
    best[0][0] = distance(0, 0) + opening(0, 0)
    for turn in range(1, turns):
        for stage in range(max(0, stages - turns + turn), min(stages, turn + 1)):
            stay = best[turn - 1][stage]
            advance = best[turn - 1][stage - 1] + opening(turn, stage) if stage else infinity
            came_from[turn][stage] = stage if stay <= advance else stage - 1
            best[turn][stage] = min(stay, advance) + distance(turn, stage)
    path = [stages - 1]
    for turn in range(turns - 1, 0, -1):
        path.append(came_from[turn][path[-1]])
    return path[::-1]


def min_turns(stage_sides: Sequence[str], cycle: Sequence[str]) -> int:
    """Fewest turns that give every stage its own turn and open each one on its side, speakers taking turns in
    `cycle` (the sides of the speaking order)."""
    turn = 0
    for side in stage_sides:
        while side != "ambos" and cycle[turn % len(cycle)] != side:
            turn += 1
        turn += 1
    return turn
