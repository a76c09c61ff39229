"""tf-compat-matrix sessions: each one a call of the one command line, `tf-compat-matrix`.

    nox -s matrix            the whole job: produce in every TF, consume in every TF, report
    nox -s tests             unit tests and a small real end-to-end matrix
    nox -s lint              ruff, the rooms' import rules, the guest code on the oldest Python
    nox -s lock              re-resolve matrix/catalog/locks/*.txt from the catalog
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

Dependencies are in pyproject.toml only (the `report` extra, the `test` and `lint` groups).
The sessions that drive TensorFlow environments (matrix, produce, consume, status, lock,
bench) run in nox's own interpreter, in this process: they need only the standard library and
packaging, `nox -j` runs them side by side without a virtualenv each, and a Ctrl-C or SIGTERM
reaches the run itself, which stops cleanly and exits 130 (143).
"""

from __future__ import annotations

import os
import sys

import nox

# nox's own interpreter runs the in-process sessions: the project's code from this checkout
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from matrix import cli  # noqa: E402  (host core: stdlib + packaging only)
from matrix.catalog import load_catalog  # noqa: E402
from matrix.run import pythons  # noqa: E402

# allow_parallel (for `nox -j`) came with nox 2026.10.20, which needs Python >= 3.10
nox.needs_version = ">=2026.10.20"
nox.options.default_venv_backend = "uv|virtualenv"
nox.options.sessions = ["matrix"]
nox.options.error_on_missing_interpreters = False
nox.options.reuse_venv = "yes"  # reinstalling is a no-op, recreating is not

PYPROJECT = nox.project.load_toml("pyproject.toml")
TEST_DEPS = nox.project.dependency_groups(PYPROJECT, "test")
LINT_DEPS = nox.project.dependency_groups(PYPROJECT, "lint")


def _posargs() -> list[str]:
    return sys.argv[sys.argv.index("--") + 1 :] if "--" in sys.argv else []


# `--tf` is read here because it decides which produce/consume sessions exist
_picked = cli.versions_in(_posargs())
if _picked is not None:
    os.environ["TFMATRIX_VERSIONS"] = " ".join(_picked)  # parallel workers inherit it
CATALOG = load_catalog()
SELECTED = cli.select(CATALOG, os.environ.get("TFMATRIX_VERSIONS", "").replace(",", " ").split())
MINORS = [r.minor for r in SELECTED]


def _in_process(session: nox.Session, *argv: str) -> None:
    """Run `tf-compat-matrix ARGV` here. Its deliberate exits (after --help, 2 on a mistake,
    130 or 143 after a stop asked for by a signal) end nox with that status; a non-zero
    returned status fails the session."""
    session.log(f"tf-compat-matrix {' '.join(argv)}")
    status = cli.main(list(argv))
    if status:
        session.error(f"tf-compat-matrix {argv[0]} exited with status {status}")


@nox.session(venv_backend="none", allow_parallel=True)
@nox.parametrize("tf", MINORS)
def produce(session: nox.Session, tf: str) -> None:
    """Install one TensorFlow and save every fixture in every format it supports."""
    _in_process(session, "produce", "--tf", tf)


@nox.session(
    venv_backend="none",
    allow_parallel=True,
    requires=[f"produce(tf='{m}')" for m in MINORS],
)
@nox.parametrize("tf", MINORS)
def consume(session: nox.Session, tf: str) -> None:
    """Load every produced artifact with every loader, in one TensorFlow."""
    _in_process(session, "consume", "--tf", *MINORS, "--consumer", tf)


@nox.session
def report(session: nox.Session) -> None:
    """Write reports/ from the stored results of the selected versions (if they changed)."""
    from matrix.report import freshness
    from matrix.store.layout import default_home

    args = cli.without_versions(session.posargs)  # the selection is MINORS already
    out = freshness.out_dir_for(MINORS, [r.minor for r in CATALOG.select(None)], default_home())
    if not {"--force", "--replace", "--out"} & set(args) and freshness.is_fresh(
        default_home(), MINORS, out
    ):
        session.log(f"{out} is up to date with the stored results")
        return
    session.install("-e", ".[report]")
    session.run("tf-compat-matrix", "report", "--versions", *MINORS, *args)


@nox.session(venv_backend="none")
def matrix(session: nox.Session) -> None:
    """The main job: every selected TensorFlow saves, every one loads, then the report.

    Runs the same graph as the produce/consume sessions, in this process, with one worker
    pool (`-- -j N`, default: one environment per core) and live progress.
    """
    _in_process(session, "run", *session.posargs, "--no-report")
    session.notify("report", posargs=[])  # the report takes its versions from the selection


@nox.session
def tests(session: nox.Session) -> None:
    """Unit tests plus a real end-to-end matrix (TF 2.15 with Keras 2, TF 2.16 with Keras 3)."""
    session.install("-e", ".[report,check]", *TEST_DEPS)
    session.run("python", "-m", "pytest", *session.posargs)


HOST_PYTHONS = ["3.10", "3.13"]  # the oldest and newest Python the tool supports
pythons.put_on_path(HOST_PYTHONS)


@nox.session(python=HOST_PYTHONS, tags=["host"])
def host_tests(session: nox.Session) -> None:
    """The tests that need no TensorFlow, on the oldest and newest Python the tool supports."""
    session.install("-e", ".[report,check]", *TEST_DEPS)
    session.run("python", "-m", "pytest", "-m", "not tf", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    """ruff, the rooms' import rules, and the guest code compiled by the oldest Python."""
    session.install("-e", ".", *LINT_DEPS)
    session.run("ruff", "check", ".")
    session.run("ruff", "format", "--check", ".")
    session.run("lint-imports")
    session.run("tf-compat-matrix", "guestcheck")


def _tool(session: nox.Session, extra: str, subcommand: str) -> None:
    """A subcommand in the session's own environment, with the extra it needs."""
    session.install("-e", f".[{extra}]" if extra else ".")
    session.run("tf-compat-matrix", subcommand, *session.posargs)


@nox.session
def query(session: nox.Session) -> None:
    """Answers from the published data (reports/), no TensorFlow: `nox -s query -- --help`."""
    _tool(session, "", "query")  # the answers need only the standard library and packaging


@nox.session
def check(session: nox.Session) -> None:
    """Which TensorFlow versions load a model of yours: `nox -s check -- PATH [--json] …`."""
    _tool(session, "check", "check")


@nox.session(venv_backend="none")
def runtimes(session: nox.Session) -> None:
    """Dump what each environment's runtime knows (ops, GraphDef versions) for check."""
    _in_process(session, "runtimes", *session.posargs)


@nox.session
def regress(session: nox.Session) -> None:
    """What changed since the published run (exit 1 on a change expectations.toml does not list)."""
    _tool(session, "report", "regress")


@nox.session(venv_backend="none")
def lock(session: nox.Session) -> None:
    """Re-resolve the lock file of every selected version (uv pip compile, exclude-newer)."""
    _in_process(session, "lock", "--tf", *MINORS)


@nox.session(venv_backend="none")
def status(session: nox.Session) -> None:
    """Cells done / total, rate and ETA per environment and overall (e.g. beside `nox -j`)."""
    _in_process(session, "status", "--tf", *MINORS, *cli.without_versions(session.posargs))


@nox.session(venv_backend="none")
def bench(session: nox.Session) -> None:
    """Benchmark figures of the engine (cold run, floor, rerun, add a version, naive, RSS)."""
    _in_process(session, "bench", *session.posargs)
