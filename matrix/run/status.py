"""How far a matrix run has got: per consumer environment and overall, cells done / total,
rate and ETA. Reads the stores only (no TensorFlow), so it works beside a running `nox -j`.

    python -m matrix.run.status [--tf 2.12 2.21] [--watch 10]
"""

from __future__ import annotations

import datetime as _dt

from matrix.catalog import load_catalog, registry
from matrix.catalog.fixtures import load_fixtures
from matrix.run import driver
from matrix.store.artifacts import artifacts_for
from matrix.store.layout import Home
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
