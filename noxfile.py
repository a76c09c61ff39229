"""tf-compat-matrix sessions.

    nox -s matrix            the whole job: produce in every TF, consume in every TF, report
    nox -s tests             unit tests and a small real end-to-end matrix
    nox -s lint              ruff, and the guest code compiled by the oldest Python
    nox -s lock              re-resolve matrix/locks/*.txt from matrix/versions.toml
    nox -s bench             benchmark figures (printed, for the README)
    nox -s status            progress of a running (or finished) matrix
    nox -s query -- --help   answers from the published data (no TensorFlow)
    nox -s regress           what changed since the published run, and is it expected
    nox -s matrix -- --help  the options of the main job
    nox -l --json -s produce consume   the per-version sessions (what CI shards run)

The same graph as separate sessions (one per version: what CI shards run), then the report:
    nox -j 2 -s consume && nox -s report

Choose TensorFlow versions with `nox -s matrix -- --tf 2.12 2.21` or
`TFMATRIX_VERSIONS="2.12 2.21" nox -s matrix` (default: every catalog version that is on).
"""

from __future__ import annotations

import os
import sys

import nox

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from matrix import (
    cli,  # noqa: E402  (host side: stdlib + packaging only)
    pythons,  # noqa: E402
)
from matrix.catalog import load_catalog  # noqa: E402

# allow_parallel (for `nox -j`) came with nox 2026.10.20, which needs Python >= 3.10
nox.needs_version = ">=2026.10.20"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["matrix"]
nox.options.error_on_missing_interpreters = False
nox.options.reuse_venv = (
    "yes"  # tests/lint/report venvs: reinstalling is a no-op, recreating is not
)

HOST_DEPS = ("pandas>=2", "tabulate>=0.9", "jinja2>=3", "matplotlib>=3.7", "packaging>=23")
TEST_DEPS = (*HOST_DEPS, "pytest>=8", "nox>=2026.10.20", "tomli>=2; python_version<'3.11'")


def _posargs() -> list[str]:
    return sys.argv[sys.argv.index("--") + 1 :] if "--" in sys.argv else []


# `--tf` is read here because it decides which produce/consume sessions exist
_picked = cli.versions_in(_posargs())
if _picked is not None:
    os.environ["TFMATRIX_VERSIONS"] = " ".join(_picked)  # parallel workers inherit it
CATALOG = load_catalog()
SELECTED = cli.select(CATALOG, os.environ.get("TFMATRIX_VERSIONS", "").replace(",", " ").split())
MINORS = [r.minor for r in SELECTED]


def _release(minor: str):
    return CATALOG.by_minor()[minor]


@nox.session(venv_backend="none", allow_parallel=True)
@nox.parametrize("tf", MINORS)
def produce(session: nox.Session, tf: str) -> None:
    """Install one TensorFlow and save every fixture in every format it supports."""
    from matrix import engine
    from matrix.home import default_home

    summary = engine.produce(_release(tf), CATALOG, default_home(), log=session.log)
    session.log(_describe(summary))


@nox.session(
    venv_backend="none",
    allow_parallel=True,
    requires=[f"produce(tf='{m}')" for m in MINORS],
)
@nox.parametrize("tf", MINORS)
def consume(session: nox.Session, tf: str) -> None:
    """Load every produced artifact with every loader, in one TensorFlow."""
    from matrix import engine
    from matrix.home import default_home

    summary = engine.consume(_release(tf), SELECTED, CATALOG, default_home(), log=session.log)
    session.log(_describe(summary))


@nox.session
def report(session: nox.Session) -> None:
    """Write reports/ from the stored results of the selected versions (if they changed)."""
    from matrix import freshness
    from matrix.home import default_home

    args = cli.without_versions(session.posargs)  # the selection is MINORS already
    out = freshness.out_dir_for(MINORS, [r.minor for r in CATALOG.select(None)], default_home())
    if "--force" not in args and freshness.is_fresh(default_home(), MINORS, out):
        session.log(f"{out} is up to date with the stored results")
        return
    session.install(*HOST_DEPS)
    session.run("python", "-m", "matrix.report", "--versions", *MINORS, *args)


