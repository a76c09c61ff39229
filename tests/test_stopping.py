"""Ctrl-C and SIGTERM stop a real run: within 10 s, with every finished cell kept, a line
saying how to resume, and exit status 130 (143). Ctrl-C is typed into a real terminal (tmux),
as a user does, so nox and the run get it the way they do in a shell."""

import os
import shlex
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from matrix import PROJECT_ROOT
from matrix.store.results import read_jsonl

pytestmark = pytest.mark.tf
VERSIONS = ["2.15", "2.16"]


def _store(tmp_path: Path, home) -> dict:
    """A store of its own for the run, with the session's environments."""
    return dict(os.environ, TFMATRIX_HOME=str(tmp_path / "store"),
                TFMATRIX_ENVS=str(home.envs))  # fmt: skip


def _busy(store: Path) -> bool:
    """The run is saving or loading: a worker has written something of this run's."""
    return any(store.glob("artifacts/*/*/*/manifest.json")) or any(store.glob("results/*.jsonl"))


def _cells(store: Path) -> int:
    return sum(len(read_jsonl(p)) for p in store.glob("results/*.jsonl"))


def _wait(predicate, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


@pytest.mark.skipif(not shutil.which("tmux"), reason="tmux is not installed")
def test_ctrl_c_in_a_terminal_stops_nox_s_matrix(tmp_path, matrix_run, home):
    env = _store(tmp_path, home)
    store = tmp_path / "store"
    done = tmp_path / "exit-status"
    out = tmp_path / "output"
    command = (
        f"cd {shlex.quote(str(PROJECT_ROOT))} && "
        f"{shlex.quote(sys.executable)} -m nox -s matrix -- --tf {' '.join(VERSIONS)} "
        f"> {shlex.quote(str(out))} 2>&1; echo $? > {shlex.quote(str(done))}"
    )
    # no pipe after nox: a Ctrl-C reaches the whole foreground group, and a `tee` killed by it
    # would take the run's output with it
    session = f"tfmatrix-stop-{os.getpid()}"
    exports = " ".join(f"{k}={shlex.quote(env[k])}" for k in ("TFMATRIX_HOME", "TFMATRIX_ENVS"))
    subprocess.run(["tmux", "new-session", "-d", "-s", session, "-x", "200", "-y", "50",
                    f"env {exports} bash -c {shlex.quote(command)}"], check=True)  # fmt: skip
    try:
        assert _wait(lambda: _busy(store), 300), "the run never started working"
        time.sleep(3)  # well inside the work: workers busy
        before = _cells(store)
        subprocess.run(["tmux", "send-keys", "-t", session, "C-c"], check=True)
        sent = time.monotonic()
        assert _wait(done.exists, 10), "Ctrl-C did not stop the run within 10 s"
        assert time.monotonic() - sent < 10
    finally:
        subprocess.run(["tmux", "kill-session", "-t", session], capture_output=True)
    assert done.read_text().strip() == "130", out.read_text()[-2000:]
    text = out.read_text()
    assert "SIGINT: stopping" in text and "resumes where it stopped" in text, text[-2000:]
    assert _cells(store) >= before  # nothing finished was lost
    assert not any(store.glob("artifacts/*/*/*.new-*")), "a half-written artifact was left"


def test_sigterm_stops_a_run_and_the_next_run_goes_on(tmp_path, matrix_run, home):
    env = _store(tmp_path, home)
    store = tmp_path / "store"
    cmd = [sys.executable, "-m", "matrix", "run", "--tf", *VERSIONS, "--no-report"]
    proc = subprocess.Popen(cmd, cwd=PROJECT_ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)  # fmt: skip
    try:
        assert _wait(lambda: _busy(store), 300), "the run never started working"
        time.sleep(3)
        proc.send_signal(signal.SIGTERM)
        output, _ = proc.communicate(timeout=10)
    finally:
        proc.kill()
    assert proc.returncode == 143, output[-2000:]
    assert "SIGTERM: stopping" in output and "resumes where it stopped" in output
    kept = _cells(store)
    # the next run starts where this one stopped: what is stored is not computed again
    again = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                           timeout=1800)  # fmt: skip
    assert again.returncode == 0, again.stdout[-2000:] + again.stderr[-2000:]
    records = [r for p in store.glob("results/*.jsonl") for r in read_jsonl(p)]
    assert len({r["key"] for r in records}) == len(records) >= kept  # no cell twice
