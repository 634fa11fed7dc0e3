"""Ed25519 report signing: the appliance key pair, signed envelopes and their verification."""

from __future__ import annotations

import base64
import binascii
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from scsf.errors import ReportError
from scsf.fileio import atomic_write
from scsf.hashing import canonical_json, sha256_hex

PRIVATE_KEY_FILE = "report_signing.key"
PUBLIC_KEY_FILE = "report_signing.pub"
ALGORITHM = "Ed25519"
_SIGNATURE_FIELDS = {"algorithm", "key_id", "public_key", "value"}


@dataclass(frozen=True)
class KeyInfo:
    """A freshly written key pair: its id and where both halves live."""

    key_id: str
    private_path: Path
    public_path: Path


@dataclass(frozen=True)
class VerifiedReport:
    """A report whose signature checked out against the trusted key; `checked` lists the files hashed."""

    key_id: str
    run_id: str | None
    document: dict[str, Any]
    checked: tuple[Path, ...] = ()


def key_id(public_key: Ed25519PublicKey) -> str:
    """`ed25519:` + sha256 hex of the raw 32-byte public key."""
    return "ed25519:" + sha256_hex(_raw(public_key))


def generate_keypair(keys_dir: Path, *, overwrite: bool = False) -> KeyInfo:
    """Write a new key pair into `keys_dir` (private 0600, public 0644).

    Raises ReportError if a key is already there and `overwrite` is false.
    """
    private_path, public_path = keys_dir / PRIVATE_KEY_FILE, keys_dir / PUBLIC_KEY_FILE
    if not overwrite:
        for path in (private_path, public_path):
            if path.exists():
                raise ReportError(f"{path} already exists; refusing to overwrite the report signing key")
    keys_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
    private_key = Ed25519PrivateKey.generate()
    private_pem = private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    public_pem = private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    atomic_write(private_path, private_pem, mode=0o600)
    atomic_write(public_path, public_pem, mode=0o644)
    return KeyInfo(key_id(private_key.public_key()), private_path, public_path)


def load_private_key(keys_dir: Path) -> Ed25519PrivateKey:
    """The appliance signing key. Raises ReportError if missing, not private to its owner, or not Ed25519."""
    path = keys_dir / PRIVATE_KEY_FILE
    try:
        mode = path.stat().st_mode & 0o777
    except FileNotFoundError:
        raise ReportError(f"no report signing key at {path}: run `scsf-appliance init` first") from None
    if mode & 0o077:
        raise ReportError(f"{path} has mode {mode:04o}, open to group or others; run `chmod 600 {path}`")
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as exc:
        raise ReportError(f"{path}: not an unencrypted PEM private key: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ReportError(f"{path}: not an Ed25519 private key")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    """A trusted Ed25519 public key from a PEM file. Raises ReportError if missing or not Ed25519."""
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ReportError(f"no public key at {path}") from None
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm) as exc:
        raise ReportError(f"{path}: not a PEM public key: {exc}") from exc
    if not isinstance(key, Ed25519PublicKey):
        raise ReportError(f"{path}: not an Ed25519 public key")
    return key


def sign_document(document: dict[str, Any], private_key: Ed25519PrivateKey) -> dict[str, Any]:
    """Envelope `{"report", "signature"}`; the signature covers `canonical_json(document)`.

    The document is normalised through JSON first, so the envelope holds exactly what was signed.
    """
    report = json.loads(canonical_json(document))
    public_key = private_key.public_key()
    return {
        "report": report,
        "signature": {
            "algorithm": ALGORITHM,
            "key_id": key_id(public_key),
            "public_key": base64.b64encode(_raw(public_key)).decode("ascii"),
            "value": base64.b64encode(private_key.sign(canonical_json(report).encode("utf-8"))).decode("ascii"),
        },
    }


def verify_envelope(envelope: Any, trusted_public_key: Ed25519PublicKey) -> VerifiedReport:
    """Check an envelope's shape, its signer against the trusted key, then the signature.

    Raises ReportError on any failure.
    """
    report, signature = _parts(envelope)
    embedded = Ed25519PublicKey.from_public_bytes(_b64(signature, "public_key", size=32))
    embedded_id = key_id(embedded)
    if signature["key_id"] != embedded_id:
        raise ReportError("malformed report envelope: signature.key_id does not match signature.public_key")
    if _raw(embedded) != _raw(trusted_public_key):
        raise ReportError(f"signed by untrusted key {embedded_id}, expected {key_id(trusted_public_key)}")
    try:
        embedded.verify(_b64(signature, "value", size=64), canonical_json(report).encode("utf-8"))
    except InvalidSignature:
        raise ReportError("signature does not match: the report was modified after signing") from None
    return VerifiedReport(key_id=embedded_id, run_id=report.get("run_id"), document=report)


def _parts(envelope: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    if not isinstance(envelope, dict) or set(envelope) != {"report", "signature"}:
        raise ReportError("malformed report envelope: expected exactly the keys 'report' and 'signature'")
    report, signature = envelope["report"], envelope["signature"]
    if not isinstance(report, dict):
        raise ReportError("malformed report envelope: 'report' must be an object")
    if not isinstance(signature, dict) or set(signature) != _SIGNATURE_FIELDS:
        raise ReportError(f"malformed report envelope: 'signature' must have exactly {sorted(_SIGNATURE_FIELDS)}")
    if not all(isinstance(value, str) for value in signature.values()):
        raise ReportError("malformed report envelope: signature fields must be strings")
    if signature["algorithm"] != ALGORITHM:
        raise ReportError(f"unsupported signature algorithm {signature['algorithm']!r}, expected {ALGORITHM}")
    return report, signature


def _b64(signature: dict[str, str], name: str, *, size: int) -> bytes:
    """Strict base64: canonical encoding only, so no two spellings verify as the same envelope."""
    text = signature[name]
    try:
        raw = base64.b64decode(text, validate=True)
    except binascii.Error:
        raw = b""
    if len(raw) != size or base64.b64encode(raw).decode("ascii") != text:
        raise ReportError(f"malformed report envelope: signature.{name} is not {size} bytes of canonical base64")
    return raw


def _raw(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