@nox.session(venv_backend="none")
def matrix(session: nox.Session) -> None:
    """The main job: every selected TensorFlow saves, every one loads, then the report.

    Runs the same graph as the produce/consume sessions, in this process, with one worker
    pool (`-- -j N`, default: one environment per core) and live progress.
    """
    from matrix import engine
    from matrix.home import default_home

    args = cli.parse_matrix(session.posargs)  # --help, or one line and exit 2 on a mistake
    run = engine.run_matrix(SELECTED, CATALOG, default_home(), jobs=args.jobs, log=session.log)
    for summary in run.produced + run.consumed:
        session.log(_describe(summary))
    computed = sum(s.computed for s in run.consumed)
    session.log(
        f"{len(SELECTED)} TensorFlow versions: produce {run.produce_seconds:.1f}s, consume "
        f"{run.consume_seconds:.1f}s, {computed} cells computed"
    )
    session.notify("report", posargs=[])  # the report takes its versions from the selection


@nox.session
def tests(session: nox.Session) -> None:
    """Unit tests plus a real end-to-end matrix (TF 2.15 with Keras 2, TF 2.16 with Keras 3)."""
    session.install(*TEST_DEPS)
    session.run("python", "-m", "pytest", *session.posargs)


HOST_PYTHONS = ["3.10", "3.13"]  # the oldest and newest Python the tool supports
pythons.put_on_path(HOST_PYTHONS)


@nox.session(python=HOST_PYTHONS, tags=["host"])
def host_tests(session: nox.Session) -> None:
    """The tests that need no TensorFlow, on the oldest and newest Python the tool supports."""
    session.install(*TEST_DEPS)
    session.run("python", "-m", "pytest", "-m", "not tf", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff, and every guest module compiled by the oldest interpreter the catalog uses."""
    session.install("ruff", "packaging", "tomli>=2; python_version<'3.11'")
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("python", "-m", "matrix.guestcheck")


@nox.session
def query(session: nox.Session) -> None:
    """Answers from the published data (reports/), no TensorFlow: `nox -s query -- --help`."""
    session.install("packaging>=23")  # the answers themselves need only the standard library
    session.run("python", "-m", "matrix", "query", *session.posargs)


@nox.session
def regress(session: nox.Session) -> None:
    """What changed since the published run (exit 1 on a change expectations.toml does not list)."""
    session.install(*HOST_DEPS)
    session.run("python", "-m", "matrix.regress", *session.posargs)


@nox.session(venv_backend="none")
def lock(session: nox.Session) -> None:
    """Re-resolve the lock file of every selected version (uv pip compile, exclude-newer)."""
    from matrix.envs import compile_lock
    from matrix.home import default_home

    for release in SELECTED:  # tf-nightly's lock goes to the store: it is never frozen
        session.log(f"{release.name}: {compile_lock(release, CATALOG, default_home())}")


@nox.session(venv_backend="none")
def status(session: nox.Session) -> None:
    """Cells done / total, rate and ETA per environment and overall (e.g. beside `nox -j`)."""
    args = cli.without_versions(session.posargs)
    session.run(sys.executable, "-m", "matrix.status", "--tf", *MINORS, *args)


@nox.session(venv_backend="none")
def bench(session: nox.Session) -> None:
    """Benchmark figures of the engine (cold run, floor, rerun, add a version, naive, RSS)."""
    session.run(sys.executable, "-m", "matrix.bench", *session.posargs)


def _describe(summary) -> str:
    if summary.unavailable:
        return f"{summary.name}: environment unavailable ({summary.unavailable}); recorded"
    imports = ", ".join(f"{s:.1f}s" for s in summary.import_seconds) or "none"
    return (
        f"{summary.name}: {summary.computed} computed, {summary.cached} cached, "
        f"TensorFlow imports: {imports}, crashes {summary.crashes}, timeouts {summary.timeouts}"
    )
