"""Generation backends, found by the `scsf.backends` entry point (built-ins register like plug-ins)."""

from scsf.generation.backends.base import Backend, Completion, GenRequest
from scsf.plugins import BACKENDS, load_plugin, plugin_names


def backend_names() -> list[str]:
    return plugin_names(BACKENDS)


def backend_class(name: str) -> type[Backend]:
    return load_plugin(BACKENDS, name, "backend")


__all__ = ["Backend", "Completion", "GenRequest", "backend_class", "backend_names"]
