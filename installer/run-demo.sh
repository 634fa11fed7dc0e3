#!/usr/bin/env bash
# README command 1: set up (if needed), initialise the data directory, and run the main job on the embedded
# default (local Qwen2.5-Coder-1.5B, DuckDB file, bundled automotive.sales pilot seeds). Ends with a ShareGPT
# dataset and a signed report. Extra arguments go to `scsf-appliance run`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash installer/setup.sh
.venv/bin/scsf-appliance init
.venv/bin/scsf-appliance run "$@"
