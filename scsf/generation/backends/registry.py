"""Backend lookup by name through the `scsf.backends` entry-point group, listed without importing."""

from __future__ import annotations

from importlib.metadata import entry_points

from scsf.errors import ConfigError
from scsf.generation.backends.base import Backend

GROUP = "scsf.backends"


def backend_names() -> list[str]:
    return sorted(ep.name for ep in entry_points(group=GROUP))


def backend_class(name: str) -> type[Backend]:
    """Import and return the backend registered under `name`."""
    for ep in entry_points(group=GROUP):
        if ep.name == name:
            return ep.load()
    raise ConfigError(f"unknown backend {name!r} (installed: {', '.join(backend_names()) or 'none'})")
