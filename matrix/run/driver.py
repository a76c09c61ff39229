"""The matrix driver: the whole job as the list of its stages.

    say what it will cost → for each slice (the releases first, then with the variants):
    produce in every environment of the slice → consume in every one → done, or stopped

A run stopped early (Ctrl-C, SIGTERM, a lost session) leaves whole slices: every release ×
release cell before any variant's, so its report is useful as far as it got.
"""

from __future__ import annotations

import csv
import gzip
import os
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from matrix import PROJECT_ROOT
from matrix.catalog import Catalog, TFRelease, registry
from matrix.catalog.availability import facts_of
from matrix.catalog.fixtures import Fixture, load_fixtures
from matrix.catalog.registry import LoaderSpec
from matrix.guest.vocabulary import LOADED
from matrix.plan.cells import Artifact, CellPlan, plan_cells
from matrix.run.consume import consume
from matrix.run.envs import read_stamp
from matrix.run.produce import produce
from matrix.run.progress import Progress
from matrix.run.session import DEFAULT_CELL_TIMEOUT, Log, StepSummary
from matrix.run.stopping import Stop
from matrix.store.artifacts import artifacts_for
from matrix.store.layout import Home
from matrix.store.results import ResultStore, finished_keys, read_results

# loads per second on the project's machine (2 cores) when no stored timing says better:
# the whole catalog's last run (README, Benchmarks)
PUBLISHED_RATE = 15.0
PUBLISHED_CELLS = PROJECT_ROOT / "reports" / "results.csv.gz"


@dataclass
class MatrixRun:
    produced: list[StepSummary]
    consumed: list[StepSummary]
    produce_seconds: float
    consume_seconds: float
    stopped: bool = False


def planned_cells(
    home: Home,
    release: TFRelease,
    artifacts: list[Artifact],
    loaders: dict[str, LoaderSpec],
    fixtures: list[Fixture] | None = None,
) -> list[CellPlan] | None:
    """The cells `release` consumes, from its environment's stamp (no TensorFlow, no
    install); None while the environment does not exist yet."""
    stamp = read_stamp(home, release)
    if stamp is None:
        return None
    by_name = {f.name: f for f in (load_fixtures() if fixtures is None else fixtures)}
    return plan_cells(stamp["env_id"], facts_of(stamp["info"]), artifacts, loaders, by_name)


def pending_loads(
    home: Home,
    releases: list[TFRelease],
    loaders: dict[str, LoaderSpec],
    catalog: Catalog,
    fixtures: list[Fixture] | None = None,
) -> int:
    """Loads of `releases` x `releases` that need a worker (known without starting one)."""
    fixtures = load_fixtures() if fixtures is None else fixtures
    pending = 0
    for release in releases:
        artifacts = artifacts_for(home, release, releases, catalog, fixtures)
        done = finished_keys(ResultStore(home.results_file(release.name)), DEFAULT_CELL_TIMEOUT)
        pending += len({
            c.load_key for c in planned_cells(home, release, artifacts, loaders, fixtures) or ()
            if c.key not in done and c.outcome is None
        })  # fmt: skip
    return pending


def slices(releases: list[TFRelease]) -> list[list[TFRelease]]:
    """The releases alone first (the TF axis), then everything (the variants' rows and
    columns): a run stopped in the second slice has published every release x release cell."""
    bases = [r for r in releases if r.kind == "release"]
    return [bases, releases] if bases and len(bases) < len(releases) else [releases]


def rate(records: list[dict]) -> float:
    """Loads per second, from the stored timings of the last 2000 cells (else the published
    run's rate)."""
    seconds = [r.get("wall_seconds") for r in records[-2000:]]
    seconds = [s for s in seconds if isinstance(s, (int, float)) and s > 0]
    if len(seconds) < 50:
        return PUBLISHED_RATE
    return max(1.0, 2 / (sum(seconds) / len(seconds)))  # two workers at once on two cores


def published_loads(
    path: Path | None = None, fixtures: set[str] | None = None, formats: set[str] | None = None
) -> Counter:
    """Loads per (producer, consumer) in the published run, of `fixtures` (None: all): what a
    run of those pairs will load again (standard library only: the run needs no report
    library). A fixture the published run does not have counts as its average fixture."""
    found: Counter = Counter()
    every: set[str | None] = set()
    try:
        with gzip.open(path or PUBLISHED_CELLS, "rt", newline="") as f:
            for row in csv.DictReader(f):
                every.add(row.get("fixture"))
                if (row["status"] in LOADED
                        and (fixtures is None or row.get("fixture") in fixtures)
                        and (formats is None or row.get("format") in formats)):  # fmt: skip
                    found[row["producer"], row["consumer"]] += 1
    except (OSError, EOFError, KeyError, csv.Error):
        pass
    new = len(fixtures - every) if fixtures is not None else 0
    if new and every:
        everything = published_loads(path)
        for pair, n in everything.items():
            found[pair] += new * n / len(every)
    return found


