"""`python -m matrix query`: answers from published data, one line for a bad name."""

import json
import subprocess
import sys

import pandas as pd
import pytest

from matrix import query
from matrix.guest.vocabulary import LOADED
from matrix.report import dataset as compat
from matrix.store.layout import PROJECT_ROOT

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
    pd.DataFrame(rows).to_csv(tmp_path / "results.csv.gz", index=False)
    dataset = compat.dataset(pd.DataFrame(rows), VERSIONS, {}, [])
    path = tmp_path / "compat.json"
    path.write_text(json.dumps(dataset))
    return path


def ask(data, *args):
    out = subprocess.run([sys.executable, "-m", "matrix", "query", "--data", str(data), *args],
                         cwd=PROJECT_ROOT, capture_output=True, text=True)  # fmt: skip
    return out.returncode, out.stdout, out.stderr


def test_which_versions_load_what_one_saved(data):
    rc, out, _ = ask(data, "loads", "--saved-by", "2.12", "--format", "saved_model")
    assert rc == 0
    assert "passes in 2.10–2.12 (3 versions)" in out, out
    assert "fails in 2.9 (1 version)" in out
    assert "1 ERROR missing_op DisableCopyOnRead in 2.9" in out


def test_which_producers_one_version_loads(data):
    rc, out, _ = ask(data, "producers", "--loaded-by", "2.9")
    assert rc == 0 and "passes in 2.9–2.11 (3 versions)" in out, out


def test_a_load_that_fails_on_the_diagonal_too_is_counted_and_marked(tmp_path):
    """Truth issue, defect 2: when the producer could not load its own save, its fixture was
    left out, and the answer read "nothing was attempted" over real ERROR cells."""
    rows = [{"producer": "2.12", "consumer": c, "fixture": "fx", "format": "saved_model",
             "loader": "tf1.Session", "status": "PASS" if c == "2.9" else "ERROR",
             "error_category": None if c == "2.9" else "variable_not_restored",
             "error_detail": None, "message": None} for c in VERSIONS]  # fmt: skip
    path = tmp_path / "compat.json"
    path.write_text(json.dumps(compat.dataset(pd.DataFrame(rows), VERSIONS, {}, [])))
    rc, out, _ = ask(path, "loads", "--saved-by", "2.12", "--loader", "tf1.Session")
    assert rc == 0 and "nothing was" not in out, out
    assert "passes in 2.9 (1 version)" in out and "fails in 2.10–2.12 (3 versions)" in out
    assert "3 ERROR variable_not_restored in 2.10–2.12" in out
    assert "1 fixture of these also fails when 2.12 loads its own save this way (fx)" in out


def test_what_an_error_means_and_where(data):
    rc, out, _ = ask(data, "error", OP)
    assert rc == 0
    assert "missing_op (DisableCopyOnRead)" in out and "saved by 2.12, loaded by 2.9" in out
    assert OP in out  # the real message, from results.csv.gz beside the dataset


@pytest.mark.parametrize("args,words", [
    (["loads", "--saved-by", "9.9"], "unknown version '9.9'"),
    (["loads", "--saved-by", "2.12", "--loader", "nope"], "unknown loader 'nope'"),
])  # fmt: skip
def test_unknown_names_are_one_line(data, args, words):
    rc, out, err = ask(data, *args)
    assert rc == 2 and err.strip().count("\n") == 0 and words in err, err


def test_ranges_join_neighbours():
    assert query.ranges({"2.9", "2.10", "2.12"}, VERSIONS) == "2.9–2.10, 2.12"


PUBLISHED = PROJECT_ROOT / "reports" / "compat.json"


@pytest.mark.skipif(not PUBLISHED.exists(), reason="no published dataset yet")
def test_the_three_questions_on_the_committed_data_agree_with_the_cells():
    """Each answer is checked against the published cells (results.csv.gz), read separately."""
    cells = pd.read_csv(PUBLISHED.with_name("results.csv.gz"), dtype=str, keep_default_na=False)
    order = json.loads(PUBLISHED.read_text())["versions"]
    some = cells[(cells["status"] == "PASS") & (cells["format"] == "saved_model")
                 & (cells["loader"] == "tf.saved_model.load")].iloc[0]  # fmt: skip
    rc, out, _ = ask(PUBLISHED, "loads", "--saved-by", some["producer"], "--format",
                     "saved_model", "--loader", "tf.saved_model.load")  # fmt: skip
    assert rc == 0, out
    tried = cells[(cells["producer"] == some["producer"]) & (cells["format"] == "saved_model")
                  & (cells["loader"] == "tf.saved_model.load")
                  & cells["status"].isin(LOADED)]  # fmt: skip
    # every load counts: per consumer, the fixtures that pass of those loaded
    score = {v: (int((g["status"] == "PASS").sum()), len(g)) for v, g in tried.groupby("consumer")}
    best = max(score.values(), key=lambda s: (s[0] / s[1], s[1]))
    versions = {v for v, s in score.items() if s == best}
    amount = f"all {best[1]} pass" if best[0] == best[1] else f"{best[0]} of {best[1]} pass"
    assert f"    {amount} in {query.ranges(versions, order)} (" in out, out
    rc, out, _ = ask(PUBLISHED, "producers", "--loaded-by", some["consumer"])
    assert rc == 0 and "saved_model via tf.saved_model.load (" in out, out
    failed = cells[cells["error_category"] == "missing_op"]
    if len(failed):
        ex = failed.iloc[0]
        rc, out, _ = ask(PUBLISHED, "error", ex["message"], "--type", ex["exception_type"])
        assert rc == 0 and out.startswith("category: missing_op"), out
        where = failed[failed["error_detail"] == ex["error_detail"]]
        assert f"{len(where)} cells:" in out, out


