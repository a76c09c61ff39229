"""What sharing saves (plan/sharing.py), on the published run: `nox -s bench -- --sharing`.

Every published cell that loads something is one load before; after, the cells whose loader
sees the same packages in several environments (from the committed locks and the catalog's
exact pins: no environment is needed) are one load for all of them. The wall time is the
loads at the published rate of this machine. The sample's agreement is read from the store.
"""

from __future__ import annotations

import csv
import gzip
from collections import Counter
from pathlib import Path

from matrix.catalog import Catalog, TFRelease, load_catalog, registry
from matrix.catalog.fixtures import load_fixtures
from matrix.plan.sharing import Identities, pinned
from matrix.run.driver import LOADED, PUBLISHED_CELLS, PUBLISHED_RATE
from matrix.run.envs import lock_path
from matrix.store.layout import Home, default_home
from matrix.store.results import read_results


def identities(catalog: Catalog, home: Home):
    """identity(consumer, loader, fixture) from the committed locks and the catalog's exact
    pins (what an environment installs): no environment is needed."""
    by_name = {r.minor: r for r in catalog.releases}
    fixtures = {f.name: f for f in load_fixtures()}
    loaders = registry.loaders()
    per_env: dict[str, Identities | None] = {}

    def of(release: TFRelease) -> Identities | None:
        if release.minor not in per_env:
            path = lock_path(release, home)
            text = path.read_text(encoding="utf-8") if path.exists() else None
            per_env[release.minor] = text and Identities(
                python=release.python, packages=pinned(text),  # no_deps lines are in the lock too
                lock_text=text, runtime=release.package, env=release.env,
                sharing=catalog.sharing,
            )  # fmt: skip
        return per_env[release.minor]

    def identity(consumer: str, loader: str, fixture: str) -> str | None:
        release, spec, fx = by_name.get(consumer), loaders.get(loader), fixtures.get(fixture)
        found = of(release) if release and spec and catalog.sharing else None
        return found and found(spec.imports, requires=fx.requires if fx else ())

    return identity


def figures(path: Path = PUBLISHED_CELLS, home: Home | None = None) -> dict:
    catalog, home = load_catalog(), home or default_home()
    identity = identities(catalog, home)
    before: set[tuple] = set()
    after: set[tuple] = set()
    cells = 0
    with gzip.open(path, "rt", newline="") as f:
        for row in csv.DictReader(f):
            cells += 1
            if row["status"] not in LOADED:
                continue
            what = (row["producer"], row["fixture"], row["format"], row["loader"])
            before.add((*what, row["consumer"]))
            seen = identity(row["consumer"], row["loader"], row["fixture"])
            after.add((*what, "seen:" + seen if seen else row["consumer"]))
    checks = Counter(
        (r.get("share_check") or "").split(":")[0]
        for r in read_results(home) if r.get("share_check")
    )  # fmt: skip
    return {"cells": cells, "before": len(before), "after": len(after),
            "agree": checks.get("agree", 0), "disagree": checks.get("disagree", 0)}  # fmt: skip


def run(path: Path = PUBLISHED_CELLS) -> None:
    f = figures(path)
    hours = 3600 * PUBLISHED_RATE
    print(f"sharing, on the published run ({f['cells']} cells): loads before {f['before']} "
          f"({f['before'] / f['cells']:.3f} per cell published), after {f['after']} "
          f"({f['after'] / f['cells']:.3f} per cell published): {f['before'] - f['after']} "
          f"loads computed once for environments with the same packages")  # fmt: skip
    print(f"full catalog's loads at {PUBLISHED_RATE:.0f} loads/s on this machine: "
          f"{f['before'] / hours:.2f} h before, {f['after'] / hours:.2f} h after")  # fmt: skip
    checked = f["agree"] + f["disagree"]
    print(f"sample check (shared cells loaded again in their own environment, from the store): "
          f"{f['agree']}/{checked} agree" if checked else
          "sample check: no shared cell of the store was loaded again yet")  # fmt: skip
