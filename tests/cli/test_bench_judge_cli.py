"""`scsf-appliance bench judge` through the real entry point: deterministic checks alone over the whole set, and the
real 0.5B judge through llama.cpp on the first case (JSON on stdout, progress on stderr)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from scsf.bench.judge_set import FAITHFUL, KINDS
from scsf.paths import Home

EXE = Path(sys.executable).parent / "scsf-appliance"
if not EXE.exists():  # pragma: no cover - installed elsewhere
    EXE = Path(shutil.which("scsf-appliance") or EXE)
SHARED_MODELS = Home.resolve().models
TEST_MODEL = "qwen2.5-coder-0.5b-instruct-q4_k_m"


def bench_judge(tmp_path: Path, *args: str, models: Path | None = None) -> tuple[dict[str, Any], str]:
    env = {**os.environ, "SCSF_HOME": str(tmp_path / "home"), "NO_COLOR": "1", "COLUMNS": "200"}
    env.pop("SCSF_MODELS_DIR", None)
    if models is not None:
        env["SCSF_MODELS_DIR"] = str(models)
    result = subprocess.run(
        [str(EXE), "bench", "judge", *args], env=env, capture_output=True, text=True, timeout=900, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout), result.stderr


def test_deterministic_only_over_the_whole_set(tmp_path: Path) -> None:
    report, progress = bench_judge(tmp_path, "--deterministic-only")
    assert report["set"]["by_kind"] == {FAITHFUL: 16, **{kind: 10 for kind in KINDS}}
    assert report["evaluated"] == 66 and "llm_judge" not in report
    deterministic = report["deterministic"]
    assert deterministic["faithful_specificity"] == 1.0
    assert deterministic["recall_by_kind"]["wrong_down_payment"] == 1.0
    assert deterministic["recall_by_kind"]["role_swap"] == 0.0
    assert "66/66" in progress


@pytest.mark.model
def test_real_judge_on_the_first_case(tmp_path: Path) -> None:
    if not (SHARED_MODELS / "verified.json").exists():
        pytest.skip(f"models not assembled in {SHARED_MODELS}: run installer/setup.sh")
    arguments = ("--model", TEST_MODEL, "--limit", "1", "--threads", "2")
    report, progress = bench_judge(tmp_path, *arguments, models=SHARED_MODELS)
    judged = report["llm_judge"]
    assert judged["model"]["name"] == TEST_MODEL and len(judged["model"]["sha256"]) == 64
    assert judged["usage"]["conversations"] == 1 and judged["usage"]["calls"] >= 1
    assert sum(judged["confusion"]["faithful"].values()) == 1
    assert judged["seconds_per_conversation"] > 0
    assert "1/1" in progress
