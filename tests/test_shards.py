"""Shard and merge, as the scheduled job runs it: each producer in its own store, each consumer
in its own store with the producers' artifacts copied in (what CI uploads and downloads), then
`matrix.merge` of the consumers' results. The merged cells must be exactly the unsharded run's.
"""

import shutil

import pytest

from matrix.run import consume, produce
from matrix.store import merge, results
from matrix.store.layout import Home
from tests.conftest import some_fixtures

pytestmark = pytest.mark.tf

# what a cell says, less its detail: which of several missing variables TF names first in
# "Could not find variable …" differs between two runs of the same load (seen: y/bias in one,
# scaled/kernel in the other), so the detail is not part of the comparison
OUTCOME = ("producer", "consumer", "fixture", "format", "loader", "artifact_status", "status",
           "error_category", "exception_type")  # fmt: skip


def outcomes(h: Home) -> set[tuple]:
    return {tuple(r.get(k) for k in OUTCOME) for r in results.read_results(h)}


def test_sharded_producers_and_consumers_merge_into_the_unsharded_result(
    tmp_path,
    catalog,
    releases,
    home,
    matrix_run,
):
    envs = home.envs  # the installs are shared; the stores are not
    for r in releases:  # one producer job each
        produce.produce(r, catalog, Home(tmp_path / f"produce-{r.minor}", envs).ensure(),
                       fixtures=some_fixtures())  # fmt: skip
    shards = []
    for r in releases:  # one consumer job each: download every producer's artifacts
        store = Home(tmp_path / f"consume-{r.minor}", envs).ensure()
        for p in releases:
            shutil.copytree(tmp_path / f"produce-{p.minor}" / "artifacts" / p.name,
                            store.artifacts / p.name)  # fmt: skip
        summary = consume.consume(r, releases, catalog, store, fixtures=some_fixtures())
        assert summary.unavailable is None
        shards.append(store.results)
    merged = Home(tmp_path / "merged", envs)
    result = merge.merge(shards, merged, expect=[r.minor for r in releases])
    assert result.missing == [] and sorted(result.consumers) == sorted(r.minor for r in releases)
    assert outcomes(merged) == outcomes(home)
    assert len(results.read_results(merged)) == len(results.read_results(home))