def forecast(
    home: Home,
    releases: list[TFRelease],
    catalog: Catalog,
    fixtures: set[str] | None = None,
    formats: set[str] | None = None,
) -> str:
    """What the run is about to do, before it spends anything: environments to create, and
    the loads still to compute, estimated from the published run's (per pair of environments;
    a pair it does not have counts as an average one) less those already stored here."""
    names = [r.minor for r in releases]
    missing = [r for r in releases if read_stamp(home, r) is None]
    published = published_loads(fixtures=fixtures, formats=formats)
    if not published and formats is not None:  # a new format: nothing to estimate it from
        return (f"plan: {len(releases)} environments ({len(missing)} to create); the "
                f"published run has no loads of {', '.join(sorted(formats))} to estimate "
                "the work from")  # fmt: skip
    average = sum(published.values()) / len(published) if published else 0.0
    expected = sum(
        published.get((p.minor, c.minor), average)
        for c in releases for p in catalog.peers(c, releases)
    )  # fmt: skip
    records = read_results(home)  # read once: what is stored, and how fast it went
    stored = sum(1 for rec in records if rec.get("status") in LOADED
                 and rec.get("producer") in names and rec.get("consumer") in names
                 and (fixtures is None or rec.get("fixture") in fixtures)
                 and (formats is None or rec.get("format") in formats))  # fmt: skip
    pending = max(0, round(expected) - stored)
    text = (f"plan: {len(releases)} environments ({len(missing)} to create), about {pending} "
            f"loads to compute")  # fmt: skip
    if pending:
        seconds = pending / rate(records) + 12 * len(missing)  # an install: 5-12 s from uv's cache
        text += (f", about {_duration(seconds)} on this machine (estimated from the published "
                 "run)")  # fmt: skip
    return text


def _duration(seconds: float) -> str:
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def run_matrix(
    releases: list[TFRelease],
    catalog: Catalog,
    home: Home,
    *,
    jobs: int = os.cpu_count() or 1,
    log: Log = print,
    fixtures: list[Fixture] | None = None,
    stop: Stop | None = None,
) -> MatrixRun:
    """Every release saves, then every release loads everything: `jobs` environments at once,
    slice by slice (see `slices`). Threads only supervise; the work is in one TensorFlow
    worker process per environment. With `stop` set, nothing more is started and the workers
    end; what finished is stored."""
    home.ensure()
    chosen = None if fixtures is None else {f.name for f in fixtures}
    chosen_formats = None if fixtures is None else {x for f in fixtures for x in f.formats}
    fixtures = load_fixtures() if fixtures is None else fixtures
    log(forecast(home, releases, catalog, chosen, chosen_formats))
    overall = Progress("matrix", 0, log, every=15)

    def guarded(step: Callable[..., StepSummary], release: TFRelease, **kw) -> StepSummary:
        try:
            return step(release, **kw)
        except Exception as exc:  # a bug must cost one environment, not the whole run
            log(f"{release.name}: {step.__name__} failed: {type(exc).__name__}: {exc}")
            return StepSummary(f"{step.__name__} {release.name}", unavailable="ERROR")

    produced: dict[str, StepSummary] = {}
    consumed: dict[str, StepSummary] = {}
    produce_seconds = consume_seconds = 0.0
    common = {"catalog": catalog, "home": home, "log": log, "fixtures": fixtures,
              "stop": stop, "overall": overall}  # fmt: skip
    for part in slices(releases):
        started = time.perf_counter()
        todo = [r for r in part if r.minor not in produced]
        with ThreadPoolExecutor(jobs) as pool:
            done = pool.map(lambda r: guarded(produce, r, **common), todo)
            for r, s in zip(todo, done, strict=True):
                produced[r.minor] = s
        produce_seconds += time.perf_counter() - started
        if stop is not None and stop.is_set():
            break
        overall.add(pending_loads(home, part, registry.loaders(), catalog, fixtures))
        started = time.perf_counter()
        # the releases load first: a variant then finds the loads its packages do not change
        # already computed by its base TensorFlow (plan/sharing.py)
        order = sorted(part, key=lambda r: r.kind != "release")
        with ThreadPoolExecutor(jobs) as pool:
            steps = pool.map(partial(_consume_in, producers=part, guarded=guarded, common=common),
                             order)  # fmt: skip
            for r, s in zip(order, steps, strict=True):
                consumed[r.minor] = _merged(consumed.get(r.minor), s)
        consume_seconds += time.perf_counter() - started
        if stop is not None and stop.is_set():
            break
    return MatrixRun(list(produced.values()), list(consumed.values()), produce_seconds,
                     consume_seconds, stopped=bool(stop is not None and stop.is_set()))  # fmt: skip


def _consume_in(release, producers, guarded, common) -> StepSummary:
    return guarded(consume, release, producers=producers, **common)


def _merged(before: StepSummary | None, after: StepSummary) -> StepSummary:
    """One consumer's summary over the slices it took part in."""
    if before is None:
        return after
    for name in ("computed", "worker_starts", "crashes", "timeouts", "shared_loads",
                 "shared_envs", "share_checked"):  # fmt: skip
        setattr(after, name, getattr(before, name) + getattr(after, name))
    after.cached = max(0, after.cached - before.computed)  # slice 1 cells, cached in slice 2
    after.import_seconds = before.import_seconds + after.import_seconds
    after.cell_seconds = before.cell_seconds + after.cell_seconds
    after.peak_rss_kb = max(before.peak_rss_kb, after.peak_rss_kb)
    after.broken = before.broken + after.broken
    after.share_disagreed = before.share_disagreed + after.share_disagreed
    after.unavailable = after.unavailable or before.unavailable
    return after
