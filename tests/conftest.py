"""Shared fixtures. Add new fixtures below; do not rewrite the ones other suites rely on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scsf.domains import DomainRegistry

FIXTURES = Path(__file__).parent / "fixtures"
LISTING1_PATH = FIXTURES / "listing1_seed.json"


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty data directory, exported as $SCSF_HOME (created lazily by the code under test)."""
    root = tmp_path / "home"
    monkeypatch.setenv("SCSF_HOME", str(root))
    return root


@pytest.fixture(scope="session")
def domains() -> DomainRegistry:
    """The six bundled domain packs."""
    return DomainRegistry.load()


@pytest.fixture
def listing1() -> dict[str, Any]:
    """Whitepaper Listing 1 as a fresh dict (tests may mutate it)."""
    return json.loads(LISTING1_PATH.read_text(encoding="utf-8"))


@pytest.fixture(autouse=True)
def fresh_cli_state() -> Any:
    """An in-process CLI call with `--home` or `--debug` sets process-wide state; no later test may inherit it."""
    from appliance.state import state

    yield
    state.configure(home=None, debug=False)
