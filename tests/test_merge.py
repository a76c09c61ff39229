"""Shards merge into one store; stale harnesses are refused; missing consumers are named."""

import json

import pytest

from matrix.guest.protocol import HARNESS_VERSION
from matrix.store import results
from matrix.store.layout import Home
from matrix.store.merge import MixedHarness, merge, missing_consumers


def shard(tmp_path, name, consumer, keys, harness=HARNESS_VERSION, producer="2.15"):
    d = tmp_path / name
    d.mkdir()
    with open(d / f"tf-{consumer}.jsonl", "w") as f:
        for k in keys:
            f.write(json.dumps({"key": k, "consumer": consumer, "producer": producer,
                                "harness": harness, "finished_at": "x", "status": "PASS",
                                "fixture": "fx", "format": "saved_model",
                                "loader": "tf.saved_model.load"}) + "\n")  # fmt: skip
    (d / f"tf-{consumer}.env.json").write_text(json.dumps({"status": "OK"}))
    return d


def test_shards_merge_and_a_missing_consumer_is_named(tmp_path):
    home = Home(tmp_path / "home")
    a = shard(tmp_path, "a", "2.15", ["k1", "k2"])
    b = shard(tmp_path, "b", "2.16", ["k3"])
    again = shard(tmp_path, "c", "2.16", ["k3"])  # a retried job uploads the same cells
    s = merge([a, b, again], home, expect=["2.15", "2.16", "2.17"])
    assert (s.records, s.duplicates, s.missing) == (3, 1, ["2.17"])
    assert {r["key"] for r in results.read_results(home)} == {"k1", "k2", "k3"}
    assert (home.results / "tf-2.16.env.json").exists()
    assert missing_consumers(home) == ["2.17"]


def test_a_shard_of_another_harness_is_refused(tmp_path):
    old = shard(tmp_path, "old", "2.15", ["k1"], harness="0")
    with pytest.raises(MixedHarness, match="harness"):
        merge([old], Home(tmp_path / "home"))


def test_the_report_names_a_missing_shard_across_its_row_and_column(tmp_path):
    import pandas as pd

    from matrix.report import tables

    home = Home(tmp_path / "home")
    merge([shard(tmp_path, "a", "2.15", ["k1"])], home, expect=["2.15", "2.16"])
    envs = tables.environments(home, ["2.15", "2.16"])
    assert [e["status"] for e in envs] == ["OK", "MISSING_SHARD"]  # its env record came along
    df = pd.DataFrame(
        [{"producer": "2.15", "consumer": "2.15", "status": "PASS", "error_category": None}]
    )
    table = tables.pivot(df, ["2.15", "2.16"], tables.unavailable_envs(envs))
    assert set(table["2.16"]) == {"MISSING_SHARD"}


def test_a_scheduled_run_that_lost_shards_publishes_nothing_and_fails(tmp_path):
    """Truth issue, point 7: the publish job renders with --strict; a merged store with fewer
    cells than reports/ keeps reports/ as it is, names the shards that sent nothing, and
    exits 1, so that nothing is committed or deployed."""
    import os
    import subprocess
    import sys

    from matrix import PROJECT_ROOT
    from tests.test_report import published

    home, out, before = published(tmp_path)  # six cells published
    (home.results / "tf-x.jsonl").unlink()
    merge([shard(tmp_path, "a", "2.10", ["k1"], producer="2.9")], home,
          expect=["2.9", "2.10", "2.12"])  # fmt: skip
    env = dict(os.environ, TFMATRIX_HOME=str(home.root))
    cmd = [sys.executable, "-m", "matrix", "report", "--versions", "2.9", "2.10", "2.12",
           "--out", str(out), "--strict"]  # fmt: skip
    run = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "publishes 6 cells, the store has 1" in run.stdout
    assert "shards that sent nothing: 2.12 2.9" in run.stdout, run.stdout
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    # every shard failed: the published cells are rendered again, and that fails too
    (home.results / "tf-2.10.jsonl").unlink()
    merge([], home, expect=["2.9", "2.10", "2.12"])
    run = subprocess.run(cmd, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True)
    assert run.returncode == 1 and "no stored results" in run.stdout, run.stdout + run.stderr
    assert "shards that sent nothing: 2.10 2.12 2.9" in run.stdout, run.stdout
