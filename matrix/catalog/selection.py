"""How a command line names environments of the catalog: one `--tf` option for every
subcommand (the names themselves are resolved by `Catalog.select`)."""

from __future__ import annotations

import argparse

NAMES = ("minors (2.12), exact versions (2.12.1), variants (2.18+keras3.6), 'all', 'nightly'; "
         "default: every version of the catalog that is on by default")  # fmt: skip


def add_versions_option(
    parser: argparse.ArgumentParser, what: str, *aliases: str, nargs: str = "+"
) -> None:
    """`--tf VERSION …`: `what` the versions are for, then how they may be written."""
    parser.add_argument(*aliases, "--tf", nargs=nargs, metavar="VERSION", default=None,
                        help=f"{what}: {NAMES}")  # fmt: skip
