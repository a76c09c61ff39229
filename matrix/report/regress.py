"""What changed since the published run, and is every change expected?

    python -m matrix.report.regress [--baseline reports/results.csv.gz] [--expectations FILE]
                             [--history FILE] [--date YYYY-MM-DD]

Compares the stored results of this run (TFMATRIX_HOME) with the published cells, cell by
cell (producer, consumer, fixture, format, loader): every cell whose status or category
changed is named, from → to, with its message. `expectations.toml` lists accepted changes
(known breaks) with a reason, a link and an expiry date, in the spirit of PyTorch's allow-list
of expected BC breaks. Exit status 1 when a change is not expected or an expectation has
expired (so CI fails and says why), else 0. One line per run is appended to the history file.
Cells of versions that are not in both runs are not compared (a new version is no change).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import fnmatch
import sys
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from matrix.catalog import load_catalog
from matrix.catalog.names import minor_key
from matrix.report.frame import CELL_KEYS, load_frame
from matrix.store.layout import PROJECT_ROOT, default_home

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

CELL = CELL_KEYS  # a cell is the same experiment when these are equal
OUTCOME = ["status", "error_category"]
EXPECTATIONS = PROJECT_ROOT / "expectations.toml"
# the published trend; a local run appends to its own store's history instead (default)
PUBLISHED_HISTORY = PROJECT_ROOT / "reports" / "history.csv"


@dataclass(frozen=True)
class Expectation:
    """An accepted change: cells matching the patterns may change to `to` until `expires`."""

    reason: str
    link: str
    expires: _dt.date
    to: str = "*"  # the new status (or "*")
    producer: str = "*"
    consumer: str = "*"
    fixture: str = "*"
    format: str = "*"
    loader: str = "*"

    def covers(self, change: dict) -> bool:
        fields = ("producer", "consumer", "fixture", "format", "loader")
        return all(fnmatch.fnmatchcase(str(change[f]), getattr(self, f)) for f in fields) and (
            fnmatch.fnmatchcase(str(change["to_status"]), self.to)
        )


def load_expectations(path: Path) -> list[Expectation]:
    if not path.exists():
        return []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return [Expectation(**{k: (str(v) if k != "expires" else v) for k, v in e.items()})
            for e in data.get("expected", [])]  # fmt: skip


def changes(before: pd.DataFrame, after: pd.DataFrame) -> pd.DataFrame:
    """Cells present in both whose outcome differs, with from/to and the new message."""
    shared = set(before["producer"]) & set(after["producer"])
    shared_c = set(before["consumer"]) & set(after["consumer"])

    def keep(df):
        df = df[df["producer"].isin(shared) & df["consumer"].isin(shared_c)]
        return df[CELL + OUTCOME + ["message"]].fillna({"error_category": "", "message": ""})

    both = keep(before).merge(keep(after), on=CELL, suffixes=("_before", "_after"))
    differ = (both["status_before"] != both["status_after"]) | (
        both["error_category_before"] != both["error_category_after"]
    )
    out = both[differ].rename(columns={"status_before": "from_status", "status_after":
                                       "to_status", "message_after": "message"})  # fmt: skip
    return out[CELL + ["from_status", "to_status", "error_category_before",
                       "error_category_after", "message"]].reset_index(drop=True)  # fmt: skip


def judge(found: pd.DataFrame, expectations: list[Expectation], today: _dt.date) -> list[str]:
    """One line per problem: an unexpected change, or an expectation past its expiry date."""
    problems = []
    for e in expectations:
        if e.expires < today:
            problems.append(f"expired expectation ({e.expires}): {e.reason} <{e.link}>")
    for change in found.to_dict("records"):
        if not any(e.covers(change) and e.expires >= today for e in expectations):
            problems.append(
                "unexpected change: saved by {producer}, loaded by {consumer}, {fixture}/{format}"
                ", {loader}: {from_status} → {to_status} {error_category_after} “{message}”".format(
                    **change
                )
            )
    return problems


def history_line(after: pd.DataFrame, date: str, changed: int = 0, problems: int = 0) -> dict:
    """One line per run: what the report's trend is drawn from."""
    counts = after["status"].value_counts()
    versions = sorted(set(after["producer"]) | set(after["consumer"]), key=minor_key)
    return {
        "date": date,
        "versions": " ".join(versions),
        "cells": len(after),
        "changed": changed,
        "problems": problems,
        **{
            s: int(counts.get(s, 0))
            for s in (
                "PASS",
                "MISMATCH",
                "ERROR",
                "CRASH",
                "TIMEOUT",
                "SAVE_FAILED",
                "NOT_APPLICABLE",
            )
        },
    }


def current_cells() -> pd.DataFrame:
    """The newest result of every cell of this run, as the report reads them."""
    return load_frame(default_home(), [r.minor for r in load_catalog().releases])


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--baseline", type=Path, default=PROJECT_ROOT / "reports" / "results.csv.gz",
        help="the published cells to compare with (default: reports/results.csv.gz)",
    )  # fmt: skip
    parser.add_argument(
        "--expectations", type=Path, default=EXPECTATIONS,
        help="accepted breaks, each with a reason and an expiry (default: expectations.toml)",
    )  # fmt: skip
    parser.add_argument(
        "--history", type=Path, default=None,
        help=f"where to append this run's line (default: the store's history.csv; the "
        f"scheduled job appends to {PUBLISHED_HISTORY.relative_to(PROJECT_ROOT)})",
    )  # fmt: skip
    parser.add_argument(
        "--date", default=_dt.date.today().isoformat(),
        help="today, for the expiry of expectations (YYYY-MM-DD; default: today)",
    )  # fmt: skip


def run(args: argparse.Namespace) -> int:
    """Exit status 1 on a change that expectations.toml does not list, or an expired one."""
    before = pd.read_csv(args.baseline, dtype=str, keep_default_na=False).replace("", None)
    after = current_cells().astype({c: str for c in CELL})
    found = changes(before, after)
    problems = judge(found, load_expectations(args.expectations),
                     _dt.date.fromisoformat(args.date))  # fmt: skip
    print(f"{len(found)} cells changed since the published run; {len(problems)} problems")
    for line in problems:
        print(line)
    history = args.history or default_home().history_file()
    row = pd.DataFrame([history_line(after, args.date, len(found), len(problems))])
    row.to_csv(history, mode="a", header=not history.exists(), index=False)
    return 1 if problems else 0
