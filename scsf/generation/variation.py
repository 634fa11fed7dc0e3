"""Diversification settings of a run (whitepaper 4.4) and the flow variations they select.

Strategy, flow variation, persona, noise and tool injection are drawn per conversation from a `VariationConfig`;
what was drawn is recorded with the conversation, so every dataset row says how it was varied.
"""

from __future__ import annotations

import random
from collections.abc import Mapping, Sequence
from typing import Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from scsf.domains import DomainPack

Strategy = Literal["whole_conversation", "turn_by_turn"]
FlowName = Literal["happy_path", "objecion_temprana", "abandono_recuperacion", "escalacion_humano"]
NoiseKind = Literal["errores_tipograficos", "autocorreccion", "interrupcion", "cambio_tema"]


class VariationConfig(BaseModel):
    """Weights of strategies and flow variations, personas allowed, noise rate and kinds, tool injection on/off."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    strategies: dict[Strategy, float] = Field(default_factory=lambda: {"whole_conversation": 1.0})
    flows: dict[FlowName, float] = Field(
        default_factory=lambda: {"happy_path": 2.0, "objecion_temprana": 1.0, "abandono_recuperacion": 1.0, "escalacion_humano": 1.0}
    )
    personas: list[str] = Field(default_factory=list, description="persona ids of the domain pack; empty = all")
    noise_rate: float = Field(default=0.2, ge=0.0, le=1.0, description="expected share of user turns with noise")
    noise_kinds: list[NoiseKind] = Field(default_factory=lambda: list(get_args(NoiseKind)))
    tools: bool = Field(default=True, description="inject the seed's tools with deterministic results")

    @field_validator("strategies", "flows")
    @classmethod
    def _weights(cls, value: dict[str, float]) -> dict[str, float]:
        if any(weight < 0 for weight in value.values()) or not any(weight > 0 for weight in value.values()):
            raise ValueError("weights must be >= 0 with at least one > 0")
        return value

    @model_validator(mode="after")
    def _noise_kinds_when_noisy(self) -> VariationConfig:
        if self.noise_rate > 0 and not self.noise_kinds:
            raise ValueError("noise_kinds is empty while noise_rate > 0")
        return self


def weighted_choice(weights: Mapping[str, float], rng: random.Random) -> str:
    """One key drawn with probability proportional to its weight (keys in sorted order, so the draw is stable)."""
    keys = sorted(key for key, weight in weights.items() if weight > 0)
    return rng.choices(keys, weights=[weights[key] for key in keys])[0]


def varied_flow(flow: Sequence[str], variation: str, pack: DomainPack) -> list[str] | None:
    """The seed's flow with the variation's stages inserted; None where the pack does not define the variation.

    `objecion_temprana` puts its stages right after the opening stage; `abandono_recuperacion` and
    `escalacion_humano` right before the closing one. A stage already in the flow moves rather than repeats.
    """
    if variation == "happy_path":
        return list(flow)
    inserted = pack.variaciones_flujo.get(variation)
    if not inserted:
        return None
    base = [stage for stage in flow if stage not in inserted]
    position = min(1, len(base)) if variation == "objecion_temprana" else max(len(base) - 1, 0)
    return base[:position] + list(inserted) + base[position:]
