"""OpenAIHttpBackend against a REAL `python -m llama_cpp.server` subprocess serving SmolLM2 on loopback.

Sockets: only 127.0.0.1 may be reached (`allow_hosts`); every other address stays refused by pytest-socket.
"""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pytest_socket import SocketConnectBlockedError

from scsf.errors import GenerationError, ModelError
from scsf.generation.backends.base import Completion, GenRequest
from scsf.generation.backends.openai_http import OpenAIHttpBackend
from scsf.models.catalog import ModelCatalog
from scsf.paths import Home

pytestmark = [pytest.mark.model, pytest.mark.allow_hosts(["127.0.0.1"])]

SMOLLM2 = "smollm2-135m-instruct-q4_1"
STARTUP_TIMEOUT_S = 90


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    endpoint: str
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)


@pytest.fixture(scope="module")
def model_path() -> Path:
    try:
        return ModelCatalog.load(Home.resolve()).ensure_file(SMOLLM2)
    except ModelError as exc:
        pytest.skip(f"{SMOLLM2} not available: {exc}")


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(model: Path, log: Path) -> Server:
    """Start llama_cpp.server on a free loopback port and wait until `/v1/models` answers (or fail, bounded)."""
    port = free_port()
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "llama_cpp.server", "--model", str(model), "--host", "127.0.0.1",
             "--port", str(port), "--n_threads", "1", "--n_ctx", "2048", "--verbose", "False"],
            stdout=out, stderr=subprocess.STDOUT,
        )  # fmt: skip
    server = Server(process, f"http://127.0.0.1:{port}/v1", log)
    deadline = time.monotonic() + STARTUP_TIMEOUT_S
    try:
        with httpx.Client(timeout=2, trust_env=False) as client:
            while True:
                if process.poll() is not None:
                    raise RuntimeError(f"llama_cpp.server exited with {process.returncode}: {log.read_text()[-2000:]}")
                try:
                    if client.get(f"{server.endpoint}/models").status_code == 200:
                        return server
                except httpx.TransportError:
                    pass
                if time.monotonic() > deadline:
                    raise RuntimeError(f"llama_cpp.server not ready in {STARTUP_TIMEOUT_S}s: {log.read_text()[-2000:]}")
                time.sleep(0.25)
    except BaseException:
        server.stop()
        raise


@pytest.fixture(scope="module")
def server(model_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    server = start_server(model_path, tmp_path_factory.mktemp("llama-server") / "server.log")
    try:
        yield server
    finally:
        server.stop()


def backend_for(endpoint: str, **options: object) -> OpenAIHttpBackend:
    settings = {"timeout_s": 60.0, "max_retries": 2, "backoff_s": 0.1, "structured_output": "json_object", **options}
    return OpenAIHttpBackend(OpenAIHttpBackend.Options(endpoints=[endpoint], model=SMOLLM2, **settings))


@pytest.mark.filterwarnings("ignore:A test tried to use socket")
def test_only_loopback_is_reachable() -> None:
    with pytest.raises(SocketConnectBlockedError):
        socket.create_connection(("192.0.2.1", 443), timeout=1)  # TEST-NET-1, never routed


def test_json_schema_constrained_completion_parses(server: Server) -> None:
    schema = {
        "type": "object",
        "properties": {
            "city": {"type": "string", "minLength": 1, "maxLength": 20},
            "population": {"type": "integer"},
            "coastal": {"type": "boolean"},
        },
        "required": ["city", "population", "coastal"],
    }
    backend = backend_for(server.endpoint)
    try:
        completion = backend.complete(
            GenRequest(
                messages=[{"role": "user", "content": "Describe a city as JSON with city, population and coastal."}],
                max_tokens=128,
                temperature=0.2,
                seed=1,
                json_schema=schema,
            )
        )
    finally:
        backend.close()

    data = json.loads(completion.text)
    assert set(data) == {"city", "population", "coastal"}
    assert isinstance(data["city"], str) and 1 <= len(data["city"]) <= 20
    assert isinstance(data["population"], int) and isinstance(data["coastal"], bool)
    assert completion.prompt_tokens > 0 and completion.completion_tokens > 0
    assert completion.finish_reason == "stop"


def test_eight_parallel_requests_all_succeed(server: Server) -> None:
    backend = backend_for(server.endpoint, max_concurrency=8)
    requests = [
        GenRequest(messages=[{"role": "user", "content": f"Say a word about the number {i}."}], max_tokens=12, seed=i)
        for i in range(8)
    ]
    try:
        results = backend.complete_many(requests, concurrency=8)
    finally:
        backend.close()

    assert len(results) == 8
    assert all(isinstance(r, Completion) for r in results), [str(r) for r in results]
    assert all(0 < r.completion_tokens <= 12 for r in results if isinstance(r, Completion))


def test_server_killed_mid_run_gives_a_clear_error_without_hanging(model_path: Path, tmp_path: Path) -> None:
    own = start_server(model_path, tmp_path / "server.log")  # its own server: the shared one stays up
    backend = backend_for(own.endpoint, timeout_s=20.0, max_retries=2, backoff_s=0.1)
    # At least 300 integers: a generation that takes many seconds on one thread, so the kill lands mid-request.
    long_request = GenRequest(
        messages=[{"role": "user", "content": "List numbers."}],
        max_tokens=1500,
        json_schema={"type": "array", "items": {"type": "integer"}, "minItems": 300},
    )
    try:
        assert isinstance(backend.complete(GenRequest(messages=[{"role": "user", "content": "hi"}], max_tokens=4)),
                          Completion)  # fmt: skip
        with ThreadPoolExecutor(max_workers=1) as pool:
            in_flight = pool.submit(backend.complete, long_request)
            time.sleep(1.5)
            assert not in_flight.done()
            own.stop()
            started = time.monotonic()
            with pytest.raises(GenerationError) as info:
                in_flight.result(timeout=60)
        message = str(info.value)
        assert message.startswith(f"no completion after 3 attempts on {own.endpoint}; last error: {own.endpoint}: ")
        assert "ConnectError" in message and "\n" not in message
        assert time.monotonic() - started < 10

        started = time.monotonic()
        with pytest.raises(GenerationError, match="no completion after 3 attempts"):
            backend.complete(long_request)
        assert time.monotonic() - started < 10
    finally:
        backend.close()
        own.stop()


def test_prompt_over_the_context_window_fails_at_once_with_the_server_message(server: Server) -> None:
    backend = backend_for(server.endpoint)
    started = time.monotonic()
    try:
        with pytest.raises(GenerationError) as info:
            backend.complete(GenRequest(messages=[{"role": "user", "content": "word " * 3000}], max_tokens=8))
    finally:
        backend.close()
    assert str(info.value).startswith(f"{server.endpoint} refused the request: HTTP 400: ")
    assert "maximum context length is 2048 tokens" in str(info.value)
    assert time.monotonic() - started < 10
