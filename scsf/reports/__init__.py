"""Certification reports: Ed25519-signed chain-of-custody documents and their verification."""

from scsf.reports.build import ReportPaths, render_markdown, verify_report_file, write_signed_report
from scsf.reports.signing import (
    KeyInfo,
    VerifiedReport,
    generate_keypair,
    key_id,
    load_private_key,
    load_public_key,
    sign_document,
    verify_envelope,
)

__all__ = [
    "KeyInfo",
    "ReportPaths",
    "VerifiedReport",
    "generate_keypair",
    "key_id",
    "load_private_key",
    "load_public_key",
    "render_markdown",
    "sign_document",
    "verify_envelope",
    "verify_report_file",
    "write_signed_report",
]
