"""Near-duplicate benchmark (issue #5): detection over 100,000 conversations against the 60 s / 2 GiB target, and
the LSH detector beside the exact all-pairs reference on 5,000 conversations.

Ground truth comes from the planted copies: a copy is a near-duplicate of its base, or of another copy of that base,
when their exact shingle Jaccard similarity reaches the threshold. Replaying the input-order decisions over those
true links gives the expected verdict of every conversation; recall and precision count the conversations given a
twin. Bases that resemble each other by chance count against precision, as they would in a real corpus.
"""

from __future__ import annotations

import resource
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from itertools import combinations
from typing import Any

from scsf.bench.eval_dedup_corpus import PlantedCorpus, planted_corpus
from scsf.eval.dedup import find_near_duplicates
from scsf.eval.dedup_clusters import Clusters, DuplicateDecision
from scsf.eval.dedup_exact import exact_near_duplicates, jaccard, shingle_sets
from scsf.eval.dedup_shingles import shingle_batch

TARGET_SECONDS = 60.0
TARGET_PEAK_RSS_MIB = 2048.0


def _peak_rss_mib() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def expected_decisions(
    corpus: PlantedCorpus, *, threshold: float, max_copies: int, shingle: int
) -> list[DuplicateDecision]:
    """The verdicts the true links between planted copies call for."""
    members: dict[int, list[int]] = defaultdict(list)
    for position, group in enumerate(corpus.groups):
        members[group].append(position)
    planted = [positions for positions in members.values() if len(positions) > 1]
    flat = [position for positions in planted for position in positions]
    sets = dict(zip(flat, shingle_sets(shingle_batch([corpus.items[p][1] for p in flat], shingle)), strict=True))
    links: dict[int, list[int]] = defaultdict(list)
    for positions in planted:
        for earlier, later in combinations(positions, 2):
            if jaccard(sets[earlier], sets[later]) >= threshold:
                links[later].append(earlier)
    clusters = Clusters(max_copies)
    ids = [conversation_id for conversation_id, _ in corpus.items]
    return [clusters.add(conversation_id, links[position]) for position, conversation_id in enumerate(ids)]


def compare(found: Sequence[DuplicateDecision], expected: Sequence[DuplicateDecision]) -> dict[str, Any]:
    """Recall and precision of the conversations given a twin, and how many verdicts agree outright."""
    found_twin = {d.conversation_id for d in found if d.twin_id is not None}
    expected_twin = {d.conversation_id for d in expected if d.twin_id is not None}
    hits = len(found_twin & expected_twin)
    return {
        "expected_with_twin": len(expected_twin),
        "found_with_twin": len(found_twin),
        "recall": round(hits / len(expected_twin), 4) if expected_twin else 1.0,
        "precision": round(hits / len(found_twin), 4) if found_twin else 1.0,
        "expected_rejected": sum(d.rejected for d in expected),
        "found_rejected": sum(d.rejected for d in found),
        "verdicts_agreeing": round(sum(f == e for f, e in zip(found, expected, strict=True)) / len(found), 4),
    }


def _timed(run: Callable[[], list[DuplicateDecision]]) -> tuple[list[DuplicateDecision], float]:
    began = time.perf_counter()
    decisions = run()
    return decisions, time.perf_counter() - began


def bench_dedup(
    n: int = 100_000,
    exact_n: int = 5_000,
    *,
    threshold: float = 0.8,
    max_copies: int = 3,
    num_perm: int = 128,
    shingle: int = 3,
    on_step: Callable[[str], None] | None = None,
) -> dict[str, Any]:
    """Detection over `n` planted conversations, then LSH and exact all-pairs side by side on `exact_n` others.

    The exact all-pairs time grows with the square of the corpus: its figure at `n` is extrapolated, not measured.
    """
    step = on_step or (lambda _: None)
    step(f"building {n:,} conversations with planted copies")
    corpus = planted_corpus(n)
    settings = {"threshold": threshold, "max_copies": max_copies, "num_perm": num_perm, "shingle": shingle}
    exact_settings = {key: value for key, value in settings.items() if key != "num_perm"}
    rss_before = _peak_rss_mib()
    step(f"near-duplicate detection over {n:,} conversations")
    found, seconds = _timed(lambda: find_near_duplicates(corpus.items, **settings))
    peak = _peak_rss_mib()
    step("expected verdicts from the planted copies")
    quality = compare(found, expected_decisions(corpus, **exact_settings))
    step(f"exact all-pairs and LSH side by side on {exact_n:,} other conversations")
    small = planted_corpus(exact_n, seed=8)
    exact, exact_seconds = _timed(lambda: exact_near_duplicates(small.items, **exact_settings))
    sketched, sketched_seconds = _timed(lambda: find_near_duplicates(small.items, **settings))
    return {
        "benchmark": "eval_dedup",
        "conversations": n,
        "mean_turns": round(sum(text.count("\n") + 1 for _, text in corpus.items) / n, 2),
        "mean_characters": round(sum(len(text) for _, text in corpus.items) / n, 1),
        "planted_copies": corpus.edits,
        **settings,
        "seconds": round(seconds, 3),
        "conversations_per_s": round(n / seconds, 1),
        "rss_before_mib": rss_before,
        "peak_rss_mib": peak,
        "planted": quality,
        "side_by_side": {
            "conversations": exact_n,
            "exact_all_pairs_seconds": round(exact_seconds, 3),
            "lsh_seconds": round(sketched_seconds, 3),
            "lsh_speedup": round(exact_seconds / sketched_seconds, 2),
            "lsh_against_exact": compare(sketched, exact),
            "exact_against_planted": compare(exact, expected_decisions(small, **exact_settings)),
            "exact_all_pairs_seconds_at_n_extrapolated": round(exact_seconds * (n / exact_n) ** 2, 1),
        },
        "target_seconds": TARGET_SECONDS,
        "target_peak_rss_mib": TARGET_PEAK_RSS_MIB,
        "meets_target": seconds <= TARGET_SECONDS and peak <= TARGET_PEAK_RSS_MIB,
    }
