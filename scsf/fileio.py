"""Atomic file output: readers see the old file or the complete new one, never a half-written one."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO


@contextmanager
def atomic_output(path: Path, *, mode: int = 0o644) -> Iterator[BinaryIO]:
    """Yield a binary handle on a sibling temp file created with `mode` (never wider); on success fsync and
    `os.replace` it onto `path`, on any exception remove it and leave `path` untouched."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        with os.fdopen(fd, "wb") as handle:
            os.fchmod(handle.fileno(), mode)
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def atomic_write(path: Path, data: bytes, *, mode: int = 0o644) -> None:
    """Write `data` to `path` atomically."""
    with atomic_output(path, mode=mode) as handle:
        handle.write(data)
