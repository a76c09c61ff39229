"""Progress lines for long runs: done / total, rate and ETA, at most every few seconds."""

from __future__ import annotations

import threading
import time


class Progress:
    """Thread-safe: the overall progress of a run is advanced by every consumer's thread."""

    def __init__(self, label: str, total: int, log=print, every: float = 5.0):
        self.label, self.total, self.log, self.every = label, total, log, every
        self.done = 0
        self.started = time.monotonic()
        self._last = 0.0
        self._lock = threading.Lock()

    def add(self, n: int) -> None:
        """More work became known (the overall line grows as each stage is planned)."""
        with self._lock:
            self.total += n

    def advance(self, n: int = 1) -> None:
        with self._lock:
            self.done += n
            now = time.monotonic()
            due = now - self._last >= self.every or self.done == self.total
            if due:
                self._last = now
        if due:
            self.log(self.line(now))

    def line(self, now: float | None = None) -> str:
        elapsed = (now or time.monotonic()) - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        left = self.total - self.done
        eta = f"{left / rate:.0f}s" if rate > 0 else "?"
        pct = 100.0 * self.done / self.total if self.total else 100.0
        return f"[{self.label}] {self.done}/{self.total} ({pct:.0f}%) {rate:.1f}/s, ETA {eta}"
