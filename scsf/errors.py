"""User-facing error tree: every failure an operator can cause is one of these, with one clear line."""

from __future__ import annotations


class ScsfError(Exception):
    """Base error: `msg` is the one line shown to the operator, `title` a short category."""

    title = "error"

    def __init__(self, msg: str, *, title: str | None = None) -> None:
        super().__init__(msg)
        self.msg = msg
        if title is not None:
            self.title = title

    def __str__(self) -> str:
        return self.msg


class SeedError(ScsfError):
    """A seed document is malformed or breaks a validation rule."""

    title = "invalid seed"


class DomainError(ScsfError):
    """A domain pack is missing or malformed."""

    title = "domain"


class StoreError(ScsfError):
    """The DuckDB store cannot be opened or is inconsistent."""

    title = "store"


class ModelError(ScsfError):
    """A model file is missing, unregistered or fails its sha256 check."""

    title = "model"


class GenerationError(ScsfError):
    """A backend failed to produce a usable conversation."""

    title = "generation"


class ConfigError(ScsfError):
    """A run configuration is invalid."""

    title = "config"


class ReportError(ScsfError):
    """A signed report is malformed, tampered with, or signed by an untrusted key."""

    title = "report"
