"""What every tool module shares: the error, the invocation record, the implementation entry and catalogue loading."""

from __future__ import annotations

import hashlib
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from scsf.errors import GenerationError

if TYPE_CHECKING:
    from scsf.generation.tools.facts import SeedFacts

DATA = Path(__file__).parent / "data"
NOTHING: Mapping[str, Any] = MappingProxyType({})  # the `stated` of a call whose seed states nothing more


class ToolError(GenerationError):
    """A tool call cannot be computed: unknown tool, arguments outside its schema, or values its catalogue lacks."""

    title = "tool"


@dataclass(frozen=True)
class ToolInvocation:
    """One injected call: the arguments the assistant passes, the deterministic result, the stage it is made in, and
    the facts of the seed the result reports (`run_tool(name, arguments, stated) == result`)."""

    name: str
    arguments: dict[str, Any]
    result: dict[str, Any]
    stage: str
    stated: dict[str, Any] = field(default_factory=dict)


def nothing_stated(facts: SeedFacts) -> dict[str, Any]:
    """The `observe` of a tool whose result reports nothing its arguments do not carry."""
    return {}


@dataclass(frozen=True)
class ToolImpl:
    """A tool's halves: `compute` (validated arguments -> JSON result, pure) and `derive` (seed facts -> arguments).

    Some results report what the arguments cannot carry (a sensor reading, a trade-in value) and a seed may state it.
    Such a tool has `observe` (seed facts -> those values, by name; it reads the same memoised draws as `derive`)
    and `stated_fields` (the names it takes); `compute(arguments, stated)` then reports the stated values instead of simulating them, and keeps the
    rest of the result consistent with them. The seed is the source of truth: a simulated value only fills what it
    leaves open.
    """

    name: str
    compute: Callable[..., dict[str, Any]]
    derive: Callable[[SeedFacts], dict[str, Any]]
    observe: Callable[[SeedFacts], dict[str, Any]] = nothing_stated
    stated_fields: frozenset[str] = frozenset()


@cache
def catalog(name: str) -> dict[str, Any]:
    """A fictional catalogue shipped in `data/<name>.toml` (read once)."""
    path = DATA / f"{name}.toml"
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ToolError(f"{path}: cannot read tool catalogue: {exc}") from exc


def entry(table: Mapping[str, Any], key: str, tool: str, field: str) -> Any:
    """`table[key]`, or a ToolError naming the field and the known keys."""
    if key not in table:
        raise ToolError(f"{tool}: {field}: {key!r} is not in the catalogue (known: {', '.join(sorted(table))})")
    return table[key]


def stable_int(*parts: object) -> int:
    """A process-independent integer from the parts (Python's `hash` is salted per process)."""
    return int(hashlib.sha256(":".join(map(str, parts)).encode()).hexdigest()[:12], 16)


def require(condition: bool, tool: str, message: str) -> None:
    """Raise a ToolError for a value the schema allows but the computation cannot use."""
    if not condition:
        raise ToolError(f"{tool}: {message}")
