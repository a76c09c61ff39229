"""Shards merge into one store; stale harnesses are refused; missing consumers are named."""

import json

import pytest

from matrix.guest.protocol import HARNESS_VERSION
from matrix.store import results
from matrix.store.layout import Home
from matrix.store.merge import MixedHarness, merge, missing_consumers


def shard(tmp_path, name, consumer, keys, harness=HARNESS_VERSION):
    d = tmp_path / name
    d.mkdir()
    with open(d / f"tf-{consumer}.jsonl", "w") as f:
        for k in keys:
            f.write(json.dumps({"key": k, "consumer": consumer, "producer": "2.15",
                                "harness": harness, "finished_at": "x"}) + "\n")  # fmt: skip
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
