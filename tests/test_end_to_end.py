"""A real matrix of two TensorFlow versions: 2.15 (Keras 2) and 2.16 (Keras 3).

Environments are installed with uv on first use (TFMATRIX_ENVS shares them between runs);
artifacts and results live in a temporary store per test session.
"""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from matrix import engine
from matrix.catalog import TFRelease, load_catalog
from matrix.envs import ensure_env
from matrix.fixtures import load_fixtures
from matrix.home import PROJECT_ROOT, Home
from matrix.store import read_jsonl
from matrix.supervisor import run_tasks

pytestmark = pytest.mark.tf

VERSIONS = ["2.15", "2.16"]
REAL_LOADERS = ["tf.saved_model.load", "tf1.Session", "keras.load_model", "tf_keras.load_model"]


@pytest.fixture(scope="session")
def catalog():
    return load_catalog()


@pytest.fixture(scope="session")
def releases(catalog):
    return catalog.select(VERSIONS)


@pytest.fixture(scope="session")
def home(tmp_path_factory):
    envs = os.environ.get("TFMATRIX_ENVS") or str(PROJECT_ROOT / ".matrix" / "envs")
    return Home(tmp_path_factory.mktemp("store"), Path(envs)).ensure()


@pytest.fixture(scope="session")
def matrix_run(catalog, releases, home):
    """Produce in both versions, consume in both: the small real matrix, two at a time."""
    run = engine.run_matrix(releases, catalog, home, jobs=2, log=print)
    assert [s.unavailable for s in run.produced + run.consumed] == [None] * 4
    return run


def cells(home, **where):
    found = engine.read_results(home)
    return [c for c in found if all(c[k] == v for k, v in where.items())]


def one(home, **where):
    found = cells(home, **where)
    assert len(found) == 1, (where, found)
    return found[0]


def test_every_cell_has_exactly_one_result(matrix_run, home):
    fixtures = load_fixtures()
    artifacts = sum(len(f.formats) for f in fixtures) * len(VERSIONS)
    records = engine.read_results(home)
    assert len(records) == artifacts * len(REAL_LOADERS) * len(VERSIONS)
    assert len({r["key"] for r in records}) == len(records)
    for r in records:
        assert r["status"] in (
            "PASS",
            "MISMATCH",
            "ERROR",
            "CRASH",
            "TIMEOUT",
            "NOT_APPLICABLE",
            "SAVE_FAILED",
        )
        assert r["consumer_packages"]["numpy"]


# Real boundaries between Keras 2 (TF 2.15) and Keras 3 (TF 2.16), as the committed report shows
# them for the whole catalog: (producer, consumer, fixture/format, loader, status, category,
# words of the message).
BOUNDARIES = [
    ("2.15", "2.15", "module_signature/saved_model", "tf.saved_model.load", "PASS", None, ""),
    ("2.16", "2.16", "module_signature/saved_model", "tf1.Session", "PASS", None, ""),
    ("2.16", "2.15", "keras_functional/saved_model", "tf.saved_model.load", "PASS", None, ""),
    ("2.15", "2.16", "keras_sequential/saved_model", "keras.load_model", "ERROR",
     "unsupported_format", "File format not supported"),
    ("2.15", "2.15", "keras_sequential/keras_h5", "keras.load_model", "PASS", None, ""),
    # tf.saved_model.save writes no keras_metadata.pb, so Keras 2 cannot rebuild the model
    ("2.15", "2.15", "keras_sequential/saved_model", "keras.load_model", "ERROR",
     "keras_metadata_missing", "Keras metadata"),
    # tf_keras gives Keras 2 back beside TF 2.16, but reads no H5 written by Keras 3
    ("2.15", "2.16", "keras_sequential/keras_h5", "tf_keras.load_model", "PASS", None, ""),
    ("2.16", "2.16", "keras_sequential/keras_h5", "tf_keras.load_model", "ERROR",
     "config_incompatible", "batch_shape"),
    ("2.16", "2.16", "module_signature/saved_model", "keras.load_model", "NOT_APPLICABLE", None,
     "does not load module models"),
    ("2.15", "2.15", "keras_sequential/saved_model", "tf_keras.load_model", "NOT_APPLICABLE",
     None, "tf_keras is not installed"),
]  # fmt: skip


