"""Run configs: the shipped examples, TOML errors naming the field, and how the config opens each backend."""

from __future__ import annotations

from pathlib import Path

import pytest

from scsf.errors import ConfigError
from scsf.generation.backends.anthropic_http import AnthropicHttpBackend
from scsf.generation.backends.openai_http import OpenAIHttpBackend
from scsf.paths import Home
from scsf.pipeline.backend import open_backend
from scsf.pipeline.config import RunConfig

EXAMPLES = Path(__file__).resolve().parents[2] / "appliance" / "examples"


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.toml")), ids=lambda path: path.name)
def test_example_configs_are_valid(path: Path) -> None:
    config = RunConfig.from_toml(path)
    assert config.variation.tools


def test_examples_cover_the_cpu_demo_and_a_gpu_server() -> None:
    cpu = RunConfig.from_toml(EXAMPLES / "run-cpu-demo.toml")
    gpu = RunConfig.from_toml(EXAMPLES / "run-vllm-gpu.toml")
    assert (cpu.backend, gpu.backend) == ("llamacpp", "openai")
    assert gpu.concurrency >= 64 and gpu.endpoints and not gpu.allow_network_egress
    assert set(gpu.variation.strategies) == {"whole_conversation", "turn_by_turn"}


def test_toml_errors_name_the_file_and_field(tmp_path: Path) -> None:
    path = tmp_path / "run.toml"
    path.write_text('[run]\n[run.variation]\nnoise_rate = 2\n', encoding="utf-8")
    with pytest.raises(ConfigError) as info:
        RunConfig.from_toml(path)
    assert info.value.msg.startswith(f"{path}: variation.noise_rate: ")
    path.write_text('[run]\nconcurrency = 0\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="concurrency"):
        RunConfig.from_toml(path)


def test_cli_overrides_win_over_the_file(tmp_path: Path) -> None:
    path = tmp_path / "run.toml"
    path.write_text('[run]\nconversations_per_seed = 5\nbackend = "openai"\n', encoding="utf-8")
    config = RunConfig.from_toml(path, conversations_per_seed=7, tags=None)
    assert (config.conversations_per_seed, config.backend, config.tags) == (7, "openai", [])


def http_config(**changes: object) -> RunConfig:
    return RunConfig.build({"backend": "openai", "model": "qwen", "endpoints": ["http://127.0.0.1:8000/v1"], **changes})


def test_openai_backend_from_the_config(home: Path) -> None:
    backend = open_backend(http_config(concurrency=96, backend_options={"timeout_s": 30}), Home(home))
    try:
        assert isinstance(backend, OpenAIHttpBackend)
        assert (backend.options.model, backend.options.timeout_s, backend.parallelism) == ("qwen", 30, 96)
        assert backend.options.allow_remote is False
    finally:
        backend.close()


def test_remote_endpoints_need_allow_network_egress(home: Path) -> None:
    with pytest.raises(ConfigError):
        open_backend(http_config(endpoints=["http://10.0.0.5:8000/v1"]), Home(home))
    backend = open_backend(http_config(endpoints=["http://10.0.0.5:8000/v1"], allow_network_egress=True), Home(home))
    backend.close()


def test_backend_options_cannot_open_the_network(home: Path) -> None:
    with pytest.raises(ConfigError) as info:
        open_backend(http_config(backend_options={"allow_remote": True}), Home(home))
    assert info.value.msg == "run config: backend_options.allow_remote is not allowed; set allow_network_egress in [run]"


def test_http_backend_needs_a_model_and_bad_options_name_the_field(home: Path) -> None:
    with pytest.raises(ConfigError) as info:
        open_backend(RunConfig.build({"backend": "openai", "endpoints": ["http://127.0.0.1:1/v1"]}), Home(home))
    assert info.value.msg == "run config: backend openai needs `model` (the name the server serves)"
    with pytest.raises(ConfigError) as info:
        open_backend(http_config(backend_options={"timeout_s": -1}), Home(home))
    assert info.value.msg.startswith("run config, backend openai: timeout_s: ")


def test_cloud_backend_refuses_without_egress(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("ANTHROPIC_API_KEY", "test-key")
    config = RunConfig.build({"backend": "anthropic", "model": "claude-x"})
    with pytest.raises(ConfigError, match="network egress is off"):
        open_backend(config, Home(home))
    backend = open_backend(config.model_copy(update={"allow_network_egress": True}), Home(home))
    try:
        assert isinstance(backend, AnthropicHttpBackend)
    finally:
        backend.close()
