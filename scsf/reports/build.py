"""Signed report files: `report.md` for people, `report.json` (signed envelope) for auditors, and their check."""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from scsf.errors import ReportError
from scsf.hashing import canonical_json, file_sha256, sha256_hex
from scsf.fileio import atomic_write
from scsf.reports.signing import VerifiedReport, load_public_key, sign_document, verify_envelope

MARKDOWN_FILE = "report.md"
JSON_FILE = "report.json"


@dataclass(frozen=True)
class ReportPaths:
    """Where a signed report was written."""

    json: Path
    markdown: Path


def write_signed_report(out_dir: Path, document: dict[str, Any], private_key: Ed25519PrivateKey) -> ReportPaths:
    """Write `report.md`, then `report.json`: the envelope of `document` plus a `rendering` entry
    holding report.md's sha256, so the Markdown is covered by the signature. Both writes are atomic.
    """
    if "rendering" in document:
        raise ValueError("document already has a 'rendering' entry; write_signed_report adds it")
    out_dir.mkdir(parents=True, exist_ok=True)
    markdown = render_markdown(document)
    paths = ReportPaths(json=out_dir / JSON_FILE, markdown=out_dir / MARKDOWN_FILE)
    atomic_write(paths.markdown, markdown.encode("utf-8"))
    signed = {**document, "rendering": {"path": MARKDOWN_FILE, "sha256": sha256_hex(markdown)}}
    envelope = sign_document(signed, private_key)
    atomic_write(paths.json, (json.dumps(envelope, ensure_ascii=False, indent=2) + "\n").encode("utf-8"))
    return paths


def verify_report_file(path: Path, trusted_public_key_path: Path) -> VerifiedReport:
    """Verify a `report.json`: signature against the trusted key, then the sha256 of every listed file
    (`artifacts` entries and `rendering`, relative to the report's folder). Raises ReportError naming the file.
    """
    trusted = load_public_key(trusted_public_key_path)
    envelope = _read_json(path)
    try:
        verified = verify_envelope(envelope, trusted)
    except ReportError as exc:
        raise ReportError(f"{path}: {exc.msg}") from exc
    checked = tuple(_check_file(path, name, sha256) for name, sha256 in _listed_files(path, verified.document))
    return dataclasses.replace(verified, checked=checked)


def render_markdown(document: dict[str, Any]) -> str:
    """Human rendering: top-level scalars as a table, then one section per object or list."""
    lines = ["# SCSF certification report", ""]
    scalars = {key: value for key, value in document.items() if not isinstance(value, (dict, list))}
    if scalars:
        lines += [*_key_table(scalars), ""]
    for key, value in document.items():
        if isinstance(value, (dict, list)):
            lines += [f"## {key.replace('_', ' ').capitalize()}", "", *_block(value), ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def _read_json(path: Path) -> Any:
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ReportError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise ReportError(f"{path}: not valid UTF-8") from None
    except OSError as exc:
        raise ReportError(f"{path}: cannot read: {exc}") from exc
    try:
        return json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        raise ReportError(f"{path}:{exc.lineno}: broken JSON at column {exc.colno}: {exc.msg}") from None
    except ValueError as exc:
        raise ReportError(f"{path}: broken JSON: {exc}") from None


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A repeated key would let the file show one value while the parser keeps another."""
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise ValueError(f"duplicate key {key!r}")
        result[key] = value
    return result


def _listed_files(report_path: Path, document: dict[str, Any]) -> list[tuple[str, str]]:
    artifacts = document.get("artifacts", [])
    if not isinstance(artifacts, list):
        raise ReportError(f"{report_path}: 'artifacts' must be a list")
    entries = [(f"artifacts[{index}]", entry) for index, entry in enumerate(artifacts)]
    entries.append(("rendering", document.get("rendering")))
    listed = []
    for label, entry in entries:
        if not isinstance(entry, dict) or not all(isinstance(entry.get(key), str) for key in ("path", "sha256")):
            raise ReportError(f"{report_path}: {label} must be an object with string 'path' and 'sha256'")
        relative = PurePosixPath(entry["path"])
        if not entry["path"] or relative.is_absolute() or ".." in relative.parts:
            raise ReportError(f"{report_path}: {label} path {entry['path']!r} must stay inside the report folder")
        listed.append((entry["path"], entry["sha256"]))
    return listed


def _check_file(report_path: Path, name: str, expected: str) -> Path:
    path = report_path.parent / name
    try:
        actual = file_sha256(path)
    except FileNotFoundError:
        raise ReportError(f"{path}: missing; the signed report lists it with sha256 {expected}") from None
    except OSError as exc:
        raise ReportError(f"{path}: cannot read: {exc}") from exc
    if actual != expected:
        raise ReportError(f"{path}: sha256 does not match the signed report: the file was modified after signing")
    return path


def _block(value: dict[str, Any] | list[Any]) -> list[str]:
    if not value:
        return ["_none_"]
    if isinstance(value, dict):
        return _key_table(_flatten(value))
    if all(isinstance(item, dict) for item in value):
        return _row_table(value)
    return [f"- {_cell(item)}" for item in value]


def _flatten(mapping: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    flat: dict[str, Any] = {}
    for key, value in mapping.items():
        if isinstance(value, dict) and value:
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = value
    return flat


def _key_table(mapping: dict[str, Any]) -> list[str]:
    rows = [f"| {_cell(key)} | {_cell(value)} |" for key, value in mapping.items()]
    return ["| Field | Value |", "| --- | --- |", *rows]


def _row_table(rows: list[dict[str, Any]]) -> list[str]:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    lines = ["| " + " | ".join(_cell(column) for column in columns) + " |", "|" + " --- |" * len(columns)]
    lines += ["| " + " | ".join(_cell(row.get(column, "")) for column in columns) + " |" for row in rows]
    return lines


def _cell(value: Any) -> str:
    text = value if isinstance(value, str) else canonical_json(value)
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")
