"""The matrix driver's plan, without TensorFlow: the slices a run goes through and the cost
it states before spending anything."""

import csv
import gzip

from matrix.catalog import load_catalog
from matrix.run import driver
from matrix.store.layout import Home


def test_the_releases_come_before_the_variants():
    catalog = load_catalog()
    chosen = catalog.select(["2.15", "2.16", "2.16+keras3.0", "2.16+text"])
    first, everything = driver.slices(chosen)
    assert [r.minor for r in first] == ["2.15", "2.16"]  # release x release first
    assert [r.minor for r in everything] == [r.minor for r in chosen]
    assert driver.slices(first) == [first]  # releases alone: one slice


def test_the_cost_is_said_from_the_published_run_less_what_is_stored(tmp_path, monkeypatch):
    published = tmp_path / "results.csv.gz"
    with gzip.open(published, "wt", newline="") as f:
        w = csv.writer(f)
        w.writerow(["producer", "consumer", "status"])
        for p, c, n in (("2.15", "2.15", 30), ("2.15", "2.16", 20), ("2.16", "2.16", 10)):
            w.writerows([[p, c, "PASS"]] * n + [[p, c, "NOT_APPLICABLE"]] * 5)
    monkeypatch.setattr(driver, "PUBLISHED_CELLS", published)
    catalog = load_catalog()
    releases = catalog.select(["2.15", "2.16"])
    home = Home(tmp_path / "store", tmp_path / "no-envs")
    # (2.16, 2.15) was not published: it counts as an average pair, (30 + 20 + 10) / 3
    text = driver.forecast(home, releases, catalog)
    assert text.startswith("plan: 2 environments (2 to create), about 80 loads to compute")
    home.results.mkdir(parents=True)
    (home.results_file("tf-2.16")).write_text(
        '{"producer": "2.15", "consumer": "2.16", "status": "ERROR", "key": "k"}\n' * 20
    )
    assert "about 60 loads to compute" in driver.forecast(home, releases, catalog)
    # one new fixture (not published): as an average fixture of each pair; stored cells of
    # other fixtures do not count against it
    one = driver.forecast(home, releases, catalog, {"new_fixture"})
    assert "about 80 loads to compute" in one, one
