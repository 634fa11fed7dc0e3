"""A real `python -m llama_cpp.server` on a free loopback port, started and stopped by a benchmark."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from scsf.bench.generate_model import BenchModel
from scsf.errors import ScsfError

STARTUP_TIMEOUT_S = 120


def free_loopback_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def llama_server(model: BenchModel, log: Path) -> Iterator[str]:
    """Yield the server's `/v1` endpoint once `/v1/models` answers; the server is killed on exit.

    Raises:
        ScsfError: the server exited or did not answer within STARTUP_TIMEOUT_S (with the end of its log).
    """
    port = free_loopback_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(model.path), "--host", "127.0.0.1",
             "--port", str(port), "--n_threads", str(model.n_threads), "--n_ctx", str(model.n_ctx),
             "--verbose", "False"],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    endpoint = f"http://127.0.0.1:{port}/v1"
    try:
        _wait_ready(process, endpoint, log)
        yield endpoint
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=30)


def _wait_ready(process: subprocess.Popen[bytes], endpoint: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    with httpx.Client(timeout=2, trust_env=False) as client:
        while True:
            if process.poll() is not None:
                raise ScsfError(f"llama_cpp.server exited with {process.returncode}: {_tail(log)}", title="bench")
            try:
                if client.get(f"{endpoint}/models").status_code == 200:
                    return
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                raise ScsfError(f"llama_cpp.server not ready in {STARTUP_TIMEOUT_S}s: {_tail(log)}", title="bench")
            time.sleep(0.25)


def _tail(log: Path) -> str:
    return " ".join(log.read_text(errors="replace")[-600:].split())
