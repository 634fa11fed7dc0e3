"""`scsf-appliance domains list`: the installed domain packs."""

from __future__ import annotations

from typing import Annotated

import typer

from appliance.output import print_json, print_table
from appliance.state import load_domains

app = typer.Typer(help="Domain packs (one data file per industry namespace).", no_args_is_help=True)


@app.command("list")
def list_(as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False) -> None:
    """Namespaces with their aliases and vocabulary sizes."""
    rows = [
        {
            "namespace": pack.namespace,
            "alias": pack.alias,
            "nombre": pack.nombre,
            "tipos_interaccion": [t.id for t in pack.tipos_interaccion],
            "roles": [r.id for r in pack.roles],
            "etapas": len(pack.etapas),
            "herramientas": [t.nombre for t in pack.herramientas],
            "personas": len(pack.personas),
        }
        for pack in load_domains()
    ]
    if as_json:
        print_json(rows)
        return
    print_table(
        f"{len(rows)} domains",
        ["namespace", "alias", "nombre", "interactions", "stages", "tools", "personas"],
        [[r["namespace"], ", ".join(r["alias"]), r["nombre"], len(r["tipos_interaccion"]), r["etapas"],
          len(r["herramientas"]), r["personas"]] for r in rows],
    )  # fmt: skip
