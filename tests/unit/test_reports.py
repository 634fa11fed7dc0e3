"""Report signing and verification: key files, envelopes, report files and tampering."""

from __future__ import annotations

import base64
import copy
import json
import os
import re
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization

from scsf.errors import ReportError
from scsf.hashing import file_sha256, sha256_hex
from scsf.reports import (
    generate_keypair,
    key_id,
    load_private_key,
    load_public_key,
    render_markdown,
    sign_document,
    verify_envelope,
    verify_report_file,
    write_signed_report,
)

SIGNATURE_MISMATCH = "signature does not match: the report was modified after signing"
FILE_MODIFIED = "sha256 does not match the signed report: the file was modified after signing"


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.fixture
def keys(tmp_path: Path) -> Path:
    directory = tmp_path / "keys"
    generate_keypair(directory)
    return directory


@pytest.fixture
def run_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "runs" / "run-0001"
    directory.mkdir(parents=True)
    (directory / "dataset.jsonl").write_text('{"turns": 6}\n{"turns": 8}\n', encoding="utf-8")
    return directory


def _document(run_dir: Path) -> dict:
    return {
        "schema": "scsf.report/v1",
        "run_id": "run-0001",
        "created_at": "2025-01-01T10:00:00Z",
        "finished_at": "2025-01-01T10:42:00Z",
        "model": {"name": "qwen2.5-7b-instruct-q4_k_m", "sha256": "ab" * 32},
        "seeds": [
            {"id": "seed-001", "version": 1, "hash": "sha256:" + "cd" * 32},
            {"id": "seed-002", "version": 2, "hash": "sha256:" + "ef" * 32},
        ],
        "counts": {"generated": 120, "accepted": 117, "rejected": 3},
        "artifacts": [{"kind": "dataset", "path": "dataset.jsonl", "sha256": file_sha256(run_dir / "dataset.jsonl")}],
        "audit": {"head": "sha256:" + "01" * 32, "events": 14},
        "environment": {"python": "3.11.9", "region": "Jalisco — México"},
    }


@pytest.fixture
def report(keys: Path, run_dir: Path) -> Path:
    return write_signed_report(run_dir, _document(run_dir), load_private_key(keys)).json


def _verify(report: Path, keys: Path):
    return verify_report_file(report, keys / "report_signing.pub")


# --- key pair ---------------------------------------------------------------


def test_keypair_files_and_modes_even_with_open_umask(tmp_path: Path) -> None:
    previous = os.umask(0)
    try:
        info = generate_keypair(tmp_path / "keys")
    finally:
        os.umask(previous)
    assert _mode(info.private_path) == 0o600
    assert _mode(info.public_path) == 0o644
    assert info.private_path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    raw = load_public_key(info.public_path).public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    assert info.key_id == "ed25519:" + sha256_hex(raw)
    assert key_id(load_private_key(info.private_path.parent).public_key()) == info.key_id
    assert not [p for p in info.private_path.parent.iterdir() if p.name.endswith(".tmp")]


def test_keypair_refuses_to_overwrite(keys: Path) -> None:
    before = (keys / "report_signing.key").read_bytes()
    with pytest.raises(ReportError, match="already exists; refusing to overwrite"):
        generate_keypair(keys)
    assert (keys / "report_signing.key").read_bytes() == before
    old_id = key_id(load_public_key(keys / "report_signing.pub"))
    assert generate_keypair(keys, overwrite=True).key_id != old_id
    assert _mode(keys / "report_signing.key") == 0o600


def test_missing_private_key_says_run_init(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="run `scsf-appliance init`"):
        load_private_key(tmp_path)


@pytest.mark.parametrize("mode", [0o640, 0o604, 0o660])
def test_private_key_open_to_others_is_refused(keys: Path, mode: int) -> None:
    os.chmod(keys / "report_signing.key", mode)
    with pytest.raises(ReportError, match="open to group or others"):
        load_private_key(keys)


def test_public_key_missing_or_garbage(tmp_path: Path) -> None:
    with pytest.raises(ReportError, match="no public key at"):
        load_public_key(tmp_path / "nope.pub")
    (tmp_path / "bad.pub").write_text("not a key")
    with pytest.raises(ReportError, match="not a PEM public key"):
        load_public_key(tmp_path / "bad.pub")


