"""Ctrl-C as a request to stop: the first SIGINT sets an event, the second raises KeyboardInterrupt as usual."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def first_ctrl_c_sets(requested: threading.Event) -> Iterator[threading.Event]:
    """While inside, SIGINT sets `requested` once, then interrupts normally. Outside the main thread (a TUI worker)
    signals cannot be handled there, so nothing changes and the caller's own stop event is the way to stop."""
    if threading.current_thread() is not threading.main_thread():
        yield requested
        return

    def on_sigint(signum: int, frame: object) -> None:
        if requested.is_set():
            raise KeyboardInterrupt
        requested.set()

    previous = signal.signal(signal.SIGINT, on_sigint)
    try:
        yield requested
    finally:
        signal.signal(signal.SIGINT, previous)
