"""Residual-PII detection (whitepaper 6.2): Mexican identifiers, cards, phones, e-mail, coordinates and person names.

Importing this package forces tldextract (used by Presidio's e-mail check) onto its bundled public-suffix snapshot:
the appliance is air-gapped and must never try to fetch the list. Heavy objects (spaCy pipelines, the Presidio
AnalyzerEngine) load lazily, once per process, on the first scan.
"""

from __future__ import annotations

import os
import sys

os.environ["TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS"] = ""
if "tldextract" in sys.modules:  # imported before us: its default extractor already read the environment
    _extractor = getattr(sys.modules.get("tldextract.tldextract"), "TLD_EXTRACTOR", None)
    if _extractor is not None:
        _extractor.suffix_list_urls = ()

from scsf.privacy.base import DEFAULT_ENTITIES, ENTITY_TYPES, PiiFinding, ScanResult  # noqa: E402
from scsf.privacy.redact import Pseudonymizer, RedactionMode, redact_conversation, redact_text  # noqa: E402
from scsf.privacy.risk import DEFAULT_THRESHOLD, RiskAssessment, assess_conversation, risk_score  # noqa: E402

__all__ = [
    "DEFAULT_ENTITIES", "DEFAULT_THRESHOLD", "ENTITY_TYPES", "PiiFinding", "PiiScanner", "Pseudonymizer",
    "RedactionMode", "RiskAssessment", "ScanResult", "assess_conversation", "redact_conversation", "redact_text",
    "risk_score",
]  # fmt: skip


def __getattr__(name: str) -> object:
    if name == "PiiScanner":  # keep `import scsf.privacy` cheap: Presidio loads only when a scanner is wanted
        from scsf.privacy.engine import PiiScanner

        return PiiScanner
    raise AttributeError(name)
