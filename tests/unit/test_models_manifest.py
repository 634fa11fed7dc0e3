"""Model manifest, assembly, verification markers and the operator registry, with small fake packages."""

from __future__ import annotations

import hashlib
import importlib
import json
import os
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

import scsf.models.integrity as integrity
from appliance.commands import models as models_cli
from scsf.errors import ModelError
from scsf.models import ModelCatalog, manifest_path
from scsf.models.manifest import BUNDLED_MANIFEST, Manifest, PypiFile, PypiParts
from scsf.paths import Home

REQUIREMENTS = BUNDLED_MANIFEST.parent / "requirements.txt"


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    monkeypatch.setenv("SCSF_HOME", str(tmp_path / "home"))
    return Home.resolve()


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Make fake installed distributions: `site(dist, version, {relpath: bytes})`."""
    root = tmp_path / "site"
    root.mkdir()
    monkeypatch.syspath_prepend(str(root))

    def install(dist: str, version: str, files: dict[str, bytes]) -> None:
        info = root / f"{dist.replace('-', '_')}-{version}.dist-info"
        info.mkdir()
        (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {dist}\nVersion: {version}\n")
        for rel, data in files.items():
            (root / rel).parent.mkdir(parents=True, exist_ok=True)
            (root / rel).write_bytes(data)
        importlib.invalidate_caches()  # importlib.metadata caches directory listings

    return install


def write_manifest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, body: str) -> Path:
    path = tmp_path / "manifest.toml"
    path.write_text("schema_version = 1\n" + body)
    monkeypatch.setenv("SCSF_MODEL_MANIFEST", str(path))
    return path


def parts_model(name: str, data: bytes, parts: list[tuple[str, str]], sha256: str | None = None) -> str:
    rows = ",\n".join(f'  {{ distribution = "{dist}", version = "1.0", path = "{rel}" }}' for dist, rel in parts)
    return f"""
