"""One real Presidio + spaCy engine for the whole session (building it takes seconds)."""

from __future__ import annotations

import pytest

from scsf.privacy import PiiScanner


@pytest.fixture(scope="session")
def scanner() -> PiiScanner:
    return PiiScanner().warm_up()
