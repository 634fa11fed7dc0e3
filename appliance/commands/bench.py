"""`scsf-appliance bench ...`: benchmarks that print JSON."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import Progress

from appliance.output import err_console, print_json

app = typer.Typer(help="Benchmarks (JSON on stdout, progress on stderr).", no_args_is_help=True)


@app.command("store")
def store(
    conversations: Annotated[int, typer.Option(min=1, help="Conversations to write and read")] = 100_000,
    turns: Annotated[int, typer.Option(min=1, help="Turns per conversation")] = 10,
    batch: Annotated[int, typer.Option(min=1, help="Conversations per insert transaction")] = 10_000,
) -> None:
    """Insert and read throughput of the DuckDB store, with peak memory."""
    from scsf.bench.store import bench_store

    with Progress(console=err_console, transient=True) as progress:
        task = progress.add_task("inserting", total=conversations)
        result = bench_store(conversations, turns, batch, on_batch=lambda n: progress.advance(task, n))
    print_json(result)
