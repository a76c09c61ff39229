"""The one command line: `tf-compat-matrix SUBCOMMAND …` (also `python -m matrix …`; the nox
sessions call it). Each subcommand's options live with the code they steer (an
`add_arguments(parser)` and a `run(args)` in its module), imported only when that subcommand
runs, so that `query` starts without pandas and `run` without the report's libraries.

Every mistake (an unknown version, name or option) is one line on stderr and exit status 2.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from matrix.catalog.selection import add_versions_option
from matrix.errors import UsageError

PROG = "tf-compat-matrix"

# name: (module, one line of help). The order is the order of a run: plan → run → report.
SUBCOMMANDS = {
    "run": ("matrix.cli", "the whole job: every TF saves, every TF loads, then the report"),
    "produce": ("matrix.cli", "one TF saves every fixture in every format (a CI shard)"),
    "consume": ("matrix.cli", "one TF loads every stored artifact (a CI shard)"),
    "status": ("matrix.run.status", "how far a run has got: cells done, rate, ETA"),
    "report": ("matrix.report.publish", "render reports/ (or .matrix/report/) from the store"),
    "query": ("matrix.query", "answers from the published data, no TensorFlow needed"),
    "check": ("matrix.check.command", "which TensorFlow versions load this model, and why not"),
    "runtimes": (
        "matrix.check.runtimes",
        "dump what each environment's runtime knows (ops, "
        "GraphDef versions) into matrix/catalog/runtimes.json, for check --static",
    ),
    "regress": ("matrix.report.regress", "what changed since the published run, and why"),
    "merge": ("matrix.store.merge", "merge the result stores of CI shards into this one"),
    "bump": ("matrix.catalog.bump", "propose catalog updates from PyPI (new patches)"),
    "lock": ("matrix.cli", "re-resolve the lock file of every selected TF"),
    "bench": ("matrix.bench", "benchmark figures of the engine (printed)"),
    "guestcheck": ("matrix.guestcheck", "the guest code against its rules (Python 3.7, imports)"),
}


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # argparse prints usage + error; users want one
        fail(f"{self.prog}: error: {message} (see {self.prog} --help)")


def fail(message: str) -> NoReturn:
    print(message, file=sys.stderr)
    raise SystemExit(2)


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a whole number, not {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _versions_option(parser: argparse.ArgumentParser) -> None:
    add_versions_option(parser, "the TensorFlow environments")


def parser(chosen: str | None = None) -> argparse.ArgumentParser:
    """The whole command line; only the `chosen` subcommand's module is imported to add its
    options (the others are listed with their help)."""
    top = _OneLineParser(
        prog=PROG,
        description="A model saved with TensorFlow X: can TensorFlow Y load it, with which "
        "API, and if not, why?",
        epilog="TFMATRIX_HOME moves the store (.matrix/), TFMATRIX_ENVS the environments, "
        "TFMATRIX_VERSIONS selects versions, TFMATRIX_CELL_TIMEOUT (seconds, default 180) "
        "limits one load. `SUBCOMMAND --help` for its options.",
    )
    sub = top.add_subparsers(dest="command", required=True, metavar="SUBCOMMAND",
                             parser_class=_OneLineParser)  # fmt: skip
    for name, (module, help_text) in SUBCOMMANDS.items():
        p = sub.add_parser(name, help=help_text, description=help_text)
        p.set_defaults(_module=module, _name=name)
        if name != chosen:
            continue
        target = sys.modules[__name__] if module == __name__ else importlib.import_module(module)
        adder = getattr(target, f"add_{name}_arguments", None) or target.add_arguments
        adder(p)
    return top


# ------------------------------------------------------------------ run, produce, consume, lock


def add_run_arguments(p: argparse.ArgumentParser) -> None:
    _versions_option(p)
    p.add_argument(
        "-j", "--jobs", type=positive_int, default=os.cpu_count() or 1,
        help="environments worked on at once (default: one per core)",
    )  # fmt: skip
    p.add_argument("--no-report", action="store_true", help="do not render the report after")
    p.add_argument(
        "--fixtures", nargs="+", metavar="NAME", default=None,
        help="only these fixtures (default: all): a new fixture's cells, added to the "
        "published ones when the report is rendered (see README: what a partial run adds)",
    )  # fmt: skip
    p.add_argument(
        "--formats", nargs="+", metavar="FORMAT", default=None,
        help="only these formats (default: all), e.g. a new converter's: its cells, added "
        "to the published ones the same way",
    )  # fmt: skip


def add_produce_arguments(p: argparse.ArgumentParser) -> None:
    _versions_option(p)


def add_consume_arguments(p: argparse.ArgumentParser) -> None:
    _versions_option(p)
    p.add_argument(
        "--consumer", metavar="VERSION", default=None,
        help="the one TensorFlow that loads (default: each selected one in turn); the "
        "producers are the selected versions",
    )  # fmt: skip


def add_lock_arguments(p: argparse.ArgumentParser) -> None:
    _versions_option(p)


def selected(names: Sequence[str] | None):
    """The catalog's releases named (or TFMATRIX_VERSIONS, or its defaults)."""
    from matrix.catalog import load_catalog

    catalog = load_catalog()
    if names is None:
        names = os.environ.get("TFMATRIX_VERSIONS", "").replace(",", " ").split()
    return catalog, catalog.select(names)


