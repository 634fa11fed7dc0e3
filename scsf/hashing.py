"""Canonical JSON and tagged sha256 identifiers: the one way SCSF fingerprints anything."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import orjson


def canonical_json(value: Any) -> str:
    """Deterministic JSON: sorted keys, no insignificant whitespace, UTF-8 kept as is (RFC 8785-style)."""
    return orjson.dumps(value, option=orjson.OPT_SORT_KEYS).decode("utf-8")


def sha256_hex(data: bytes | str) -> str:
    """Hex sha256 of bytes, or of a string encoded as UTF-8."""
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def content_id(value: Any) -> str:
    """Tagged content address of a JSON-able value: `sha256:<hex of its canonical JSON>`."""
    return "sha256:" + sha256_hex(canonical_json(value))


def file_sha256(path: Path, chunk_size: int = 1 << 20) -> str:
    """Hex sha256 of a file, read in chunks so large model files never sit in memory."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()
