"""Ingest benchmark on a generated corpus: parse + structural validation, full PII scan, and the same scan done
the plain way (Presidio's `AnalyzerEngine.analyze` turn by turn), side by side in one run."""

from __future__ import annotations

import json
import random
import resource
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from scsf.domains import DomainRegistry
from scsf.ingest.roles import assign_roles
from scsf.ingest.validator import TurnView, ValidadorConversacional
from scsf.langid import detect_language
from scsf.parsers import parser_class

CUSTOMER = [
    "Hola, buenas tardes, me interesa el {car} que vi en su página",
    "¿Cuánto sería el enganche si lo saco a {months} meses?",
    "Me llamo {name} y mi número es {phone}, ¿me pueden llamar mañana?",
    "Tengo un {car} 2019 con 45,000 km, ¿me lo toman a cuenta?",
    "Hi, I'm interested in the {car}, what is the final price?",
    "My name is {name_en}, you can reach me at {email}",
    "Ok, ¿y qué papeles necesito para el crédito? Mi CURP es {curp}",
    "Está bien, ¿tienen el {car} en color gris y con transmisión automática?",
]
AGENT = [
    "¡Claro! El {car} tiene un precio de lista de $389,900 y este mes hay bono de $15,000",
    "Con enganche del 20 % a {months} meses la mensualidad queda en $7,850 aproximadamente",
    "Con gusto, le agendamos una prueba de manejo el sábado a las 11",
    "Sure, the {car} is available with a 48-month plan at a fixed annual rate of 13.9 %",
    "Para el crédito solo necesitamos identificación, comprobante de domicilio y de ingresos",
    "Su auto a cuenta se valúa en agencia; con 45,000 km suele tomarse muy bien",
]
CARS = ["sedán compacto", "SUV mediana", "pickup doble cabina", "hatchback", "minivan"]
NAMES = ["Juan Pérez", "María Fernanda López", "Luis Hernández", "Ana Sofía Ramírez", "Jorge Castillo"]
NAMES_EN = ["John Miller", "Emily Carter", "Robert Johnson"]
CURPS = ["GODE561231HDFRRN00", "HEGG560427MVZRRL05"]


def generate_corpus(path: Path, conversations: int, turns: int, seed: int = 7) -> None:
    """OpenAI-chat JSONL with realistic sales dialogue and sprinkled PII (names, phones, e-mails, CURPs)."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        for _ in range(conversations):
            values = {
                "car": rng.choice(CARS), "months": rng.choice([24, 36, 48, 60]), "name": rng.choice(NAMES),
                "name_en": rng.choice(NAMES_EN), "phone": f"55 {rng.randint(1000, 9999)} {rng.randint(1000, 9999)}",
                "email": f"cliente{rng.randint(1, 999)}@correo.mx", "curp": rng.choice(CURPS),
            }  # fmt: skip
            messages = [
                {"role": "user" if t % 2 == 0 else "assistant", "content": rng.choice(AGENT if t % 2 else CUSTOMER).format(**values)}
                for t in range(turns)
            ]  # fmt: skip
            handle.write(json.dumps({"messages": messages}, ensure_ascii=False) + "\n")


def bench_ingest(
    conversations: int = 10_000, turns: int = 10, baseline_sample: int = 300, on_step: Callable[[str], None] = print
) -> dict[str, Any]:
    """Rates in conversations/hour; the baseline runs on the first `baseline_sample` conversations only."""
    from scsf.privacy.engine import PiiScanner, get_analyzer

    pack = DomainRegistry.load().get("automotive.sales")
    with tempfile.TemporaryDirectory() as tmp:
        corpus = Path(tmp) / "corpus.jsonl"
        generate_corpus(corpus, conversations, turns)
        on_step("parse + structural validation")
        started = time.perf_counter()
        parsed = list(parser_class("openai_chat")().parse(corpus))
        validator = ValidadorConversacional(pack, lambda texts: [0] * len(texts))
        for conversation in parsed:
            roles = assign_roles(conversation, pack, None).mapping
            validator.validar([TurnView(roles.get(turn.speaker), turn.text) for turn in conversation.turns])
        parse_seconds = time.perf_counter() - started
    texts = [[turn.text for turn in conversation.turns] for conversation in parsed]
    scanner = PiiScanner().warm_up()
    on_step("full PII scan (language detection + NER + all recognizers, batched)")
    started = time.perf_counter()
    flat = [text for conversation in texts for text in conversation]
    langs = [detect_language(text) for text in flat]
    findings = scanner.scan_many(flat, langs)
    scan_seconds = time.perf_counter() - started
    on_step(f"baseline: AnalyzerEngine.analyze turn by turn on {baseline_sample} conversations")
    analyzer = get_analyzer()
    sample = texts[:baseline_sample]
    started = time.perf_counter()
    for conversation in sample:
        for text in conversation:
            analyzer.analyze(text, language=scanner.language_of(text))
    baseline_seconds = time.perf_counter() - started
    scan_rate = conversations / scan_seconds * 3600
    baseline_rate = len(sample) / baseline_seconds * 3600
    return {
        "benchmark": "ingest",
        "conversations": conversations,
        "turns_per_conversation": turns,
        "parse_validate_seconds": round(parse_seconds, 2),
        "parse_validate_conversations_per_hour": round(conversations / parse_seconds * 3600),
        "pii_scan_seconds": round(scan_seconds, 2),
        "pii_scan_conversations_per_hour": round(scan_rate),
        "pii_findings": sum(len(f) for f in findings),
        "baseline_sample_conversations": len(sample),
        "baseline_conversations_per_hour": round(baseline_rate),
        "scan_speedup_vs_baseline": round(scan_rate / baseline_rate, 2),
        "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
        "targets": {
            "parse_validate_conversations_per_hour": 1_000_000,
            "pii_scan_conversations_per_hour": 100_000,
            "scan_speedup_vs_baseline": 5.0,
        },
    }
