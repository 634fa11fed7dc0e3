"""`scsf-appliance models`: list, verify and register GGUF models."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from appliance.output import err_console, print_json, print_table
from appliance.state import state
from scsf.errors import ModelError
from scsf.models import ROLES, ModelCatalog, ModelEntry

app = typer.Typer(help="Bundled and operator-registered GGUF models: list, verify, register.", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print JSON instead of a table")]


@app.command("list")
def list_models(as_json: JsonFlag = False) -> None:
    """Show every model with its roles, licence, upstream and whether its file is present."""
    catalog = ModelCatalog.load(state.home)
    rows = [_summary(catalog, entry) for entry in catalog.list()]
    if as_json:
        print_json(rows)
        return
    print_table(
        "models",
        ["name", "roles", "default for", "size", "licence", "upstream", "status"],
        [
            [row["name"], ", ".join(row["roles"]), ", ".join(row["default_for"]), _megabytes(row["size"]),
             row["licence"], row["upstream"], row["status"]]
            for row in rows
        ],
    )


@app.command()
def verify(
    names: Annotated[list[str] | None, typer.Argument(help="Models to verify (default: all)")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Assemble if needed and rehash each model file; exit 1 if any is missing or does not match."""
    catalog = ModelCatalog.load(state.home)
    entries = [catalog.get(name) for name in names] if names else catalog.list()
    results = []
    for entry in entries:
        if not as_json:
            err_console.print(f"verifying {entry.name} ...", markup=False, highlight=False)
        try:
            path = catalog.verify(entry.name)
        except ModelError as exc:
            results.append({"name": entry.name, "ok": False, "path": None, "sha256": entry.sha256, "error": exc.msg})
        else:
            results.append({"name": entry.name, "ok": True, "path": str(path), "sha256": entry.sha256, "error": None})
    if as_json:
        print_json(results)
    else:
        print_table(
            "model verification",
            ["name", "result", "path or error"],
            [[row["name"], "ok" if row["ok"] else "FAILED", row["path"] or row["error"]] for row in results],
        )
    if not all(row["ok"] for row in results):
        raise typer.Exit(1)


@app.command()
def register(
    path: Annotated[Path, typer.Argument(help="A GGUF file; it stays where it is and is referenced by absolute path")],
    name: Annotated[str, typer.Option("--name", help="Short id, e.g. qwen3-14b-q4_k_m")],
    roles: Annotated[list[str], typer.Option("--role", help=f"One of {', '.join(ROLES)} (repeatable)")],
    licence: Annotated[str, typer.Option("--licence", help="Licence of the weights")] = "unknown",
    context_length: Annotated[int, typer.Option("--context-length", help="Trained context window in tokens")] = 4096,
    as_json: JsonFlag = False,
) -> None:
    """Hash an operator-supplied GGUF file and add it to the registry in the data directory."""
    catalog = ModelCatalog.load(state.home)
    entry = catalog.register(path, name=name, roles=roles, licence=licence, context_length=context_length)
    if as_json:
        print_json(_summary(catalog, entry))
    else:
        print_table("registered", ["name", "roles", "size", "sha256", "path"],
                    [[entry.name, ", ".join(entry.roles), _megabytes(entry.size), entry.sha256, str(path.resolve())]])


def _summary(catalog: ModelCatalog, entry: ModelEntry) -> dict[str, Any]:
    return {
        "name": entry.name,
        "roles": entry.roles,
        "default_for": entry.default_for,
        "size": entry.size,
        "licence": entry.licence,
        "upstream": entry.upstream,
        "file": entry.file,
        "sha256": entry.sha256,
        "context_length": entry.context_length,
        "source": entry.source.kind,
        "status": catalog.status(entry.name),
    }


def _megabytes(size: int) -> str:
    return f"{size / 1_000_000:,.0f} MB"
