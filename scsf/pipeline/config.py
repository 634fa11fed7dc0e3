"""RunConfig: everything that determines a run; stored with the run so `--resume` reuses it exactly.

A TOML file holds a `[run]` table (or is flat), with `[run.variation]` for diversification and
`[run.backend_options]` for options passed to the backend as they are (e.g. `timeout_s`, `structured_output`).
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from scsf.errors import ConfigError
from scsf.generation.backends.openai_http import is_loopback_host
from scsf.generation.plan import TurnPolicy
from scsf.generation.strategies import Sampling
from scsf.generation.variation import VariationConfig
from scsf.validation import describe_first_error


class RunConfig(BaseModel):
    """A headless run. Defaults are the embedded CPU demo: 3 pilot seeds, 1 conversation each, local model."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # seed selection
    domain: str = "automotive.sales"
    seed_ids: list[str] = Field(default_factory=list, description="explicit seeds; empty = the domain's seeds")
    tags: list[str] = Field(
        default_factory=list, description="seed tags that must all match, e.g. 'herramienta:buscar_inventario'"
    )
    max_seeds: int | None = Field(default=3, ge=1)
    conversations_per_seed: int = Field(default=1, ge=1, le=100_000)
    # backend and model
    backend: str = "llamacpp"
    model: str | None = Field(
        default=None,
        description="llamacpp: manifest model name (None = default generator); HTTP backends: served model name",
    )
    n_threads: int = Field(default=2, ge=1, le=256, description="llamacpp only")
    n_ctx: int = Field(default=4096, ge=512, description="llamacpp only")
    endpoints: list[str] = Field(default_factory=list, description="HTTP backends: base URLs, load spread round-robin")
    backend_options: dict[str, Any] = Field(
        default_factory=dict, description="passed to the backend's Options as they are"
    )
    allow_network_egress: bool = Field(
        default=False, description="lets a backend reach non-loopback hosts (off in the appliance)"
    )
    # sampling
    temperature: float = Field(default=0.8, ge=0.0, le=2.0)
    top_p: float = Field(default=0.95, gt=0.0, le=1.0)
    max_attempts: int = Field(default=3, ge=1, le=20)
    tokens_per_turn: int = Field(default=120, ge=16, le=2048)
    turn_policy: TurnPolicy = "min"
    random_seed: int = 20261127
    # diversification
    variation: VariationConfig = Field(default_factory=VariationConfig)
    # execution
    concurrency: int | None = Field(
        default=None, ge=1, le=4096, description="conversations in flight; None = the backend's own"
    )
    time_budget_s: float | None = Field(
        default=None, gt=0, description="stop starting new conversations after this long"
    )
    output_dir: Path | None = Field(default=None, description="where the run folder goes; None = $SCSF_HOME/runs")
    # acceptance gate (whitepaper 4.3)
    quality_gate: bool = Field(
        default=True, description="evaluate the run; the dataset holds accepted conversations only"
    )
    near_duplicate_threshold: float = Field(
        default=0.8, gt=0.0, le=1.0, description="Jaccard above which two conversations are copies"
    )
    max_copies: int = Field(default=3, ge=1, description="copies of one conversation (exact or near) accepted at most")
    regenerate_rejected: bool = Field(
        default=False, description="replace rejected conversations until the planned count is accepted"
    )
    max_regenerations: int | None = Field(
        default=None, ge=0, description="replacements allowed in all; None = twice the planned count"
    )
    judge: bool = Field(default=False, description="the gate asks a judge model for the claims of factual fidelity")
    judge_model: str | None = Field(
        default=None,
        description="judge: manifest model name (None = the manifest's judge); with judge_endpoint: served model name",
    )
    judge_endpoint: str | None = Field(
        default=None, description="judge: OpenAI-compatible loopback server instead of llama.cpp in process"
    )

    @field_validator("judge_endpoint")
    @classmethod
    def _loopback_judge(cls, url: str | None) -> str | None:
        """An http(s) URL on a loopback host: the judge's conversations never leave the machine."""
        if url is None:
            return None
        try:
            parts = urlsplit(url.strip())
            host = parts.hostname
            parts.port  # noqa: B018 - raises ValueError on a malformed port
        except ValueError as exc:
            raise ValueError(f"{url!r} is not a valid URL ({exc})") from exc
        if parts.scheme not in ("http", "https") or not host:
            raise ValueError(f"{url!r} must be an http(s) URL such as http://127.0.0.1:8000/v1")
        if not is_loopback_host(host):
            raise ValueError(f"{url!r} is not loopback; the judge runs on this machine only")
        return url.strip().rstrip("/")

    @model_validator(mode="after")
    def _regeneration_needs_the_gate(self) -> RunConfig:
        if self.regenerate_rejected and not self.quality_gate:
            raise ValueError("regenerate_rejected needs quality_gate (rejects are only known after evaluation)")
        return self

    @model_validator(mode="after")
    def _judge_options_need_the_judge(self) -> RunConfig:
        if self.judge and not self.quality_gate:
            raise ValueError("judge: needs quality_gate (the judge scores conversations for the gate)")
        for name in ("judge_model", "judge_endpoint"):
            if getattr(self, name) is not None and not self.judge:
                raise ValueError(f"{name}: needs judge = true")
        return self

    def regeneration_budget(self, planned: int) -> int:
        """Replacement conversations `--regenerate-rejected` may generate in all."""
        return 2 * planned if self.max_regenerations is None else self.max_regenerations

    def sampling(self) -> Sampling:
        return Sampling(self.temperature, self.top_p, self.max_attempts, self.tokens_per_turn)

    @classmethod
    def from_toml(cls, path: Path, **overrides: object) -> RunConfig:
        """Load a `[run]` table (or a flat file) and apply CLI overrides that are not None."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
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
