"""A partial store rendered with the published cells that are still current (report: what a
run of one new fixture adds)."""

import pandas as pd

from matrix.report import carried
from matrix.report.frame import CELL_KEYS


def cells(**over):
    row = {"producer": "2.15", "consumer": "2.16", "fixture": "keras_sequential",
           "format": "saved_model", "loader": "tf.saved_model.load", "status": "PASS"}  # fmt: skip
    return dict(row, **over)


def test_a_cell_is_stale_when_a_file_it_depends_on_changed():
    published = pd.DataFrame([
        cells(), cells(fixture="module_signature"), cells(consumer="2.17"),
        cells(loader="tf1.Session"), cells(loader="gone"), cells(format="keras_v3"),
    ])  # fmt: skip
    changed = {"fixtures/module_signature.py", "matrix/catalog/locks/tf-2.17.txt",
               "matrix/guest/loaders/tf1_session.py",
               "matrix/guest/formats/keras_v3.py"}  # fmt: skip
    assert carried.stale(published, changed).tolist() == [False, True, True, True, True, True]


def test_what_the_store_has_wins_and_the_rest_is_counted(monkeypatch):
    monkeypatch.setattr(carried, "changed_since", lambda commit: {"fixtures/module_signature.py"})
    monkeypatch.setattr(carried, "same_harness", lambda commit: True)
    published = pd.DataFrame([cells(), cells(consumer="2.17"), cells(fixture="module_signature")])
    stored = pd.DataFrame([cells(status="ERROR")])
    extra, note = carried.carry(stored, published, "abc1234", CELL_KEYS)
    assert extra.to_dict("records") == [cells(consumer="2.17")]
    assert note == ("1 cells carried from the report of abc1234 (their files unchanged since); "
                    "1 measured again here, 1 left out as stale")  # fmt: skip


def test_nothing_is_carried_across_a_harness_change_or_without_git(monkeypatch):
    published = pd.DataFrame([cells()])
    monkeypatch.setattr(carried, "changed_since", lambda commit: set())
    monkeypatch.setattr(carried, "same_harness", lambda commit: False)
    extra, note = carried.carry(published.iloc[0:0], published, "abc1234", CELL_KEYS)
    assert extra.empty and "the harness changed" in note
    monkeypatch.setattr(carried, "changed_since", lambda commit: None)
    extra, note = carried.carry(published.iloc[0:0], published, "abc1234", CELL_KEYS)
    assert extra.empty and "git cannot compare" in note
    assert carried.carry(published, published, None, CELL_KEYS)[0].empty


def test_a_partial_store_with_carry_adds_to_the_published_report(tmp_path):
    """A run of one new fixture, rendered with --carry: its cell joins the six published
    ones; without --carry the published report is left as it is (fewer cells)."""
    import pytest

    from matrix.report import freshness
    from matrix.report import publish as report
    from matrix.store.layout import Home
    from tests.test_report import VERSIONS, files, published, record, write_results

    if "dirty" in freshness.tool_commit() or not freshness.tool_commit():
        pytest.skip("a dirty checkout: a report's commit does not describe its code")
    home, out, before = published(tmp_path)
    new = Home(tmp_path / "new")
    write_results(new, [record("2.9", "2.12", "tf1.Session", "PASS", n=7)])
    kept = report.write_report(new, VERSIONS, out)
    assert "kept" in kept and files(out) == before
    result = report.write_report(new, VERSIONS, out, carry=True)
    assert result["cells"] == 7 and result["out"] == str(out)
    import json

    stamp = json.loads((out / "results.json").read_text())["stamp"]
    assert stamp["carried"].startswith("6 cells carried from the report of "), stamp


def test_report_carry_on_the_command_line(tmp_path):
    """`report --carry` as the README shows it, on a copy: the partial store's cell joins
    the published ones in the report it writes."""
    import json
    import os
    import subprocess
    import sys

    import pytest

    from matrix import PROJECT_ROOT
    from matrix.report import freshness
    from matrix.store.layout import Home
    from tests.test_report import published, record, write_results

    if "dirty" in freshness.tool_commit() or not freshness.tool_commit():
        pytest.skip("a dirty checkout: a report's commit does not describe its code")
    _, out, _ = published(tmp_path)
    new = Home(tmp_path / "new")
    write_results(new, [record("2.9", "2.12", "tf1.Session", "PASS", n=7)])
    cmd = [sys.executable, "-m", "matrix", "report", "--versions", "2.9", "2.10", "2.12",
           "--out", str(out), "--carry"]  # fmt: skip
    run = subprocess.run(cmd, cwd=PROJECT_ROOT, env=dict(os.environ, TFMATRIX_HOME=str(new.root)),
                         capture_output=True, text=True)  # fmt: skip
    assert run.returncode == 0 and "cells: 7" in run.stdout, run.stdout + run.stderr
    assert "6 cells carried" in json.loads((out / "results.json").read_text())["stamp"]["carried"]
