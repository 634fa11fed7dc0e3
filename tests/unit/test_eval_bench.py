"""bench eval on a few generated conversations: the report's fields and that it really evaluated them."""

from __future__ import annotations

from eval_cases import NoPii
from scsf.bench.eval import bench_eval_metrics
from scsf.bench.eval_corpus import generated_conversations
from scsf.domains import DomainRegistry


def test_corpus_comes_from_the_generation_pipeline(domains: DomainRegistry) -> None:
    corpus = list(generated_conversations(8, domains))
    assert len({seed.dominio for _, seed in corpus}) > 1
    for conversation, seed in corpus:
        assert conversation.seed_id == seed.seed_id
        assert len(conversation.messages()) == len(conversation.generation["stage_plan"])


def test_bench_eval_metrics_reports_throughput_and_accuracy() -> None:
    report = bench_eval_metrics(12, NoPii())
    assert report["conversations"] == 12 and report["conversations_per_s"] > 0
    assert 0.0 < report["stage_label_accuracy"] <= 1.0
    assert report["accepted"] + max(report["failed_by_metric"].values(), default=0) >= 1
    assert "privacy_score" not in report["failed_by_metric"]
