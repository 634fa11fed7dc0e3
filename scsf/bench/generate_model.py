"""The GGUF model a generation benchmark loads: a manifest model resolved and sha256-verified by the catalog."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scsf.generation.backends.llamacpp import LlamaCppBackend
from scsf.models.catalog import ModelCatalog
from scsf.paths import Home


@dataclass(frozen=True)
class BenchModel:
    """One model file and the llama.cpp settings every side of a benchmark shares."""

    name: str
    path: Path
    sha256: str
    n_ctx: int
    n_threads: int

    @classmethod
    def resolve(cls, name: str | None, *, n_threads: int, n_ctx: int, home: Home | None = None) -> BenchModel:
        """`name` from the catalog (default: the manifest's test model), verified; `n_ctx` capped at its context.

        Raises:
            ModelError: unknown model, or its file is missing or fails its sha256 check.
        """
        catalog = ModelCatalog.load(home or Home.resolve())
        entry = catalog.get(name) if name else catalog.default("test")
        path = catalog.ensure_file(entry.name)
        return cls(entry.name, path, entry.sha256, min(n_ctx, entry.context_length), n_threads)

    def backend_options(self) -> LlamaCppBackend.Options:
        return LlamaCppBackend.Options(
            model_path=self.path, model_name=self.name, model_sha256=self.sha256, n_ctx=self.n_ctx,
            n_threads=self.n_threads,
        )  # fmt: skip

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "file": self.path.name, "sha256": self.sha256, "n_ctx": self.n_ctx,
                "n_threads": self.n_threads}  # fmt: skip
