"""`scsf-appliance report`: check signed certification reports."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from appliance.output import console, print_json
from appliance.state import state
from scsf.reports import verify_report_file
from scsf.reports.signing import PUBLIC_KEY_FILE

app = typer.Typer(help="Verify signed certification reports (chain of custody).", no_args_is_help=True)


@app.command()
def verify(
    file: Annotated[Path, typer.Argument(help="The report.json to verify")],
    public_key: Annotated[
        Path | None, typer.Option("--public-key", help="Trusted PEM public key (default: the appliance's own)")
    ] = None,
    json_output: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False,
) -> None:
    """Check the signature and the sha256 of every file the report lists; any failure is one line and exit 1."""
    verified = verify_report_file(file, public_key or state.home.keys / PUBLIC_KEY_FILE)
    if json_output:
        print_json(
            {
                "ok": True,
                "report": str(file),
                "run_id": verified.run_id,
                "key_id": verified.key_id,
                "files": [str(path) for path in verified.checked],
            }
        )
        return
    console.print(
        f"OK: report {verified.run_id} signed by {verified.key_id}; {len(verified.checked)} artifacts verified",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )
