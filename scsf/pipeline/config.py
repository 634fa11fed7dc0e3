"""RunConfig: everything that determines a run; stored with the run so `--resume` reuses it exactly."""

from __future__ import annotations

import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from scsf.errors import ConfigError
from scsf.generation.plan import TurnPolicy
from scsf.validation import describe_first_error


class RunConfig(BaseModel):
    """A headless run. Defaults are the embedded CPU demo: 3 pilot seeds, 1 conversation each."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    domain: str = "automotive.sales"
    seed_ids: list[str] = Field(default_factory=list, description="explicit seeds; empty = the domain's seeds")
    max_seeds: int | None = Field(default=3, ge=1)
    conversations_per_seed: int = Field(default=1, ge=1, le=100_000)
    backend: str = "llamacpp"
    model: str | None = Field(default=None, description="manifest model name; None = the default generator")
    n_threads: int = Field(default=2, ge=1, le=256)
    n_ctx: int = Field(default=4096, ge=512)
    temperature: float = Field(default=0.8, ge=0.0, le=2.0)
    top_p: float = Field(default=0.95, gt=0.0, le=1.0)
    max_attempts: int = Field(default=3, ge=1, le=20)
    turn_policy: TurnPolicy = "min"
    random_seed: int = 20261127

    @classmethod
    def from_toml(cls, path: Path, **overrides: object) -> RunConfig:
        """Load a `[run]` table (or a flat file) and apply CLI overrides that are not None."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise ConfigError(f"{path}: cannot read run config: {exc}") from exc
        data = data.get("run", data)
        return cls.build(data, where=str(path), **overrides)

    @classmethod
    def build(cls, data: dict, *, where: str = "run config", **overrides: object) -> RunConfig:
        merged = {**data, **{key: value for key, value in overrides.items() if value is not None}}
        try:
            return cls.model_validate(merged)
        except ValidationError as exc:
            raise ConfigError(f"{where}: {describe_first_error(exc)}") from exc
