"""Reads seed files (.json object or array, .jsonl) into validated seeds; errors name file, line and field."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from scsf.domains import DomainRegistry
from scsf.errors import SeedError
from scsf.seeds.schema import Seed
from scsf.validation import describe_first_error


@dataclass(frozen=True)
class SeedSource:
    """Where a seed came from: file and 1-based line (the line its JSON value starts on)."""

    path: Path
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


def parse_seed(document: Any, domains: DomainRegistry, where: str) -> Seed:
    """Validate one seed document against SeedSchema v1 and its domain pack."""
    if not isinstance(document, dict):
        raise SeedError(f"{where}: (root): expected a JSON object, got {type(document).__name__}")
    try:
        return Seed.model_validate(document, context={"domains": domains})
    except ValidationError as exc:
        raise SeedError(f"{where}: {describe_first_error(exc, schema='SeedSchema v1')}") from exc


def load_seed_file(path: Path, domains: DomainRegistry) -> Iterator[tuple[SeedSource, Seed]]:
    """Yield every seed of a file. The first bad one raises SeedError naming file, line and JSON path."""
    found = False
    for line, document in _documents(path):
        found = True
        source = SeedSource(path, line)
        yield source, parse_seed(document, domains, str(source))
    if not found:
        raise SeedError(f"{path}: no seeds in this file")


def _documents(path: Path) -> Iterator[tuple[int, Any]]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SeedError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise SeedError(f"{path}: cannot read: {exc}") from exc
    if path.suffix == ".jsonl":
        for number, raw in enumerate(text.splitlines(), start=1):
            if raw.strip():
                yield number, _decode(raw, path, line_offset=number - 1)
        return
    document = _decode(text, path)
    if isinstance(document, list):
        starts = _element_lines(text)
        for position, item in enumerate(document):
            yield starts[position] if position < len(starts) else 1, item
    else:
        yield 1, document


def _decode(text: str, path: Path, line_offset: int = 0) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise SeedError(f"{path}:{exc.lineno + line_offset}: broken JSON at column {exc.colno}: {exc.msg}") from None


def _element_lines(text: str) -> list[int]:
    """1-based line on which each top-level element of a JSON array starts."""
    decoder = json.JSONDecoder()
    starts: list[int] = []
    index = text.index("[") + 1
    while True:
        while index < len(text) and text[index] in " \t\r\n,":
            index += 1
        if index >= len(text) or text[index] == "]":
            return starts
        starts.append(text.count("\n", 0, index) + 1)
        _, index = decoder.raw_decode(text, index)
