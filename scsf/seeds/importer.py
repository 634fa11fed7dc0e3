"""Seed import: validate every file completely first, then store everything in one transaction."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from scsf.domains import DomainRegistry
from scsf.errors import SeedError
from scsf.seeds.loader import load_seed_file
from scsf.seeds.schema import Seed
from scsf.store import Store, StoredSeed

PILOT_SEEDS = Path(__file__).parent / "pilot"


def pilot_seed_files() -> list[Path]:
    """The bundled pilot seeds, one JSONL file per domain."""
    return sorted(PILOT_SEEDS.glob("*.jsonl"))


def expand_paths(paths: Sequence[Path]) -> list[Path]:
    """Files as given; directories contribute their `*.json` and `*.jsonl` files."""
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.suffix in {".json", ".jsonl"}))
        else:
            files.append(path)
    return files


def validate_seed_files(paths: Sequence[Path], domains: DomainRegistry) -> list[tuple[Seed, str]]:
    """Load and validate every seed; raises SeedError (file, line, field) at the first problem."""
    loaded: list[tuple[Seed, str]] = []
    seen: dict[str, str] = {}
    for path in expand_paths(paths):
        for source, seed in load_seed_file(path, domains):
            if seed.privacidad.contiene_pii:
                raise SeedError(
                    f"{source}: privacidad.contiene_pii: a seed that contains PII is refused for generation; "
                    "remove the personal data and declare it false"
                )
            if seed.seed_id in seen:
                raise SeedError(f"{source}: seed_id: {seed.seed_id} already appears at {seen[seed.seed_id]}")
            seen[seed.seed_id] = str(source)
            loaded.append((seed, str(source)))
    return loaded


@dataclass(frozen=True)
class ImportSummary:
    stored: list[StoredSeed]

    @property
    def created(self) -> int:
        return sum(1 for seed in self.stored if seed.created)

    @property
    def unchanged(self) -> int:
        return len(self.stored) - self.created


def import_seed_files(paths: Sequence[Path], store: Store, domains: DomainRegistry) -> ImportSummary:
    """All or nothing: one bad seed anywhere and nothing is stored."""
    return ImportSummary(store.import_seeds(validate_seed_files(paths, domains)))