@pytest.mark.skipif(not PUBLISHED.exists(), reason="no published dataset yet")
def test_a_load_the_producer_fails_itself_is_counted_on_the_committed_data():
    """Truth issue, defect 2, on the committed data: what 2.16 saved as saved_model, read
    through tf1.Session (keras_sequential): real ERROR cells, not "nothing was attempted"."""
    cells = pd.read_csv(PUBLISHED.with_name("results.csv.gz"), dtype=str, keep_default_na=False)
    where = cells[(cells["producer"] == "2.16") & (cells["format"] == "saved_model")
                  & (cells["loader"] == "tf1.Session") & (cells["fixture"] == "keras_sequential")
                  & cells["status"].isin(LOADED)]  # fmt: skip
    rc, out, _ = ask(PUBLISHED, "loads", "--saved-by", "2.16", "--format", "saved_model",
                     "--loader", "tf1.Session", "--fixture", "keras_sequential")  # fmt: skip
    assert rc == 0 and "nothing was" not in out, out
    failed = where[where["status"] != "PASS"]
    assert f"    {len(failed)} failed loads:" in out, out
    not_restored = failed[failed["error_category"] == "variable_not_restored"]
    listed = sum(int(line.split()[0]) for line in out.splitlines()
                 if "ERROR variable_not_restored" in line)  # fmt: skip
    assert listed == len(not_restored) > 0, out
    if not (where["status"] == "PASS").any():
        assert "no version loads it" in out, out


@pytest.mark.skipif(not PUBLISHED.exists(), reason="no published dataset yet")
def test_a_dying_process_message_is_a_crash_and_found_where_it_happened():
    cells = pd.read_csv(PUBLISHED.with_name("results.csv.gz"), dtype=str, keep_default_na=False)
    # loads that died, and saves that did (the TFLite converter aborting: SAVE_FAILED, crash)
    crashed = cells[cells["error_category"] == "crash"]
    rc, out, _ = ask(PUBLISHED, "error", "Fatal Python error: Segmentation fault")
    assert rc == 0 and out.startswith("category: crash"), out
    if len(crashed):  # the committed run has real segfaults (Lambda bytecode, Python 3.13)
        assert f"{len(crashed)} cells:" in out, out
    else:
        assert "has no cell with this error" in out, out


def test_pasted_messages_of_a_dying_process_are_told_apart_from_exceptions():
    from matrix.guest.classify import classify_pasted

    assert classify_pasted("", "Fatal Python error: Segmentation fault")[0] == "crash"
    assert classify_pasted("", "no answer after 120s while loading")[0] == "timeout"
    assert classify_pasted("NotFoundError", OP)[0] == "missing_op"


TFTEXT_TRACEBACK = """\
Traceback (most recent call last):
  File "serve.py", line 3, in <module>
    m = tf.saved_model.load("model")
  File "/usr/lib/python3/site-packages/tensorflow/python/saved_model/load.py", line 900, in load
tensorflow.python.framework.errors_impl.NotFoundError: Op type not registered \
'TFText>WhitespaceTokenizeWithOffsetsV2' in binary running on prod-7. Make sure the Op and \
Kernel are registered in the binary running in this process.
"""


def ask_stdin(data, text, *args):
    out = subprocess.run([sys.executable, "-m", "matrix", "query", "--data", str(data), *args],
                         cwd=PROJECT_ROOT, capture_output=True, text=True, input=text)  # fmt: skip
    return out.returncode, out.stdout, out.stderr


@pytest.mark.skipif(not PUBLISHED.exists(), reason="no published dataset yet")
def test_a_pasted_traceback_from_stdin_gets_the_category_the_matrix_records():
    """Truth issue, defect 4: a tensorflow-text op read as missing_op; every such cell of the
    published run is addon_op_missing. A whole traceback comes from standard input."""
    cells = pd.read_csv(PUBLISHED.with_name("results.csv.gz"), dtype=str, keep_default_na=False)
    op = "TFText>WhitespaceTokenizeWithOffsetsV2"
    where = cells[cells["error_detail"] == op]
    assert set(where["error_category"]) == {"addon_op_missing"}
    rc, out, err = ask_stdin(PUBLISHED, TFTEXT_TRACEBACK, "error", "-")
    assert rc == 0, err
    assert out.startswith(f"category: addon_op_missing ({op})"), out
    assert f"  {len(where)} cells:" in out, out


