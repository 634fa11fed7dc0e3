"""`scsf-appliance pii ...`: scan text for residual PII (whitepaper 6.2), or redact it, one input line per text."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from contextlib import AbstractContextManager, nullcontext
from enum import StrEnum
from itertools import islice
from pathlib import Path
from typing import Annotated, TextIO

import typer

from appliance.output import console, print_table

app = typer.Typer(help="Residual-PII scanner: CURP, RFC, CLABE, cards, phones, e-mail, coordinates, IPs, names.",
                  no_args_is_help=True)  # fmt: skip

CHUNK = 256


class Lang(StrEnum):
    es = "es"
    en = "en"
    auto = "auto"


class Mode(StrEnum):
    redact = "redact"
    mask = "mask"
    pseudonymize = "pseudonymize"


Source = Annotated[str, typer.Argument(metavar="FILE|-", help="UTF-8 text file, one text per line; - reads stdin")]
LangOption = Annotated[Lang, typer.Option("--lang", help="Language of the lines; auto detects each line (es/en)")]
MinScore = Annotated[float, typer.Option("--min-score", min=0.0, max=1.0, help="Report findings scoring at least this")]


def _open(source: str) -> AbstractContextManager[TextIO]:
    if source == "-":
        return nullcontext(sys.stdin)  # never close stdin
    path = Path(source)
    if not path.is_file():
        raise typer.BadParameter(f"no such file: {source}", param_hint="FILE")
    return path.open(encoding="utf-8", errors="replace")


def _chunks(handle: TextIO) -> Iterator[list[str]]:
    lines = (line.rstrip("\r\n") for line in handle)
    while chunk := list(islice(lines, CHUNK)):
        yield chunk


@app.command("scan")
def scan(
    source: Source,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per input line")] = False,
    lang: LangOption = Lang.auto,
    min_score: MinScore = 0.5,
) -> None:
    """Scan each line; --json prints {"line": n, "findings": [{entity_type, start, end, text, score}]} per line."""
    from scsf.privacy import PiiScanner

    scanner = PiiScanner(min_score=min_score)
    language = None if lang is Lang.auto else lang.value
    rows: list[list[object]] = []
    number = 0
    with _open(source) as handle:
        for chunk in _chunks(handle):
            for findings in scanner.scan_many(chunk, language):
                number += 1
                if as_json:
                    document = {"line": number, "findings": [f.to_dict() for f in findings]}
                    sys.stdout.write(json.dumps(document, ensure_ascii=False) + "\n")
                else:
                    rows += [[number, f.entity_type, f.text, f"{f.score:.2f}", f"{f.start}-{f.end}"] for f in findings]
    if as_json:
        sys.stdout.flush()
        return
    if rows:
        lines_with_pii = len({row[0] for row in rows})
        print_table(f"{len(rows)} findings in {lines_with_pii} of {number} lines", ["line", "type", "text", "score",
                    "span"], rows)  # fmt: skip
    else:
        console.print(f"no PII found in {number} lines")


@app.command("redact")
def redact(
    source: Source,
    mode: Annotated[Mode, typer.Option("--mode", help="redact: [TYPE] tags; mask: ***; pseudonymize: invented values")]
    = Mode.redact,
    seed: Annotated[str, typer.Option("--seed", help="Pseudonym seed (same seed, same surrogates)")] = "0",
    lang: LangOption = Lang.auto,
    min_score: MinScore = 0.5,
) -> None:
    """Print the input with PII replaced; all lines count as one conversation (consistent pseudonyms)."""
    from scsf.privacy import PiiScanner, Pseudonymizer, redact_text

    scanner = PiiScanner(min_score=min_score)
    language = None if lang is Lang.auto else lang.value
    pseudonymizer = Pseudonymizer(seed)
    with _open(source) as handle:
        for chunk in _chunks(handle):
            for text, findings in zip(chunk, scanner.scan_many(chunk, language), strict=True):
                sys.stdout.write(redact_text(text, findings, mode.value, pseudonymizer) + "\n")
    sys.stdout.flush()
