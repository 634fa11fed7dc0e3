"""`Evaluator.evaluate_many`: exactly the verdicts of `evaluate` one by one, batched through one PII scan per batch,
in this process and in worker processes, with the real scanner."""

from __future__ import annotations

import os
import time
from collections.abc import Sequence
from pathlib import Path

import pytest

from eval_cases import FAITHFUL, conversation, make_seed
from scsf.bench.eval_corpus import generated_conversations
from scsf.domains import DomainPack, DomainRegistry
from scsf.eval.evaluator import EvaluationError, Evaluator
from scsf.eval.fidelity import Claim
from scsf.privacy import PiiScanner
from scsf.privacy.base import PiiFinding
from scsf.seeds.conversation import Conversation
from scsf.seeds.schema import Seed

CURP = "BOXW310820HNERXN09"  # check digit valid


@pytest.fixture(scope="module")
def scanner() -> PiiScanner:
    return PiiScanner().warm_up()


class CountingScanner:
    """The real scanner, recording the texts of every scan_many call."""

    def __init__(self, scanner: PiiScanner) -> None:
        self.scanner = scanner
        self.calls: list[list[str]] = []

    def scan_many(self, texts: Sequence[str], langs: object = None) -> list[list[PiiFinding]]:
        self.calls.append(list(texts))
        return self.scanner.scan_many(texts)


class SlowHereScanner:
    """The real scanner, logging the processes that start it and scan with it; in the process that made it, a scan
    waits until a worker has started (at most a minute) and then scanned (at most a second a scan), so that a worker
    gets batches however loaded the machine."""

    def __init__(self, scanner: PiiScanner, log: Path) -> None:
        self.scanner, self.log, self.home = scanner, log, os.getpid()

    def _write(self, event: str) -> None:
        with self.log.open("a") as log:
            log.write(f"{event} {os.getpid()}\n")

    def processes(self, event: str) -> set[int]:
        lines = self.log.read_text().splitlines() if self.log.exists() else []
        return {int(pid) for kind, pid in map(str.split, lines) if kind == event}

    def _wait_for_another(self, event: str, seconds: float) -> None:
        deadline = time.monotonic() + seconds
        while not self.processes(event) - {self.home} and time.monotonic() < deadline:
            time.sleep(0.05)

    def warm_up(self) -> None:
        self._write("start")
        self.scanner.warm_up()

    def scan_many(self, texts: Sequence[str], langs: object = None) -> list[list[PiiFinding]]:
        self._write("scan")
        if os.getpid() == self.home:
            self._wait_for_another("start", 60)
            self._wait_for_another("scan", 1)
        return self.scanner.scan_many(texts)


def varied(domains: DomainRegistry) -> list[tuple[Conversation, Seed]]:
    """Generated conversations of every pilot domain, a CURP rejected for privacy, repeated texts within one
    conversation and across two, a short one and one whose quoted values come from a tool."""
    seed = make_seed(domains)
    with_curp = list(FAITHFUL)
    with_curp[2] = ("cliente", f"No tengo historial crediticio; mi CURP es {CURP} por si la necesita.")
    repeated = [*FAITHFUL[:4], *FAITHFUL[:4]]
    quoted = list(FAITHFUL)
    quoted[3] = (
        "agente_ventas",
        "Le propongo enganche del 20 % a 48 meses: mensualidad de $6,512.40 con tasa de 16.9%.",
    )
    tools = [{"name": "calcular_financiamiento", "arguments": {"tasa_anual": 16.9}, "result": {"mensualidad": 6512.4}}]
    written = [
        conversation(seed, FAITHFUL, conversation_id="faithful"),
        conversation(seed, with_curp, conversation_id="curp"),
        conversation(seed, repeated, conversation_id="repeated"),
        conversation(seed, with_curp, conversation_id="curp-again"),
        conversation(seed, FAITHFUL[:3], conversation_id="short"),
        conversation(seed, quoted, {"tools": tools}, conversation_id="tools"),
    ]
    generated = list(generated_conversations(30, domains))
    return generated[:15] + [(item, seed) for item in written] + generated[15:]


def test_evaluate_many_equals_evaluate_one_by_one(domains: DomainRegistry, scanner: PiiScanner) -> None:
    pairs = varied(domains)
    one_by_one = [Evaluator(scanner, domains).evaluate(item, seed) for item, seed in pairs]
    counting = CountingScanner(scanner)
    batched = list(Evaluator(counting, domains).evaluate_many(pairs, batch_size=16))
    assert batched == one_by_one
    assert len(counting.calls) == 3  # 36 conversations in batches of 16
    assert all(len(texts) == len(set(texts)) for texts in counting.calls)  # each distinct text scanned once
    by_id = {verdict.conversation_id: verdict for verdict in batched}
    assert by_id["curp"].result("privacy_score").details == {"by_type": {"CURP": 1}}
    assert not by_id["curp-again"].accepted and by_id["faithful"].accepted
    assert "turn 5 repeats turn 1" in by_id["repeated"].result("coherencia_dialogo").reasons


def test_worker_processes_and_judge_claims_per_conversation(
    domains: DomainRegistry, scanner: PiiScanner, tmp_path: Path
) -> None:
    """This process and a worker process give the same verdicts, this one evaluating batches too; the judge is asked
    once per conversation, in this process."""
    asked: list[str] = []

    def judge(item: Conversation, seed: Seed, pack: DomainPack) -> list[Claim]:
        asked.append(item.conversation_id)
        supported = item.conversation_id != "curp"
        return [Claim(1, "producto", label="sedán compacto", supported=supported)]

    pairs = varied(domains)
    evaluator = Evaluator(scanner, domains, judge=judge)
    one_by_one = [evaluator.evaluate(item, seed) for item, seed in pairs]
    asked.clear()
    shared = SlowHereScanner(scanner, tmp_path / "scans.log")
    assert list(Evaluator(shared, domains, judge=judge).evaluate_many(pairs, workers=2, batch_size=2)) == one_by_one
    assert os.getpid() in shared.processes("scan") and len(shared.processes("scan")) == 2
    assert asked == [item.conversation_id for item, _ in pairs]
    fidelity = {verdict.conversation_id: verdict.result("fidelidad_factual") for verdict in one_by_one}
    assert "turn 1: producto sedán compacto is named by neither the seed nor a tool result" in fidelity["curp"].reasons
    assert fidelity["faithful"].details["checked"] == 2  # 20 %, 48 meses; the judge's holding product apart
    assert fidelity["faithful"].details["confirmed"] == 1


def test_another_seed_is_refused(domains: DomainRegistry, scanner: PiiScanner) -> None:
    seed = make_seed(domains)
    other = make_seed(domains, seed_id="5d3a2c1b-0e9f-4a8b-8c7d-6e5f4a3b2c1d")
    with pytest.raises(EvaluationError, match="is not seed"):
        list(Evaluator(scanner, domains).evaluate_many([(conversation(seed, FAITHFUL), other)]))
