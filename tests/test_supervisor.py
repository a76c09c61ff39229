"""The supervisor's promises, checked with a stand-in worker (no TensorFlow needed):
a crash or a hang is one cell, retried once in a fresh worker; a worker that cannot start at
all is an environment problem, not a pile of CRASH cells."""

import sys
import textwrap
import threading
import time
from dataclasses import asdict

import pytest

from matrix.catalog import TFRelease
from matrix.guest.protocol import ConsumeTask
from matrix.run.envs import Environment
from matrix.run.supervisor import WorkerStartFailed, run_tasks

FAKE_WORKER = textwrap.dedent(
    """
    import os, sys, time
    from matrix.guest import protocol  # the host's PYTHONPATH: the project's guest code
    out = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)
    mode = os.environ.get("FAKE_MODE", "ok")
    if mode == "nostart":
        print("ImportError: the guest cannot start", file=sys.stderr)
        sys.exit(1)
    harness = "0-another" if mode == "old" else protocol.HARNESS_VERSION
    hello = protocol.Hello(protocol.SCHEMA_VERSION, harness, os.getpid(),
                           {"import_seconds": 0.01})
    out.write(protocol.to_wire(hello) + "\\n")
    out.flush()
    for line in sys.stdin:
        raw = protocol.loads(line)
        task = protocol.task_of(raw)
        if task is None:
            break
        what = task.loader
        marker = raw["marker"]
        if what == "abort":
            print("about to abort", file=sys.stderr, flush=True)
            os.abort()
        if what == "hang":
            time.sleep(600)
        if what == "flaky" and not os.path.exists(marker):
            open(marker, "w").close()
            os.abort()
        answer = protocol.ConsumeAnswer(id=task.id, status="PASS")
        out.write(protocol.to_wire(answer) + "\\n")
        out.flush()
    """
)


@pytest.fixture
def fake_env(tmp_path, monkeypatch):
    script = tmp_path / "fake_worker.py"
    script.write_text(FAKE_WORKER)
    python = tmp_path / "env" / "bin" / "python"
    python.parent.mkdir(parents=True)
    python.write_text(f"#!/bin/sh\nexec {sys.executable} {script}\n")
    python.chmod(0o755)
    release = TFRelease(version="2.99.0", python="3.11", package="tensorflow-cpu")
    return Environment(release, tmp_path / "env", "fake", {})


def run(env, loaders, tmp_path, timeout=10.0, retries=1, stop=None):
    got = {}
    tasks = [dict(asdict(ConsumeTask(i, name, name, str(tmp_path))), marker=str(tmp_path / "m"))
             for i, name in enumerate(loaders)]  # fmt: skip
    log = tmp_path / "worker.log"
    stats = run_tasks(env, tasks, lambda t, a: got.__setitem__(t["loader"], a),
                      timeout=timeout, log_path=log, retries=retries, stop=stop)  # fmt: skip
    return got, stats


def test_a_crash_is_retried_once_then_recorded_and_the_rest_go_on(fake_env, tmp_path):
    got, stats = run(fake_env, ["ok", "abort", "ok2"], tmp_path)
    assert got["ok"]["status"] == got["ok2"]["status"] == "PASS"
    assert got["abort"]["status"] == "CRASH"
    assert "SIGABRT" in got["abort"]["message"] and "about to abort" in got["abort"]["message"]
    assert got["abort"]["attempts"] == 2
    assert (stats.crashes, stats.retries, stats.worker_starts) == (1, 1, 3)


def test_a_passing_crash_does_not_become_a_result(fake_env, tmp_path):
    got, stats = run(fake_env, ["flaky"], tmp_path)
    assert got["flaky"]["status"] == "PASS" and got["flaky"]["attempts"] == 2
    assert stats.crashes == 0


def test_a_hang_is_a_timeout_cell(fake_env, tmp_path):
    got, stats = run(fake_env, ["hang", "ok"], tmp_path, timeout=1.0, retries=0)
    assert got["hang"]["status"] == "TIMEOUT"
    assert got["ok"]["status"] == "PASS"
    assert stats.timeouts == 1


def test_crash_messages_come_from_the_worker_that_crashed(fake_env, tmp_path):
    (tmp_path / "worker.log").write_text("an older worker's last words\n")
    got, _ = run(fake_env, ["abort"], tmp_path, retries=0)
    assert "older worker" not in got["abort"]["message"]


def test_a_worker_that_cannot_start_is_an_environment_failure(fake_env, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_MODE", "nostart")
    with pytest.raises(WorkerStartFailed, match="exited with status 1"):
        run(fake_env, ["ok", "ok2"], tmp_path)


def test_a_worker_of_another_harness_is_refused_in_one_line(fake_env, tmp_path, monkeypatch):
    monkeypatch.setenv("FAKE_MODE", "old")
    with pytest.raises(WorkerStartFailed, match=r"harness 0-another; this host .* another ver"):
        run(fake_env, ["ok"], tmp_path)


def test_a_stop_ends_the_busy_worker_and_starts_nothing_more(fake_env, tmp_path):
    """Ctrl-C or SIGTERM: the task in flight has no answer (it is redone on the next run),
    no CRASH is recorded, no further task starts, and it happens within a second or so."""
    stop = threading.Event()
    threading.Timer(1.0, stop.set).start()
    started = time.monotonic()
    got, stats = run(fake_env, ["ok", "hang", "ok2"], tmp_path, timeout=60.0, stop=stop)
    assert time.monotonic() - started < 5
    assert stats.stopped and list(got) == ["ok"]  # hang never answered, ok2 never started
    assert stats.crashes == stats.timeouts == 0
