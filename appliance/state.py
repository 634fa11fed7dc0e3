"""Process-wide CLI options (data directory, debug) and lazily opened resources."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from scsf.paths import Home


@dataclass
class CliState:
    home_override: Path | None = None
    debug: bool = False

    def configure(self, *, home: Path | None, debug: bool) -> None:
        self.home_override = home
        self.debug = debug

    @property
    def home(self) -> Home:
        return Home.resolve(self.home_override)


state = CliState()


def open_store(*, read_only: bool = False):
    """The store in the data directory (created and migrated unless read-only)."""
    from scsf.store import Store

    return Store.open(state.home.database, read_only=read_only)


def load_domains():
    """Bundled domain packs plus the operator's `$SCSF_HOME/domains/*.toml`."""
    from scsf.domains import DomainRegistry

    return DomainRegistry.load(state.home.domains)
