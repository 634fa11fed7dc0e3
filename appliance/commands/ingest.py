"""`scsf-appliance ingest PATH...`: real conversation exports into the store, PII redacted, with a quality report."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

from appliance.output import console, err_console
from appliance.state import load_domains, open_store


def ingest(
    paths: Annotated[list[Path], typer.Argument(help="Export files or directories")],
    format_: Annotated[str, typer.Option("--format", help="auto or a format name (see --help of `ingest`)")] = "auto",
    role_map: Annotated[Path | None, typer.Option("--role-map", help="TOML/JSON {speaker = role}")] = None,
    domain: Annotated[str, typer.Option(help="Domain whose roles the speakers map onto")] = "automotive.sales",
    redaction: Annotated[str, typer.Option(help="pseudonymize | redact | mask")] = "pseudonymize",
    risk_threshold: Annotated[float, typer.Option(min=0.0, max=1.0, help="Above it: human-review queue")] = 0.5,
    field: Annotated[list[str] | None, typer.Option("--field", help="Parser option KEY=VALUE (field mapping)")] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Parse, validate and scan; store nothing")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="One JSON line per parsed conversation")] = False,
) -> None:
    """Parse, map roles, scan and redact PII, validate and store; bad files are skipped and listed at the end."""
    from scsf.ingest.pipeline import Ingestor, IngestOptions, Processed
    from scsf.ingest.roles import load_role_map
    from scsf.parsers import parser_names
    from scsf.privacy import PiiScanner

    if format_ != "auto" and format_ not in parser_names():
        raise typer.BadParameter(f"unknown format {format_!r}; known: auto, {', '.join(parser_names())}")
    if redaction not in {"pseudonymize", "redact", "mask"}:
        raise typer.BadParameter("--redaction must be pseudonymize, redact or mask")
    options = IngestOptions(
        format=format_,
        parser_options=dict(_key_value(item) for item in field or []),
        role_map=load_role_map(role_map) if role_map else None,
        redaction=redaction,  # type: ignore[arg-type]
        risk_threshold=risk_threshold,
    )
    pack = load_domains().get(domain)

    def show(processed: Processed) -> None:
        stored = processed.stored
        if as_json:
            turns = [{key: turn[key] for key in ("role", "speaker", "text", "timestamp", "lang")} for turn in stored.turns]
            sys.stdout.write(json.dumps({"format": stored.format, "source": stored.source, "turns": turns},
                                        ensure_ascii=False) + "\n")  # fmt: skip
            return
        mapping = ", ".join(f"{speaker} → {role}" for speaker, role in processed.roles.mapping.items())
        err_console.print(
            f"{stored.source} [{stored.format}] {len(stored.turns)} turns, risk {stored.risk_score:.2f}"
            f"{' (review)' if stored.review_status == 'pending_review' else ''}; roles: {mapping} "
            f"({processed.roles.reason})",
            markup=False, highlight=False,
        )  # fmt: skip

    with Progress(SpinnerColumn(), TextColumn("{task.description}"), TextColumn("{task.completed} conversations"),
                  TimeElapsedColumn(), console=err_console, transient=True) as progress:  # fmt: skip
        task = progress.add_task("ingesting", total=None)

        def on_conversation(processed: Processed) -> None:
            progress.advance(task)
            show(processed)

        scanner = PiiScanner()
        if dry_run:
            import_id, report = Ingestor(pack, scanner, options, None, on_conversation).ingest(paths)
        else:
            from scsf.store.imports import ImportRepository

            with open_store() as store:
                repository = ImportRepository(store)
                import_id, report = Ingestor(pack, scanner, options, repository, on_conversation).ingest(paths)
    _print_report(import_id, report.as_dict(), dry_run, quiet=as_json)
    if report.failed_files:
        raise typer.Exit(1)


def _key_value(item: str) -> tuple[str, str]:
    key, sep, value = item.partition("=")
    if not sep or not key:
        raise typer.BadParameter(f"--field expects KEY=VALUE, got {item!r}")
    return key, value


def _print_report(import_id: str, report: dict, dry_run: bool, quiet: bool) -> None:
    out = err_console if quiet else console
    totals = report["totals"]
    out.print(
        f"{'dry run' if dry_run else 'import ' + import_id}: {totals['conversations']} conversations, "
        f"{totals['turns']} turns from {totals['files'] - totals['files_failed']}/{totals['files']} files; "
        f"{totals['review_queue']} to human review; {totals['already_imported']} already imported",
        highlight=False,
    )
    if report["pii_findings_by_type"]:
        out.print("PII found (redacted): " + ", ".join(f"{k} {v}" for k, v in sorted(report["pii_findings_by_type"].items())))
    if report["validation_failures_by_check"]:
        out.print("validation failures: " + ", ".join(f"{k} {v}" for k, v in report["validation_failures_by_check"].items()))
    for entry in report["files"]:
        if entry["ok"]:
            out.print(f"{entry['path']}: {entry['format']} ({entry['reason']}), {entry['conversations']} conversations",
                      markup=False, highlight=False)  # fmt: skip
    failed = [entry for entry in report["files"] if not entry["ok"]]
    for entry in failed:
        err_console.print(f"rejected: {entry['error']}", markup=False, highlight=False)
