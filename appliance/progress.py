"""Rich progress for runs: a generation bar (counts, failures, tokens/s, ETA) with one log line per conversation,
then an evaluation bar (counts, ETA) for the acceptance gate, and one line per regeneration round."""

from __future__ import annotations

import time

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from appliance.output import err_console
from scsf.generation.generator import GenerationStats
from scsf.pipeline.evaluation import RunEvaluation
from scsf.seeds.conversation import Conversation
from scsf.store.duckdb import RunItem


class RunProgress:
    """A RunObserver rendering to stderr; use as a context manager around `Runner.execute`."""

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[note]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=err_console,
        )
        self.task = None
        self.total = 0
        self.evaluation_task = None
        self.tokens = 0
        self.failures = 0
        self.started_at = time.monotonic()

    def __enter__(self) -> RunProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def started(self, run_id: str, total: int, done: int) -> None:
        self.started_at = time.monotonic()
        self.total = total
        self.task = self.progress.add_task(run_id, total=total, completed=done, note="")
        if done:
            self.progress.console.print(f"resuming {run_id}: {done}/{total} conversations already stored")

    def stored(self, conversation: Conversation, stats: GenerationStats) -> None:
        self.tokens += stats.completion_tokens
        self._update(advance=1)
        generation = conversation.generation
        self.progress.console.print(
            f"stored {conversation.conversation_id} seed={conversation.seed_id} {generation.get('strategy')} "
            f"{generation.get('flow_variation')} turns={len(conversation.messages())} tools={len(generation.get('tools', []))} "
            f"tokens={stats.completion_tokens} calls={stats.attempts} {stats.seconds:.1f}s",
            highlight=False,
        )

    def failed(self, item: RunItem, error: str) -> None:
        self.failures += 1
        self._update()
        self.progress.console.print(f"failed {item.conversation_id}: {error}", highlight=False, markup=False)

    def stopping(self, reason: str, in_flight: int) -> None:
        self.progress.console.print(f"stopping ({reason}); {in_flight} conversations in flight", highlight=False)

    def evaluating(self, conversations: int) -> None:
        if self.evaluation_task is not None:
            self.progress.remove_task(self.evaluation_task)
        self.evaluation_task = self.progress.add_task("evaluating", total=conversations, note="quality gate")

    def evaluated_one(self) -> None:
        self.progress.advance(self.evaluation_task)

    def evaluated(self, evaluation: RunEvaluation, target: int) -> None:
        rejected = ", ".join(f"{metric} {count}" for metric, count in _most_first(evaluation.rejected_by_metric))
        self.progress.console.print(
            f"evaluated {evaluation.conversations}: accepted {evaluation.accepted}/{target}"
            + (f"; rejected by {rejected}" if rejected else ""),
            highlight=False,
        )

    def regenerating(self, round_number: int, replacements: int) -> None:
        self.total += replacements
        self.progress.update(self.task, total=self.total)
        self.progress.console.print(f"regeneration round {round_number}: {replacements} replacements", highlight=False)

    def _update(self, advance: int = 0) -> None:
        elapsed = max(time.monotonic() - self.started_at, 1e-9)
        failed = f" {self.failures} failed" if self.failures else ""
        self.progress.update(self.task, advance=advance, note=f"{self.tokens / elapsed:.1f} tok/s{failed}")


def _most_first(counts: dict[str, int]) -> list[tuple[str, int]]:
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))
