"""How far a matrix run has got: per consumer environment and overall, cells done / total,
rate and ETA. Reads the stores only (no TensorFlow), so it works beside a running `nox -j`.

    tf-compat-matrix status [--tf 2.12 2.21] [--watch 10]
"""

from __future__ import annotations

import argparse
import datetime as _dt
import time

from matrix.catalog import load_catalog, registry
from matrix.catalog.fixtures import load_fixtures
from matrix.catalog.selection import add_versions_option
from matrix.run import driver
from matrix.store.artifacts import artifacts_for
from matrix.store.layout import Home, default_home
from matrix.store.results import read_jsonl

RATE_WINDOW = 120.0  # seconds of recent results that the rate is measured over


def status_rows(home: Home, names: list[str] | None = None) -> list[dict]:
    catalog = load_catalog()
    releases = catalog.select(names)
    fixtures = load_fixtures()
    loaders = registry.loaders()
    now = _dt.datetime.now(_dt.timezone.utc)
    rows = []
    for release in releases:
        artifacts = artifacts_for(home, release, releases, catalog, fixtures)
        cells = driver.planned_cells(home, release, artifacts, loaders)
        if cells is None:
            rows.append({"tf": release.minor, "done": 0, "total": None, "recent": 0})
            continue
        records = read_jsonl(home.results_file(release.name))
        wanted = {c.key for c in cells}
        done = [r for r in records if r.get("key") in wanted]
        recent = sum(
            1 for r in done
            if (now - _dt.datetime.fromisoformat(r["finished_at"])).total_seconds() < RATE_WINDOW
        )  # fmt: skip
        rows.append({"tf": release.minor, "done": len(done), "total": len(wanted),
                     "recent": recent})  # fmt: skip
    return rows


def planned_keys(home: Home, names: list[str] | None = None) -> dict[str, dict[str, str] | None]:
    """Per consumer: the keys of the cells the current catalog, fixtures, formats and loaders
    ask for, each with its producer; None where this machine cannot tell (its environment was
    never made here, as in a CI job that only merges results). Results of other keys are
    stale: an older loader's, fixture's or harness's experiment."""
    catalog = load_catalog()
    releases = catalog.select(names)
    fixtures = load_fixtures()
    loaders = registry.loaders()
    found: dict[str, dict[str, str] | None] = {}
    for release in releases:
        artifacts = artifacts_for(home, release, releases, catalog, fixtures)
        cells = driver.planned_cells(home, release, artifacts, loaders, fixtures)
        found[release.minor] = (
            {c.key: c.artifact.manifest["producer"]["minor"] for c in cells}
            if cells and artifacts
            else None
        )
    return found


def render(rows: list[dict]) -> str:
    lines = []
    for r in rows:
        total = "?" if r["total"] is None else r["total"]
        rate = r["recent"] / RATE_WINDOW
        lines.append(f"tf-{r['tf']:<8} {r['done']:>6}/{total:<6} {rate:6.1f}/s")
    known = [r for r in rows if r["total"] is not None]
    done = sum(r["done"] for r in known)
    total = sum(r["total"] for r in known)
    rate = sum(r["recent"] for r in rows) / RATE_WINDOW
    eta = f"{(total - done) / rate:.0f}s" if rate > 0 else ("done" if done == total else "?")
    pending = len(rows) - len(known)
    lines.append(
        f"overall     {done:>6}/{total:<6} {rate:6.1f}/s  ETA {eta}"
        + (f"  ({pending} environments not created yet)" if pending else "")
    )
    return "\n".join(lines)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_versions_option(parser, "the environments to show", nargs="*")
    parser.add_argument(
        "--watch", type=float, default=0, metavar="SECONDS",
        help="refresh every SECONDS until stopped (default: once)",
    )  # fmt: skip


def run(args: argparse.Namespace) -> None:
    while True:
        print(render(status_rows(default_home(), args.tf)), flush=True)
        if not args.watch:
            break
        time.sleep(args.watch)
        print()
