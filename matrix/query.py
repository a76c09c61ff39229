"""Answers from the published data, without installing anything or importing TensorFlow.

    python -m matrix query loads --saved-by 2.15 [--format saved_model] [--loader L] [--fixture F]
        which TensorFlow versions load what 2.15 saved (and with which loaders)?
    python -m matrix query producers --loaded-by 2.9 [--loader L] [--fixture F]
        I must load in 2.9: which producers and formats work?
    python -m matrix query error "Op type not registered 'DisableCopyOnRead' ..."
        what does this message mean, and where does it occur?

Reads reports/results.csv.gz (or --data). Unknown versions, formats, loaders or fixtures are
one line and exit status 2.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import pandas as pd

from matrix.cli import fail
from matrix.guest.classify import classify_detail
from matrix.guest.protocol import LOADED
from matrix.home import PROJECT_ROOT
from matrix.spans import minor_key, ranges

DATA = PROJECT_ROOT / "reports" / "results.csv.gz"


def load(path: Path) -> pd.DataFrame:
    if not path.exists():
        fail(f"query: error: no published data at {path} (run `nox -s matrix` first)")
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _check(df: pd.DataFrame, column: str, value: str | None, what: str) -> None:
    if value is not None and value not in set(df[column]):
        known = sorted(set(df[column]), key=minor_key if what == "version" else str)
        fail(f"query: error: unknown {what} {value!r} (known: {', '.join(known)})")


def _filter(df, args, by_version: tuple[str, str]) -> pd.DataFrame:
    column, value = by_version
    _check(df, column, value, "version")
    for col in ("format", "loader", "fixture"):
        _check(df, col, getattr(args, col, None), col)
        if getattr(args, col, None):
            df = df[df[col] == getattr(args, col)]
    return df[df[column] == value]


def loads(df: pd.DataFrame, args) -> list[str]:
    title = f"What TensorFlow {args.saved_by} saved, loaded by each version:"
    return _by_format_and_loader(df, args, ("producer", args.saved_by), "consumer", title,
                                 "every fixture loads in")  # fmt: skip


def producers(df: pd.DataFrame, args) -> list[str]:
    title = f"What TensorFlow {args.loaded_by} loads, by who saved it and how:"
    return _by_format_and_loader(df, args, ("consumer", args.loaded_by), "producer", title,
                                 "every fixture from")  # fmt: skip


def _by_format_and_loader(df, args, fixed: tuple[str, str], other: str, title: str,
                          every: str) -> list[str]:  # fmt: skip
    """One line per (format, loader): the versions on the `other` side where every fixture
    passed, those where some did, and the most common failure."""
    order = sorted(set(df[other]), key=minor_key)
    out = [title]
    for (fmt, loader), g in _filter(df, args, fixed).groupby(["format", "loader"]):
        tried = g[g["status"].isin(LOADED)]
        if tried.empty:
            continue
        ok = set(tried[tried["status"] == "PASS"][other])
        full = {v for v, vg in tried.groupby(other) if (vg["status"] == "PASS").all()}
        line = f"  {fmt} via {loader}: {every} {ranges(full, order) or 'none'}"
        if ok - full:
            line += f"; some fixtures in {ranges(ok - full, order)}"
        fails = tried[tried["status"] != "PASS"]
        if len(fails):
            top = fails["error_category"].replace("", None).fillna(fails["status"]).mode()[0]
            line += f"; failures mostly {top}"
        out.append(line)
    return out if len(out) > 1 else out + ["  nothing was attempted for that selection"]


def error(df: pd.DataFrame, args) -> list[str]:
    category, detail = classify_detail(args.type or "", args.message)
    order = sorted(set(df["producer"]) | set(df["consumer"]), key=minor_key)
    where = df[df["error_category"] == category]
    out = [f"category: {category}" + (f" ({detail})" if detail else "")]
    if category == "other":
        out.append("  not a known category: the matrix has not seen this message")
        return out
    if detail:
        same = where[where["error_detail"] == detail]
        where = same if len(same) else where
    if where.empty:
        out.append("  the published run has no cell with this error")
        return out
    out.append(f"  {len(where)} cells: saved by {ranges(set(where['producer']), order)}, "
               f"loaded by {ranges(set(where['consumer']), order)}")  # fmt: skip
    out.append(f"  loaders: {', '.join(sorted(set(where['loader'])))}")
    out.append(f"  formats: {', '.join(sorted(set(where['format'])))}")
    ex = where.iloc[0]
    out.append(f"  e.g. {ex['fixture']}/{ex['format']} saved by {ex['producer']}, loaded by "
               f"{ex['consumer']} with {ex['loader']}: {ex['message'][:200]}")  # fmt: skip
    return out


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m matrix query", description=__doc__.split("\n\n")[0])
    p.add_argument("--data", type=Path, default=DATA)
    sub = p.add_subparsers(dest="question", required=True)
    a = sub.add_parser("loads", help="which versions load what one version saved")
    a.add_argument("--saved-by", required=True)
    b = sub.add_parser("producers", help="which producers and formats one version loads")
    b.add_argument("--loaded-by", required=True)
    for q in (a, b):
        q.add_argument("--format")
        q.add_argument("--loader")
        q.add_argument("--fixture")
    c = sub.add_parser("error", help="what an error message means and where it occurs")
    c.add_argument("message")
    c.add_argument("--type", help="the exception type, e.g. NotFoundError")
    return p


def main(argv: list[str] | None = None) -> None:
    args = parser().parse_args(argv)
    df = load(args.data)
    answer = {"loads": loads, "producers": producers, "error": error}[args.question](df, args)
    print("\n".join(answer))


if __name__ == "__main__":
    main(sys.argv[1:])
