"""`scsf-appliance run`: generate a dataset from seeds, end to end, and sign its report."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from appliance.output import console, err_console, print_json
from appliance.progress import RunProgress
from appliance.state import load_domains, open_store, state

if TYPE_CHECKING:
    from scsf.pipeline.runner import RunOutcome


def run(
    config: Annotated[
        Path | None, typer.Option("--config", help="Run config TOML (a \\[run] table; see appliance/examples)")
    ] = None,
    resume: Annotated[str | None, typer.Option("--resume", help="Resume this run id where it stopped")] = None,
    domain: Annotated[str | None, typer.Option(help="Domain namespace or alias")] = None,
    seed: Annotated[list[str] | None, typer.Option("--seed", help="Seed id (repeatable)")] = None,
    tag: Annotated[
        list[str] | None,
        typer.Option("--tag", help="Seed tag that must match, e.g. tipo:consulta_financiamiento (repeatable)"),
    ] = None,
    max_seeds: Annotated[int | None, typer.Option("--max-seeds", help="At most this many seeds")] = None,
    per_seed: Annotated[int | None, typer.Option("--per-seed", help="Conversations per seed")] = None,
    backend: Annotated[str | None, typer.Option(help="Backend: llamacpp, openai, or an installed plug-in")] = None,
    model: Annotated[
        str | None, typer.Option(help="llamacpp: manifest model name (`models list`); HTTP: served model")
    ] = None,
    endpoint: Annotated[list[str] | None, typer.Option("--endpoint", help="HTTP backend base URL (repeatable)")] = None,
    threads: Annotated[int | None, typer.Option(help="CPU threads for llama.cpp")] = None,
    concurrency: Annotated[int | None, typer.Option(help="Conversations in flight (default: the backend's)")] = None,
    time_budget: Annotated[
        float | None, typer.Option("--time-budget", help="Seconds after which no new conversation starts")
    ] = None,
    regenerate_rejected: Annotated[
        bool,
        typer.Option(
            "--regenerate-rejected", help="Replace rejected conversations until the planned count is accepted"
        ),
    ] = False,
    max_regenerations: Annotated[
        int | None,
        typer.Option(
            "--max-regenerations", min=0, help="Replacements allowed in all (default: twice the planned count)"
        ),
    ] = None,
    no_quality_gate: Annotated[
        bool, typer.Option("--no-quality-gate", help="Export every stored conversation, unevaluated")
    ] = False,
    judge: Annotated[
        bool, typer.Option("--judge", help="The gate adds the judge model's claims to factual fidelity")
    ] = False,
    judge_model: Annotated[
        str | None,
        typer.Option(
            "--judge-model",
            help="Judge model: manifest name, or the name served at --judge-endpoint (default: the manifest's judge);"
            " implies --judge",
        ),
    ] = None,
    judge_endpoint: Annotated[
        str | None,
        typer.Option(
            "--judge-endpoint",
            help="OpenAI-compatible loopback server serving the judge (instead of llama.cpp in process); implies"
            " --judge",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcome as JSON")] = False,
) -> None:
    """Generate conversations for the selected seeds, store them, evaluate them (the acceptance gate), export the
    accepted ones as ShareGPT JSONL and sign a report.

    Ctrl-C lets the conversations in flight finish and commit, then stops; `--resume RUN_ID` goes on from there.
    """
    from scsf.domains import DomainRegistry
    from scsf.eval.evaluator import ClaimJudge, Evaluator
    from scsf.pipeline import gate
    from scsf.pipeline.backend import open_backend
    from scsf.pipeline.config import RunConfig
    from scsf.pipeline.runner import Runner

    def evaluator(domains: DomainRegistry, claim_judge: ClaimJudge | None) -> Evaluator:
        err_console.print("quality gate: loading the PII scanner (Presidio + spaCy)")
        return gate.default_evaluator(domains, claim_judge)

    home = state.home.ensure()
    overrides = {
        "domain": domain, "seed_ids": seed or None, "tags": tag or None, "max_seeds": max_seeds,
        "conversations_per_seed": per_seed, "backend": backend, "model": model, "endpoints": endpoint or None,
        "n_threads": threads, "concurrency": concurrency, "time_budget_s": time_budget,
        "regenerate_rejected": regenerate_rejected or None, "max_regenerations": max_regenerations,
        "quality_gate": False if no_quality_gate else None,
        "judge": True if judge or judge_model or judge_endpoint else None, "judge_model": judge_model,
        "judge_endpoint": judge_endpoint,
    }  # fmt: skip
    with open_store() as store:
        runner = Runner(home, store, load_domains(), lambda cfg: open_backend(cfg, home), evaluator)
        if resume:
            if config or any(value is not None for value in overrides.values()):
                raise typer.BadParameter("--resume reuses the run's stored config; give no other run options")
            run_id = resume
        else:
            run_config = RunConfig.from_toml(config, **overrides) if config else RunConfig.build({}, **overrides)
            run_id = runner.plan(run_config)
        with RunProgress() as progress:
            try:
                outcome = runner.execute(run_id, progress)
            except KeyboardInterrupt:
                progress.progress.stop()
                err_console.print(f"aborted: resume with `scsf-appliance run --resume {run_id}`")
                store.close()
                os._exit(130)  # a second Ctrl-C: do not wait for generation still running in worker threads
    if outcome.status == "interrupted":
        err_console.print(
            f"interrupted after {outcome.stored}/{outcome.planned}: resume with `scsf-appliance run --resume {run_id}`"
        )
        raise typer.Exit(130)
    if as_json:
        print_json(outcome.__dict__)
    else:
        print_outcome(outcome)
    if outcome.status != "completed":
        raise typer.Exit(2)


def print_outcome(outcome: RunOutcome) -> None:
    """What the run produced; when the gate accepted fewer than planned, the top rejecting metrics and why."""
    run_id = outcome.run_id
    console.print(f"run {run_id}: {outcome.status}, {outcome.stored} conversations stored ({outcome.planned} planned)")
    if outcome.accepted is None:
        console.print("quality gate off: the dataset holds every stored conversation, unevaluated")
    else:
        replaced = f", {outcome.replacements} replacements generated" if outcome.replacements else ""
        console.print(f"accepted {outcome.accepted}/{outcome.planned}{replaced}")
        if outcome.accepted < outcome.planned and outcome.rejected_by_metric:
            top = sorted(outcome.rejected_by_metric.items(), key=lambda item: (-item[1], item[0]))[:3]
            console.print(f"rejected most by {', '.join(f'{metric} ({count})' for metric, count in top)}")
            console.print(
                "the dataset holds the accepted conversations only; the rejected ones stay in the store."
                " Small CPU demo models write repetitive text, so a demo run may have none accepted."
            )
        if outcome.judge is not None:
            judge = outcome.judge
            console.print(
                f"judge    {judge['model']} ({judge['backend']}, prompt {judge['prompt']}): {judge['calls']} calls,"
                f" {judge['failed']} conversations without a valid answer",
                markup=False, highlight=False,
            )  # fmt: skip
        console.print(f"quality  `scsf-appliance quality {run_id}`")
    console.print(f"dataset  {outcome.dataset}")
    console.print(f"report   {outcome.report}")
    if outcome.failed:
        console.print(
            f"{len(outcome.failed)} conversations failed; `scsf-appliance run --resume {run_id}` retries them"
        )
