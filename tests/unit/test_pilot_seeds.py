"""The shipped pilot seeds: all valid, enough per domain, all distinct, and free of obvious personal data."""

from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from scsf.domains import DomainRegistry
from scsf.seeds.importer import pilot_seed_files, validate_seed_files
from scsf.seeds.schema import Seed

NAMESPACES = (
    "automotive.sales", "education.tutoring", "finance.advisory",
    "industrial.support", "legal.advisory", "medical.consultation",
)  # fmt: skip
MINIMUM = {namespace: 10 for namespace in NAMESPACES} | {"automotive.sales": 50}

# A simple guard, not a PII detector: patterns that must never appear in a seed meant to be privacy-free.
PII_PATTERNS = {
    "email": re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"),
    "phone (10 digits)": re.compile(
        r"(?<!\d)(?:\+?52[\s._-]?)?(?:\d{10}|\d{2}[\s._-]\d{4}[\s._-]\d{4}|\d{3}[\s._-]\d{3}[\s._-]\d{4})(?!\d)"
    ),
    "CURP": re.compile(r"[a-z][aeioux][a-z]{2}\d{6}[hm][a-z]{5}[a-z0-9]\d", re.IGNORECASE),
    "RFC": re.compile(r"(?<![a-z])[a-z&ñ]{3,4}\d{6}[a-z0-9]{3}(?![a-z0-9])", re.IGNORECASE),
}
# Frequent Mexican given names and surnames, as whole `_`-separated tokens of an identifier.
NAMES = frozenset(
    "juan jose maria guadalupe luis carlos jorge miguel ana rosa francisco antonio alejandro fernando pedro "
    "sofia lupita garcia hernandez martinez lopez gonzalez rodriguez perez sanchez ramirez".split()
)


@pytest.fixture(scope="module")
def pilot(domains: DomainRegistry) -> list[tuple[Seed, str]]:
    return validate_seed_files(pilot_seed_files(), domains)


@pytest.fixture(scope="module")
def raw_documents() -> list[tuple[str, dict[str, Any]]]:
    """(file:line, document) for every line of the shipped files, parsed with plain json."""
    documents = []
    for path in pilot_seed_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            documents.append((f"{path.name}:{number}", json.loads(line)))
    return documents


def strings(value: Any) -> list[str]:
    """Every string in a seed document except its seed_id (a UUID is hex, not personal data)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for item in value for s in strings(item)]
    if isinstance(value, dict):
        return [s for key, item in value.items() if key != "seed_id" for s in strings(item)]
    return []


def pii_findings(document: dict[str, Any]) -> list[str]:
    findings = []
    for text in strings(document):
        findings += [f"{name}: {text}" for name, pattern in PII_PATTERNS.items() if pattern.search(text)]
        findings += [f"name: {text}" for token in text.split("_") if token in NAMES]
    return findings


def test_one_file_per_domain() -> None:
    assert [path.name for path in pilot_seed_files()] == [f"{namespace}.jsonl" for namespace in NAMESPACES]


def test_every_shipped_seed_validates(pilot: list[tuple[Seed, str]], raw_documents: list[tuple[str, dict[str, Any]]]) -> None:
    assert len(pilot) == len(raw_documents)
    assert len(pilot) >= 100


def test_counts_per_domain(pilot: list[tuple[Seed, str]]) -> None:
    counts = Counter(seed.namespace for seed, _ in pilot)
    assert set(counts) == set(NAMESPACES)
    short = {namespace: counts[namespace] for namespace in NAMESPACES if counts[namespace] < MINIMUM[namespace]}
    assert short == {}, f"domains below their minimum: {short}"


def test_each_file_holds_only_its_domain(pilot: list[tuple[Seed, str]]) -> None:
    misplaced = [source for seed, source in pilot if Path(source.rsplit(":", 1)[0]).stem != seed.namespace]
    assert misplaced == []


def test_seed_ids_and_content_are_distinct(pilot: list[tuple[Seed, str]]) -> None:
    ids = Counter(seed.seed_id for seed, _ in pilot)
    hashes = Counter(seed.content_hash() for seed, _ in pilot)
    assert [i for i, n in ids.items() if n > 1] == []
    assert [h for h, n in hashes.items() if n > 1] == []
    # content without the id must differ too: no seed is a copy of another under a new id
    scenarios = Counter(json.dumps({**seed.canonical_document(), "seed_id": None}, sort_keys=True) for seed, _ in pilot)
    assert max(scenarios.values()) == 1


def test_documents_round_trip(pilot: list[tuple[Seed, str]], raw_documents: list[tuple[str, dict[str, Any]]]) -> None:
    mismatched = [where for (seed, _), (where, raw) in zip(pilot, raw_documents, strict=True) if seed.document() != raw]
    assert mismatched == []


def test_no_seed_declares_pii(pilot: list[tuple[Seed, str]]) -> None:
    assert [source for seed, source in pilot if seed.privacidad.contiene_pii] == []


def test_no_obvious_pii(raw_documents: list[tuple[str, dict[str, Any]]]) -> None:
    findings = {where: found for where, document in raw_documents if (found := pii_findings(document))}
    assert findings == {}


@pytest.mark.parametrize(
    ("planted", "kind"),
    [
        ("contacto_ana.perez@correo.mx", "email"),
        ("telefono_5512345678", "phone (10 digits)"),
        ("tel_55_1234_5678", "phone (10 digits)"),
        ("whatsapp_+52_333_123_4567", "phone (10 digits)"),
        ("curp_gohm850101hdfnrr09", "CURP"),
        ("rfc_gohm850101ab3", "RFC"),
        ("cliente_juan", "name"),
    ],
)
def test_the_guard_catches_planted_pii(listing1: dict[str, Any], planted: str, kind: str) -> None:
    """The guard above can fail: each pattern finds a planted example, and Listing 1 itself is clean."""
    assert pii_findings(listing1) == []
    listing1["parametros_factuales"]["entidades_clave"].append(planted)
    assert [finding.split(": ")[0] for finding in pii_findings(listing1)] == [kind]
