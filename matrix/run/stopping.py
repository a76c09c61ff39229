"""Stopping a run on request: the first Ctrl-C (SIGINT) or SIGTERM stops scheduling, ends the
workers and keeps every finished cell (they are stored as they finish); a second one exits at
once. The run then says how far it got and how to resume, and exits 130 (143 for SIGTERM)."""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections.abc import Callable, Iterator

# the process groups of the workers alive now: a second signal kills them on the way out
LIVE_WORKERS: set[int] = set()
_lock = threading.Lock()


def register(pid: int) -> None:
    with _lock:
        LIVE_WORKERS.add(pid)


def unregister(pid: int) -> None:
    with _lock:
        LIVE_WORKERS.discard(pid)


def kill_workers() -> None:
    with _lock:
        pids = list(LIVE_WORKERS)
    for pid in pids:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)


class Stop(threading.Event):
    """Set when a stop was asked for; `signum` says which signal asked."""

    signum: int | None = None

    @property
    def exit_status(self) -> int:
        return 128 + (self.signum or signal.SIGINT)


@contextlib.contextmanager
def stop_on_signals(log: Callable[[str], None]) -> Iterator[Stop]:
    """A Stop that SIGINT and SIGTERM set (in the main thread only: elsewhere Python cannot
    install handlers, and the caller's own handling stays)."""
    stop = Stop()
    if threading.current_thread() is not threading.main_thread():
        yield stop
        return

    def handler(signum, frame):
        if stop.is_set():  # the second time: at once
            kill_workers()
            os._exit(128 + signum)
        stop.signum = signum
        stop.set()
        name = signal.Signals(signum).name
        log(f"{name}: stopping (finished cells are kept; the cells in flight are redone on the "
            "next run). Again to exit at once.")  # fmt: skip
        kill_workers()

    previous = {s: signal.signal(s, handler) for s in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield stop
    finally:
        for s, h in previous.items():
            signal.signal(s, h)
