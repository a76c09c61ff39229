"""Run guest tasks in a long-lived worker process, surviving its crashes and hangs.

One worker per environment pays the TensorFlow import once. Each task gets a time limit;
a worker that dies (segfault, abort) ends its task as CRASH, one that exceeds the limit is
killed and its task ends as TIMEOUT; either way a fresh worker takes the remaining tasks.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from matrix.guest import protocol
from matrix.run import stopping
from matrix.run.envs import Environment


class WorkerStopped(Exception):
    """A stop was asked for (Ctrl-C, SIGTERM) while this worker was busy: it was ended, and
    its task has no answer (the next run does it again)."""


class WorkerDied(Exception):
    def __init__(self, how: str, message: str):
        super().__init__(message)
        self.how = how  # "crash" or "timeout"
        self.message = message


def _signal_name(returncode: int | None) -> str:
    if returncode is None:
        return "still running"
    if returncode < 0:
        try:
            return f"killed by {signal.Signals(-returncode).name}"
        except ValueError:
            return f"killed by signal {-returncode}"
    return f"exited with status {returncode}"


def _tail(path: Path, offset: int = 0, lines: int = 3) -> str:
    """What this worker last wrote to its log (the log is shared by successive workers):
    faulthandler's 'Fatal Python error' line when there is one, after the native library's
    own last words where it left some (`LLVM ERROR: …` of the TFLite converter, an absl
    `Check failed`), else the last lines."""
    try:
        with open(path, "rb") as f:
            f.seek(offset)
            text = f.read().decode(errors="replace")
    except OSError:
        return ""
    kept = [ln.strip() for ln in text.strip().splitlines() if ln.strip()]
    fatal = [ln for ln in kept if ln.startswith("Fatal Python error")]
    native = [ln for ln in kept if ln.startswith(("LLVM ERROR", "terminate called"))
              or "Check failed" in ln]  # fmt: skip
    if fatal and native:
        return f"{native[-1][:300]} | {fatal[-1]}"[-500:]
    return (fatal[-1] if fatal else " | ".join(kept[-lines:]))[-500:]


@dataclass
class WorkerProcess:
    env: Environment
    log_path: Path
    startup_timeout: float = 900.0
    hello: dict = field(default_factory=dict)
    proc: subprocess.Popen | None = None
    stop_event: threading.Event | None = None
    _lines: queue.Queue = field(default_factory=queue.Queue)

    def start(self) -> dict:
        self.log_path.parent.mkdir(parents=True, exist_ok=True)
        self._log = open(self.log_path, "ab")
        self._log_offset = self._log.tell()
        self._lines = queue.Queue()
        started = time.perf_counter()
        self.proc = subprocess.Popen(
            [str(self.env.python), "-m", "matrix.guest.worker"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=self._log,
            env=self.env.process_env(),
            start_new_session=True,  # so a kill takes any children along
        )
        stopping.register(self.proc.pid)
        threading.Thread(target=self._read, args=(self.proc,), daemon=True).start()
        raw = self._receive(self.startup_timeout, "starting the worker")
        self.hello = asdict(protocol.check_hello(raw))  # ProtocolMismatch: another version
        self.hello["spawn_seconds"] = round(time.perf_counter() - started, 3)
        return self.hello

    def _read(self, proc: subprocess.Popen) -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            self._lines.put(line)
        self._lines.put(None)  # EOF: the worker is gone

    def _receive(self, timeout: float, doing: str) -> dict:
        deadline = time.monotonic() + timeout
        while True:  # in short waits, so that a stop is seen within a second
            if self.stop_event is not None and self.stop_event.is_set():
                self.kill()
                raise WorkerStopped(doing)
            try:
                line = self._lines.get(timeout=max(0.0, min(0.5, deadline - time.monotonic())))
                break
            except queue.Empty:
                if time.monotonic() >= deadline:
                    self.kill()
                    raise WorkerDied(
                        "timeout", f"no answer after {timeout:g}s while {doing}"
                    ) from None
        if (
            self.stop_event is not None and self.stop_event.is_set()
        ):  # killed by the stop, not a crash
            self.kill()
            raise WorkerStopped(doing)
        if line is None:
            assert self.proc is not None
            code = self.proc.wait()
            tail = _tail(self.log_path, self._log_offset)
            message = f"worker {_signal_name(code)} while {doing}"
            raise WorkerDied("crash", message + (f": {tail}" if tail else ""))
        return json.loads(line)

    def request(self, task: dict, timeout: float) -> dict:
        assert self.proc is not None and self.proc.stdin is not None
        self._log_offset = self.log_path.stat().st_size if self.log_path.exists() else 0
        try:
            self.proc.stdin.write((json.dumps(task) + "\n").encode())
            self.proc.stdin.flush()
        except (BrokenPipeError, OSError):
            pass  # it died; _receive reports how
        answer = self._receive(timeout, "running the task")
        if answer.get("type") != "result" or answer.get("id") != task.get("id"):
            self.kill()
            raise WorkerDied("crash", f"the worker answered {str(answer)[:200]} to task "
                                      f"{task.get('id')}")  # fmt: skip
        kind = protocol.ANSWERS.get(task.get("op"), protocol.ConsumeAnswer)
        return asdict(protocol.from_dict(kind, answer))

    def kill(self) -> None:
        if self.proc and self.proc.poll() is None:
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self.proc.wait()
        if self.proc:
            stopping.unregister(self.proc.pid)

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            try:
                assert self.proc.stdin is not None
                self.proc.stdin.write(b'{"op": "exit"}\n')
                self.proc.stdin.close()
                self.proc.wait(timeout=30)
            except (OSError, subprocess.TimeoutExpired):
                self.kill()
        if self.proc:
            stopping.unregister(self.proc.pid)
        if getattr(self, "_log", None):
            self._log.close()


@dataclass
class SupervisorStats:
    worker_starts: int = 0
    import_seconds: list[float] = field(default_factory=list)
    crashes: int = 0
    timeouts: int = 0
    peak_rss_kb: int = 0
    retries: int = 0
    recycled: int = 0
    stopped: bool = False


# a consumer worker must stay under 3 GB; replaced once its peak passes this
RECYCLE_RSS_KB = int(os.environ.get("TFMATRIX_RECYCLE_RSS_MB", "2048")) * 1024


class WorkerStartFailed(Exception):
    """The environment's worker cannot start at all: an environment problem, not a cell's."""


def _start_worker(
    env: Environment, log_path: Path, stats: SupervisorStats, stop: threading.Event | None
) -> WorkerProcess:
    last: WorkerDied | None = None
    for _ in range(2):  # once more, in case the first start met a passing problem (memory)
        worker = WorkerProcess(env, log_path, stop_event=stop)
        stats.worker_starts += 1
        try:
            hello = worker.start()
        except WorkerDied as exc:
            worker.stop()
            last = exc
            continue
        except protocol.ProtocolMismatch as exc:  # starting it again changes nothing
            worker.stop()
            raise WorkerStartFailed(str(exc)) from None
        stats.import_seconds.append(hello["info"]["import_seconds"])
        return worker
    raise WorkerStartFailed(last.message if last else "worker did not start")


def run_tasks(
    env: Environment,
    tasks: Iterable[dict],
    on_result: Callable[[dict, dict], None],
    *,
    timeout: float,
    log_path: Path,
    retries: int = 1,
    recycle_rss_kb: int = RECYCLE_RSS_KB,
    stop: threading.Event | None = None,
) -> SupervisorStats:
    """Send every task to a worker of `env`; call on_result(task, answer) for each.

    A task whose worker dies or hangs is tried again in a fresh worker (`retries` times), so
    a passing problem does not become a stored result; then it is answered with
    {"status": "CRASH"|"TIMEOUT", ...} and the next task goes to a new worker.
    Raises WorkerStartFailed (after answering nothing for the remaining tasks) when no worker
    can be started. A worker whose peak RSS passes `recycle_rss_kb` is replaced by a fresh one
    before the next task (what TensorFlow and Keras cache per loaded model is never all freed).
    When `stop` is set, the worker is ended and no further task is started (`stats.stopped`);
    the task in flight gets no answer.
    """
    stats = SupervisorStats()
    worker: WorkerProcess | None = None
    try:
        for task in tasks:
            if stop is not None and stop.is_set():
                stats.stopped = True
                break
            attempt = 0
            while True:
                try:
                    if worker is None:
                        worker = _start_worker(env, log_path, stats, stop)
                    started = time.perf_counter()
                    answer = worker.request(task, timeout)
                    break
                except WorkerStopped:
                    stats.stopped = True
                    return stats
                except WorkerDied as exc:
                    worker.stop()
                    worker = None
                    if attempt < retries:
                        attempt += 1
                        stats.retries += 1
                        continue
                    answer = _died_answer(exc, stats)
                    break
            answer["wall_seconds"] = round(time.perf_counter() - started, 5)
            answer["attempts"] = attempt + 1
            stats.peak_rss_kb = max(stats.peak_rss_kb, answer.get("maxrss_kb") or 0)
            if worker is not None and (answer.get("maxrss_kb") or 0) > recycle_rss_kb:
                worker.stop()
                worker = None
                stats.recycled += 1
            on_result(task, answer)
    finally:
        if worker is not None:
            worker.stop()
    return stats


def _died_answer(exc: WorkerDied, stats: SupervisorStats) -> dict:
    if exc.how == "timeout":
        stats.timeouts += 1
        status, category = "TIMEOUT", "timeout"
    else:
        stats.crashes += 1
        status, category = "CRASH", "crash"
    return {
        "status": status,
        "error_category": category,
        "exception_type": None,
        "message": exc.message,
    }