[[model]]
name = "{name}"
file = "{name}.gguf"
size = {len(data)}
sha256 = "{sha256 or sha(data)}"
licence = "Apache-2.0"
roles = ["test"]
default_for = ["test"]
context_length = 2048
[model.source]
kind = "pypi-parts"
parts = [
{rows}
]
"""


@pytest.fixture
def three_parts(tmp_path, monkeypatch, site):
    """A model split in parts whose manifest order (b, a, c) differs from the alphabetical one."""
    chunks = {"fake-b": b"GGUF-first|", "fake-a": b"second|", "fake-c": b"third"}
    for dist, data in chunks.items():
        site(dist, "1.0", {f"{dist.replace('-', '_')}/data/part.bin": data})
    order = [(dist, f"{dist.replace('-', '_')}/data/part.bin") for dist in chunks]
    return b"".join(chunks.values()), order


def test_bundled_manifest_has_the_three_models_and_defaults(home, monkeypatch):
    monkeypatch.delenv("SCSF_MODEL_MANIFEST", raising=False)
    assert manifest_path() == BUNDLED_MANIFEST
    catalog = ModelCatalog.load(home)
    names = [entry.name for entry in catalog.list()]
    assert names == [
        "qwen2.5-coder-1.5b-instruct-q4_k_m",
        "qwen2.5-coder-0.5b-instruct-q4_k_m",
        "smollm2-135m-instruct-q4_1",
    ]
    assert catalog.default("generator").name == catalog.default("judge").name == names[0]
    assert catalog.default("test").name == names[1]
    assert catalog.default("plumbing").name == names[2]
    big = catalog.get(names[0])
    assert big.size == 1_117_320_768 and isinstance(big.source, PypiParts) and len(big.source.parts) == 22
    assert isinstance(catalog.get(names[2]).source, PypiFile)
    assert all(entry.upstream and entry.licence == "Apache-2.0" for entry in catalog.list())


def test_requirements_pin_exactly_the_manifest_packages():
    pins = set(re.findall(r"^([a-z0-9-]+)==([\w.]+)", REQUIREMENTS.read_text(), flags=re.M))
    wanted = set()
    for entry in Manifest.from_file(BUNDLED_MANIFEST).model:
        source = entry.source
        for part in source.parts if isinstance(source, PypiParts) else [source]:
            wanted.add((part.distribution, part.version))
    assert pins == wanted and len(pins) == 29


def test_assembles_parts_in_manifest_order(tmp_path, monkeypatch, home, three_parts):
    data, order = three_parts
    write_manifest(tmp_path, monkeypatch, parts_model("fake", data, order))
    catalog = ModelCatalog.load(home)
    assert catalog.status("fake") == "installed"

    path = catalog.ensure_file("fake")

    assert path == home.models / "fake.gguf"
    assert path.read_bytes() == b"GGUF-first|second|third"
    assert not (home.models / "fake.gguf.partial").exists()
    assert catalog.status("fake") == "assembled"


def test_sha256_mismatch_is_refused_with_one_line(tmp_path, monkeypatch, home, three_parts):
    data, order = three_parts
    wrong = "0" * 64
    write_manifest(tmp_path, monkeypatch, parts_model("fake", data, order, sha256=wrong))

    with pytest.raises(ModelError) as caught:
        ModelCatalog.load(home).ensure_file("fake")

    target = home.models / "fake.gguf"
    assert caught.value.msg == (
        f"model fake: sha256 mismatch for {target} (expected {wrong}, got {sha(data)}); refusing to load it"
    )
    assert not target.exists() and not target.with_name("fake.gguf.partial").exists()


def test_marker_spares_rehash_and_verify_always_rehashes(tmp_path, monkeypatch, home, three_parts):
    data, order = three_parts
    write_manifest(tmp_path, monkeypatch, parts_model("fake", data, order))
    catalog = ModelCatalog.load(home)
    path = catalog.ensure_file("fake")  # hashed while assembling: no second pass needed
    calls = []
    monkeypatch.setattr(integrity, "file_sha256", lambda p: calls.append(p) or sha(p.read_bytes()))

    assert ModelCatalog.load(home).ensure_file("fake") == path
    assert calls == []
    assert catalog.verify("fake") == path
    assert calls == [path]


def test_marker_is_invalidated_when_the_file_changes(tmp_path, monkeypatch, home, three_parts):
    data, order = three_parts
    write_manifest(tmp_path, monkeypatch, parts_model("fake", data, order))
    catalog = ModelCatalog.load(home)
    path = catalog.ensure_file("fake")
    stat = path.stat()
    path.write_bytes(data.replace(b"third", b"THIRD"))  # same size, other bytes
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))

    with pytest.raises(ModelError, match=r"^model fake: sha256 mismatch for .*got " + sha(path.read_bytes())):
        catalog.ensure_file("fake")


def test_size_mismatch_is_refused(tmp_path, monkeypatch, home, three_parts):
    data, order = three_parts
    write_manifest(tmp_path, monkeypatch, parts_model("fake", data, order))
    catalog = ModelCatalog.load(home)
    path = catalog.ensure_file("fake")
    path.write_bytes(data + b"!")

    with pytest.raises(ModelError, match=rf"is {len(data) + 1} bytes, expected {len(data)}; refusing"):
        catalog.ensure_file("fake")


def test_missing_package_names_the_pip_package(tmp_path, monkeypatch, home, site):
    site("fake-a", "1.0", {"fake_a/data/part.bin": b"GGUF"})
    order = [("fake-a", "fake_a/data/part.bin"), ("scsf-absent-part", "scsf_absent_part/data/part.bin")]
    write_manifest(tmp_path, monkeypatch, parts_model("fake", b"GGUF....", order))
    catalog = ModelCatalog.load(home)

    assert catalog.status("fake") == "missing"
    with pytest.raises(ModelError) as caught:
        catalog.ensure_file("fake")
    assert caught.value.msg == (
        "model fake needs pip package scsf-absent-part==1.0, which is not installed; "
        "run the installer (pip install --no-deps -r models/requirements.txt)"
    )
    assert not (home.models / "fake.gguf").exists()


def test_wrong_package_version_is_refused(tmp_path, monkeypatch, home, site):
    site("fake-a", "0.9", {"fake_a/data/part.bin": b"GGUF"})
    write_manifest(tmp_path, monkeypatch, parts_model("fake", b"GGUF", [("fake-a", "fake_a/data/part.bin")]))

    with pytest.raises(ModelError, match=r"needs pip package fake-a==1.0, but 0.9 is installed"):
        ModelCatalog.load(home).ensure_file("fake")


def test_pypi_file_is_used_in_place(tmp_path, monkeypatch, home, site):
    data = b"GGUF small model"
    site("fake-file", "1.0", {"fake_file/model.gguf": data})
    write_manifest(tmp_path, monkeypatch, f"""
