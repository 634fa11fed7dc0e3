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


@app.command("ingest")
def ingest(
    conversations: Annotated[int, typer.Option(min=1, help="Generated conversations")] = 10_000,
    turns: Annotated[int, typer.Option(min=1, help="Turns per conversation")] = 10,
    baseline_sample: Annotated[int, typer.Option(min=1, help="Conversations for the turn-by-turn baseline")] = 300,
) -> None:
    """Parse + validation and full PII-scan throughput, against Presidio turn by turn."""
    from scsf.bench.ingest import bench_ingest

    print_json(bench_ingest(conversations, turns, baseline_sample, on_step=lambda s: err_console.print(s)))


@app.command("pii")
def pii() -> None:
    """Precision and recall per entity type on the labelled Spanish/English set."""
    from scsf.bench.pii import bench_pii

    result = bench_pii()
    print_json({key: value for key, value in result.items() if key != "errors"} | {"errors": len(result["errors"])})
