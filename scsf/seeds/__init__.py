"""Seeds (SeedSchema v1), conversations and the seed-file loader."""

from scsf.seeds.conversation import Conversation, Turn
from scsf.seeds.loader import load_seed_file, parse_seed
from scsf.seeds.schema import DEFAULT_THRESHOLDS, Seed

__all__ = ["DEFAULT_THRESHOLDS", "Conversation", "Seed", "Turn", "load_seed_file", "parse_seed"]
