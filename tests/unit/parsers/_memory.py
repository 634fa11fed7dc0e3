"""Peak memory of parsing, for the tests that show a parser streams: what tracemalloc saw at most while it ran, or,
for files of tens of megabytes (where tracemalloc would slow the parse five-fold), how far a fresh process's peak
RSS rose while it parsed."""

from __future__ import annotations

import json
import subprocess
import sys
import tracemalloc
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scsf.parsers.base import ParsedConversation

_CHILD = """
import json, resource, sys
from pathlib import Path
from scsf.parsers import parser_class
name, path, options = sys.argv[1], Path(sys.argv[2]), json.loads(sys.argv[3])
parser = parser_class(name)(parser_class(name).Options(**options))
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
seen = {"conversations": 0, "turns": 0, "chars": 0, "keys": []}
for conversation in parser.parse(path):
    seen["conversations"] += 1
    seen["turns"] += len(conversation.turns)
    seen["chars"] += sum(len(turn.text) for turn in conversation.turns)
    seen["keys"].append(conversation.key)
    seen["last_metadata"], seen["last_text"] = conversation.metadata, conversation.turns[-1].text
    seen["last_lines"] = [conversation.turns[0].provenance.line, conversation.turns[-1].provenance.line]
    del conversation
seen["peak"] = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) * 1024
print(json.dumps(seen))
"""


@dataclass
class Consumed:
    """What a parse gave, without keeping its conversations: counts, keys, the last one, and the peak in bytes."""

    conversations: int = 0
    turns: int = 0
    chars: int = 0
    keys: list[str] = field(default_factory=list)
    last: ParsedConversation | None = None
    peak: int = 0


def consume(conversations: Iterable[ParsedConversation]) -> Consumed:
    """Read every conversation, keeping only the last, under tracemalloc."""
    seen = Consumed()
    tracemalloc.start()
    try:
        for conversation in conversations:
            seen.conversations += 1
            seen.turns += len(conversation.turns)
            seen.chars += sum(len(turn.text) for turn in conversation.turns)
            seen.keys.append(conversation.key)
            seen.last = conversation
        seen.peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return seen


def parse_in_child(format_name: str, path: Path, **options: Any) -> dict[str, Any]:
    """Parse `path` in a fresh interpreter: its counts, keys, the last conversation's metadata, last text and first
    and last lines, and `peak`: how many bytes its peak RSS grew by while parsing (the imports before it excluded)."""
    command = [sys.executable, "-c", _CHILD, format_name, str(path), json.dumps(options)]
    done = subprocess.run(command, capture_output=True, text=True, check=False, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout)
