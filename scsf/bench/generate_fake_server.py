"""A fake OpenAI-compatible chat completions server for load tests: it answers a valid completion after a fixed delay
and counts the requests in flight. It runs in its own process (so it does not weigh on the client's memory), on
loopback, and exits when its parent closes its stdin:

    python -m scsf.bench.generate_fake_server --delay 0.5     # prints the port, then serves

`GET /stats` returns `{"in_flight", "peak_in_flight", "served"}`; `GET /stats?reset=1` also resets peak and served.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx

from scsf.errors import ScsfError

REPLY_TEXT = json.dumps({"text": "Hola, ¿me pueden dar informes del crédito a 48 meses?"}, ensure_ascii=False)
COMPLETION_TOKENS = 16


class InFlightCounter:
    """Requests being answered now, the most seen at once, and how many were answered."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.in_flight = self.peak = self.served = 0

    def enter(self) -> None:
        with self._lock:
            self.in_flight += 1
            self.peak = max(self.peak, self.in_flight)

    def leave(self) -> None:
        with self._lock:
            self.in_flight -= 1
            self.served += 1

    def snapshot(self, reset: bool) -> dict[str, int]:
        with self._lock:
            stats = {"in_flight": self.in_flight, "peak_in_flight": self.peak, "served": self.served}
            if reset:
                self.peak, self.served = self.in_flight, 0
        return stats


class FakeOpenAIServer(ThreadingHTTPServer):
    """One thread per connection; a deep listen backlog so hundreds of clients can connect at once."""

    daemon_threads = True
    request_queue_size = 4096

    def __init__(self, delay_s: float) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.delay_s = delay_s
        self.counter = InFlightCounter()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as a real server
    disable_nagle_algorithm = True  # headers and body go out in two writes: no 40 ms delayed-ACK stall
    server: FakeOpenAIServer

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        body = self.rfile.read(int(self.headers.get("content-length") or 0))
        if self.path != "/v1/chat/completions":
            self._reply(404, {"error": {"message": f"no route {self.path}"}})
            return
        counter = self.server.counter
        counter.enter()
        try:
            time.sleep(self.server.delay_s)
        finally:
            counter.leave()
        prompt_tokens = max(1, len(body) // 4)
        self._reply(200, {
            "id": "chatcmpl-fake", "object": "chat.completion", "model": "fake",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": REPLY_TEXT}, "finish_reason": "stop"}],
            "usage": {"prompt_tokens": prompt_tokens, "completion_tokens": COMPLETION_TOKENS,
                      "total_tokens": prompt_tokens + COMPLETION_TOKENS},
        })  # fmt: skip

    def do_GET(self) -> None:  # noqa: N802
        if self.path.split("?")[0] != "/stats":
            self._reply(404, {"error": {"message": f"no route {self.path}"}})
            return
        self._reply(200, self.server.counter.snapshot(reset=self.path.endswith("?reset=1")))

    def _reply(self, status: int, payload: dict[str, Any]) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - silence per-request logging
        return


@dataclass(frozen=True)
class FakeServerHandle:
    """The running fake server as its client sees it."""

    endpoint: str

    def stats(self, *, reset: bool = False) -> dict[str, int]:
        with httpx.Client(trust_env=False, timeout=10) as client:
            response = client.get(self.endpoint.removesuffix("/v1") + "/stats" + ("?reset=1" if reset else ""))
            response.raise_for_status()
            return response.json()


@contextmanager
def fake_server(delay_s: float) -> Iterator[FakeServerHandle]:
    """Run the fake server in a child process for the duration of the block.

    Raises:
        ScsfError: the child did not report its port.
    """
    process = subprocess.Popen(
        [sys.executable, "-m", "scsf.bench.generate_fake_server", "--delay", str(delay_s)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        line = process.stdout.readline().strip()  # type: ignore[union-attr] - stdout is a pipe
        if not line.isdigit():
            raise ScsfError(f"fake OpenAI server did not start (exit code {process.poll()})", title="bench")
        yield FakeServerHandle(f"http://127.0.0.1:{line}/v1")
    finally:
        process.stdin.close()  # type: ignore[union-attr] - stdin is a pipe; the child exits on EOF
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.5, help="seconds before each answer")
    args = parser.parse_args()
    server = FakeOpenAIServer(args.delay)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    sys.stdin.read()  # until the parent closes our stdin (or dies)
    os._exit(0)  # do not wait for handler threads still sleeping


if __name__ == "__main__":
    main()