[[model]]
name = "small"
file = "model.gguf"
size = {len(data)}
sha256 = "{sha(data)}"
licence = "Apache-2.0"
roles = ["plumbing"]
context_length = 8192
[model.source]
kind = "pypi-file"
distribution = "fake-file"
version = "1.0"
path = "fake_file/model.gguf"
""")
    catalog = ModelCatalog.load(home)

    assert catalog.ensure_file("small") == tmp_path / "site" / "fake_file" / "model.gguf"
    assert catalog.default("plumbing").name == "small"  # no explicit default: first with the role
    assert not (home.models / "model.gguf").exists()


def test_registry_round_trip(tmp_path, monkeypatch, home):
    write_manifest(tmp_path, monkeypatch, "")
    weights = tmp_path / 'odd "dir" \\ ñ' / "Qwen3-14B-Q4_K_M.gguf"
    weights.parent.mkdir()
    weights.write_bytes(b"GGUF" + b"\x00" * 60)

    entry = ModelCatalog.load(home).register(
        weights, name="qwen3-14b-q4_k_m", roles=["generator", "judge"], licence="Apache-2.0", context_length=40960
    )

    reloaded = ModelCatalog.load(home)
    assert reloaded.get("qwen3-14b-q4_k_m") == entry
    assert entry.source.path == weights and entry.size == 64 and entry.sha256 == sha(weights.read_bytes())
    assert reloaded.status("qwen3-14b-q4_k_m") == "installed"
    assert reloaded.ensure_file("qwen3-14b-q4_k_m") == weights
    assert (home.models / "registry.toml").is_file()

    weights.unlink()
    assert reloaded.status("qwen3-14b-q4_k_m") == "missing"
    with pytest.raises(ModelError, match="registered file .* no longer exists"):
        reloaded.ensure_file("qwen3-14b-q4_k_m")


def test_register_refuses_bad_input(tmp_path, monkeypatch, home, three_parts):
    data, order = three_parts
    write_manifest(tmp_path, monkeypatch, parts_model("fake", data, order))
    catalog = ModelCatalog.load(home)
    gguf = tmp_path / "m.gguf"
    gguf.write_bytes(b"GGUF....")
    text = tmp_path / "notes.txt"
    text.write_text("hello")

    with pytest.raises(ModelError, match="a bundled model has that name"):
        catalog.register(gguf, name="fake", roles=["generator"])
    with pytest.raises(ModelError, match="not a GGUF file"):
        catalog.register(text, name="notes", roles=["generator"])
    with pytest.raises(ModelError, match="roles"):
        catalog.register(gguf, name="mine", roles=["poet"])
    assert not (home.models / "registry.toml").exists()


def test_cli_verify_reports_mismatch_and_exits_1(tmp_path, monkeypatch, home, three_parts):
    data, order = three_parts
    write_manifest(tmp_path, monkeypatch, parts_model("fake", data, order, sha256="0" * 64))
    runner = CliRunner()

    listed = runner.invoke(models_cli.app, ["list", "--json"])
    verified = runner.invoke(models_cli.app, ["verify", "--json"])

    assert listed.exit_code == 0 and json.loads(listed.stdout)[0]["status"] == "installed"
    assert verified.exit_code == 1
    [result] = json.loads(verified.stdout)
    assert not result["ok"] and result["error"].startswith("model fake: sha256 mismatch")


def test_cli_register_then_list(tmp_path, monkeypatch, home):
    write_manifest(tmp_path, monkeypatch, "")
    gguf = tmp_path / "mine.gguf"
    gguf.write_bytes(b"GGUF....")
    runner = CliRunner()

    registered = runner.invoke(
        models_cli.app, ["register", str(gguf), "--name", "mine", "--role", "generator", "--json"]
    )
    listed = runner.invoke(models_cli.app, ["list", "--json"])

    assert registered.exit_code == 0, registered.output
    [row] = json.loads(listed.stdout)
    assert row["name"] == "mine" and row["source"] == "file" and row["licence"] == "unknown"
    assert row["context_length"] == 4096 and row["status"] == "installed"
