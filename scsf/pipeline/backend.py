"""Opens the backend a run config names: llama.cpp with its model resolved and sha256-verified through the model
catalog, or an HTTP backend (OpenAI-compatible servers, opt-in cloud APIs) with its endpoints and options."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pydantic import ValidationError

from scsf.errors import ConfigError
from scsf.generation.backends import backend_class
from scsf.generation.backends.base import Backend
from scsf.models.catalog import ModelCatalog
from scsf.paths import Home
from scsf.pipeline.config import RunConfig
from scsf.validation import describe_first_error

# Backend options that open the network; only the run-level `allow_network_egress` may set them.
EGRESS_FIELDS = {"allow_network_egress", "allow_remote"}
LOCAL_BACKENDS = {"llamacpp"}  # in process: the model sits in this process's memory and opens no socket

BackendFactory = Callable[[RunConfig], Backend]


def open_backend(config: RunConfig, home: Home) -> Backend:
    """Build the backend's Options from the run config (errors name the field) and construct it."""
    cls = backend_class(config.backend)
    options = _llamacpp_options(config, home) if config.backend == "llamacpp" else _remote_options(config, cls)
    try:
        validated = cls.Options.model_validate(options)
    except ValidationError as exc:
        raise ConfigError(f"run config, backend {config.backend}: {describe_first_error(exc)}") from exc
    return cls(validated)


def _llamacpp_options(config: RunConfig, home: Home) -> dict[str, Any]:
    """The manifest model (default: the catalog's generator), verified before it is loaded."""
    catalog = ModelCatalog.load(home)
    entry = catalog.get(config.model) if config.model else catalog.default("generator")
    return {
        "model_path": catalog.ensure_file(entry.name),
        "model_name": entry.name,
        "model_sha256": entry.sha256,
        "n_ctx": min(config.n_ctx, entry.context_length),
        "n_threads": config.n_threads,
        **config.backend_options,
    }


def _remote_options(config: RunConfig, cls: type[Backend]) -> dict[str, Any]:
    """Model, endpoints, concurrency and the egress permission, mapped onto the fields the backend declares."""
    if not config.model:
        raise ConfigError(f"run config: backend {config.backend} needs `model` (the name the server serves)")
    fields = cls.Options.model_fields
    if egress := EGRESS_FIELDS & set(config.backend_options):
        raise ConfigError(
            f"run config: backend_options.{min(egress)} is not allowed; set allow_network_egress in [run]"
        )
    options: dict[str, Any] = {"model": config.model, **config.backend_options}
    if config.endpoints:
        options["endpoints"] = list(config.endpoints)
    if "max_concurrency" in fields and config.concurrency:
        options["max_concurrency"] = config.concurrency
    for egress_field in EGRESS_FIELDS & set(fields):
        options[egress_field] = config.allow_network_egress
    return options
