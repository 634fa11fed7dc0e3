"""PII detection benchmark: per-entity precision and recall on the labelled es/en set, checked against targets.

A prediction matches a labelled span of the same type when their overlap is at least half of their union
(IoU >= 0.5), one to one; exact-boundary matches are counted too. PERSON is also reported per language
(`PERSON@es`, `PERSON@en`). `heldout_per_entity` repeats the scores on the held-out templates only (written
after the recognizers were tuned, never tuned on). Texts are scanned with language auto-detection, as `pii scan`
does by default.

`heldout_set` scores PERSON alone on a second, hand-written file (`heldout_person.txt`, chat, CRM notes and call
transcripts in the `[[name]]` markup of `load_marked`) that no recognizer change was tuned on; the templated set
above is the tuning set.
"""

from __future__ import annotations

import json
import re
import time
from collections import defaultdict
from collections.abc import Collection
from pathlib import Path
from typing import Any

from scsf.bench.pii_labelled import LABELLED_PATH
from scsf.errors import ScsfError
from scsf.privacy.base import PERSON, STRUCTURED_ENTITIES, SUPPORTED_LANGUAGES

RECALL_STRUCTURED = 0.98
RECALL_PERSON = 0.90
PRECISION_MIN = 0.90
IOU_MIN = 0.5
HELDOUT_BATCHES = ("heldout2", "heldout3")
HELDOUT_PATH = LABELLED_PATH.with_name("heldout_person.txt")
_MARK = re.compile(r"\[\[(.+?)\]\]")

Counts = dict[str, dict[str, int]]


class BenchmarkDataError(ScsfError):
    """A benchmark data file is malformed."""

    title = "benchmark data"


def load_labelled(path: Path = LABELLED_PATH) -> list[dict[str, Any]]:
    with path.open(encoding="utf-8") as handle:
        return [json.loads(line) for line in handle if line.strip()]


def load_marked(path: Path = HELDOUT_PATH) -> list[dict[str, Any]]:
    """Rows like `load_labelled`'s from lines "LANG| text with [[a name]]": each [[...]] is one PERSON span."""
    rows = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.startswith("#"):
            continue
        lang, separator, marked = line.partition("| ")
        if not separator or lang not in SUPPORTED_LANGUAGES:
            raise BenchmarkDataError(f"{path}:{number}: expected 'LANG| text' with LANG one of {SUPPORTED_LANGUAGES}")
        text, spans, done = "", [], 0
        for mark in _MARK.finditer(marked):
            name = mark.group(1)
            if name != name.strip() or "[" in name:
                raise BenchmarkDataError(f"{path}:{number}: span [[{name}]] has edge spaces or a nested bracket")
            text += marked[done : mark.start()]
            spans.append({"start": len(text), "end": len(text) + len(name), "entity_type": PERSON})
            text += name
            done = mark.end()
        text += marked[done:]
        if "[[" in text or "]]" in text:
            raise BenchmarkDataError(f"{path}:{number}: unbalanced [[ ]] in the text")
        kind = "person" if spans else "hard_negative"
        rows.append({"id": f"{path.stem}-{number:04d}", "lang": lang, "kind": kind, "text": text, "spans": spans})
    return rows


def _iou(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def _match(gold: list[tuple[int, int]], pred: list[tuple[int, int]]) -> tuple[int, int]:
    """(IoU matches, exact matches), greedy one-to-one by best IoU."""
    pairs = sorted(((_iou(g, p), gi, pi) for gi, g in enumerate(gold) for pi, p in enumerate(pred)), reverse=True)
    used_g, used_p, matched, exact = set(), set(), 0, 0
    for iou, gi, pi in pairs:
        if iou < IOU_MIN or gi in used_g or pi in used_p:
            continue
        used_g.add(gi)
        used_p.add(pi)
        matched += 1
        exact += gold[gi] == pred[pi]
    return matched, exact


def _counts() -> Counts:
    return defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0, "exact": 0, "gold": 0})


def _scores(table: Counts) -> dict[str, dict[str, Any]]:
    return {
        entity: {"precision": _ratio(c["tp"], c["tp"] + c["fp"]), "recall": _ratio(c["tp"], c["tp"] + c["fn"]),
                 "tp": c["tp"], "fp": c["fp"], "fn": c["fn"]}
        for entity, c in sorted(table.items())
    }  # fmt: skip


def _ratio(num: int, den: int) -> float:
    return round(num / den, 4) if den else 1.0


def _targets(entity: str) -> dict[str, float]:
    recall = RECALL_PERSON if entity.startswith(PERSON) else RECALL_STRUCTURED
    return {"precision": PRECISION_MIN, "recall": recall}


