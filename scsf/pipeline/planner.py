"""Plans of a run's conversations, rebuilt from the stored seeds: the same seed version, index and config always
give the same plan and the same conversation id, so a resumed run regenerates exactly what was planned."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime

from scsf.domains import DomainRegistry
from scsf.errors import SeedError
from scsf.generation.plan import ConversationPlan, plan_conversation
from scsf.hashing import sha256_hex
from scsf.pipeline.config import RunConfig
from scsf.seeds.cache import SeedCache
from scsf.seeds.schema import Seed
from scsf.store import Store
from scsf.store.duckdb import RunItem


def new_run_id() -> str:
    return f"run-{datetime.now(UTC):%Y%m%d-%H%M%S}-{secrets.token_hex(3)}"


def conversation_id(run_id: str, item_seed: str, version: int, variant: str, index: int) -> str:
    """Deterministic id of a planned conversation: the same plan always names the same conversation."""
    return "conv-" + sha256_hex(f"{run_id}|{item_seed}|{version}|{variant}|{index}")[:32]


class Planner:
    def __init__(self, store: Store, domains: DomainRegistry) -> None:
        self.domains = domains
        self.seeds = SeedCache(store, domains)

    def item(
        self, run_id: str, config: RunConfig, seed_id: str, version: int, index: int, replaces: str | None = None,
        regen_round: int = 0,
    ) -> RunItem:  # fmt: skip
        """The run item of one planned conversation (a replacement names the conversation it `replaces`)."""
        variant = self.plan(config, seed_id, version, index).variant
        cid = conversation_id(run_id, seed_id, version, variant, index)
        return RunItem(cid, seed_id, version, variant, index, replaces, regen_round)

    def plan(self, config: RunConfig, seed_id: str, version: int, index: int) -> ConversationPlan:
        seed = self.seed(seed_id, version)
        return plan_conversation(
            seed, version, self.domains.get(seed.dominio), index,
            policy=config.turn_policy, base_seed=config.random_seed, variation=config.variation,
        )  # fmt: skip

    def seed(self, seed_id: str, version: int) -> Seed:
        """A stored seed for generation: one that declares PII is refused."""
        seed = self.seeds.get(seed_id, version)
        if seed.privacidad.contiene_pii:
            raise SeedError(f"seed {seed.seed_id}: privacidad.contiene_pii is true; refused for generation")
        return seed
