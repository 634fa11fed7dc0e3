"""The DomainPack model: vocabulary and tools of one industry, loaded from a TOML data file."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from scsf.errors import DomainError
from scsf.validation import describe_first_error

# Flow variations of whitepaper section 4.4 that insert stages; `happy_path` keeps the seed's flow as it is.
FlowVariation = Literal["objecion_temprana", "abandono_recuperacion", "escalacion_humano"]

IDENTIFIER = re.compile(r"^[a-z][a-z0-9_]*$")
NAMESPACE = re.compile(r"^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$")


class PackBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Term(PackBase):
    """An identifier of the pack's vocabulary with a human description."""

    id: str
    descripcion: str

    @field_validator("id")
    @classmethod
    def _identifier(cls, value: str) -> str:
        if not IDENTIFIER.match(value):
            raise ValueError(f"{value!r} is not a snake_case identifier")
        return value


class RoleSpec(Term):
    """A conversation role; `lado` says whether the trained model plays it (asistente) or talks to it (usuario)."""

    lado: Literal["asistente", "usuario"]


class StageSpec(Term):
    """A stage of the conversation flow; `lado` says which side speaks it (`ambos`: either)."""

    lado: Literal["asistente", "usuario", "ambos"] = "ambos"


class ToolSpec(PackBase):
    """A tool the assistant side may call, with its JSON-schema signature and the stages where it is called."""

    nombre: str
    descripcion: str
    parametros: dict[str, Any] = Field(description="JSON Schema (type object) of the arguments")
    etapas: list[str] = Field(default_factory=list, description="stages where the assistant calls it")

    @field_validator("parametros")
    @classmethod
    def _object_schema(cls, value: dict[str, Any]) -> dict[str, Any]:
        if value.get("type") != "object" or not isinstance(value.get("properties"), dict):
            raise ValueError("must be a JSON Schema with type 'object' and 'properties'")
        return value


class RestrictionCheck(PackBase):
    """How the judge checks a restriction: a question about one sentence of the assistant side, and the answer
    that contradicts the restriction (`sin_aval`: "¿el plan pide un aval?", contradicted by "si")."""

    pregunta: str = Field(min_length=5)
    contradice: Literal["si", "no"]


class Persona(PackBase):
    """A profile of the user-side interlocutor, for persona variation."""

    id: str
    descripcion: str
    experiencia: str
    objeciones_tipicas: list[str]
    registro: str
    region: str


class DomainPack(PackBase):
    """Everything a domain contributes; the seed schema itself never changes per domain."""

    namespace: str
    alias: list[str] = Field(default_factory=list)
    nombre: str
    descripcion: str
    idioma: str = "es-MX"
    tipos_interaccion: list[Term] = Field(min_length=1)
    roles: list[RoleSpec] = Field(min_length=2)
    etapas: list[StageSpec] = Field(min_length=2)
    entidades_tipicas: list[str] = Field(min_length=1)
    restricciones_tipicas: list[str] = Field(min_length=1)
    catalogo_productos: list[str] = Field(
        default_factory=list,
        description="kinds of product the industry offers (body styles, plans); factual fidelity flags one the "
        "assistant offers that neither the seed nor a tool result names",
    )
    verificacion_restricciones: dict[str, RestrictionCheck] = Field(
        default_factory=dict, description="restriction id -> the judge's question that checks it"
    )
    tonos: list[str] = Field(min_length=1)
    herramientas: list[ToolSpec] = Field(default_factory=list)
    personas: list[Persona] = Field(min_length=1)
    variaciones_flujo: dict[FlowVariation, list[str]] = Field(
        default_factory=dict, description="stages each flow variation inserts into a seed's flow"
    )

    @field_validator("namespace")
    @classmethod
    def _namespace(cls, value: str) -> str:
        if not NAMESPACE.match(value):
            raise ValueError(f"{value!r} is not a namespace like 'automotive.sales'")
        return value

    @model_validator(mode="after")
    def _unique_ids(self) -> DomainPack:
        for field in ("catalogo_productos", "verificacion_restricciones"):
            if bad := [item for item in getattr(self, field) if not IDENTIFIER.match(item)]:
                raise ValueError(f"{field}: {bad} are not snake_case identifiers")
        for field in ("tipos_interaccion", "roles", "etapas", "personas"):
            ids = [item.id for item in getattr(self, field)]
            if len(ids) != len(set(ids)):
                raise ValueError(f"{field} has duplicate ids")
        names = [tool.nombre for tool in self.herramientas]
        if len(names) != len(set(names)):
            raise ValueError("herramientas has duplicate names")
        stages = self.stage_ids()
        for tool in self.herramientas:
            if unknown := set(tool.etapas) - stages:
                raise ValueError(f"herramientas {tool.nombre}: unknown etapas {sorted(unknown)}")
        for variation, inserted in self.variaciones_flujo.items():
            if not inserted or (unknown := set(inserted) - stages):
                raise ValueError(f"variaciones_flujo.{variation}: needs known etapas, got {inserted}")
        for side in ("asistente", "usuario"):
            if not any(role.lado == side for role in self.roles):
                raise ValueError(f"roles needs at least one role with lado = '{side}'")
        return self

    def role(self, role_id: str) -> RoleSpec | None:
        return next((role for role in self.roles if role.id == role_id), None)

    def tool(self, name: str) -> ToolSpec | None:
        return next((tool for tool in self.herramientas if tool.nombre == name), None)

    def stage_ids(self) -> set[str]:
        return {stage.id for stage in self.etapas}

    def stage(self, stage_id: str) -> StageSpec | None:
        return next((stage for stage in self.etapas if stage.id == stage_id), None)

    @classmethod
    def from_file(cls, path: Path) -> DomainPack:
        """Load and validate a pack file; errors name the file and the field."""
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as exc:
            raise DomainError(f"{path}: cannot read domain pack: {exc}") from exc
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise DomainError(f"{path}: {describe_first_error(exc)}") from exc