def _tally(
    rows: list[dict[str, Any]], results: list[Any], tables_of: Any, only: Collection[str] | None = None
) -> tuple[int, list[dict[str, Any]]]:
    """Adds each row's matches to the tables `tables_of(row)` names; (language hits, mismatches). `only` limits the
    scored entity types (a file that labels only some)."""
    errors: list[dict[str, Any]] = []
    lang_correct = 0
    for row, result in zip(rows, results, strict=True):
        lang_correct += result.lang == row["lang"]
        types = {s["entity_type"] for s in row["spans"]} | {f.entity_type for f in result.findings}
        for entity in sorted(types if only is None else types & set(only)):
            gold = [(s["start"], s["end"]) for s in row["spans"] if s["entity_type"] == entity]
            pred = [(f.start, f.end) for f in result.findings if f.entity_type == entity]
            matched, exact = _match(gold, pred)
            keys = [entity] + ([f"{entity}@{row['lang']}"] if entity == PERSON else [])
            for table in tables_of(row):
                for key in keys:
                    table[key]["tp"] += matched
                    table[key]["exact"] += exact
                    table[key]["fp"] += len(pred) - matched
                    table[key]["fn"] += len(gold) - matched
                    table[key]["gold"] += len(gold)
            if matched < max(len(gold), len(pred)):
                errors.append({"id": row["id"], "entity_type": entity, "text": row["text"],
                               "gold": [row["text"][s:e] for s, e in gold],
                               "found": [row["text"][s:e] for s, e in pred]})  # fmt: skip
    return lang_correct, errors


def _judge(counts: Counts) -> tuple[dict[str, dict[str, Any]], list[str]]:
    """Scores with their targets, and the entity types that miss them (PERSON is judged per language)."""
    per_entity: dict[str, dict[str, Any]] = {}
    failures = []
    for entity in sorted(counts):
        c = counts[entity]
        precision = _ratio(c["tp"], c["tp"] + c["fp"])
        recall = _ratio(c["tp"], c["tp"] + c["fn"])
        target = _targets(entity)
        judged = entity.startswith(PERSON) or entity in STRUCTURED_ENTITIES or entity == "IP_ADDRESS"
        ok = not judged or (precision >= target["precision"] and (c["gold"] == 0 or recall >= target["recall"]))
        per_entity[entity] = {
            "precision": precision, "recall": recall,
            "tp": c["tp"], "fp": c["fp"], "fn": c["fn"], "labelled": c["gold"],
            "exact_boundary": c["exact"], "target": target, "meets_target": ok,
        }  # fmt: skip
        if not ok and entity != PERSON:
            failures.append(entity)
    return per_entity, failures


def _set_summary(path: Path, rows: list[dict[str, Any]], lang_correct: int) -> dict[str, Any]:
    return {
        "dataset": str(path.name),
        "texts": len(rows),
        "labelled_spans": sum(len(row["spans"]) for row in rows),
        "hard_negative_texts": sum(row.get("kind") == "hard_negative" for row in rows),
        "language_detection_accuracy": round(lang_correct / len(rows), 4) if rows else 1.0,
    }


def heldout_set(scanner: Any, path: Path = HELDOUT_PATH) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """PERSON scores on the hand-written held-out file, and its mismatches."""
    rows = load_marked(path)
    results = scanner.scan_results([row["text"] for row in rows])
    counts = _counts()
    lang_correct, errors = _tally(rows, results, lambda row: [counts], only={PERSON})
    per_entity, failures = _judge(counts)
    section = _set_summary(path, rows, lang_correct) | {
        "entities_scored": [PERSON], "per_entity": per_entity, "meets_targets": not failures, "failures": failures,
    }  # fmt: skip
    return section, errors


def bench_pii(path: Path = LABELLED_PATH, scanner: Any = None, heldout_path: Path = HELDOUT_PATH) -> dict[str, Any]:
    """Scan every labelled text and score it; `meets_targets` is False if any per-type target is missed on the
    tuning set (`path`); the held-out file is judged in `heldout_set.meets_targets`."""
    from scsf.privacy.engine import PiiScanner

    rows = load_labelled(path)
    scanner = scanner or PiiScanner()
    scanner.warm_up()
    started = time.perf_counter()
    results = scanner.scan_results([row["text"] for row in rows])
    seconds = time.perf_counter() - started

    counts, heldout = _counts(), _counts()
    by_batch = {batch: _counts() for batch in HELDOUT_BATCHES}

    def tables_of(row: dict[str, Any]) -> list[Counts]:
        kind = row.get("kind", "")
        tables = [counts]
        if kind.startswith("heldout"):
            tables.append(heldout)
        if kind in by_batch:
            tables.append(by_batch[kind])
        return tables

    lang_correct, errors = _tally(rows, results, tables_of)
    per_entity, failures = _judge(counts)
    held_section, held_errors = heldout_set(scanner, heldout_path)
    return {
        "benchmark": "pii",
        **_set_summary(path, rows, lang_correct),
        "seconds": round(seconds, 3),
        "texts_per_second": round(len(rows) / seconds, 1) if seconds else None,
        "per_entity": per_entity,
        "heldout_per_entity": _scores(heldout),
        "heldout_batches": {batch: _scores(table) for batch, table in by_batch.items()},
        "heldout_set": held_section | {"errors": len(held_errors)},
        "meets_targets": not failures,
        "failures": failures,
        "errors": errors,
    }
