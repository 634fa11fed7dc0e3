"""`scsf-appliance seeds ...`: import, list, show, validate, export, the JSON Schema of SeedSchema v1, and drafts
extracted from imported conversations (`seeds extract`, `seeds drafts list|show|approve|reject`)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from appliance.output import console, err_console, print_json, print_table
from appliance.state import load_domains, open_store, state

app = typer.Typer(
    help="Seeds (SeedSchema v1): import, list, show, validate, export, schema, extract drafts.", no_args_is_help=True
)

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


# -- drafts: seeds extracted from imported conversations --------------------------------------------------------


@app.command("extract")
def extract(
    import_id: Annotated[str | None, typer.Option("--import", help="Only conversations of this import id")] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Draft at most this many conversations")] = None,
    model: Annotated[str | None, typer.Option(help="Model name from the manifest (default: the generator)")] = None,
    threads: Annotated[int | None, typer.Option(min=1, help="CPU threads for llama.cpp")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Draft seeds from clean imported conversations with the local model; drafts wait in `seeds drafts list`."""
    from scsf.errors import ScsfError
    from scsf.seeds.extract import ExtractionSkipped, SeedExtractor
    from scsf.store.drafts import SeedDraftRepository

    domains = load_domains()
    with open_store() as store:
        repository = SeedDraftRepository(store)
        candidates = repository.candidates(import_id)
        if not candidates and not repository.count_imported(import_id):
            where = f"import {import_id} has" if import_id else "the store has"
            raise ScsfError(f"{where} no imported conversations (run `scsf-appliance ingest` first)")
        extractors: dict[str, SeedExtractor] = {}
        skipped: list[dict[str, str]] = []
        eligible: list[tuple[SeedExtractor, dict]] = []
        backend = _LazyBackend(model, threads)
        for record in candidates:
            try:
                domain = record["domain"]
                if domain not in extractors:
                    extractors[domain] = SeedExtractor(domains.get(domain), backend, domains=domains)
                extractor = extractors[domain]
                extractor.check_eligible(record)
            except ExtractionSkipped as exc:
                skipped.append({"conversation_id": exc.conversation_id, "reason": exc.reason})
                continue
            except ScsfError as exc:  # e.g. the domain pack the conversation was imported with is gone
                skipped.append({"conversation_id": record["conversation_id"], "reason": exc.msg})
                continue
            eligible.append((extractor, record))
        eligible = eligible[:limit] if limit else eligible
        drafted = []
        try:
            with _ExtractProgress(len(eligible), len(skipped), visible=bool(eligible)) as progress:
                for extractor, record in eligible:
                    try:
                        draft = extractor.extract(record)
                    except ExtractionSkipped as exc:
                        skipped.append({"conversation_id": exc.conversation_id, "reason": exc.reason})
                        progress.skipped(exc.conversation_id, exc.reason)
                        continue
                    repository.put(draft)
                    drafted.append(draft)
                    progress.drafted(draft)
        finally:
            backend.close()
    _print_extraction(drafted, skipped, as_json)


def _print_extraction(drafted: list, skipped: list[dict[str, str]], as_json: bool) -> None:
    if as_json:
        print_json({
            "drafted": [{**draft.summary(), "document": draft.document} for draft in drafted],
            "skipped": skipped,
        })  # fmt: skip
        return
    console.print(f"{len(drafted)} seed drafts stored for review, {len(skipped)} conversations skipped")
    reasons: dict[str, int] = {}
    for entry in skipped:
        reasons[entry["reason"]] = reasons.get(entry["reason"], 0) + 1
    for reason, count in sorted(reasons.items(), key=lambda item: -item[1]):
        console.print(f"  skipped {count}: {reason}", markup=False, highlight=False)
    if drafted:
        console.print("review them: `scsf-appliance seeds drafts list`, then `seeds drafts approve|reject DRAFT_ID`")


class _LazyBackend:
    """Opens the model on the first request, so that a selection with nothing to draft loads nothing."""

    def __init__(self, model: str | None, threads: int | None) -> None:
        self.model, self.threads = model, threads
        self._backend = None

    def _open(self):
        if self._backend is None:
            from scsf.pipeline.backend import open_backend
            from scsf.pipeline.config import RunConfig

            config = RunConfig.build({}, where="seeds extract", model=self.model, n_threads=self.threads)
            self._backend = open_backend(config, state.home.ensure())
        return self._backend

    @property
    def supports_json_schema(self) -> bool:
        return self._open().supports_json_schema

    @property
    def model_info(self) -> dict:
        return self._open().model_info

    def complete(self, request):
        return self._open().complete(request)

    def close(self) -> None:
        if self._backend is not None:
            self._backend.close()


