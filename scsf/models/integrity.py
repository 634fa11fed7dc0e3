"""Size and sha256 checks of model files, with a small cache of files already verified."""

from __future__ import annotations

import json
import os
from pathlib import Path

from scsf.errors import ModelError
from scsf.hashing import file_sha256


def mismatch(name: str, path: Path, expected: str, actual: str) -> ModelError:
    """The one-line refusal of a file whose sha256 is not the manifest's."""
    return ModelError(f"model {name}: sha256 mismatch for {path} (expected {expected}, got {actual}); refusing to load it")


def check_file(name: str, path: Path, size: int, sha256: str) -> None:
    """Raise ModelError unless `path` has exactly `size` bytes and hashes to `sha256`."""
    actual_size = path.stat().st_size
    if actual_size != size:
        raise ModelError(f"model {name}: {path} is {actual_size} bytes, expected {size}; refusing to load it")
    actual = file_sha256(path)
    if actual != sha256:
        raise mismatch(name, path, sha256, actual)


class VerifiedMarkers:
    """A JSON map of verified files keyed on path, size and mtime, so loads need not rehash a large file.

    A marker only vouches for the file as it was when hashed: any change of size or mtime invalidates it.
    """

    def __init__(self, path: Path) -> None:
        self.path = path

    def is_verified(self, file: Path, sha256: str) -> bool:
        return self._read().get(str(file)) == self._marker(file, sha256)

    def record(self, file: Path, sha256: str) -> None:
        markers = self._read()
        markers[str(file)] = self._marker(file, sha256)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(markers, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        tmp.replace(self.path)

    def _read(self) -> dict[str, dict]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (FileNotFoundError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    @staticmethod
    def _marker(file: Path, sha256: str) -> dict:
        stat = file.stat()
        return {"size": stat.st_size, "mtime_ns": stat.st_mtime_ns, "sha256": sha256}
