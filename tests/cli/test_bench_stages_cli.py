"""`scsf-appliance bench stages` through the real entry point: the keyword labeller over the hand-labelled stage set."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from scsf.bench.stages import PARTS, STAGE_DATA

EXE = Path(sys.executable).parent / "scsf-appliance"
if not EXE.exists():  # pragma: no cover - installed elsewhere
    EXE = Path(shutil.which("scsf-appliance") or EXE)


def test_keyword_labeller_scored_on_both_parts(tmp_path: Path) -> None:
    env = {**os.environ, "SCSF_HOME": str(tmp_path / "home"), "NO_COLOR": "1"}
    result = subprocess.run(
        [str(EXE), "bench", "stages"], env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["benchmark"] == "stages" and list(report["labellers"]) == ["keyword"]
    for part in PARTS:
        scored = report["labellers"]["keyword"][part]
        lines = (STAGE_DATA / f"{part}.jsonl").read_text(encoding="utf-8").splitlines()
        assert scored["conversations"] == len([line for line in lines if line.strip()])
        assert 0.0 < scored["accuracy"] < 1.0 and 0.0 < scored["rouge_l"] <= 1.0
