"""`scsf-appliance run`: generate a dataset from seeds, end to end, and sign its report."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from appliance.output import console, err_console, print_json
from appliance.progress import RunProgress
from appliance.state import load_domains, open_store, state


def run(
    config: Annotated[Path | None, typer.Option("--config", help="Run config TOML (a \\[run] table; see appliance/examples)")] = None,
    resume: Annotated[str | None, typer.Option("--resume", help="Resume this run id where it stopped")] = None,
    domain: Annotated[str | None, typer.Option(help="Domain namespace or alias")] = None,
    seed: Annotated[list[str] | None, typer.Option("--seed", help="Seed id (repeatable)")] = None,
    tag: Annotated[list[str] | None, typer.Option("--tag", help="Seed tag that must match, e.g. tipo:consulta_financiamiento (repeatable)")] = None,
    max_seeds: Annotated[int | None, typer.Option("--max-seeds", help="At most this many seeds")] = None,
    per_seed: Annotated[int | None, typer.Option("--per-seed", help="Conversations per seed")] = None,
    backend: Annotated[str | None, typer.Option(help="Backend: llamacpp, openai, or an installed plug-in")] = None,
    model: Annotated[str | None, typer.Option(help="llamacpp: manifest model name (`models list`); HTTP: served model")] = None,
    endpoint: Annotated[list[str] | None, typer.Option("--endpoint", help="HTTP backend base URL (repeatable)")] = None,
    threads: Annotated[int | None, typer.Option(help="CPU threads for llama.cpp")] = None,
    concurrency: Annotated[int | None, typer.Option(help="Conversations in flight (default: the backend's)")] = None,
    time_budget: Annotated[float | None, typer.Option("--time-budget", help="Seconds after which no new conversation starts")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the outcome as JSON")] = False,
) -> None:
    """Generate conversations for the selected seeds, store them, export ShareGPT JSONL and sign a report.

    Ctrl-C lets the conversations in flight finish and commit, then stops; `--resume RUN_ID` goes on from there.
    """
    from scsf.pipeline.backend import open_backend
    from scsf.pipeline.config import RunConfig
    from scsf.pipeline.runner import Runner

    home = state.home.ensure()
    overrides = {
        "domain": domain, "seed_ids": seed or None, "tags": tag or None, "max_seeds": max_seeds,
        "conversations_per_seed": per_seed, "backend": backend, "model": model, "endpoints": endpoint or None,
        "n_threads": threads, "concurrency": concurrency, "time_budget_s": time_budget,
    }  # fmt: skip
    with open_store() as store:
        runner = Runner(home, store, load_domains(), lambda cfg: open_backend(cfg, home))
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
        err_console.print(f"interrupted after {outcome.stored}/{outcome.planned}: resume with `scsf-appliance run --resume {run_id}`")
        raise typer.Exit(130)
    if as_json:
        print_json(outcome.__dict__)
    else:
        console.print(f"run {outcome.run_id}: {outcome.status}, {outcome.stored}/{outcome.planned} conversations")
        console.print(f"dataset  {outcome.dataset}")
        console.print(f"report   {outcome.report}")
        if outcome.failed:
            console.print(f"{len(outcome.failed)} conversations failed; `scsf-appliance run --resume {run_id}` retries them")
    if outcome.status != "completed":
        raise typer.Exit(2)