def _describe(summary) -> str:
    if summary.unavailable:
        return f"{summary.name}: environment unavailable ({summary.unavailable}); recorded"
    imports = ", ".join(f"{s:.1f}s" for s in summary.import_seconds) or "none"
    return (
        f"{summary.name}: {summary.computed} computed, {summary.cached} cached, "
        f"TensorFlow imports: {imports}, crashes {summary.crashes}, timeouts {summary.timeouts}"
        + (f", {summary.shared_envs} answered by an environment with the same packages (sample "
           f"loaded again: {summary.share_checked}, disagreeing {len(summary.share_disagreed)})"
           if summary.shared_envs or summary.share_checked else "")
    )  # fmt: skip


def _disagreements(summaries, log) -> int:
    """A shared outcome that its sample contradicts fails the run (the cells stay stored)."""
    found = [d for s in summaries for d in s.share_disagreed]
    for line in found[:20]:
        log(f"sharing contradicted: {line}")
    if found:
        log(f"{len(found)} shared cells differ from a load in their own environment: the "
            "loaders' IMPORTS (or [sharing] optional) miss a package that matters; see "
            "README (growth without linear cost)")  # fmt: skip
    return 1 if found else 0


def _stopped(stop, done: int, log) -> NoReturn:
    log(f"stopped: {done} cells computed in this run are stored. `nox -s matrix` (or "
        "`tf-compat-matrix run`) resumes where it stopped; `nox -s report` renders what is "
        "stored.")  # fmt: skip
    raise SystemExit(stop.exit_status)


def _fixtures(names: Sequence[str] | None, formats: Sequence[str] | None = None):
    """The fixtures named (None: all of them), each with only the formats named (None: all;
    a fixture left with none is dropped); an unknown name is a usage error."""
    if names is None and formats is None:
        return None
    from dataclasses import replace

    from matrix.catalog.fixtures import load_fixtures
    from matrix.catalog.registry import formats as known_formats

    known = {f.name: f for f in load_fixtures()}
    unknown = [n for n in names or () if n not in known]
    if unknown:
        raise UsageError(f"unknown fixture {', '.join(unknown)} (known: {', '.join(known)})")
    unknown = [n for n in formats or () if n not in known_formats()]
    if unknown:
        raise UsageError(
            f"unknown format {', '.join(unknown)} (known: {', '.join(known_formats())})"
        )
    chosen = [known[n] for n in names] if names is not None else list(known.values())
    if formats is not None:
        chosen = [replace(f, formats=tuple(x for x in f.formats if x in formats)) for f in chosen]
        chosen = [f for f in chosen if f.formats]
        if not chosen:
            raise UsageError(f"no fixture is saved as {', '.join(formats)}")
    return chosen


