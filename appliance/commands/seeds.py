"""`scsf-appliance seeds ...`: import, list, show, validate, export and the JSON Schema of SeedSchema v1."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from appliance.output import console, err_console, print_json, print_table
from appliance.state import load_domains, open_store

app = typer.Typer(help="Seeds (SeedSchema v1): import, list, show, validate, export, schema.", no_args_is_help=True)

JsonFlag = Annotated[bool, typer.Option("--json", help="Print the result as JSON")]
Paths = Annotated[list[Path], typer.Argument(help="Seed files (.json object or array, .jsonl) or directories")]


@app.command("import")
def import_(paths: Paths, as_json: JsonFlag = False) -> None:
    """Validate every seed, then store them all in one transaction (nothing is stored if one is bad)."""
    from scsf.seeds.importer import import_seed_files

    with open_store() as store:
        summary = import_seed_files(paths, store, load_domains())
    rows = [{"seed_id": s.seed_id, "version": s.version, "created": s.created, "source": s.source} for s in summary.stored]
    if as_json:
        print_json({"created": summary.created, "unchanged": summary.unchanged, "seeds": rows})
    else:
        console.print(f"{summary.created} seed versions stored, {summary.unchanged} unchanged")


@app.command("validate")
def validate(paths: Paths, as_json: JsonFlag = False) -> None:
    """Check files without storing anything; lists every bad file and exits 1 if any."""
    from scsf.errors import SeedError
    from scsf.seeds.importer import expand_paths, validate_seed_files

    domains = load_domains()
    results = []
    for path in expand_paths(paths):
        try:
            results.append({"file": str(path), "ok": True, "seeds": len(validate_seed_files([path], domains))})
        except SeedError as exc:
            results.append({"file": str(path), "ok": False, "error": exc.msg})
    if as_json:
        print_json(results)
    else:
        for result in results:
            if result["ok"]:
                console.print(f"ok     {result['file']} ({result['seeds']} seeds)")
            else:
                err_console.print(f"error: {result['error']}", markup=False, highlight=False)
    if not all(result["ok"] for result in results):
        raise typer.Exit(1)


@app.command("list")
def list_(
    domain: Annotated[str | None, typer.Option(help="Only this domain (namespace or alias)")] = None,
    all_versions: Annotated[bool, typer.Option("--all-versions", help="Every version, not only the latest")] = False,
    as_json: JsonFlag = False,
) -> None:
    """Stored seeds, latest version of each unless --all-versions."""
    namespace = load_domains().get(domain).namespace if domain else None
    with open_store(read_only=True) as store:
        seeds = store.list_seeds(namespace, all_versions=all_versions)
    rows = [
        {"seed_id": s.seed_id, "version": s.version, "domain": s.domain, "tipo_interaccion": s.tipo_interaccion,
         "content_hash": s.content_hash}
        for s in seeds
    ]  # fmt: skip
    if as_json:
        print_json(rows)
    else:
        print_table(f"{len(rows)} seeds", ["seed_id", "v", "domain", "tipo_interaccion"],
                    [[r["seed_id"], r["version"], r["domain"], r["tipo_interaccion"]] for r in rows])  # fmt: skip


@app.command("show")
def show(
    seed_id: str,
    version: Annotated[int | None, typer.Option(help="Version (default: latest)")] = None,
    as_json: JsonFlag = False,
) -> None:
    """One stored seed as its canonical JSON document."""
    with open_store(read_only=True) as store:
        stored = store.get_seed(seed_id, version)
    if as_json:
        print_json({"seed_id": stored.seed_id, "version": stored.version, "content_hash": stored.content_hash,
                    "source": stored.source, "document": stored.document})  # fmt: skip
    else:
        console.print(f"[bold]{stored.seed_id}[/] version {stored.version} ({stored.content_hash}) from {stored.source}")
        console.print_json(json.dumps(stored.document, ensure_ascii=False))


@app.command("export")
def export(
    out: Annotated[Path | None, typer.Option("--out", help="JSONL file to write (default: stdout)")] = None,
    domain: Annotated[str | None, typer.Option(help="Only this domain")] = None,
) -> None:
    """Latest version of each stored seed as JSONL (re-importable)."""
    namespace = load_domains().get(domain).namespace if domain else None
    with open_store(read_only=True) as store:
        lines = [json.dumps(s.document, ensure_ascii=False) + "\n" for s in store.list_seeds(namespace)]
    if out is None:
        sys.stdout.writelines(lines)
        return
    out.write_text("".join(lines), encoding="utf-8")
    console.print(f"{len(lines)} seeds written to {out}")


@app.command("schema")
def schema() -> None:
    """Print the JSON Schema of SeedSchema v1."""
    from scsf.seeds.schema import Seed

    print_json(Seed.model_json_schema())
