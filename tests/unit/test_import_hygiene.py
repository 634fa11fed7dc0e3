"""The core library never imports Textual (or any UI), and importing it touches no network library."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import scsf


def test_scsf_modules_do_not_import_textual() -> None:
    modules = [name for _, name, _ in pkgutil.walk_packages(scsf.__path__, "scsf.")]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}: importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'textual', 'appliance'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert len(modules) > 30
    assert result.stdout.strip() == "[]"
