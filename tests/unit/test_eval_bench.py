"""bench eval on a few generated conversations: the report's fields and that it really evaluated them."""

from __future__ import annotations

import re

from eval_cases import NoPii
from scsf.bench.eval import bench_eval_metrics
from scsf.bench.eval_corpus import generated_conversations
from scsf.domains import DomainRegistry
from scsf.eval.evaluator import Evaluator


def test_corpus_comes_from_the_generation_pipeline(domains: DomainRegistry) -> None:
    corpus = list(generated_conversations(8, domains))
    assert len({seed.dominio for _, seed in corpus}) > 1
    for conversation, seed in corpus:
        assert conversation.seed_id == seed.seed_id
        assert len(conversation.messages()) == len(conversation.generation["stage_plan"])


def test_unique_texts_end_with_a_marker_of_their_own(domains: DomainRegistry) -> None:
    plain = list(generated_conversations(40, domains))
    unique = list(generated_conversations(40, domains, unique_texts=True))
    texts = [turn.text for conversation, _ in unique for turn in conversation.messages()]
    assert len(set(texts)) == len(texts)
    for (before, _), (after, _) in zip(plain, unique, strict=True):
        assert len(before.turns) == len(after.turns)
        for old, new in zip(before.messages(), after.messages(), strict=True):
            assert re.fullmatch(re.escape(old.text) + r" \(xq[a-p]+\)", new.text)


def test_bench_eval_metrics_reports_throughput_and_accuracy(domains: DomainRegistry) -> None:
    corpus = list(generated_conversations(12, domains))
    report = bench_eval_metrics(corpus, Evaluator(NoPii(), domains))
    assert report["workers"] == 1 and 0.0 < report["first_verdict_s"] <= report["seconds"]
    assert report["per_s_after_first_batches"] is None  # all 12 in the first batch
    assert report["per_cpu_s"] > 0
    assert report["conversations_per_s"] > 0 and 0.0 < report["distinct_text_share"] < 1.0
    assert 0.0 < report["stage_label_accuracy"] <= 1.0
    assert report["accepted"] + max(report["failed_by_metric"].values(), default=0) >= 1
    assert "privacy_score" not in report["failed_by_metric"]
