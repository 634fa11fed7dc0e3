"""The judge model of the acceptance gate, shared by `run --judge` and `eval --judge`: the backend config it runs on
(llama.cpp with a manifest model, or an OpenAI-compatible loopback server) and the summary of what it did, for the
CLI and the signed report. Each evaluation stores the usage it added (`usage_since`) with its verdicts, so the report
sums every session's (`summed`), an interrupted one included."""

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


USAGE = ("conversations", "calls", "failed", "completion_tokens", "seconds")
"""The summary's fields that add up; the others name the model."""


def current_summary(judge: Any) -> dict[str, Any] | None:
    """`judge_summary` of a gate's judge so far: of the judges a `CurrentJudge` (inside `run`) had its models open,
    or of an LlmJudge itself (`eval --judge`); None for no judge or one that keeps no usage."""
    models = getattr(judge, "models", None)
    if models is not None:
        return models.judge_summary()
    return judge_summary([judge]) if hasattr(judge, "usage") else None


def usage_since(before: dict[str, Any] | None, after: dict[str, Any] | None) -> dict[str, Any] | None:
    """The summary of what a judge did between two `current_summary` readings; None when it was not asked."""
    if after is None or not after["conversations"] - (before or {}).get("conversations", 0):
        return None
    spent = {field: after[field] - (before or {}).get(field, 0) for field in USAGE}
    return {**after, **spent, "seconds": round(spent["seconds"], 1)}


def summed(summaries: Sequence[dict[str, Any]]) -> dict[str, Any] | None:
    """Summaries added up, naming the model of the last one; None for none."""
    if not summaries:
        return None
    total = {field: sum(summary[field] for summary in summaries) for field in USAGE}
    return {**summaries[-1], **total, "seconds": round(total["seconds"], 1)}
