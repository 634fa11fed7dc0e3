"""The generation loop of a run: keeps `concurrency` conversations in flight on worker threads and commits each in
the calling thread as it finishes (only the calling thread touches the store). A stop request, the time budget or the
first Ctrl-C stops refilling and lets the conversations in flight finish and commit."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from scsf.errors import GenerationError
from scsf.generation.generator import ConversationGenerator, GenerationStats
from scsf.generation.plan import ConversationPlan
from scsf.pipeline.interrupts import first_ctrl_c_sets
from scsf.pipeline.planner import Planner
from scsf.pipeline.session import RunSession
from scsf.seeds.conversation import Conversation
from scsf.store import Store
from scsf.store.duckdb import RunItem

POLL_SECONDS = 0.25
CTRL_C_STOPPING = "Ctrl-C: finishing the conversations in flight (Ctrl-C again to abort)"


class Interrupted(Exception):
    """The first Ctrl-C stopped generation after the conversations in flight were stored."""


@dataclass
class _Result:
    """What a worker thread hands back: the conversation or the error, and every rejected attempt's raw output."""

    item: RunItem
    conversation: Conversation | None = None
    stats: GenerationStats | None = None
    error: str | None = None
    attempts: list[tuple[int, str, str]] = field(default_factory=list)


Submit = Callable[[RunItem, ConversationPlan], "Future[_Result]"]


def generate(session: RunSession, store: Store, planner: Planner, pending: list[RunItem]) -> str | None:
    """Generate and store the pending items. Returns why it stopped short (None when every pending item was tried);
    raises Interrupted when Ctrl-C stopped it."""
    backend = session.models.generator()
    generator = ConversationGenerator(backend, session.config.sampling())
    workers = session.config.concurrency or backend.parallelism
    plans = ((item, planner.plan(session.config, item.seed_id, item.seed_version, item.index)) for item in pending)
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="scsf-generate")

    def submit(item: RunItem, plan: ConversationPlan) -> Future[_Result]:
        return pool.submit(_generate_one, generator, session.run_id, item, plan)

    try:
        with first_ctrl_c_sets(threading.Event()) as ctrl_c:
            stopped = _drive(session, store, plans, submit, workers, ctrl_c)
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)  # a second Ctrl-C: nobody will store what is in flight
        raise
    pool.shutdown()
    if ctrl_c.is_set():
        raise Interrupted
    return stopped


def _drive(
    session: RunSession, store: Store, plans: Iterator[tuple[RunItem, ConversationPlan]], submit: Submit,
    workers: int, ctrl_c: threading.Event,
) -> str | None:  # fmt: skip
    """The scheduling loop: refill up to `workers`, store what finished, stop refilling when asked to."""
    in_flight: dict[Future[_Result], RunItem] = {}
    stopped: str | None = None
    while True:
        if not stopped and ctrl_c.is_set():
            stopped = "Ctrl-C"
            session.observer.stopping(CTRL_C_STOPPING, len(in_flight))
        if not stopped and (stopped := session.stop_reason()):
            session.observer.stopping(stopped, len(in_flight))
        while not stopped and len(in_flight) < workers and (next_plan := next(plans, None)) is not None:
            in_flight[submit(*next_plan)] = next_plan[0]
        if not in_flight:
            return stopped
        done, _ = wait(in_flight, timeout=POLL_SECONDS, return_when=FIRST_COMPLETED)
        for future in done:
            in_flight.pop(future)
            _store(session, store, future.result())


def _store(session: RunSession, store: Store, result: _Result) -> None:
    for attempt, raw, reason in result.attempts:
        store.record_attempt(session.run_id, result.item.conversation_id, attempt, raw, reason)
    if result.conversation is None:
        session.failed.append(result.item.conversation_id)
        session.observer.failed(result.item, result.error or "generation failed")
        return
    store.put_conversation(result.conversation)
    session.observer.stored(result.conversation, result.stats)


def _generate_one(generator: ConversationGenerator, run_id: str, item: RunItem, plan: ConversationPlan) -> _Result:
    """Worker thread: generate one conversation; errors and rejected attempts travel back in the result."""
    result = _Result(item)
    try:
        result.conversation, result.stats = generator.generate(
            plan, run_id=run_id, conversation_id=item.conversation_id,
            on_failed_attempt=lambda attempt, raw, reason: result.attempts.append((attempt, raw, reason)),
        )  # fmt: skip
    except GenerationError as exc:
        result.error = exc.msg
    return result
