"""The judge model of the acceptance gate, shared by `run --judge` and `eval --judge`: the backend config it runs on
(llama.cpp with a manifest model, or an OpenAI-compatible loopback server) and the summary of what it did, for the
CLI and the signed report."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from scsf.eval.judge import LlmJudge
from scsf.eval.judge_prompt import PROMPT_VERSION
from scsf.models.catalog import ModelCatalog
from scsf.paths import Home
from scsf.pipeline.backend import open_backend
from scsf.pipeline.config import RunConfig


def judge_backend_config(config: RunConfig, home: Home) -> RunConfig:
    """The config the judge's backend is opened from: `judge_model` (default: the manifest's judge) in llama.cpp
    with the run's threads and context, or the model served at `judge_endpoint`."""
    name = config.judge_model or ModelCatalog.load(home).default("judge").name
    if config.judge_endpoint:
        return RunConfig(backend="openai", endpoints=[config.judge_endpoint], model=name)
    return RunConfig(model=name, n_threads=config.n_threads, n_ctx=config.n_ctx)


def open_judge(config: RunConfig, home: Home) -> LlmJudge:
    """The LlmJudge a config with `judge` on names, its backend open (close it with `judge.backend.close()`)."""
    return LlmJudge(open_backend(judge_backend_config(config, home), home))


def judge_summary(judges: Sequence[LlmJudge]) -> dict[str, Any] | None:
    """Model, prompt version and usage of the judges one evaluation opened (one, or one per regeneration round when
    the judge had to make room for the generator), summed; None when there was no judge."""
    if not judges:
        return None
    backend = judges[0].backend
    info = backend.model_info
    usages = [judge.usage for judge in judges]
    return {
        "model": info.get("name"), "backend": info.get("backend", backend.name), "sha256": info.get("sha256"),
        "prompt": PROMPT_VERSION,
        "conversations": sum(usage.conversations for usage in usages),
        "calls": sum(usage.calls for usage in usages),
        "failed": sum(usage.failed for usage in usages),
        "completion_tokens": sum(usage.completion_tokens for usage in usages),
        "seconds": round(sum(usage.seconds for usage in usages), 1),
    }  # fmt: skip
