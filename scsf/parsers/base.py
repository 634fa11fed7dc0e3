"""The parser contract: a file in, a stream of normalised conversations out, every turn with its provenance."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field

from scsf.errors import ScsfError


class ParseError(ScsfError):
    """A malformed input: always names the file and, where known, the line (or byte offset) and the reason."""

    title = "parse"

    def __init__(self, path: Path | str, reason: str, *, line: int | None = None, offset: int | None = None) -> None:
        where = f"{path}:{line}" if line is not None else (f"{path}@{offset}" if offset is not None else f"{path}")
        super().__init__(f"{where}: {reason}")
        self.path, self.line, self.offset, self.reason = str(path), line, offset, reason


class Provenance(BaseModel):
    """Where a turn came from: the source file and a 1-based line, or a byte offset for binary-ish inputs."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: str
    line: int | None = None
    offset: int | None = None


class ParsedTurn(BaseModel):
    """One message as found in the source. `role` is filled later by role mapping; `lang` by language detection."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    speaker: str = Field(description="the author as the source names it (a name, a phone, 'user', 'SPEAKER_00')")
    text: str
    timestamp: datetime | None = None
    role: str | None = None
    lang: str | None = None
    provenance: Provenance
    kind: str = Field(default="message", description="message | tool_call | tool_result | system")
    extra: dict[str, Any] = Field(default_factory=dict, description="format-specific fields kept verbatim")


class ParsedConversation(BaseModel):
    """A normalised conversation from one source (a file may hold many)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: str
    source: str
    key: str = Field(description="the conversation's id inside its source (a file name, a lead id, a row group)")
    turns: list[ParsedTurn]
    metadata: dict[str, Any] = Field(default_factory=dict)


@dataclass(frozen=True)
class Sniff:
    """A parser's opinion on a file: confidence in [0, 1] and the evidence, shown by `--format auto`."""

    confidence: float
    reason: str


class Parser(ABC):
    """One input format. Subclasses set `name`, may extend `Options`, implement `sniff` and `parse`.

    `parse` must stream: a 1 GB export never sits in memory. It raises ParseError (file, line, reason) on
    malformed input and must never raise anything else on any bytes.
    """

    name: ClassVar[str]

    class Options(BaseModel):
        model_config = ConfigDict(extra="forbid")

    def __init__(self, options: Options | None = None) -> None:
        self.options = options if options is not None else self.Options()

    @classmethod
    @abstractmethod
    def sniff(cls, path: Path, head: str) -> Sniff:
        """How likely `path` is in this format, judged from its name and first characters (`head`, ~64 KiB)."""

    @abstractmethod
    def parse(self, path: Path) -> Iterator[ParsedConversation]:
        """Yield the conversations of `path`, in source order."""
