"""Opens the backend a run config names, with its model resolved and verified through the model catalog."""

from __future__ import annotations

from scsf.errors import ConfigError
from scsf.generation.backends.base import Backend
from scsf.generation.backends import backend_class
from scsf.models.catalog import ModelCatalog
from scsf.paths import Home
from scsf.pipeline.config import RunConfig


def open_backend(config: RunConfig, home: Home) -> Backend:
    """Resolve `config.model` (default: the catalog's generator), verify its sha256, and load it."""
    cls = backend_class(config.backend)
    if config.backend != "llamacpp":
        raise ConfigError(f"backend {config.backend!r} is not available for runs yet")
    catalog = ModelCatalog.load(home)
    entry = catalog.get(config.model) if config.model else catalog.default("generator")
    path = catalog.ensure_file(entry.name)
    options = cls.Options(
        model_path=path,
        model_name=entry.name,
        model_sha256=entry.sha256,
        n_ctx=min(config.n_ctx, entry.context_length),
        n_threads=config.n_threads,
    )
    return cls(options)
