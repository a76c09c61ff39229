"""The options a user gives after `nox -s SESSION --`: parsed with argparse, and every mistake
is one line on stderr and exit status 2 (never a traceback)."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from typing import NoReturn

from matrix.catalog import Catalog, TFRelease, UnknownVersion


class _OneLineParser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse prints usage + error; users want the error
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


def matrix_parser() -> argparse.ArgumentParser:
    parser = _OneLineParser(
        prog="nox -s matrix --",
        description="Every selected TensorFlow saves every fixture in every format it has, "
        "every one loads every artifact with every loader it has; then reports/ is written.",
        epilog="TFMATRIX_VERSIONS selects versions too; TFMATRIX_CELL_TIMEOUT (seconds, "
        "default 180) limits one load; TFMATRIX_HOME moves the store (.matrix/).",
    )
    parser.add_argument(
        "--tf", nargs="+", metavar="VERSION", default=None,
        help="TensorFlow versions: minors (2.12), exact versions (2.12.1), 'all', 'nightly' "
        "(default: every version of the catalog that is on by default)",
    )  # fmt: skip
    parser.add_argument(
        "-j", "--jobs", type=positive_int, default=os.cpu_count() or 1,
        help="environments worked on at once (default: one per core)",
    )  # fmt: skip
    return parser


def parse_matrix(argv: Sequence[str]) -> argparse.Namespace:
    return matrix_parser().parse_args(list(argv))


def versions_in(argv: Sequence[str]) -> list[str] | None:
    """The `--tf` values of the command line (after `--`), split on commas too, or None."""
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


def select(catalog: Catalog, names: Sequence[str]) -> list[TFRelease]:
    """The releases named, or one line and exit 2."""
    try:
        return catalog.select(names)
    except UnknownVersion as exc:
        fail(f"nox: error: {exc}")
