"""`--format auto`: every parser sniffs the file; the most confident one wins, and says why."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scsf.parsers import parser_class, parser_names
from scsf.parsers.base import ParseError, Sniff
from scsf.parsers.textio import read_head

MIN_CONFIDENCE = 0.3


@dataclass(frozen=True)
class Detection:
    format: str
    sniff: Sniff


def detect_format(path: Path) -> Detection:
    """The best-matching format for `path`, or ParseError listing what each parser saw."""
    head = read_head(path)
    ranked = sorted(
        ((parser_class(name).sniff(path, head), name) for name in parser_names()),
        key=lambda pair: pair[0].confidence,
        reverse=True,
    )
    best, name = ranked[0]
    if best.confidence < MIN_CONFIDENCE:
        raise ParseError(path, "cannot tell the format (no parser is confident); pass --format NAME")
    return Detection(name, best)