# --- envelopes --------------------------------------------------------------


def test_sign_verify_round_trip(keys: Path, run_dir: Path) -> None:
    document = _document(run_dir)
    envelope = sign_document(document, load_private_key(keys))
    assert envelope["report"] == document
    assert set(envelope["signature"]) == {"algorithm", "key_id", "public_key", "value"}
    assert envelope["signature"]["algorithm"] == "Ed25519"
    reparsed = json.loads(json.dumps(envelope))
    verified = verify_envelope(reparsed, load_public_key(keys / "report_signing.pub"))
    assert verified.run_id == "run-0001"
    assert verified.key_id == envelope["signature"]["key_id"]
    assert verified.checked == ()


def test_modified_document_fails(keys: Path, run_dir: Path) -> None:
    envelope = sign_document(_document(run_dir), load_private_key(keys))
    envelope["report"]["counts"]["accepted"] = 118
    with pytest.raises(ReportError, match=re.escape(SIGNATURE_MISMATCH)):
        verify_envelope(envelope, load_public_key(keys / "report_signing.pub"))


def test_untrusted_signer_rejected(keys: Path, tmp_path: Path, run_dir: Path) -> None:
    other = generate_keypair(tmp_path / "other")
    trusted = load_public_key(keys / "report_signing.pub")
    envelope = sign_document(_document(run_dir), load_private_key(other.private_path.parent))
    expected = f"signed by untrusted key {other.key_id}, expected {key_id(trusted)}"
    with pytest.raises(ReportError, match=re.escape(expected)):
        verify_envelope(envelope, trusted)


def test_swapped_key_id_is_malformed(keys: Path, run_dir: Path) -> None:
    envelope = sign_document(_document(run_dir), load_private_key(keys))
    envelope["signature"]["key_id"] = "ed25519:" + "0" * 64
    with pytest.raises(ReportError, match="key_id does not match"):
        verify_envelope(envelope, load_public_key(keys / "report_signing.pub"))


def test_non_canonical_base64_rejected(keys: Path, run_dir: Path) -> None:
    envelope = sign_document(_document(run_dir), load_private_key(keys))
    value = envelope["signature"]["value"]
    raw = base64.b64decode(value)
    # Same bytes, different spelling: flip an unused padding bit of the last data character.
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    last = value.rstrip("=")[-1]
    spelled = value.rstrip("=")[:-1] + alphabet[alphabet.index(last) ^ 1] + "=="
    assert base64.b64decode(spelled) == raw
    envelope["signature"]["value"] = spelled
    with pytest.raises(ReportError, match="canonical base64"):
        verify_envelope(envelope, load_public_key(keys / "report_signing.pub"))


@pytest.mark.parametrize(
    "envelope",
    [[], {"report": {}}, {"report": [], "signature": {}}, {"report": {}, "signature": {"algorithm": "Ed25519"}}],
)
def test_malformed_envelope(keys: Path, envelope) -> None:
    with pytest.raises(ReportError, match="malformed report envelope"):
        verify_envelope(envelope, load_public_key(keys / "report_signing.pub"))


# --- report files -----------------------------------------------------------


def test_written_report_renders_and_verifies(report: Path, keys: Path, run_dir: Path) -> None:
    markdown = (run_dir / "report.md").read_text(encoding="utf-8")
    assert "| run_id | run-0001 |" in markdown
    assert "## Seeds" in markdown and "| seed-002 | 2 |" in markdown
    assert "| name | qwen2.5-7b-instruct-q4_k_m |" in markdown
    assert f"| sha256 | {'ab' * 32} |" in markdown
    assert "| accepted | 117 |" in markdown
    assert "| dataset | dataset.jsonl |" in markdown
    assert "| head | sha256:" in markdown
    envelope = json.loads(report.read_text(encoding="utf-8"))
    assert envelope["report"]["rendering"] == {"path": "report.md", "sha256": file_sha256(run_dir / "report.md")}
    verified = _verify(report, keys)
    assert verified.run_id == "run-0001"
    assert verified.checked == (run_dir / "dataset.jsonl", run_dir / "report.md")
    assert not [p for p in run_dir.iterdir() if p.name.endswith(".tmp")]


