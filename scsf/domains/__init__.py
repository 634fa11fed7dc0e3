"""Domain packs: one data file per industry namespace (whitepaper section 5)."""

from scsf.domains.pack import DomainPack, ToolSpec
from scsf.domains.registry import DomainRegistry

__all__ = ["DomainPack", "DomainRegistry", "ToolSpec"]
