"""The operator registry: `<home>/models/registry.toml`, GGUF files registered by hand and referenced by path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scsf.models.manifest import Manifest, ModelEntry
from scsf.paths import Home

HEADER = "# Operator-registered GGUF models, written by `scsf-appliance models register`.\n"


def registry_path(home: Home) -> Path:
    return home.models / "registry.toml"


def load_registry(path: Path) -> list[ModelEntry]:
    """The registered models, or none if the file does not exist yet. Raises ModelError if it is malformed."""
    return Manifest.from_file(path).model if path.exists() else []


def save_registry(path: Path, entries: list[ModelEntry]) -> None:
    """Write the registry atomically, one `[[model]]` table per entry."""
    blocks = [HEADER, "schema_version = 1\n"]
    for entry in entries:
        data = entry.model_dump(mode="json", exclude_none=True)
        source = data.pop("source")
        blocks.append("\n[[model]]\n" + _table(data) + "\n[model.source]\n" + _table(source))
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text("".join(blocks), encoding="utf-8")
    tmp.replace(path)


def _table(data: dict[str, Any]) -> str:
    return "".join(f"{key} = {_value(value)}\n" for key, value in data.items())


def _value(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, (int, str, list)):
        raise TypeError(f"registry values are int, str or list, not {type(value).__name__}")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, list):
        return "[" + ", ".join(_value(item) for item in value) + "]"
    escaped = "".join(
        "\\" + char if char in '"\\' else f"\\u{ord(char):04x}" if ord(char) < 0x20 or ord(char) == 0x7F else char
        for char in value
    )
    return f'"{escaped}"'
