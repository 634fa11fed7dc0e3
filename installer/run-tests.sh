#!/usr/bin/env bash
# README command 2 (and .ci/run): set up (if needed), then run the whole test suite with the network blocked:
# in a fresh network namespace that has only loopback when the kernel allows it (root, as in CI), and always
# with pytest-socket refusing non-unix sockets inside the test process.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
bash installer/setup.sh
export HF_HUB_OFFLINE=1 TRANSFORMERS_OFFLINE=1 TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS=""
pytest=(.venv/bin/python -m pytest "$@")
if unshare --net true 2>/dev/null; then
  echo "[tests] network namespace: loopback only" >&2
  exec unshare --net sh -c 'ip link set lo up 2>/dev/null || true; exec "$@"' sh "${pytest[@]}"
fi
echo "[tests] unshare unavailable: network blocked by pytest-socket only" >&2
exec "${pytest[@]}"
