"""Rich progress for runs: a bar with counts, tokens/s and ETA, plus one log line per conversation."""

from __future__ import annotations

from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from appliance.output import err_console
from scsf.generation.generator import GenerationStats
from scsf.seeds.conversation import Conversation
from scsf.store.duckdb import RunItem


class RunProgress:
    """A RunObserver rendering to stderr; use as a context manager around `Runner.execute`."""

    def __init__(self) -> None:
        self.progress = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[tokens_per_s]:.1f} tok/s"),
            TextColumn("failed {task.fields[failed]}"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=err_console,
        )
        self.task = None
        self.tokens = 0
        self.seconds = 0.0
        self.failures = 0

    def __enter__(self) -> RunProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def started(self, run_id: str, total: int, done: int) -> None:
        self.task = self.progress.add_task(run_id, total=total, completed=done, tokens_per_s=0.0, failed=0)
        if done:
            self.progress.console.print(f"resuming {run_id}: {done}/{total} conversations already stored")

    def stored(self, conversation: Conversation, stats: GenerationStats) -> None:
        self.tokens += stats.completion_tokens
        self.seconds += stats.seconds
        rate = self.tokens / self.seconds if self.seconds else 0.0
        self.progress.update(self.task, advance=1, tokens_per_s=rate)
        self.progress.console.print(
            f"stored {conversation.conversation_id} seed={conversation.seed_id} turns={len(conversation.turns)} "
            f"tokens={stats.completion_tokens} attempts={stats.attempts} {stats.seconds:.1f}s",
            highlight=False,
        )

    def failed(self, item: RunItem, error: str) -> None:
        self.failures += 1
        self.progress.update(self.task, failed=self.failures)
        self.progress.console.print(f"failed {item.conversation_id}: {error}", highlight=False, markup=False)
