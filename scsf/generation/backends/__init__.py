"""Generation backends, found by the `scsf.backends` entry point (built-ins register like plug-ins)."""

from scsf.generation.backends.base import Backend, Completion, GenRequest
from scsf.generation.backends.registry import backend_class, backend_names

__all__ = ["Backend", "Completion", "GenRequest", "backend_class", "backend_names"]
