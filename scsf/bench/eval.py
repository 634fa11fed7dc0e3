"""`bench eval`: throughput of the per-conversation metrics without a model (target >= 200 conversations/s on 2 cores),
and the stage labeller's agreement with the generator's planned stages, on generated-looking conversations
(`eval_corpus`). The PII scanner is the real one, warmed up before timing; building the corpus is not timed.
`bench_eval` times the metrics twice: with the full scan (spaCy NER for PERSON) and with the pattern recognizers only,
since the NER pass costs most of the time."""

from __future__ import annotations

import os
import time
from collections import Counter
from typing import Any

from scsf.bench.eval_corpus import generated_conversations
from scsf.domains import DomainRegistry
from scsf.eval.evaluator import Evaluator
from scsf.eval.privacy import TextScanner
from scsf.privacy.base import PiiFinding

TARGET_PER_S = 200.0


class PatternScan:
    """The scanner's pattern recognizers only (no NER): identifiers, cards, phones, e-mail, coordinates, IPs."""

    def __init__(self, scanner: Any) -> None:
        self.scanner = scanner

    def scan_many(self, texts: Any, langs: Any = None) -> list[list[PiiFinding]]:
        return self.scanner.scan_structured(texts, langs)


def bench_eval(n: int) -> dict[str, Any]:
    """Both timings (full scan, pattern scan) over the same `n` conversations."""
    from scsf.privacy import PiiScanner

    scanner = PiiScanner().warm_up()
    return {"full_scan": bench_eval_metrics(n, scanner), "pattern_scan": bench_eval_metrics(n, PatternScan(scanner))}


def bench_eval_metrics(n: int, scanner: TextScanner) -> dict[str, Any]:
    """Evaluate `n` generated conversations once (after one untimed warm-up pass over the first) and report
    conversations/s, per-turn stage-labelling accuracy against `stage_plan`, acceptance and rejection counts."""
    domains = DomainRegistry.load()
    corpus = list(generated_conversations(n, domains))
    evaluator = Evaluator(scanner, domains)
    evaluator.evaluate(*corpus[0])  # loads rouge-score/nltk and builds the stage profiles outside the timing
    started = time.perf_counter()
    verdicts = [evaluator.evaluate(conversation, seed) for conversation, seed in corpus]
    seconds = time.perf_counter() - started
    labelled = agreed = 0
    for (conversation, _), verdict in zip(corpus, verdicts, strict=True):
        labels = verdict.result("rouge_l").details["labels"]
        labelled += len(labels)
        agreed += sum(map(str.__eq__, labels, conversation.generation["stage_plan"]))
    failed = Counter(result.name for verdict in verdicts for result in verdict.results if not result.passed)
    return {
        "conversations": n,
        "seconds": round(seconds, 3),
        "conversations_per_s": round(n / seconds, 1),
        "target_per_s": TARGET_PER_S,
        "cpus": os.cpu_count(),
        "stage_label_accuracy": round(agreed / labelled, 4),
        "accepted": sum(verdict.accepted for verdict in verdicts),
        "failed_by_metric": dict(sorted(failed.items())),
    }
