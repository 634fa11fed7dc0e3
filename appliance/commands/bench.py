"""`scsf-appliance bench ...`: benchmarks that print JSON."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

import typer
from rich.progress import Progress

from appliance.output import err_console, print_json

app = typer.Typer(help="Benchmarks (JSON on stdout, progress on stderr).", no_args_is_help=True)


class LabelledSet(StrEnum):
    """The labelled sets of `bench judge` (scsf.bench.judge.LABELLED_SETS)."""

    calibration = "calibration"
    heldout = "heldout"
    heldout2 = "heldout2"


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


@app.command("generate")
def generate(
    model: Annotated[str | None, typer.Option(help="Manifest model name (default: the test model)")] = None,
    threads: Annotated[int, typer.Option(min=1, help="CPU threads for llama.cpp (engine, raw and server)")] = 2,
    ctx: Annotated[int, typer.Option(min=512, help="Context window (capped at the model's)")] = 4096,
    plans: Annotated[int, typer.Option(min=1, help="Pilot-seed conversations for engine vs raw")] = 3,
    strategy: Annotated[str, typer.Option(help="whole_conversation or turn_by_turn")] = "whole_conversation",
    parallel: Annotated[list[int] | None, typer.Option(min=1, help="Parallel requests (repeatable; 1 2 4 8)")] = None,
    http_requests: Annotated[int, typer.Option(min=1, help="Requests per level and pass (levels run 1..8..1)")] = 4,
    http_max_tokens: Annotated[int, typer.Option(min=1, help="max_tokens of each HTTP request")] = 48,
    in_flight: Annotated[int, typer.Option(min=1, help="Requests in flight against the fake server")] = 256,
    queued: Annotated[int, typer.Option(min=1, help="Requests queued behind the same slots")] = 1024,
    fake_delay: Annotated[float, typer.Option(min=0, help="Seconds the fake server takes per answer")] = 1.0,
    pipeline_conversations: Annotated[
        int, typer.Option(min=67, help="Conversations of the pipeline run against the fake server")
    ] = 268,
    pipeline_concurrency: Annotated[int, typer.Option(min=1, help="Conversations in flight in that run")] = 64,
    local_conversations: Annotated[
        int, typer.Option(min=1, help="Conversations of the pipeline run on the local model")
    ] = 3,
    only: Annotated[list[str] | None, typer.Option(help="Run only this section (repeatable; default all)")] = None,
) -> None:
    """Engine vs raw llama-cpp-python tokens/s, HTTP backend vs llama_cpp.server at N parallel, memory with
    hundreds of requests in flight, the run pipeline against a fake server and on the local model (sections:
    engine_overhead, http_parallel, memory_in_flight, pipeline_in_flight, pipeline_local)."""
    from typing import get_args

    from scsf.bench.generate import SECTIONS, GenerateBenchSettings, bench_generate
    from scsf.generation.variation import Strategy

    if strategy not in get_args(Strategy):
        raise typer.BadParameter(f"--strategy must be one of {', '.join(get_args(Strategy))}, not {strategy!r}")
    settings = GenerateBenchSettings(
        model=model, n_threads=threads, n_ctx=ctx, plans=plans, strategy=strategy,  # type: ignore[arg-type]
        parallel=tuple(parallel or (1, 2, 4, 8)), http_requests_per_pass=http_requests,
        http_max_tokens=http_max_tokens, in_flight=in_flight, queued=queued, fake_delay_s=fake_delay,
        pipeline_conversations=pipeline_conversations, pipeline_concurrency=pipeline_concurrency,
        local_conversations=local_conversations,
    )  # fmt: skip
    print_json(bench_generate(settings, only or tuple(SECTIONS), on_step=lambda step: err_console.print(step)))


@app.command("eval")
def eval_(
    conversations: Annotated[int, typer.Option(min=1, help="Generated conversations for the metrics timing")] = 500,
    near_duplicates: Annotated[int, typer.Option(min=100, help="Conversations for near-duplicate detection")] = 100_000,
    exact: Annotated[int, typer.Option(min=100, help="Conversations for LSH vs exact all-pairs, side by side")] = 5_000,
) -> None:
    """Metrics without a model (conversations/s, with the full and the pattern-only PII scan) and near-duplicate
    detection (seconds and peak memory at scale, recall on planted copies, LSH vs exact all-pairs)."""
    from scsf.bench.eval import bench_eval
    from scsf.bench.eval_dedup import bench_dedup

    err_console.print(f"metrics over {conversations} conversations")
    metrics = bench_eval(conversations)
    dedup = bench_dedup(near_duplicates, exact, on_step=lambda step: err_console.print(step))
    print_json({"benchmark": "eval", "metrics": metrics, "near_duplicates": dedup})


@app.command("judge")
def judge(
    model: Annotated[str | None, typer.Option(help="Manifest model of the judge (default: its judge)")] = None,
    limit: Annotated[int | None, typer.Option(min=1, help="Evaluate only this many cases, kinds taken in turn")] = None,
    deterministic_only: Annotated[bool, typer.Option(help="Deterministic checks alone, no model")] = False,
    threads: Annotated[int, typer.Option(min=1, help="CPU threads for llama.cpp")] = 2,
    labelled_set: Annotated[
        LabelledSet,
        typer.Option("--set", help="calibration, or heldout / heldout2: two sets written without reading the checks"),
    ] = LabelledSet.calibration,
) -> None:
    """Judge calibration: a labelled set (faithful and subtly unfaithful conversations over pilot seeds) through
    factual fidelity with deterministic checks alone and with the LLM judge; accuracy, recall per kind, specificity,
    confusion matrix and score-label correlation side by side."""
    from rich.progress import BarColumn, MofNCompleteColumn, TaskID, TextColumn, TimeRemainingColumn

    from scsf.bench.judge import Outcome, bench_judge

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=err_console) as progress:
        tasks: list[TaskID] = []

        def start(mode: str, cases: int) -> None:
            tasks.append(progress.add_task(mode, total=cases))

        def done(outcome: Outcome) -> None:
            progress.advance(tasks[-1])
            if not err_console.is_terminal:  # a log file gets one line per case instead of a live bar
                task = progress.tasks[-1]
                verdict = "correct" if outcome.correct else "WRONG"
                err_console.print(f"{task.description} {task.completed:.0f}/{task.total:.0f} {outcome.case.case_id}: "
                                  f"score {outcome.score} {verdict} ({outcome.seconds:.1f} s)")  # fmt: skip

        result = bench_judge(
            model=model, limit=limit, deterministic_only=deterministic_only, n_threads=threads,
            labelled_set=labelled_set.value, on_mode=start, on_case=done,
        )  # fmt: skip
    print_json(result)


@app.command("stages")
def stages(
    model: Annotated[
        str | None, typer.Option(help="Also a model labeller with this manifest model (slow on CPU)")
    ] = None,
    threads: Annotated[int, typer.Option(min=1, help="CPU threads for llama.cpp")] = 2,
) -> None:
    """Stage labelling against the hand-labelled turns (tuning and held-out parts): turn accuracy, per-stage recall
    and confusions, ROUGE-L of the collapsed sequences, for the keyword labeller and optionally a model labeller."""
    from scsf.bench.judge import judge_model
    from scsf.bench.stages import stage_bench
    from scsf.eval.stage_model import ModelStageLabeller
    from scsf.eval.stages import KeywordStageLabeller
    from scsf.generation.backends.llamacpp import LlamaCppBackend

    labellers = {"keyword": KeywordStageLabeller()}
    backend = LlamaCppBackend(judge_model(model, threads).backend_options()) if model else None
    try:
        if backend is not None:
            labellers[f"model:{model}"] = ModelStageLabeller(backend)
        with err_console.status("labelling the stage set"):
            result = stage_bench(labellers)
    finally:
        if backend is not None:
            backend.close()
    print_json({"benchmark": "stages", "labellers": result})
