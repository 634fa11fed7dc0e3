"""SeedSchema v1 (whitepaper Listing 1): the privacy-free DNA of a conversation.

The field names are the whitepaper's own. A seed dumps back to exactly the document it was loaded from;
`canonical_document()` is the form used for identity (the domain alias resolved to its namespace).
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    ValidationInfo,
    field_validator,
    model_validator,
)

from scsf.domains.pack import NAMESPACE
from scsf.hashing import content_id

SCHEMA_VERSION = "1.0"

Identifier = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9_]*$", min_length=1, max_length=80),
]
Threshold = Annotated[float, Field(ge=0.0, le=1.0)]


def _no_repeats(value: list[str]) -> list[str]:
    repeated = sorted({item for item in value if value.count(item) > 1})
    if repeated:
        raise ValueError(f"repeated entries: {', '.join(repeated)}")
    return value


UniqueIdentifiers = Annotated[list[Identifier], AfterValidator(_no_repeats)]

# Table 1 of the whitepaper: default acceptance thresholds.
DEFAULT_THRESHOLDS: dict[str, float] = {
    "rouge_l_min": 0.65,
    "fidelidad_factual_min": 0.90,
    "diversidad_lexica_min": 0.55,
    "coherencia_dialogo_min": 0.85,
    "privacy_score_max": 0.0,
    "memorizacion_max": 0.01,
}

SENSITIVITY_LEVELS = ("bajo", "medio", "alto", "critico")


class SeedBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)


class ParametrosFactuales(SeedBase):
    """The verifiable facts of the scenario: entities, constraints and the expected stage flow."""

    entidades_clave: UniqueIdentifiers = Field(min_length=1)
    restricciones: UniqueIdentifiers = Field(default_factory=list)
    flujo_esperado: list[Identifier] = Field(min_length=1)


class LongitudObjetivo(SeedBase):
    """Target conversation length in turns (one turn = one message of one role)."""

    turnos_min: int = Field(ge=2, le=200)
    turnos_max: int = Field(ge=2, le=200)

    @model_validator(mode="after")
    def _ordered(self) -> LongitudObjetivo:
        if self.turnos_min > self.turnos_max:
            raise ValueError(f"turnos_min ({self.turnos_min}) is greater than turnos_max ({self.turnos_max})")
        return self


class MetricasCalidad(SeedBase):
    """Acceptance thresholds (Table 1). Listing 1 names two; the others are optional and default to Table 1."""

    rouge_l_min: Threshold = DEFAULT_THRESHOLDS["rouge_l_min"]
    fidelidad_factual_min: Threshold = DEFAULT_THRESHOLDS["fidelidad_factual_min"]
    diversidad_lexica_min: Threshold | None = None
    coherencia_dialogo_min: Threshold | None = None
    privacy_score_max: Literal[0, 0.0] | None = Field(
        default=None, description="Residual PII tolerance: the whitepaper fixes it at zero."
    )
    memorizacion_max: Threshold | None = None

    def threshold(self, name: str) -> float:
        """The seed's threshold for a metric, or Table 1's default when the seed leaves it out."""
        value = getattr(self, name)
        return DEFAULT_THRESHOLDS[name] if value is None else float(value)


class Privacidad(SeedBase):
    """Privacy declaration: a seed for generation never contains personal data."""

    contiene_pii: bool
    nivel_sensibilidad: Literal["bajo", "medio", "alto", "critico"]


class Seed(SeedBase):
    """SeedSchema v1. Pass `context={"domains": DomainRegistry}` to also check the domain vocabulary."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        json_schema_extra={"$id": "https://scsf.local/schemas/seed-v1.json", "title": "SeedSchema v1"},
    )

    seed_id: str = Field(description="UUID version 4")
    dominio: str = Field(description="Domain namespace (automotive.sales) or a known alias (automotriz.ventas)")
    esquema_version: Literal["1.0"]
    tipo_interaccion: Identifier
    roles: UniqueIdentifiers = Field(min_length=2)
    parametros_factuales: ParametrosFactuales
    tono_objetivo: Identifier
    longitud_objetivo: LongitudObjetivo
    herramientas_disponibles: UniqueIdentifiers = Field(default_factory=list)
    metricas_calidad: MetricasCalidad = Field(default_factory=MetricasCalidad)
    privacidad: Privacidad

    _namespace: str | None = PrivateAttr(default=None)

    @field_validator("seed_id")
    @classmethod
    def _uuid4(cls, value: str) -> str:
        try:
            parsed = uuid.UUID(value)
        except ValueError:
            raise ValueError(f"{value!r} is not a UUID") from None
        if parsed.version != 4 or str(parsed) != value:
            raise ValueError(f"{value!r} is not a canonical UUID version 4")
        return value

    @field_validator("dominio")
    @classmethod
    def _namespace_shape(cls, value: str) -> str:
        if not NAMESPACE.match(value):
            raise ValueError(f"{value!r} is not a namespace like 'automotive.sales'")
        return value

    @model_validator(mode="after")
    def _consistent(self, info: ValidationInfo) -> Seed:
        flow = self.parametros_factuales.flujo_esperado
        if len(flow) > self.longitud_objetivo.turnos_max:
            raise ValueError(
                f"parametros_factuales.flujo_esperado: {len(flow)} stages but "
                f"longitud_objetivo.turnos_max is {self.longitud_objetivo.turnos_max}: every stage needs a turn"
            )
        if len(self.roles) > self.longitud_objetivo.turnos_min:
            raise ValueError(
                f"longitud_objetivo.turnos_min: {self.longitud_objetivo.turnos_min} is below the number of "
                f"roles ({len(self.roles)}): every role must speak"
            )
        domains = (info.context or {}).get("domains")
        if domains is not None:
            self._namespace = _check_domain_vocabulary(self, domains)
        return self

    @property
    def namespace(self) -> str:
        """The canonical domain namespace (alias resolved when validated with a registry)."""
        return self._namespace or self.dominio

    def document(self) -> dict[str, Any]:
        """The seed as a JSON document, exactly as loaded (fields the file left out stay out)."""
        return self.model_dump(mode="json", exclude_unset=True, exclude_none=True)

    def canonical_document(self) -> dict[str, Any]:
        """The identity form: the document with `dominio` resolved to its namespace."""
        return {**self.document(), "dominio": self.namespace}

    def content_hash(self) -> str:
        """`sha256:` of the canonical document; equal content means the same seed version."""
        return content_id(self.canonical_document())


