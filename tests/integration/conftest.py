"""Fixtures of the real-model tests (marked `model`)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scsf.generation.backends.llamacpp import LlamaCppBackend
from scsf.models.catalog import ModelCatalog
from scsf.paths import Home

SHARED_MODELS = Home.resolve().models  # where installer/setup.sh assembled the weights
SMALL_MODEL = "qwen2.5-coder-0.5b-instruct-q4_k_m"


@pytest.fixture
def small_model(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[LlamaCppBackend]:
    """The 0.5B test model from the shared models directory through llama.cpp, 1 thread, in a fresh SCSF_HOME."""
    if not (SHARED_MODELS / "verified.json").exists():
        pytest.skip(f"models not assembled in {SHARED_MODELS}: run installer/setup.sh")
    monkeypatch.setenv("SCSF_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("SCSF_MODELS_DIR", str(SHARED_MODELS))
    catalog = ModelCatalog.load(Home.resolve())
    options = LlamaCppBackend.Options(
        model_path=catalog.ensure_file(SMALL_MODEL), model_name=SMALL_MODEL,
        model_sha256=catalog.get(SMALL_MODEL).sha256, n_ctx=4096, n_threads=1,
    )  # fmt: skip
    backend = LlamaCppBackend(options)
    yield backend
    backend.close()