def test_write_does_not_mutate_document_and_refuses_rendering(keys: Path, run_dir: Path) -> None:
    document = _document(run_dir)
    original = copy.deepcopy(document)
    write_signed_report(run_dir, document, load_private_key(keys))
    assert document == original
    with pytest.raises(ValueError, match="rendering"):
        write_signed_report(run_dir, {**document, "rendering": {}}, load_private_key(keys))


def test_one_digit_in_a_count_fails(report: Path, keys: Path) -> None:
    text = report.read_text(encoding="utf-8")
    assert text.count('"accepted": 117') == 1
    report.write_text(text.replace('"accepted": 117', '"accepted": 118'), encoding="utf-8")
    with pytest.raises(ReportError, match=re.escape(f"{report}: {SIGNATURE_MISMATCH}")):
        _verify(report, keys)


def test_every_single_byte_flip_in_report_json_fails(report: Path, keys: Path) -> None:
    original = report.read_bytes()
    start = original.index(b'"report": ') + len(b'"report": ')
    end = original.index(b',\n  "signature"')
    inside_document = re.compile(f"broken JSON|not valid UTF-8|{re.escape(SIGNATURE_MISMATCH)}")
    for position in range(len(original)):
        tampered = bytearray(original)
        tampered[position] ^= 0x01
        report.write_bytes(bytes(tampered))
        with pytest.raises(ReportError) as caught:
            _verify(report, keys)
        if start <= position < end:
            assert inside_document.search(caught.value.msg), (position, caught.value.msg)
    report.write_bytes(original)
    _verify(report, keys)


def test_duplicate_key_in_report_json_fails(report: Path, keys: Path) -> None:
    text = report.read_text(encoding="utf-8")
    report.write_text(text.replace('"accepted": 117', '"accepted": 999, "accepted": 117'), encoding="utf-8")
    with pytest.raises(ReportError, match="broken JSON: duplicate key 'accepted'"):
        _verify(report, keys)


@pytest.mark.parametrize("name", ["report.md", "dataset.jsonl"])
def test_one_byte_in_a_listed_file_fails(report: Path, keys: Path, run_dir: Path, name: str) -> None:
    target = run_dir / name
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    with pytest.raises(ReportError, match=re.escape(f"{target}: {FILE_MODIFIED}")):
        _verify(report, keys)


def test_missing_artifact_named(report: Path, keys: Path, run_dir: Path) -> None:
    (run_dir / "dataset.jsonl").unlink()
    with pytest.raises(ReportError, match=re.escape(f"{run_dir / 'dataset.jsonl'}: missing")):
        _verify(report, keys)


def test_broken_json_names_the_file(report: Path, keys: Path) -> None:
    report.write_text('{"report": ', encoding="utf-8")
    with pytest.raises(ReportError, match=re.escape(f"{report}:1: broken JSON")):
        _verify(report, keys)


def test_untrusted_key_file_rejected(report: Path, tmp_path: Path) -> None:
    other = generate_keypair(tmp_path / "other")
    with pytest.raises(ReportError, match=re.escape(f"{report}: signed by untrusted key ")):
        verify_report_file(report, other.public_path)


@pytest.mark.parametrize("path", ["../outside.jsonl", "/etc/passwd", ""])
def test_artifact_paths_must_stay_inside_the_folder(keys: Path, run_dir: Path, path: str) -> None:
    document = {**_document(run_dir), "artifacts": [{"kind": "x", "path": path, "sha256": "00" * 32}]}
    paths = write_signed_report(run_dir, document, load_private_key(keys))
    with pytest.raises(ReportError, match="must stay inside the report folder"):
        _verify(paths.json, keys)


def test_markdown_tables_escape_cells() -> None:
    markdown = render_markdown({"run_id": "a|b", "items": [{"k": "x\ny"}, {"k": 1, "extra": None}], "tags": ["t"]})
    assert "| run_id | a\\|b |" in markdown
    assert "| k | extra |" in markdown and "| x y |  |" in markdown and "| 1 | null |" in markdown
    assert "- t" in markdown
