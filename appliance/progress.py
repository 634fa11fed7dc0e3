"""Rich progress for runs: a bar with counts, acceptance, tokens/s (wall clock) and ETA, one log line per conversation."""

from __future__ import annotations

import time

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
            TextColumn("accepted {task.fields[acceptance]}"),
            TextColumn("{task.fields[tokens_per_s]:.1f} tok/s"),
            TimeElapsedColumn(),
            TextColumn("ETA"),
            TimeRemainingColumn(),
            console=err_console,
        )
        self.task = None
        self.tokens = 0
        self.accepted = 0
        self.failures = 0
        self.started_at = time.monotonic()

    def __enter__(self) -> RunProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()

    def started(self, run_id: str, total: int, done: int) -> None:
        self.started_at = time.monotonic()
        self.task = self.progress.add_task(run_id, total=total, completed=done, tokens_per_s=0.0, acceptance="-")
        if done:
            self.progress.console.print(f"resuming {run_id}: {done}/{total} conversations already stored")

    def stored(self, conversation: Conversation, stats: GenerationStats) -> None:
        self.tokens += stats.completion_tokens
        self.accepted += 1
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

    def _update(self, advance: int = 0) -> None:
        finished = self.accepted + self.failures
        elapsed = max(time.monotonic() - self.started_at, 1e-9)
        self.progress.update(
            self.task, advance=advance, tokens_per_s=self.tokens / elapsed,
            acceptance=f"{self.accepted / finished:.0%} ({self.failures} failed)" if finished else "-",
        )  # fmt: skip