def _check_domain_vocabulary(seed: Seed, domains: Any) -> str:
    """Every identifier that names a domain concept must exist in the seed's domain pack; returns the namespace."""
    namespace = domains.canonical(seed.dominio)
    if namespace is None:
        known = ", ".join(pack.namespace for pack in domains)
        raise ValueError(f"dominio: unknown domain {seed.dominio!r} (known: {known})")
    pack = domains.get(namespace)
    checks = [
        ("tipo_interaccion", [seed.tipo_interaccion], {t.id for t in pack.tipos_interaccion}),
        ("roles", seed.roles, {r.id for r in pack.roles}),
        ("parametros_factuales.flujo_esperado", seed.parametros_factuales.flujo_esperado, pack.stage_ids()),
        ("tono_objetivo", [seed.tono_objetivo], set(pack.tonos)),
        ("herramientas_disponibles", seed.herramientas_disponibles, {t.nombre for t in pack.herramientas}),
    ]
    for field, values, allowed in checks:
        unknown = [value for value in values if value not in allowed]
        if unknown:
            raise ValueError(
                f"{field}: {', '.join(map(repr, unknown))} not in domain {namespace} "
                f"(allowed: {', '.join(sorted(allowed))})"
            )
    sides = {pack.role(role).lado for role in seed.roles}
    if sides != {"asistente", "usuario"}:
        raise ValueError(f"roles: needs at least one assistant-side and one user-side role of domain {namespace}")
    return namespace
