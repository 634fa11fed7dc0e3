#!/usr/bin/env bash
# README command 1: set up (if needed), initialise the data directory, and run the main job on the embedded
# default (local Qwen2.5-Coder-1.5B, DuckDB file, bundled automotive.sales pilot seeds). Ends with a ShareGPT
# dataset of the conversations the quality gate accepted (often none with a small CPU model: `accepted 0/3` and the
# top rejection reasons are printed; the rejected ones stay in the store, see `scsf-appliance quality RUN_ID`) and a
# signed report with its quality section. Extra arguments go to `scsf-appliance run`.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash installer/setup.sh
.venv/bin/scsf-appliance init
.venv/bin/scsf-appliance run "$@"
