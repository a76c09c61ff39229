"""`python -m matrix query`: answers from published data, one line for a bad name."""

import subprocess
import sys

import pandas as pd
import pytest

from matrix import query
from matrix.home import PROJECT_ROOT

VERSIONS = ["2.9", "2.10", "2.11", "2.12"]
OP = "Op type not registered 'DisableCopyOnRead' in binary running on vm."


@pytest.fixture
def data(tmp_path):
    rows = []
    for p in VERSIONS:
        for c in VERSIONS:
            broken = p == "2.12" and c == "2.9"
            rows.append({"producer": p, "consumer": c, "fixture": "fx", "format": "saved_model",
                         "loader": "tf.saved_model.load", "status": "ERROR" if broken else "PASS",
                         "error_category": "missing_op" if broken else "",
                         "error_detail": "DisableCopyOnRead" if broken else "",
                         "message": OP if broken else ""})  # fmt: skip
    path = tmp_path / "results.csv.gz"
    pd.DataFrame(rows).to_csv(path, index=False)
    return path


def ask(data, *args):
    out = subprocess.run([sys.executable, "-m", "matrix", "query", "--data", str(data), *args],
                         cwd=PROJECT_ROOT, capture_output=True, text=True)  # fmt: skip
    return out.returncode, out.stdout, out.stderr


def test_which_versions_load_what_one_saved(data):
    rc, out, _ = ask(data, "loads", "--saved-by", "2.12", "--format", "saved_model")
    assert rc == 0
    assert "every fixture loads in 2.10–2.12" in out and "missing_op" in out


def test_which_producers_one_version_loads(data):
    rc, out, _ = ask(data, "producers", "--loaded-by", "2.9")
    assert rc == 0 and "every fixture from 2.9–2.11" in out


def test_what_an_error_means_and_where(data):
    rc, out, _ = ask(data, "error", OP)
    assert rc == 0
    assert "missing_op (DisableCopyOnRead)" in out and "saved by 2.12, loaded by 2.9" in out


@pytest.mark.parametrize("args,words", [
    (["loads", "--saved-by", "9.9"], "unknown version '9.9'"),
    (["loads", "--saved-by", "2.12", "--loader", "nope"], "unknown loader 'nope'"),
])  # fmt: skip
def test_unknown_names_are_one_line(data, args, words):
    rc, out, err = ask(data, *args)
    assert rc == 2 and err.strip().count("\n") == 0 and words in err, err


def test_ranges_join_neighbours():
    assert query.ranges({"2.9", "2.10", "2.12"}, VERSIONS) == "2.9–2.10, 2.12"
