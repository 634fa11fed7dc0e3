"""The run report: chain of custody of one run (seeds, model, counts, quality gate, artifacts, audit head), signed."""

from __future__ import annotations

import platform
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import Any

import scsf
from scsf.paths import Home
from scsf.pipeline.backend import LOCAL_BACKENDS
from scsf.pipeline.quality import quality_section
from scsf.reports import load_private_key, write_signed_report
from scsf.store import Store

REPORT_FORMAT = "scsf-run-report/1"


def run_report_document(
    store: Store, run_id: str, model: dict[str, Any], run_dir: Path, judge: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Everything an auditor needs to trace the run's dataset back to its seeds, model and judge (`judge_summary`)."""
    run = store.get_run(run_id)
    events, head = store.verify_audit_chain()
    seeds = store.run_seeds(run_id)
    return {
        "format": REPORT_FORMAT,
        "run_id": run_id,
        "status": run["status"],
        "created_at": run["created_at"],
        "finished_at": run["finished_at"],
        "config_hash": run["config_hash"],
        "config": run["config"],
        "model": model,
        "seeds": seeds,
        "counts": {
            "planned": store.planned_count(run_id),
            "stored": store.count_conversations(run_id),
            "failed_attempts": store.failed_attempts(run_id),
        },
        "quality": quality_section(store, run_id, judge),
        "artifacts": [
            {"kind": a["kind"], "path": _relative(Path(a["path"]), run_dir), "sha256": a["sha256"]}
            for a in store.artifacts(run_id)
        ],
        "privacy": {
            "seeds_declared_pii_free": not any(
                store.get_seed(seed["seed_id"], seed["version"]).document["privacidad"]["contiene_pii"]
                for seed in seeds
            ),
            "backend": model.get("backend"),
            "network_egress": network_egress(model, run["config"]),
        },
        "audit": {"events": events, "head_hash": head, "store": str(store.path)},
        "environment": {
            "scsf": scsf.__version__,
            "python": platform.python_version(),
            "platform": platform.platform(),
            "llama_cpp_python": _version("llama-cpp-python"),
            "duckdb": _version("duckdb"),
        },
    }


def write_run_report(
    store: Store, home: Home, run_id: str, model: dict[str, Any], run_dir: Path, judge: dict[str, Any] | None = None
) -> Path:
    """Build, sign and write `report.json` + `report.md` in `run_dir`; records the report in the audit log."""
    document = run_report_document(store, run_id, model, run_dir, judge)
    paths = write_signed_report(run_dir, document, load_private_key(home.keys))
    store.audit("report.signed", {"path": str(paths.json), "audit_head": document["audit"]["head_hash"]}, run_id)
    return paths.json


def network_egress(model: dict[str, Any], config: dict[str, Any]) -> str:
    """What the run's backend could reach: nothing (in-process), loopback only, or hosts the operator allowed."""
    if model.get("backend") in LOCAL_BACKENDS:
        return "none"
    if not config.get("allow_network_egress"):
        return "loopback only"
    return (
        f"allowed by run config (allow_network_egress): {', '.join(model.get('endpoints', [])) or model.get('backend')}"
    )


def _relative(path: Path, base: Path) -> str:
    try:
        return str(path.relative_to(base))
    except ValueError:
        return str(path)


def _version(distribution: str) -> str | None:
    try:
        return version(distribution)
    except PackageNotFoundError:
        return None
