"""Where the appliance keeps its state: one data directory, `$SCSF_HOME` or the user's data dir."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from platformdirs import user_data_dir


@dataclass(frozen=True)
class Home:
    """The data directory and the well-known paths inside it."""

    root: Path

    @classmethod
    def resolve(cls, override: Path | None = None) -> Home:
        """`override`, else `$SCSF_HOME`, else the platform's user data directory."""
        if override is not None:
            return cls(override.expanduser().resolve())
        env = os.environ.get("SCSF_HOME")
        return cls(Path(env).expanduser().resolve() if env else Path(user_data_dir("scsf", appauthor=False)))

    @property
    def database(self) -> Path:
        return self.root / "scsf.duckdb"

    @property
    def keys(self) -> Path:
        return self.root / "keys"

    @property
    def models(self) -> Path:
        """Assembled and operator-registered GGUF files: `$SCSF_MODELS_DIR` if set (several data directories
        can share one copy of the weights), else `<root>/models`."""
        shared = os.environ.get("SCSF_MODELS_DIR")
        return Path(shared).expanduser().resolve() if shared else self.root / "models"

    @property
    def domains(self) -> Path:
        """Operator domain packs (`*.toml`), added to the bundled ones."""
        return self.root / "domains"

    @property
    def runs(self) -> Path:
        """One folder per run: dataset exports and signed reports."""
        return self.root / "runs"

    def ensure(self) -> Home:
        for path in (self.root, self.keys, self.models, self.domains, self.runs):
            path.mkdir(parents=True, exist_ok=True)
        os.chmod(self.keys, 0o700)
        return self
