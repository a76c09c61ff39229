"""What producing and consuming in one environment share: opening the environment (and
recording what that showed), running tasks in its supervised worker, and the step's summary."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Callable

from matrix.catalog import Catalog, TFRelease
from matrix.guest.vocabulary import EnvStatus
from matrix.run.envs import Environment, EnvUnavailable, ensure_env
from matrix.run.supervisor import WorkerStartFailed, run_tasks
from matrix.store.environments import now, write_env_record
from matrix.store.layout import Home

DEFAULT_CELL_TIMEOUT = float(os.environ.get("TFMATRIX_CELL_TIMEOUT", "180"))

Log = Callable[[str], None]


@dataclass
class StepSummary:
    name: str
    computed: int = 0
    cached: int = 0
    worker_starts: int = 0
    import_seconds: list[float] = field(default_factory=list)
    cell_seconds: list[float] = field(default_factory=list)
    crashes: int = 0
    timeouts: int = 0
    peak_rss_kb: int = 0
    shared_loads: int = 0  # cells answered by another producer's byte-identical artifact
    shared_envs: int = 0  # cells answered by another environment's load (plan/sharing.py)
    share_checked: int = 0  # shared cells loaded here again (the sample)
    share_disagreed: list[str] = field(default_factory=list)  # where the two answers differ
    broken: list[dict] = field(default_factory=list)  # artifacts left out: files changed
    unavailable: str | None = None
    stopped: bool = False  # a stop was asked for (Ctrl-C, SIGTERM): the rest was not started


def open_env(
    release: TFRelease, catalog: Catalog, home: Home, log: Log
) -> tuple[Environment | None, str]:
    """(environment, "OK"), or (None, why not) after recording it: the run goes on."""
    record: dict = {"release": release.version, "minor": release.minor, "checked_at": now()}
    try:
        env = ensure_env(release, catalog, home, log=log)
    except EnvUnavailable as exc:
        record.update(status=exc.category, reason=exc.reason)
        log(f"{release.name}: skipped, {exc.category}: {exc.reason}")
        env = None
    except Exception as exc:  # a bug or an OS problem: still only this version is lost
        record.update(status=EnvStatus.ENV_ERROR.value, reason=f"{type(exc).__name__}: {exc}"[:400])
        log(f"{release.name}: skipped, {record['reason']}")
        env = None
    else:
        record.update(status=EnvStatus.OK.value, env_id=env.env_id, info=env.info)
    write_env_record(home, release.name, record)
    return env, record["status"]


def _worker_failed(home: Home, release: TFRelease, env: Environment, exc: Exception, log: Log):
    """The environment installs but its worker cannot start: recorded like an install failure."""
    reason = str(exc)[:400]
    log(f"{release.name}: skipped, WORKER_START_FAILED: {reason}")
    write_env_record(home, release.name, {
        "release": release.version, "minor": release.minor, "checked_at": now(),
        "status": EnvStatus.WORKER_START_FAILED.value, "reason": reason, "env_id": env.env_id,
        "info": env.info,
    })  # fmt: skip
    return EnvStatus.WORKER_START_FAILED.value


def supervise(summary, step, env, tasks, on_result, timeout, home, log, stop=None) -> None:
    """Run the tasks in `env`'s worker and put the supervisor's figures into `summary`."""
    try:
        stats = run_tasks(
            env, tasks, on_result, timeout=timeout,
            log_path=home.log_file(step, env.release.name), stop=stop,
        )  # fmt: skip
    except WorkerStartFailed as exc:
        summary.unavailable = _worker_failed(home, env.release, env, exc, log)
        return
    summary.worker_starts, summary.import_seconds = stats.worker_starts, stats.import_seconds
    summary.crashes, summary.timeouts = stats.crashes, stats.timeouts
    summary.peak_rss_kb = stats.peak_rss_kb
    summary.stopped = stats.stopped
