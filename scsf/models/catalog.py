"""ModelCatalog: bundled and operator-registered models by name or role, resolved to verified GGUF files."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import ValidationError

from scsf.errors import ModelError
from scsf.hashing import file_sha256
from scsf.models.assemble import assemble, locate
from scsf.models.integrity import VerifiedMarkers, check_file
from scsf.models.manifest import LocalFile, Manifest, ModelEntry, PypiFile, PypiParts, Role, manifest_path
from scsf.models.registry import load_registry, registry_path, save_registry
from scsf.paths import Home

Status = Literal["installed", "assembled", "missing"]
GGUF_MAGIC = b"GGUF"


class ModelCatalog:
    """The models an appliance can load. Nothing here touches the network."""

    def __init__(self, home: Home, bundled: Sequence[ModelEntry], registered: Sequence[ModelEntry]) -> None:
        self.home = home
        self._bundled = list(bundled)
        self._registered = list(registered)
        self._markers = VerifiedMarkers(home.models / "verified.json")
        self._entries: dict[str, ModelEntry] = {}
        for entry in (*self._bundled, *self._registered):
            if entry.name in self._entries:
                raise ModelError(f"model {entry.name!r} is defined twice (manifest and registry must not share names)")
            self._entries[entry.name] = entry
        for role in {role for entry in self._entries.values() for role in entry.default_for}:
            defaults = [entry.name for entry in self._entries.values() if role in entry.default_for]
            if len(defaults) > 1:
                raise ModelError(f"role {role!r} has several default models: {', '.join(defaults)}")

    @classmethod
    def load(cls, home: Home, manifest: Path | None = None) -> ModelCatalog:
        """The bundled manifest (or `manifest`) plus `<home>/models/registry.toml`."""
        bundled = Manifest.from_file(manifest or manifest_path()).model
        return cls(home, bundled, load_registry(registry_path(home)))

    def list(self) -> list[ModelEntry]:
        """Bundled models in manifest order, then registered ones."""
        return list(self._entries.values())

    def get(self, name: str) -> ModelEntry:
        try:
            return self._entries[name]
        except KeyError:
            raise ModelError(f"unknown model {name!r} (known: {', '.join(self._entries)})") from None

    def default(self, role: Role) -> ModelEntry:
        """The model marked `default_for` the role, else the first one that has it."""
        with_role = [entry for entry in self._entries.values() if role in entry.roles]
        if not with_role:
            raise ModelError(f"no model has role {role!r}")
        return next((entry for entry in with_role if role in entry.default_for), with_role[0])

    def status(self, name: str) -> Status:
        """`assembled` (parts joined in the data dir), `installed` (usable as is, or ready to assemble) or `missing`.

        Says where the bytes are, not whether they verify.
        """
        entry = self.get(name)
        if isinstance(entry.source, PypiParts) and (self.home.models / entry.file).exists():
            return "assembled"
        try:
            self._sources(entry)
        except ModelError:
            return "missing"
        return "installed"

    def ensure_file(self, name: str) -> Path:
        """The model's GGUF file, assembled if needed, verified (size, sha256) unless a marker vouches for it.

        Raises ModelError if a package or file is missing or the bytes do not match the manifest.
        """
        entry = self.get(name)
        path = self._materialize(entry)
        if not self._markers.is_verified(path, entry.sha256):
            self._check(entry, path)
        return path

    def verify(self, name: str) -> Path:
        """Like `ensure_file`, but always rehashes the file."""
        entry = self.get(name)
        path = self._materialize(entry)
        self._check(entry, path)
        return path

    def register(
        self, path: Path, *, name: str, roles: Sequence[str], licence: str = "unknown", context_length: int = 4096
    ) -> ModelEntry:
        """Hash an operator's GGUF file and record it in the registry by absolute path (replacing a same-named one)."""
        path = path.expanduser().resolve()
        if not path.is_file():
            raise ModelError(f"cannot register {path}: no such file")
        with path.open("rb") as handle:
            if handle.read(4) != GGUF_MAGIC:
                raise ModelError(f"cannot register {path}: not a GGUF file")
        if any(entry.name == name for entry in self._bundled):
            raise ModelError(f"cannot register {name!r}: a bundled model has that name")
        try:
            entry = ModelEntry(
                name=name,
                file=path.name,
                size=path.stat().st_size,
                sha256=file_sha256(path),
                licence=licence,
                roles=list(roles),
                context_length=context_length,
                source=LocalFile(kind="file", path=path),
            )
        except ValidationError as exc:
            first = exc.errors()[0]
            raise ModelError(f"cannot register {name!r}: {'.'.join(map(str, first['loc']))}: {first['msg']}") from None
        registered = [other for other in self._registered if other.name != name] + [entry]
        save_registry(registry_path(self.home), registered)
        self._markers.record(path, entry.sha256)
        self._registered = registered
        self._entries[name] = entry
        return entry

    def _sources(self, entry: ModelEntry) -> list[Path]:
        """The existing files the model's bytes come from, in order."""
        source = entry.source
        if isinstance(source, PypiParts):
            return [locate(entry.name, part) for part in source.parts]
        if isinstance(source, PypiFile):
            return [locate(entry.name, source)]
        if not source.path.is_file():
            raise ModelError(f"model {entry.name}: registered file {source.path} no longer exists")
        return [source.path]

    def _materialize(self, entry: ModelEntry) -> Path:
        """The file to load: assembled into the data dir for split models, else where it lies."""
        if not isinstance(entry.source, PypiParts):
            return self._sources(entry)[0]
        target = self.home.models / entry.file
        if not target.exists():
            assemble(entry, self._sources(entry), target, self._markers)
        return target

    def _check(self, entry: ModelEntry, path: Path) -> None:
        check_file(entry.name, path, entry.size, entry.sha256)
        self._markers.record(path, entry.sha256)


def ensure_file(name: str, home: Home) -> Path:
    """Shortcut: the verified GGUF path of model `name`, from the bundled manifest and `home`'s registry."""
    return ModelCatalog.load(home).ensure_file(name)
