"""Durable result storage: one append-only JSON Lines file per consumer environment.

Every finished cell is written (and flushed to the OS) the moment it is known, so a run killed
even with SIGKILL loses nothing it finished; the cache key of each record lets the next run
skip it. A lock file per store keeps two runs from working on (and writing) the same one.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import time
from pathlib import Path
from typing import Iterator


@contextlib.contextmanager
def exclusive_lock(path: Path, log=print) -> Iterator[None]:
    """Hold an exclusive lock on `path` (waits, saying so, while another run holds it)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            log(f"waiting for another run that holds {path}")
            fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def read_jsonl(path: Path) -> list[dict]:
    """Records of a JSON Lines file; a last line cut short by a killed writer is ignored."""
    records = []
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.endswith("\n"):
                    try:
                        records.append(json.loads(line))
                    except ValueError:
                        pass
    except FileNotFoundError:
        pass
    return records


class ResultStore:
    """Append-only results of one consumer environment."""

    FSYNC_EVERY = 2.0  # seconds; flush() alone already survives the process being killed

    def __init__(self, path: Path):
        self.path = path
        self._handle = None
        self._last_sync = 0.0

    def keys(self) -> set[str]:
        return {r["key"] for r in read_jsonl(self.path) if "key" in r}

    def lock(self, log=print):
        return exclusive_lock(self.path.with_suffix(".lock"), log)

    def append(self, record: dict) -> None:
        if self._handle is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._handle = open(self.path, "a+", encoding="utf-8")
            # a writer killed mid-line left a partial record: start on a fresh line
            if self._handle.tell() > 0:
                self._handle.seek(self._handle.tell() - 1)
                if self._handle.read(1) != "\n":
                    self._handle.write("\n")
        self._handle.write(json.dumps(record, sort_keys=True) + "\n")
        self._handle.flush()
        now = time.monotonic()
        if now - self._last_sync > self.FSYNC_EVERY:
            os.fsync(self._handle.fileno())
            self._last_sync = now

    def close(self) -> None:
        if self._handle is not None:
            self._handle.flush()
            os.fsync(self._handle.fileno())
            self._handle.close()
            self._handle = None


def read_results(home) -> list[dict]:
    """Every stored cell of every consumer (all attempts: the report keeps the latest)."""
    records = []
    for path in sorted(home.results.glob("*.jsonl")):
        records.extend(read_jsonl(path))
    return records


def finished_keys(store: ResultStore, timeout: float) -> set[str]:
    """Keys of cells that need no new attempt. A TIMEOUT under a shorter limit than today's
    is tried again: raising TFMATRIX_CELL_TIMEOUT must be able to change the answer."""
    return {
        r["key"]
        for r in read_jsonl(store.path)
        if "key" in r
        and not (r.get("status") == "TIMEOUT" and r.get("timeout_seconds", 0) < timeout)
    }
