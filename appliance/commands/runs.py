"""`scsf-appliance runs list`: runs with their status and counts (to find the id to resume or verify)."""

from __future__ import annotations

from typing import Annotated

import typer

from appliance.output import print_json, print_table
from appliance.state import open_store

app = typer.Typer(help="Runs recorded in the store.", no_args_is_help=True)


@app.command("list")
def list_(as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False) -> None:
    """Every run, oldest first: status, planned and stored conversations."""
    with open_store(read_only=True) as store:
        runs = store.list_runs()
    if as_json:
        print_json(runs)
        return
    print_table(
        f"{len(runs)} runs",
        ["run_id", "created_at", "status", "planned", "stored"],
        [[r["run_id"], r["created_at"], r["status"], r["planned"], r["stored"]] for r in runs],
    )