def _run(args: argparse.Namespace, log=print) -> int:
    from matrix.run.driver import run_matrix
    from matrix.run.stopping import stop_on_signals
    from matrix.store.layout import default_home

    catalog, releases = selected(args.tf)
    fixtures = _fixtures(args.fixtures, args.formats)
    with stop_on_signals(log) as stop:
        run = run_matrix(releases, catalog, default_home(), jobs=args.jobs, log=log, stop=stop,
                         fixtures=fixtures)  # fmt: skip
    for summary in run.produced + run.consumed:
        log(_describe(summary))
    computed = sum(s.computed for s in run.consumed)
    if run.stopped:
        _stopped(stop, computed, log)
    log(f"{len(releases)} TensorFlow versions: produce {run.produce_seconds:.1f}s, consume "
        f"{run.consume_seconds:.1f}s, {computed} cells computed")  # fmt: skip
    if not args.no_report:
        log("the report: `nox -s report` (its libraries are not needed to run the matrix)")
    return _disagreements(run.consumed, log)


def _produce(args: argparse.Namespace, log=print) -> int:
    from matrix.run.produce import produce
    from matrix.run.stopping import stop_on_signals
    from matrix.store.layout import default_home

    catalog, releases = selected(args.tf)
    with stop_on_signals(log) as stop:
        for release in releases:
            summary = produce(release, catalog, default_home(), log=log, stop=stop)
            log(_describe(summary))
    if stop.is_set():
        _stopped(stop, 0, log)
    return 0


def _consume(args: argparse.Namespace, log=print) -> int:
    from matrix.run.consume import consume
    from matrix.run.stopping import stop_on_signals
    from matrix.store.layout import default_home

    catalog, releases = selected(args.tf)
    consumers = releases if args.consumer is None else catalog.select([args.consumer])
    done = 0
    summaries = []
    with stop_on_signals(log) as stop:
        for release in sorted(consumers, key=lambda r: r.kind != "release"):
            summary = consume(release, releases, catalog, default_home(), log=log, stop=stop)
            done += summary.computed
            summaries.append(summary)
            log(_describe(summary))
    if stop.is_set():
        _stopped(stop, done, log)
    return _disagreements(summaries, log)


def _lock(args: argparse.Namespace, log=print) -> int:
    from matrix.run.envs import compile_lock
    from matrix.store.layout import default_home

    catalog, releases = selected(args.tf)
    for release in releases:  # tf-nightly's lock goes to the store: it is never frozen
        log(f"{release.name}: {compile_lock(release, catalog, default_home())}")
    return 0


_OWN = {"run": _run, "produce": _produce, "consume": _consume, "lock": _lock}


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    chosen = next((a for a in argv if not a.startswith("-")), None)
    args = parser(chosen).parse_args(argv)
    try:
        if args._module == __name__:
            status = _OWN[args._name](args)
        else:
            status = importlib.import_module(args._module).run(args)
    except UsageError as exc:
        fail(f"{PROG} {args._name}: error: {exc}")
    except BrokenPipeError:  # `… | head`: the reader is gone, and that is fine
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # nothing more to flush at exit
        return 0
    return int(status or 0)


# ------------------------------------------------------------------ for the noxfile


def versions_in(argv: Sequence[str]) -> list[str] | None:
    """The `--tf` values of a command line (after `--`), split on commas too, or None: the
    noxfile reads them once, because they decide which produce/consume sessions exist."""
    if "--tf" not in argv:
        return None
    rest = list(argv)[list(argv).index("--tf") + 1 :]
    picked = []
    for arg in rest:
        if arg.startswith("-"):
            break
        picked.extend(arg.replace(",", " ").split())
    return picked


def without_versions(argv: Sequence[str]) -> list[str]:
    """The command line less its `--tf …` (read once, by the noxfile, for every session)."""
    argv = list(argv)
    if "--tf" not in argv:
        return argv
    start = argv.index("--tf")
    end = start + 1
    while end < len(argv) and not argv[end].startswith("-"):
        end += 1
    return argv[:start] + argv[end:]


def select(catalog, names: Sequence[str]):
    """The releases named, or one line and exit 2."""
    try:
        return catalog.select(names)
    except UsageError as exc:
        fail(f"nox: error: {exc}")
