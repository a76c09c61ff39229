"""Regression detection: a changed cell is named; expectations accept it until they expire."""

import datetime as dt

import pandas as pd

from matrix.report.regress import Expectation, changes, history_line, judge, load_expectations


def cells(**override):
    rows = [
        {"producer": "2.15", "consumer": "2.16", "fixture": "fx", "format": "saved_model",
         "loader": "tf.saved_model.load", "status": "PASS", "error_category": None,
         "message": None},
        {"producer": "2.15", "consumer": "2.15", "fixture": "fx", "format": "saved_model",
         "loader": "tf.saved_model.load", "status": "PASS", "error_category": None,
         "message": None},
    ]  # fmt: skip
    rows[0].update(override)
    return pd.DataFrame(rows)


TODAY = dt.date(2026, 11, 23)


def test_an_unchanged_run_has_no_problems():
    assert changes(cells(), cells()).empty
    assert judge(changes(cells(), cells()), [], TODAY) == []


def test_one_changed_cell_is_named_and_fails():
    broke = cells(status="ERROR", error_category="missing_op", message="Op type not registered")
    found = changes(cells(), broke)
    assert len(found) == 1
    problems = judge(found, [], TODAY)
    assert len(problems) == 1
    assert "saved by 2.15, loaded by 2.16" in problems[0] and "PASS → ERROR" in problems[0]
    assert "Op type not registered" in problems[0]


def test_an_expectation_accepts_until_it_expires():
    found = changes(cells(), cells(status="ERROR", error_category="missing_op"))
    ok = Expectation("known", "https://example.invalid/1", dt.date(2026, 12, 31), to="ERROR",
                     consumer="2.16")  # fmt: skip
    assert judge(found, [ok], TODAY) == []
    expired = Expectation("known", "https://example.invalid/1", dt.date(2026, 11, 1))
    problems = judge(found, [expired], TODAY)
    assert any(p.startswith("expired expectation") for p in problems)
    assert any(p.startswith("unexpected change") for p in problems)


def test_a_new_version_is_not_a_change():
    after = pd.concat([cells(), cells(consumer="2.17").iloc[:1]])
    assert changes(cells(), after).empty


def test_expectations_file_and_history(tmp_path):
    f = tmp_path / "e.toml"
    f.write_text('[[expected]]\nreason = "r"\nlink = "l"\nexpires = 2027-01-01\nto = "ERROR"\n')
    (e,) = load_expectations(f)
    assert e.expires == dt.date(2027, 1, 1) and e.to == "ERROR"
    line = history_line(cells(), "2026-11-23")
    assert (line["cells"], line["PASS"], line["versions"]) == (2, 2, "2.15 2.16")