@pytest.mark.skipif(not PUBLISHED.exists(), reason="no published dataset yet")
def test_the_example_quoted_reads_like_the_message_pasted():
    """The same op, met through two APIs: each paste is answered with a cell of its kind."""
    for pasted, expected in (
        ("Op type not registered 'DisableCopyOnRead' in binary running on host.",
         ": Op type not registered 'DisableCopyOnRead'"),
        ("Converting GraphDef to Graph has failed with an error: 'Op type not registered "
         "'DisableCopyOnRead' in binary running on host.", ": Converting GraphDef to Graph"),
    ):  # fmt: skip
        rc, out, _ = ask(PUBLISHED, "error", pasted)
        assert rc == 0 and "e.g. " in out, out
        assert expected in out.split("e.g. ", 1)[1], out


def test_an_empty_message_is_a_mistake_not_an_answer(data):
    for args, stdin in ((["error", ""], None), (["error", "-"], "  \n")):
        rc, out, err = ask_stdin(data, stdin or "", *args)
        assert rc == 2 and "no message given" in err and err.count("\n") == 1, (out, err)


def test_a_closed_pipe_ends_quietly(data):
    # the reader is gone before the answer is written (as `| head -1` is, for a long one)
    command = (f"{sys.executable} -m matrix query --data {data} producers --loaded-by 2.9 "
               "| { exec <&-; sleep 3; }; echo ${PIPESTATUS[0]}")  # fmt: skip
    out = subprocess.run(["bash", "-c", command], cwd=PROJECT_ROOT, capture_output=True,
                         text=True)  # fmt: skip
    assert out.stdout.strip() == "0", out
    assert "Traceback" not in out.stderr and "BrokenPipe" not in out.stderr, out.stderr


@pytest.mark.skipif(not PUBLISHED.exists(), reason="no published dataset yet")
@pytest.mark.parametrize("asked", ["2.9.3", "2.9.1", "tf 2.9.1", "tensorflow==2.9", "tf-2.9"])
def test_versions_as_users_write_them(asked):
    """Truth issue, defect 5: exact patches, `tf 2.9.1` and the like name their environment."""
    rc, out, err = ask(PUBLISHED, "loads", "--saved-by", asked, "--format", "saved_model")
    assert rc == 0, err
    assert out.startswith("What TensorFlow 2.9 saved"), out
    if asked not in ("2.9.3",):
        assert f"({asked} read as 2.9: the published run tested 2.9." in out, out


@pytest.mark.skipif(not PUBLISHED.exists(), reason="no published dataset yet")
def test_nightly_is_said_to_be_outside_the_published_data():
    rc, _, err = ask(PUBLISHED, "producers", "--loaded-by", "nightly")
    assert rc == 2 and "'nightly' is not in the published data" in err, err
    assert err.count("\n") == 1


@pytest.mark.skipif(not PUBLISHED.exists(), reason="no published dataset yet")
@pytest.mark.parametrize("saved,loaded,fmt", [
    ("2.10", "2.7", "saved_model"),  # we exported a SavedModel with 2.10, our device runs 2.7
    ("2.14", "2.12", "keras_v3"),  # a .keras from 2.14 does not load in 2.12
    ("2.16", "2.15", "keras_h5"),  # we moved to Keras 3: which runtimes read our .h5?
    ("2.16+text", "2.16", None),  # our model uses tensorflow-text ops
])  # fmt: skip
def test_routes_that_work_instead_agree_with_the_cells(saved, loaded, fmt):
    """Truth issue, routes: for what fails between two versions, the other formats and
    loaders of the same fixtures that pass between them, each count checked in the cells."""
    cells = pd.read_csv(PUBLISHED.with_name("results.csv.gz"), dtype=str, keep_default_na=False)
    pair = cells[(cells["producer"] == saved) & (cells["consumer"] == loaded)
                 & cells["status"].isin(LOADED)]  # fmt: skip
    asked = pair if fmt is None else pair[pair["format"] == fmt]
    lost = sorted(set(asked.loc[asked["status"] != "PASS", "fixture"]))
    rc, out, err = ask(PUBLISHED, "routes", "--saved-by", saved, "--loaded-by", loaded,
                       *(["--format", fmt] if fmt else []))  # fmt: skip
    assert rc == 0, err
    for (f, loader), g in asked.groupby(["format", "loader"]):
        passed = int((g["status"] == "PASS").sum())
        assert f"  {f} via {loader}: {passed} of {len(g)} fixture" in out, out
    assert lost, "each of these questions meets a failure in the published run"
    assert f"for the {len(lost)} fixture" in out and ", ".join(lost) in out, out
    ok = pair[pair["fixture"].isin(lost) & (pair["status"] == "PASS")]
    for (f, loader), g in ok.groupby(["format", "loader"]):
        assert f"  {f} via {loader}: {g['fixture'].nunique()} of {len(lost)} pass" in out, out
    if ok.empty:
        assert "none: no format or loader" in out, out


def test_an_error_answer_says_why_and_what_to_do(data):
    rc, out, _ = ask(data, "error", OP)
    assert rc == 0
    assert "\n  why: " in out and "\n  what to do: " in out and "query routes" in out, out
