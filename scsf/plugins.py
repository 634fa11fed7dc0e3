"""Plug-ins by entry point: `scsf.backends`, `scsf.parsers`, `scsf.recognizers`.

Built-ins register in pyproject.toml exactly like outside packages; names are listed without importing.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import Any

from scsf.errors import ConfigError

BACKENDS = "scsf.backends"
PARSERS = "scsf.parsers"
RECOGNIZERS = "scsf.recognizers"


def plugin_names(group: str) -> list[str]:
    return sorted(ep.name for ep in entry_points(group=group))


def load_plugin(group: str, name: str, what: str) -> Any:
    """Import the object registered as `name`; ConfigError listing the known names otherwise."""
    for ep in entry_points(group=group):
        if ep.name == name:
            return ep.load()
    raise ConfigError(f"unknown {what} {name!r} (installed: {', '.join(plugin_names(group)) or 'none'})")