@pytest.mark.parametrize("producer,consumer,artifact,loader,status,category,words", BOUNDARIES)
def test_boundary(matrix_run, home, producer, consumer, artifact, loader, status, category,
                  words):  # fmt: skip
    fixture, fmt = artifact.split("/")
    c = one(home, producer=producer, consumer=consumer, fixture=fixture, format=fmt,
            loader=loader)  # fmt: skip
    assert (c["status"], c["error_category"]) == (status, category), c
    assert words in (c["message"] or ""), c
    if status == "PASS":
        assert c["max_abs_error"] is not None and c["max_abs_error"] <= 1e-4


def test_rerun_recomputes_nothing_and_starts_no_tensorflow(matrix_run, catalog, releases, home):
    for r in releases:
        p = engine.produce(r, catalog, home, log=lambda m: None)
        c = engine.consume(r, releases, catalog, home, log=lambda m: None)
        assert (p.computed, p.worker_starts) == (0, 0)
        assert (c.computed, c.worker_starts) == (0, 0) and c.cached > 0


def test_crash_hang_and_raise_are_isolated_cells(matrix_run, catalog, releases, home, monkeypatch):
    """A load that aborts its process is CRASH, one that hangs is TIMEOUT; the rest go on."""
    monkeypatch.setenv("TFMATRIX_FAULT_LOADERS", "1")
    fixture = [f for f in load_fixtures() if f.name == "module_signature"]
    loaders = ["fault.abort", "tf.saved_model.load", "fault.hang", "fault.raise",
               "fault.segfault", "tf1.Session"]  # fmt: skip
    fault_home = Home(home.root / "faults", home.envs).ensure()
    producer = releases[1]
    engine.produce(producer, catalog, fault_home, fixtures=fixture, log=print)
    summary = engine.consume(
        producer,
        [producer],
        catalog,
        fault_home,
        fixtures=fixture,
        loaders=loaders,
        timeout=15,
        log=print,
    )
    got = {c["loader"]: c for c in engine.read_results(fault_home)}
    assert got["fault.abort"]["status"] == "CRASH"
    assert "SIGABRT" in got["fault.abort"]["message"]
    assert got["fault.segfault"]["status"] == "CRASH"
    assert "SIGSEGV" in got["fault.segfault"]["message"]
    assert got["fault.hang"]["status"] == "TIMEOUT"
    assert got["fault.raise"]["status"] == "ERROR"
    assert got["fault.raise"]["error_category"] == "missing_op"
    assert got["tf.saved_model.load"]["status"] == "PASS"
    assert got["tf1.Session"]["status"] == "PASS"
    # each crash and the hang is tried once more in a fresh worker before it is recorded
    assert (summary.crashes, summary.timeouts, summary.worker_starts) == (2, 1, 7)


