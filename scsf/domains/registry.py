"""Finds domain packs: the bundled ones plus any operator files in $SCSF_HOME/domains."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from scsf.domains.pack import DomainPack
from scsf.errors import DomainError

BUNDLED_PACKS = Path(__file__).parent / "packs"


class DomainRegistry:
    """Namespaces and their aliases, resolved to loaded packs."""

    def __init__(self, packs: Iterable[DomainPack]) -> None:
        self._packs: dict[str, DomainPack] = {}
        self._aliases: dict[str, str] = {}
        for pack in packs:
            if pack.namespace in self._packs:
                raise DomainError(f"domain {pack.namespace!r} is defined twice")
            self._packs[pack.namespace] = pack
            for alias in pack.alias:
                self._aliases[alias] = pack.namespace

    @classmethod
    def load(cls, *extra_dirs: Path) -> DomainRegistry:
        """Bundled packs first, then `*.toml` in each extra directory that exists."""
        files = sorted(BUNDLED_PACKS.glob("*.toml"))
        for directory in extra_dirs:
            if directory.is_dir():
                files.extend(sorted(directory.glob("*.toml")))
        packs: list[DomainPack] = []
        owners: dict[str, tuple[str, Path]] = {}  # namespace or alias -> (its namespace, defining file)
        for path in files:
            pack = DomainPack.from_file(path)
            for field, names in (("namespace", [pack.namespace]), ("alias", pack.alias)):
                for name in names:
                    if name in owners:
                        namespace, other = owners[name]
                        raise DomainError(
                            f"{path}: {field}: {name!r} is already used by domain {namespace!r} ({other})"
                        )
                    owners[name] = (pack.namespace, path)
            packs.append(pack)
        return cls(packs)

    def canonical(self, name: str) -> str | None:
        """The namespace for a namespace or alias, or None if unknown."""
        if name in self._packs:
            return name
        return self._aliases.get(name)

    def get(self, name: str) -> DomainPack:
        namespace = self.canonical(name)
        if namespace is None:
            known = ", ".join(sorted(self._packs))
            raise DomainError(f"unknown domain {name!r} (known: {known})")
        return self._packs[namespace]

    def __iter__(self):
        return iter(self._packs[name] for name in sorted(self._packs))

    def __len__(self) -> int:
        return len(self._packs)
