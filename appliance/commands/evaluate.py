"""`scsf-appliance eval RUN_ID` (evaluate and store verdicts) and `quality RUN_ID` (the quality dashboard)."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

from appliance.output import console, err_console, print_json, print_table
from appliance.state import load_domains, open_store, state


def eval_run(
    run_id: Annotated[str, typer.Argument(help="Run id (`runs list`)")],
    threshold: Annotated[
        float, typer.Option("--near-duplicate-threshold", help="Jaccard above which two conversations are copies")
    ] = 0.8,
    max_copies: Annotated[int, typer.Option(min=1, help="Copies of one conversation kept at most")] = 3,
    judge: Annotated[bool, typer.Option("--judge", help="Add the judge model's claims to factual fidelity")] = False,
    judge_model: Annotated[
        str | None,
        typer.Option(
            help="Judge model: manifest name, or the served name with --judge-endpoint (default: the manifest's judge)"
        ),
    ] = None,
    judge_endpoint: Annotated[
        str | None,
        typer.Option(help="OpenAI-compatible server (loopback) serving the judge, instead of llama.cpp in process"),
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(min=1, help="Processes evaluating the metrics (default: one per CPU; one with a judge)"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False,
) -> None:
    """Score every conversation of a run (Table 1 metrics, diversity forcing) and store accept/reject verdicts."""
    from scsf.eval.evaluator import Evaluator
    from scsf.pipeline.config import RunConfig
    from scsf.pipeline.evaluation import evaluate_run
    from scsf.pipeline.judge_backend import judge_summary, open_judge
    from scsf.privacy import PiiScanner

    llm_judge = None
    if judge or judge_model or judge_endpoint:
        options = {"judge": True, "judge_model": judge_model, "judge_endpoint": judge_endpoint}
        llm_judge = open_judge(RunConfig.build(options, where="eval --judge"), state.home.ensure())
    try:
        with open_store() as store:
            total = store.count_conversations(run_id)
            evaluator = Evaluator(PiiScanner().warm_up(), load_domains(), judge=llm_judge)
            columns = (TextColumn("evaluating"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
            with Progress(*columns, console=err_console) as progress:
                task = progress.add_task("eval", total=total)
                result = evaluate_run(
                    store, evaluator, run_id, near_duplicate_threshold=threshold, max_copies=max_copies,
                    on_conversation=lambda: progress.advance(task), workers=1 if llm_judge else workers,
                )  # fmt: skip
    finally:
        if llm_judge is not None:
            llm_judge.backend.close()
    judged = judge_summary([llm_judge] if llm_judge else [])
    if as_json:
        print_json({**result.__dict__, "judge": judged})
        return
    if judged is not None:
        console.print(
            f"judge: {judged['model']} ({judged['backend']}), {judged['calls']} calls, "
            f"{judged['failed']} conversations without a valid answer",
            markup=False, highlight=False,
        )  # fmt: skip
    console.print(f"run {run_id}: {result.accepted}/{result.conversations} accepted")
    for metric, count in sorted(result.rejected_by_metric.items()):
        console.print(f"  rejected by {metric}: {count}")
    console.print(f"details: `scsf-appliance quality {run_id}`")


def quality(
    run_id: Annotated[str, typer.Argument(help="Run id (`runs list`)")],
    worst: Annotated[int, typer.Option(min=1, help="Worst examples shown per metric")] = 3,
    as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False,
) -> None:
    """Metric distributions against their thresholds, rejection reasons and worst examples of an evaluated run."""
    from scsf.errors import StoreError
    from scsf.eval.dashboard import quality_dashboard
    from scsf.store.references import ReferenceRepository
    from scsf.store.verdicts import VerdictRepository

    with open_store(read_only=True) as store:
        store.get_run(run_id)
        repository = VerdictRepository(store)
        verdicts = repository.of_run(run_id)
        if not verdicts:
            raise StoreError(f"run {run_id} has not been evaluated yet: run `scsf-appliance eval {run_id}`")
        to_source = ReferenceRepository(store).text_rouge_l(run_id)  # read before the conversations' cursor opens
        dashboard = quality_dashboard(
            verdicts, repository.thresholds(run_id), worst, store.conversations(run_id), to_source
        )
    if as_json:
        print_json(dashboard)
        return
    console.print(f"run {run_id}: {dashboard['accepted']}/{dashboard['conversations']} accepted")
    print_table(
        "metrics",
        ["metric", "threshold", "min", "q1", "median", "q3", "max", "worst"],
        [
            [
                name,
                m.get("threshold"),
                m.get("min"),
                m.get("q1"),
                m.get("median"),
                m.get("q3"),
                m.get("max"),
                " ".join(m.get("worst", [])),
            ]
            for name, m in dashboard["metrics"].items()
        ],
    )
    print_table("rejection reasons", ["reason", "count"], list(dashboard["rejection_reasons"].items()))
    distribution = dashboard["distribution"]
    print_table(
        "distribution (accepted / all)",
        ["aspect", "value", "accepted", "all"],
        [
            [aspect, value, distribution["accepted"][aspect].get(value, 0), count]
            for aspect in ("flows", "personas", "strategies", "tools_called", "languages")
            for value, count in distribution["all"][aspect].items()
        ]
        + [
            [
                aspect,
                "min / median / max",
                _spread(distribution["accepted"][aspect]),
                _spread(distribution["all"][aspect]),
            ]
            for aspect in ("turns", "words")
        ],
    )
    print_table(
        "per seed", ["seed", "accepted", "conversations"],
        [[seed, row["accepted"], row["conversations"]] for seed, row in distribution["per_seed"].items()],
    )  # fmt: skip
    if closeness := dashboard.get("text_rouge_l"):
        console.print(
            f"text ROUGE-L vs the real source conversation (no gate; high = privacy risk): {closeness['measured']} "
            f"measured, min / median / max {_spread(closeness)}; closest: {' '.join(closeness['closest'])}"
        )


def _spread(summary: dict | None) -> str:
    return "-" if summary is None else f"{summary['min']} / {summary['median']} / {summary['max']}"