def test_resume_after_sigkill_loses_no_finished_cell(matrix_run, catalog, releases, home):
    resume_home = Home(home.root / "resume", home.envs).ensure()
    for r in releases:  # reuse the session's artifacts
        link = resume_home.artifacts / r.name
        if not link.exists():
            link.symlink_to(home.artifacts / r.name)
    consumer = releases[0]
    script = (
        f"import sys; sys.path.insert(0, {str(PROJECT_ROOT)!r})\n"
        "from pathlib import Path\n"
        "from matrix import engine\nfrom matrix.catalog import load_catalog\n"
        "from matrix.home import Home\n"
        f"cat = load_catalog(); rels = cat.select({VERSIONS!r})\n"
        f"home = Home(Path({str(resume_home.root)!r}), Path({str(resume_home.envs)!r}))\n"
        "engine.consume(rels[0], rels, cat, home, log=lambda m: None)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    path = engine.results_path(resume_home, consumer)
    deadline = time.time() + 300
    while time.time() < deadline:
        if any(r["status"] == "PASS" for r in read_jsonl(path)):
            break
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    before = {r["key"]: r for r in read_jsonl(path)}
    expected = len(cells(home, consumer=consumer.minor))
    assert 0 < len(before) < expected, "the kill should land mid-run"
    summary = engine.consume(consumer, releases, catalog, resume_home, log=print)
    after = read_jsonl(path)
    assert len(after) == len({r["key"] for r in after}) == expected
    assert summary.cached == len(before)
    kept = {r["key"]: r for r in after}
    assert all(kept[k] == v for k, v in before.items())


def test_results_do_not_depend_on_load_order_or_sharing_a_process(
    matrix_run, catalog, releases, home
):
    """Same cells, reversed order in one worker, and a sample one process per cell."""
    consumer = releases[1]
    env = ensure_env(consumer, catalog, home)
    stored = [
        c
        for c in cells(home, consumer=consumer.minor)
        if c["status"] not in ("NOT_APPLICABLE", "SAVE_FAILED")
    ]
    dirs = {
        (a["fixture"], a["format"], a["producer"]["minor"]): d
        for d, a in engine.list_artifacts(home, releases, load_fixtures())
    }
    tasks = [
        {
            "op": "consume",
            "id": i,
            "loader": c["loader"],
            "artifact_dir": str(dirs[(c["fixture"], c["format"], c["producer"])]),
        }
        for i, c in enumerate(stored)
    ]
    outcome = {}
    run_tasks(
        env,
        list(reversed(tasks)),
        lambda t, a: outcome.__setitem__(t["id"], (a["status"], a["error_category"])),
        timeout=120,
        log_path=home.logs / "order.log",
    )
    for i, c in enumerate(stored):
        assert outcome[i] == (c["status"], c["error_category"]), c
    for i in range(0, len(tasks), max(1, len(tasks) // 3)):  # a sample, one process each
        single = {}
        run_tasks(
            env,
            [tasks[i]],
            lambda t, a, single=single: single.update(a),
            timeout=120,
            log_path=home.logs / "single.log",
        )
        assert (single["status"], single["error_category"]) == outcome[i]


def test_a_version_that_cannot_be_installed_is_recorded(catalog, home):
    ghost = TFRelease(version="2.99.0", python="3.12", package="tensorflow-cpu")
    summary = engine.produce(ghost, catalog, home, log=print)
    record = json.loads(engine.env_record_path(home, ghost).read_text())
    assert summary.unavailable == record["status"] == "INSTALL_FAILED"
    assert "tensorflow-cpu" in record["reason"]


def test_a_missing_interpreter_is_recorded(catalog, home, monkeypatch, tmp_path):
    import matrix.envs

    monkeypatch.setattr(matrix.envs, "find_python", lambda minor: None)
    bare = Home(tmp_path / "bare", tmp_path / "no-envs").ensure()
    release = catalog.select(["2.15"])[0]
    summary = engine.consume(release, [release], catalog, bare, log=print)
    record = json.loads(engine.env_record_path(bare, release).read_text())
    assert summary.unavailable == record["status"] == "NO_INTERPRETER"
    assert "Python 3.11" in record["reason"]


def test_the_guest_runs_on_python_37_with_tf_1_15(catalog, home):
    """The oldest corner of the catalog: TF 1.15 on Python 3.7 saves and loads for real."""
    old = catalog.select(["1.15"])
    fixture = [f for f in load_fixtures() if f.name == "module_signature"]
    old_home = Home(home.root / "tf115", home.envs).ensure()
    engine.produce(old[0], catalog, old_home, fixtures=fixture, log=print)
    engine.consume(
        old[0],
        old,
        catalog,
        old_home,
        fixtures=fixture,
        loaders=["tf.saved_model.load", "tf1.Session"],
        log=print,
    )
    got = engine.read_results(old_home)
    assert {c["consumer_python"][:3] for c in got} == {"3.7"}
    assert [c["status"] for c in got] == ["PASS", "PASS"], got


def test_status_counts_every_cell_of_a_finished_run(matrix_run, home):
    from matrix.status import render, status_rows

    rows = status_rows(home, VERSIONS)
    assert [(r["tf"], r["done"] == r["total"]) for r in rows] == [(v, True) for v in VERSIONS]
    assert "overall" in render(rows)


def test_corrupt_truncated_and_missing_models_are_classified_errors(
    matrix_run, catalog, releases, home, tmp_path
):
    """Bad input is one classified cell each, and the worker goes on to the next."""
    import shutil

    source = engine.artifact_dir(home, releases[0], "keras_sequential", "saved_model")
    truncated = tmp_path / "truncated"
    shutil.copytree(source, truncated)
    pb = truncated / "artifact" / "saved_model" / "saved_model.pb"
    pb.write_bytes(pb.read_bytes()[: pb.stat().st_size // 3])
    garbage = tmp_path / "garbage_h5"
    shutil.copytree(engine.artifact_dir(home, releases[0], "keras_sequential", "keras_h5"),
                    garbage)  # fmt: skip
    (garbage / "artifact" / "model.h5").write_bytes(b"not an HDF5 file at all")
    missing = tmp_path / "missing"
    shutil.copytree(source, missing)
    shutil.rmtree(missing / "artifact" / "saved_model")
    tasks = [
        {"op": "consume", "id": 0, "loader": "tf.saved_model.load", "artifact_dir": str(truncated)},
        {"op": "consume", "id": 1, "loader": "tf1.Session", "artifact_dir": str(truncated)},
        {"op": "consume", "id": 2, "loader": "tf_keras.load_model", "artifact_dir": str(garbage)},
        {"op": "consume", "id": 3, "loader": "tf.saved_model.load", "artifact_dir": str(missing)},
        {"op": "consume", "id": 4, "loader": "tf.saved_model.load", "artifact_dir": str(source)},
    ]  # fmt: skip
    env = ensure_env(releases[1], catalog, home)
    got = {}
    run_tasks(env, tasks, lambda t, a: got.__setitem__(t["id"], a), timeout=120,
              log_path=home.logs / "corrupt.log")  # fmt: skip
    for i in range(4):
        assert got[i]["status"] == "ERROR", got[i]
        assert got[i]["error_category"] != "other", got[i]
        assert got[i]["message"], got[i]
    assert got[4]["status"] == "PASS"


def test_a_save_that_raises_or_crashes_is_save_failed_everywhere(catalog, releases, home, tmp_path):
    from matrix.fixtures import read_fixture

    header = 'KIND = "module"\nFORMATS = ("saved_model",)\n\n\ndef inputs():\n    return {}\n\n\n'
    raising = tmp_path / "raises_on_build.py"
    raising.write_text('"""Raises."""\n' + header + "def build():\n    raise ValueError('no')\n")
    crashing = tmp_path / "aborts_on_build.py"
    crashing.write_text('"""Aborts."""\nimport os\n' + header + "def build():\n    os.abort()\n")
    good = [f for f in load_fixtures() if f.name == "module_signature"]
    fixtures = [read_fixture(raising), read_fixture(crashing), *good]
    bad_home = Home(home.root / "bad-saves", home.envs).ensure()
    producer = releases[1]
    summary = engine.produce(producer, catalog, bad_home, fixtures=fixtures, log=print)
    assert (summary.computed, summary.crashes) == (3, 1)
    engine.consume(producer, [producer], catalog, bad_home, fixtures=fixtures,
                   loaders=["tf.saved_model.load"], log=print)  # fmt: skip
    got = {c["fixture"]: c for c in engine.read_results(bad_home)}
    assert got["raises_on_build"]["status"] == "SAVE_FAILED"
    assert got["raises_on_build"]["exception_type"] == "ValueError"
    assert got["aborts_on_build"]["status"] == "SAVE_FAILED"
    assert got["aborts_on_build"]["error_category"] == "crash"
    assert "SIGABRT" in got["aborts_on_build"]["message"]
    assert got["module_signature"]["status"] == "PASS"


def test_editing_a_fixture_recomputes_only_its_cells(catalog, releases, home, tmp_path):
    from matrix.fixtures import read_fixture

    edited = tmp_path / "keras_sequential.py"
    edited.write_text((PROJECT_ROOT / "fixtures" / "keras_sequential.py").read_text())
    untouched = [f for f in load_fixtures() if f.name == "module_signature"]
    cache_home = Home(home.root / "edit", home.envs).ensure()
    consumer = releases[1]

    def run():
        fixtures = [read_fixture(edited), *untouched]
        p = engine.produce(consumer, catalog, cache_home, fixtures=fixtures, log=print)
        c = engine.consume(consumer, [consumer], catalog, cache_home, fixtures=fixtures,
                           log=print)  # fmt: skip
        return (p.computed, p.cached), (c.computed, c.cached)

    assert run() == ((3, 0), (12, 0))  # 3 artifacts x 4 loaders
    assert run() == ((0, 3), (0, 12))
    # a comment: the fixture is saved again, but the files come out byte for byte the same,
    # so no cell is recomputed (cells are keyed by the artifact's content)
    edited.write_text(edited.read_text() + "\n# an edit that changes nothing but the source\n")
    assert run() == ((2, 1), (0, 12))
    # other weights: only keras_sequential's 2 artifacts and their 8 cells are recomputed
    edited.write_text(edited.read_text().replace("RandomState(0)", "RandomState(5)"))
    assert run() == ((2, 1), (8, 4))
