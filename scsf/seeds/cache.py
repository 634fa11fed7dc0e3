"""SeedCache: the validated seeds of a store by id and version, each parsed once (runs and their evaluation)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from scsf.domains import DomainRegistry
from scsf.seeds.schema import Seed

if TYPE_CHECKING:
    from scsf.store import Store


class SeedCache:
    """Reads a seed version from the store the first time it is asked for, then keeps the validated Seed."""

    def __init__(self, store: Store, domains: DomainRegistry) -> None:
        self.store = store
        self.domains = domains
        self._seeds: dict[tuple[str, int], Seed] = {}

    def get(self, seed_id: str, version: int) -> Seed:
        key = (seed_id, version)
        if key not in self._seeds:
            document = self.store.get_seed(seed_id, version).document
            self._seeds[key] = Seed.model_validate(document, context={"domains": self.domains})
        return self._seeds[key]
