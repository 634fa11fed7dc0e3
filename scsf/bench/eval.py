"""`bench eval`: throughput of the per-conversation metrics without a model (target >= 200 conversations/s on 2 cores),
and the stage labeller's agreement with the generator's planned stages, on generated-looking conversations
(`eval_corpus`). Timed through `Evaluator.evaluate_many`, the path runs take, with the real PII scanner warmed up
first; building the corpus is not timed.

Every combination is timed: the full scan (spaCy NER for PERSON) and the pattern recognizers only, since the NER pass
costs most of the time; one process and one process per CPU (this one and worker processes); the template corpus, whose
texts repeat (each distinct text is scanned once a batch), and the same corpus with every turn made distinct, as a
model's are. A worker process loads its own scanner (seconds) while this one evaluates: `first_verdict_s` is in
`seconds`; `per_s_after_first_batches` is the rate from the first verdict on, counting one batch a process as done by
then. The cores may be shared: the load average before and after is reported, and, in one process, conversations per
CPU-second (`per_cpu_s`), which other processes' load changes less."""

from __future__ import annotations

import os
import time
from collections import Counter
from typing import Any

from scsf.bench.eval_corpus import generated_conversations
from scsf.domains import DomainRegistry
from scsf.eval.evaluator import Evaluator
from scsf.privacy.base import PiiFinding

TARGET_PER_S = 200.0
BATCH_SIZE = 64


class PatternScan:
    """The scanner's pattern recognizers only (no NER): identifiers, cards, phones, e-mail, coordinates, IPs."""

    def __init__(self, scanner: Any) -> None:
        self.scanner = scanner

    def warm_up(self) -> None:
        self.scanner.warm_up()

    def scan_many(self, texts: Any, langs: Any = None) -> list[list[PiiFinding]]:
        return self.scanner.scan_structured(texts, langs)


def bench_eval(n: int, workers: tuple[int, ...] | None = None) -> dict[str, Any]:
    """Every timing over the same `n` conversations: {scan: {corpus: {"workers_<k>": report}}}, `workers` by default
    1 and one per CPU."""
    from scsf.privacy import PiiScanner

    cpus = len(os.sched_getaffinity(0))
    workers = workers or tuple(sorted({1, cpus}))
    scanner = PiiScanner().warm_up()
    domains = DomainRegistry.load()
    corpora = {
        "templates": list(generated_conversations(n, domains)),
        "unique_texts": list(generated_conversations(n, domains, unique_texts=True)),
    }
    report: dict[str, Any] = {"conversations": n, "target_per_s": TARGET_PER_S, "cpus": cpus}
    report["load_average_before"] = [round(load, 2) for load in os.getloadavg()]
    for scan, chosen in (("full_scan", scanner), ("pattern_scan", PatternScan(scanner))):
        evaluator = Evaluator(chosen, domains)
        report[scan] = {
            name: {f"workers_{k}": bench_eval_metrics(corpus, evaluator, k) for k in workers}
            for name, corpus in corpora.items()
        }
    report["load_average_after"] = [round(load, 2) for load in os.getloadavg()]
    return report


def bench_eval_metrics(corpus: list[Any], evaluator: Evaluator, workers: int = 1) -> dict[str, Any]:
    """Evaluate the (conversation, seed) pairs of `corpus` once through `evaluate_many` (after an untimed pass over
    the first, which loads rouge-score and builds the stage profiles) and report conversations/s, per-turn
    stage-labelling accuracy against `stage_plan`, acceptance and rejection counts."""
    evaluator.evaluate(*corpus[0])
    started, cpu = time.perf_counter(), time.process_time()
    verdicts, first = [], 0.0
    for verdict in evaluator.evaluate_many(corpus, workers=workers, batch_size=BATCH_SIZE):
        if not verdicts:
            first = time.perf_counter() - started
        verdicts.append(verdict)
    after_first = len(corpus) - workers * BATCH_SIZE  # each worker's first batch may be done by the first verdict
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    labelled = agreed = 0
    for (conversation, _), verdict in zip(corpus, verdicts, strict=True):
        labels = verdict.result("rouge_l").details["labels"]
        labelled += len(labels)
        agreed += sum(map(str.__eq__, labels, conversation.generation["stage_plan"]))
    failed = Counter(result.name for verdict in verdicts for result in verdict.results if not result.passed)
    texts = [turn.text for conversation, _ in corpus for turn in conversation.messages()]
    return {
        "workers": workers,
        "seconds": round(seconds, 3),
        "conversations_per_s": round(len(corpus) / seconds, 1),
        "first_verdict_s": round(first, 3),
        "per_s_after_first_batches": round(after_first / (seconds - first), 1) if after_first > 0 else None,
        "per_cpu_s": round(len(corpus) / cpu, 1) if workers == 1 else None,
        "distinct_text_share": round(len(set(texts)) / len(texts), 4),
        "stage_label_accuracy": round(agreed / labelled, 4),
        "accepted": sum(verdict.accepted for verdict in verdicts),
        "failed_by_metric": dict(sorted(failed.items())),
    }
