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