class _ExtractProgress:
    """A rich bar on stderr with counts and ETA, plus one line per conversation."""

    def __init__(self, total: int, skipped: int, *, visible: bool = True) -> None:
        from rich.progress import (
            BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn,
        )  # fmt: skip

        self.progress = Progress(
            TextColumn("[bold]extracting"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("drafted {task.fields[drafted]} skipped {task.fields[skipped]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=err_console,
            disable=not visible,
        )
        self.counts = {"drafted": 0, "skipped": skipped}
        self.task = self.progress.add_task("extract", total=total, **self.counts)

    def __enter__(self) -> _ExtractProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def drafted(self, draft) -> None:
        self.counts["drafted"] += 1
        self.progress.update(self.task, advance=1, **self.counts)
        seconds = draft.evidence.get("model", {}).get("seconds", 0.0)
        self.progress.console.print(
            f"drafted {draft.draft_id} from {draft.source_conversation_id}: {draft.document['tipo_interaccion']}, "
            f"{len(draft.document['parametros_factuales']['flujo_esperado'])} stages, {seconds:.1f}s",
            markup=False, highlight=False,
        )  # fmt: skip

    def skipped(self, conversation_id: str, reason: str) -> None:
        self.counts["skipped"] += 1
        self.progress.update(self.task, advance=1, **self.counts)
        self.progress.console.print(f"skipped {conversation_id}: {reason}", markup=False, highlight=False)


drafts_app = typer.Typer(help="Seed drafts extracted from imported conversations: list, show, approve, reject.",
                         no_args_is_help=True)  # fmt: skip
app.add_typer(drafts_app, name="drafts")


@drafts_app.command("list")
def drafts_list(
    status: Annotated[str | None, typer.Option(help="pending_review | approved | rejected")] = None,
    as_json: JsonFlag = False,
) -> None:
    """Stored drafts, oldest first."""
    from scsf.store.drafts import SeedDraftRepository

    if status not in (None, "pending_review", "approved", "rejected"):
        raise typer.BadParameter("--status must be pending_review, approved or rejected")
    with open_store(read_only=True) as store:
        drafts = SeedDraftRepository(store).list_drafts(status)  # type: ignore[arg-type]
    if as_json:
        print_json([{**draft.summary(), "document": draft.document, "evidence": draft.evidence} for draft in drafts])
        return
    print_table(
        f"{len(drafts)} seed drafts",
        ["draft_id", "status", "domain", "tipo_interaccion", "stages", "entities", "from"],
        [[d.draft_id, d.status, d.domain, d.document["tipo_interaccion"],
          len(d.document["parametros_factuales"]["flujo_esperado"]),
          len(d.document["parametros_factuales"]["entidades_clave"]), d.source_conversation_id] for d in drafts],
    )  # fmt: skip


@drafts_app.command("show")
def drafts_show(draft_id: str, as_json: JsonFlag = False) -> None:
    """One draft: its seed document and the evidence of every field."""
    from scsf.store.drafts import SeedDraftRepository

    with open_store(read_only=True) as store:
        draft = SeedDraftRepository(store).get(draft_id)
    if as_json:
        print_json({**draft.summary(), "document": draft.document, "evidence": draft.evidence})
        return
    console.print(f"[bold]{draft.draft_id}[/] ({draft.status}) from {draft.source_conversation_id}", highlight=False)
    console.print_json(json.dumps(draft.document, ensure_ascii=False))
    for name, entry in draft.evidence.get("fields", {}).items():
        console.print(f"{name}: {entry['source']}: {entry['why']}", markup=False, highlight=False)
    for fix in draft.evidence.get("fixes", []):
        console.print(f"fixed: {fix}", markup=False, highlight=False)


@drafts_app.command("approve")
def drafts_approve(draft_id: str, as_json: JsonFlag = False) -> None:
    """Import the draft as a seed (it then appears in `seeds list`) and mark it approved."""
    from scsf.store.drafts import SeedDraftRepository

    domains = load_domains()
    with open_store() as store:
        stored = SeedDraftRepository(store).approve(draft_id, domains)
    if as_json:
        print_json({"draft_id": draft_id, "seed_id": stored.seed_id, "version": stored.version,
                    "content_hash": stored.content_hash, "created": stored.created})  # fmt: skip
    else:
        console.print(f"draft {draft_id} approved: seed {stored.seed_id} version {stored.version}", highlight=False)


@drafts_app.command("reject")
def drafts_reject(draft_id: str, as_json: JsonFlag = False) -> None:
    """Mark the draft rejected; its conversation is not drafted again."""
    from scsf.store.drafts import SeedDraftRepository

    with open_store() as store:
        draft = SeedDraftRepository(store).decide(draft_id, "rejected")
    if as_json:
        print_json(draft.summary())
    else:
        console.print(f"draft {draft_id} rejected", highlight=False)
