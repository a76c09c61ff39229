"""Engine benchmark: prints the figures the README quotes. Never a timed test.

    python -m matrix.bench [--tf 2.12 2.21 ...] [--jobs 2] [--naive-sample 100]
    python -m matrix.bench --page [reports/index.html]   (the page: matrix/report/pagebench.py)

Uses a fresh artifact/result store (environments are reused: installing is not the engine's
speed) and measures, on the selected versions (default: the whole catalog):
  cold run (produce + consume, nothing cached), the floor and consume/floor ratio,
  a no-change rerun, adding one version to an existing matrix, one process per cell on a
  sample (and the projected naive/engine ratio), and the consumer worker's peak RSS.
The floor = one TensorFlow import per consumer environment + the sum of every cell's pure
load-and-call time, divided by the cores used.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path

from matrix import PROJECT_ROOT
from matrix.catalog import load_catalog, registry
from matrix.catalog.fixtures import load_fixtures
from matrix.catalog.selection import add_versions_option
from matrix.guest.protocol import ConsumeTask
from matrix.run import driver
from matrix.run.envs import ensure_env
from matrix.run.supervisor import run_tasks
from matrix.store import results
from matrix.store.artifacts import list_artifacts
from matrix.store.layout import Home, default_home
from matrix.store.results import read_jsonl

PUBLISHED_PAGE = PROJECT_ROOT / "reports" / "index.html"


def quiet(_msg: str) -> None:
    pass


def run_matrix(releases, catalog, home, jobs):
    """(consumer summaries, produce seconds, consume seconds) of one engine run."""
    run = driver.run_matrix(releases, catalog, home, jobs=jobs, log=quiet)
    return run.consumed, run.produce_seconds, run.consume_seconds


def add_arguments(parser: argparse.ArgumentParser) -> None:
    add_versions_option(parser, "the TensorFlow versions to measure on", nargs="*")
    parser.add_argument(
        "-j", "--jobs", type=int, default=os.cpu_count() or 1,
        help="environments at once (default: one per core)",
    )  # fmt: skip
    parser.add_argument(
        "--page", nargs="?", const=PUBLISHED_PAGE, type=Path, metavar="HTML",
        help="benchmark the page instead (size, first view, every kind of view change, in "
        "headless Chromium; no TensorFlow): reports/index.html unless HTML is given",
    )  # fmt: skip
    parser.add_argument(
        "--check", nargs="?", const="", type=str, metavar="PATH", default=None,
        help="benchmark check's static prediction instead (no TensorFlow): on PATH, or on a "
        "100 MB SavedModel it writes first",
    )  # fmt: skip
    parser.add_argument(
        "--sharing", action="store_true",
        help="what computing a load once for the environments with the same packages saves, "
        "on the published run, and the sample check's agreement (no TensorFlow)",
    )  # fmt: skip
    parser.add_argument(
        "--naive-sample", type=int, default=100,
        help="cells timed one process each, for the naive baseline (default: 100)",
    )  # fmt: skip


def run(args: argparse.Namespace) -> None:
    if args.check is not None:
        from matrix.check import speed

        return speed.run(Path(args.check) if args.check else None)
    if args.sharing:
        from matrix.run import sharingbench

        return sharingbench.run()
    if args.page:
        from matrix.report import pagebench  # pandas-free, but the engine bench needs none of it

        return pagebench.run(args.page)
    catalog = load_catalog()
    releases = catalog.select(args.tf)
    envs_home = default_home()
    root = Path(tempfile.mkdtemp(prefix="tfmatrix-bench-"))
    home = Home(root / "store", envs_home.envs).ensure()
    print(f"benchmark: {len(releases)} TF versions, {args.jobs} jobs, store {root}")

    t = time.perf_counter()
    envs = {r.minor: ensure_env(r, catalog, home, log=print) for r in releases}
    print(f"environments ready (installed or reused): {time.perf_counter() - t:.1f}s")

    # cold run: nothing cached, every version saves and loads
    consumed, cold_p, cold_c = run_matrix(releases, catalog, home, args.jobs)
    cells = [x for s in consumed for x in s.cell_seconds]
    imports = [s.import_seconds[0] for s in consumed if s.import_seconds]
    restarts = sum(max(0, s.worker_starts - 1) for s in consumed)
    floor = (sum(imports) + sum(cells)) / args.jobs
    total_cells = sum(s.computed for s in consumed)
    shared = sum(s.shared_loads for s in consumed)
    consume_wall = cold_c
    print(
        f"cold run: {cold_p + cold_c:.1f}s = produce {cold_p:.1f}s + consume {cold_c:.1f}s; "
        f"{total_cells} cells ({total_cells / (cold_p + cold_c):.1f} cells/s), {len(cells)} "
        f"loaded in a worker, {shared} answered by a byte-identical artifact's load, "
        f"{restarts} worker restarts"
    )
    print(
        f"floor: ({sum(imports):.1f}s imports in {len(imports)} consumer environments + "
        f"{sum(cells):.1f}s load-and-call) / {args.jobs} cores = {floor:.1f}s; "
        f"consume wall / floor = {consume_wall / floor:.2f}"
    )
    peak = max(s.peak_rss_kb for s in consumed)
    print(f"consumer worker peak RSS: {peak / 1024:.0f} MiB")

    # add one version: the same store without the newest version, then the full matrix again
    extra = releases[-1]
    smaller = without_version(home, root / "smaller", extra)
    t = time.perf_counter()
    added, _, _ = run_matrix(releases, catalog, smaller, args.jobs)
    add_s = time.perf_counter() - t
    expected = sum(
        1 for r in results.read_results(home) if extra.minor in (r["producer"], r["consumer"])
    )
    print(
        f"add TF {extra.minor} to the {len(releases) - 1}-version matrix: {add_s:.1f}s, "
        f"{sum(s.computed for s in added)} cells computed (its row and column: {expected})"
    )

    t = time.perf_counter()
    again, _, _ = run_matrix(releases, catalog, home, args.jobs)
    rerun = time.perf_counter() - t
    print(
        f"no-change rerun: {rerun:.2f}s, {sum(s.computed for s in again)} cells computed, "
        f"{sum(s.worker_starts for s in again)} TensorFlow processes started"
    )

    # naive: one fresh process per cell, on a random sample of the cells that load something
    records = [
        r
        for r in results.read_results(home)
        if r["status"] not in ("NOT_APPLICABLE", "SAVE_FAILED")
    ]
    sample = random.Random(0).sample(records, min(args.naive_sample, len(records)))
    dirs = {}
    fixtures = {f.name: str(f.path) for f in load_fixtures()}
    for minor in {r["producer"] for r in sample}:
        rel = catalog.by_minor()[minor]
        for art in list_artifacts(home, [rel], load_fixtures()):
            dirs[(minor, art.manifest["fixture"], art.manifest["format"])] = art.directory

    def naive(rec):
        task = asdict(ConsumeTask(
            id=0, loader=rec["loader"], loader_module=registry.loader(rec["loader"]).module,
            artifact_dir=str(dirs[(rec["producer"], rec["fixture"], rec["format"])]),
            fixture_path=fixtures.get(rec["fixture"]),
        ))  # fmt: skip
        started = time.perf_counter()
        run_tasks(
            envs[rec["consumer"]],
            [task],
            lambda t, a: None,
            timeout=300,
            log_path=home.logs / "naive.log",
        )
        return time.perf_counter() - started

    t = time.perf_counter()
    with ThreadPoolExecutor(args.jobs) as pool:
        per_cell = list(pool.map(naive, sample))
    naive_wall = time.perf_counter() - t
    mean = sum(per_cell) / len(per_cell)
    projected = mean * len(cells) / args.jobs  # only cells that load something need a process
    print(
        f"one process per cell: {mean:.2f}s per cell on {len(sample)} cells "
        f"({naive_wall:.0f}s wall); projected for {len(cells)} cells: {projected:.0f}s, "
        f"naive / engine = {projected / consume_wall:.0f}x"
    )
    shutil.rmtree(root, ignore_errors=True)


def without_version(home: Home, root: Path, release) -> Home:
    """A copy of `home`'s artifacts and results with every trace of `release` removed."""
    copy = Home(root, home.envs).ensure()
    for d in home.artifacts.iterdir():
        if d.is_dir() and d.name != release.name:
            shutil.copytree(d, copy.artifacts / d.name)
    for path in home.results.glob("*.jsonl"):
        if path.stem == release.name:
            continue
        kept = [r for r in read_jsonl(path) if r["producer"] != release.minor]
        (copy.results / path.name).write_text("".join(json.dumps(r) + "\n" for r in kept))
    return copy
