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

import pytest

from matrix.catalog import TFRelease, registry
from matrix.guest.vocabulary import CELL_STATUSES
from matrix.run import consume, driver, produce
from matrix.run.envs import ensure_env
from matrix.run.supervisor import run_tasks
from matrix.store import results
from matrix.store.artifacts import artifacts_for, list_artifacts
from matrix.store.layout import PROJECT_ROOT, Home
from matrix.store.results import read_jsonl

pytestmark = pytest.mark.tf

# the real matrix of every tf test (catalog, releases, home, matrix_run: tests/conftest.py)
from tests.conftest import FIXTURES, VERSIONS, some_fixtures  # noqa: E402


def consume_task(i, loader, artifact_dir, fixture_path=None):
    return {
        "op": "consume",
        "id": i,
        "loader": loader,
        "artifact_dir": str(artifact_dir),
        "loader_module": registry.loader(loader).module,
        "fixture_path": fixture_path,
    }


def cells(home, **where):
    found = results.read_results(home)
    return [c for c in found if all(c[k] == v for k, v in where.items())]


def one(home, **where):
    found = cells(home, **where)
    assert len(found) == 1, (where, found)
    return found[0]


def test_every_planned_cell_has_exactly_one_result(matrix_run, releases, home, catalog):
    # each consumer's cells are those of the artifacts its blocks cross (no TF loads TF.js)
    planned = {c.key for r in releases
               for c in driver.planned_cells(
                   home, r, artifacts_for(home, r, releases, catalog, some_fixtures()),
                   registry.loaders())}  # fmt: skip
    records = results.read_results(home)
    assert {r["key"] for r in records} == planned
    assert len(records) == len(planned)
    for r in records:
        assert r["status"] in CELL_STATUSES
        assert r["consumer_packages"]["numpy"]


def test_absent_loaders_are_decided_on_the_host_without_a_worker(matrix_run, home):
    """tf_keras does not exist beside TF 2.15 and TFSMLayer needs Keras 3: those cells are
    NOT_APPLICABLE and carry no load time (no worker saw them)."""
    absent = cells(home, consumer="2.15", loader="tf_keras.load_model") + cells(
        home, consumer="2.15", loader="keras.layers.TFSMLayer"
    )
    assert absent and all(c["status"] == "NOT_APPLICABLE" for c in absent)
    assert all(c["load_seconds"] is None and c["wall_seconds"] is None for c in absent)
    assert "needs tf-keras" in absent[0]["message"] or "needs keras>=3" in absent[0]["message"]


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
    # Keras 3 reads no SavedModel directory, Keras 2 returns a restored object for any
    ("2.16", "2.16", "module_signature/saved_model", "keras.load_model", "ERROR",
     "unsupported_format", "File format not supported"),
    ("2.16", "2.15", "module_signature/saved_model", "keras.load_model", "PASS", None, ""),
    ("2.15", "2.16", "keras_sequential/saved_model", "keras.layers.TFSMLayer", "PASS", None, ""),
    # a Keras 3 model saved with tf.saved_model.save restores without a __call__
    ("2.16", "2.15", "keras_sequential/saved_model", "tf.saved_model.load()(x)", "ERROR",
     "not_callable", "is not callable"),
    ("2.15", "2.16", "keras_sequential/saved_model", "tf.saved_model.load()(x)", "PASS", None,
     ""),
    ("2.15", "2.15", "keras_sequential/saved_model", "tf_keras.load_model", "NOT_APPLICABLE",
     None, "needs tf-keras, which is not installed here"),
    ("2.16", "2.15", "module_signature/saved_model", "saved_model_cli run", "PASS", None, ""),
    # weights into the model rebuilt from the fixture's code
    ("2.15", "2.15", "keras_functional/keras_weights", "keras.load_weights", "PASS", None, ""),
    ("2.15", "2.15", "keras_functional/tf_checkpoint", "tf.train.Checkpoint.read", "PASS", None,
     ""),
    ("2.15", "2.16", "keras_functional/tf_checkpoint", "keras.load_weights", "ERROR",
     "unsupported_format", "File format not supported"),
    # an unregistered custom layer: unknown without its class, loads with custom_objects
    ("2.15", "2.15", "custom_layer_unregistered/keras_h5", "keras.load_model", "ERROR",
     "unknown_object", "ScaledDense"),
    ("2.15", "2.15", "custom_layer_unregistered/keras_h5", "keras.load_model(custom_objects)",
     "PASS", None, ""),
    # .keras names the class's module: a cell that imported the fixture must not help the next
    ("2.16", "2.16", "custom_layer_unregistered/keras_v3", "keras.load_model", "ERROR",
     "unknown_object", "could not be deserialized"),
    ("2.16", "2.16", "custom_layer_unregistered/keras_v3", "keras.load_model(custom_objects)",
     "PASS", None, ""),
    # an Estimator's export, fed serialized tf.Example protos, in a TF without tf.estimator
    ("2.15", "2.16", "estimator_export/tf1_builder", "tf.saved_model.load", "PASS", None, ""),
    ("2.15", "2.16", "estimator_export/tf1_builder", "tf1.Session", "PASS", None, ""),
    ("2.16", "2.16", "estimator_export/tf1_builder", "tf1.Session", "NOT_APPLICABLE", None,
     "cannot be built here"),
    # Keras 3 reads a Keras 2 .h5's mixed-precision policy as a string
    ("2.15", "2.16", "mixed_precision_policy/keras_h5", "keras.load_model", "ERROR",
     "dtype_policy", "quantization_mode"),
    # the architecture as JSON: Keras 3 knows no Keras 2 `Functional` there
    ("2.15", "2.16", "mixed_precision_policy/keras_json_weights",
     "keras.model_from_json + load_weights", "ERROR", "unknown_object", "Functional"),
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
        p = produce.produce(r, catalog, home, fixtures=some_fixtures(), log=lambda m: None)
        c = consume.consume(r, releases, catalog, home, fixtures=some_fixtures(),
                           log=lambda m: None)  # fmt: skip
        assert (p.computed, p.worker_starts) == (0, 0)
        assert (c.computed, c.worker_starts) == (0, 0) and c.cached > 0


def test_crash_hang_and_raise_are_isolated_cells(matrix_run, catalog, releases, home, monkeypatch):
    """A load that aborts its process is CRASH, one that hangs is TIMEOUT; the rest go on."""
    monkeypatch.setenv("TFMATRIX_FAULT_LOADERS", "1")
    fixture = some_fixtures(["module_signature"])
    loaders = ["fault.abort", "tf.saved_model.load", "fault.hang", "fault.raise",
               "fault.segfault", "tf1.Session"]  # fmt: skip
    fault_home = Home(home.root / "faults", home.envs).ensure()
    producer = releases[1]
    produce.produce(producer, catalog, fault_home, fixtures=fixture, log=print)
    summary = consume.consume(
        producer,
        [producer],
        catalog,
        fault_home,
        fixtures=fixture,
        loaders=loaders,
        timeout=15,
        log=print,
    )
    got = {c["loader"]: c for c in results.read_results(fault_home)}
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
    assert (summary.crashes, summary.timeouts) == (2, 1)
    assert {got[f"fault.{x}"]["attempts"] for x in ("abort", "segfault", "hang")} == {2}
    assert got["tf.saved_model.load"]["attempts"] == 1


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
        "from matrix.run import consume\nfrom matrix.catalog import load_catalog\n"
        "from matrix.store.layout import Home\n"
        f"cat = load_catalog(); rels = cat.select({VERSIONS!r})\n"
        f"home = Home(Path({str(resume_home.root)!r}), Path({str(resume_home.envs)!r}))\n"
        "from matrix.catalog.fixtures import load_fixtures\n"
        f"fx = [f for f in load_fixtures() if f.name in {FIXTURES!r}]\n"
        "consume.consume(rels[0], rels, cat, home, fixtures=fx, log=lambda m: None)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", script], start_new_session=True)
    path = resume_home.results_file(consumer.name)
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
    summary = consume.consume(consumer, releases, catalog, resume_home, fixtures=some_fixtures(),
                             log=print)  # fmt: skip
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
        (a.manifest["fixture"], a.manifest["format"], a.manifest["producer"]["minor"]): a.directory
        for a in list_artifacts(home, releases, some_fixtures())
    }
    paths = {f.name: str(f.path) for f in some_fixtures()}
    tasks = [
        consume_task(i, c["loader"], dirs[(c["fixture"], c["format"], c["producer"])],
                     paths[c["fixture"]])
        for i, c in enumerate(stored)
    ]  # fmt: skip
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
    summary = produce.produce(ghost, catalog, home, log=print)
    record = json.loads(home.env_record(ghost.name).read_text())
    assert summary.unavailable == record["status"] == "INSTALL_FAILED"
    assert "tensorflow-cpu" in record["reason"]


def test_a_missing_interpreter_is_recorded(catalog, home, monkeypatch, tmp_path):
    import matrix.run.envs

    monkeypatch.setattr(matrix.run.envs, "find_python", lambda minor: None)
    bare = Home(tmp_path / "bare", tmp_path / "no-envs").ensure()
    release = catalog.select(["2.15"])[0]
    summary = consume.consume(release, [release], catalog, bare, log=print)
    record = json.loads(bare.env_record(release.name).read_text())
    assert summary.unavailable == record["status"] == "NO_INTERPRETER"
    assert "Python 3.11" in record["reason"]


def test_the_guest_runs_on_python_37_with_tf_1_15(catalog, home):
    """The oldest corner of the catalog: TF 1.15 on Python 3.7 saves and loads for real."""
    old = catalog.select(["1.15"])
    fixture = some_fixtures(["module_signature"])
    old_home = Home(home.root / "tf115", home.envs).ensure()
    produce.produce(old[0], catalog, old_home, fixtures=fixture, log=print)
    consume.consume(
        old[0],
        old,
        catalog,
        old_home,
        fixtures=fixture,
        loaders=["tf.saved_model.load", "tf1.Session"],
        log=print,
    )
    got = results.read_results(old_home)
    assert {c["consumer_python"][:3] for c in got} == {"3.7"}
    assert [c["status"] for c in got] == ["PASS", "PASS"], got


def test_status_counts_every_cell_of_a_finished_run(matrix_run, home):
    from matrix.run.status import render, status_rows

    rows = status_rows(home, VERSIONS)
    assert [(r["tf"], r["done"] == r["total"]) for r in rows] == [(v, True) for v in VERSIONS]
    assert "overall" in render(rows)


def test_corrupt_truncated_and_missing_models_are_classified_errors(
    matrix_run, catalog, releases, home, tmp_path
):
    """Bad input is one classified cell each, and the worker goes on to the next."""
    import shutil

    source = home.artifact_dir(releases[0].name, "keras_sequential", "saved_model")
    truncated = tmp_path / "truncated"
    shutil.copytree(source, truncated)
    pb = truncated / "artifact" / "saved_model" / "saved_model.pb"
    pb.write_bytes(pb.read_bytes()[: pb.stat().st_size // 3])
    garbage = tmp_path / "garbage_h5"
    shutil.copytree(home.artifact_dir(releases[0].name, "keras_sequential", "keras_h5"),
                    garbage)  # fmt: skip
    (garbage / "artifact" / "model.h5").write_bytes(b"not an HDF5 file at all")
    missing = tmp_path / "missing"
    shutil.copytree(source, missing)
    shutil.rmtree(missing / "artifact" / "saved_model")
    tasks = [
        consume_task(0, "tf.saved_model.load", truncated),
        consume_task(1, "tf1.Session", truncated),
        consume_task(2, "tf_keras.load_model", garbage),
        consume_task(3, "tf.saved_model.load", missing),
        consume_task(4, "tf.saved_model.load", source),
    ]
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
    from matrix.catalog.fixtures import read_fixture

    header = 'KIND = "module"\nFORMATS = ("saved_model",)\n\n\ndef inputs():\n    return {}\n\n\n'
    raising = tmp_path / "raises_on_build.py"
    raising.write_text('"""Raises."""\n' + header + "def build():\n    raise ValueError('no')\n")
    crashing = tmp_path / "aborts_on_build.py"
    crashing.write_text('"""Aborts."""\nimport os\n' + header + "def build():\n    os.abort()\n")
    good = some_fixtures(["module_signature"])
    fixtures = [read_fixture(raising), read_fixture(crashing), *good]
    bad_home = Home(home.root / "bad-saves", home.envs).ensure()
    producer = releases[1]
    summary = produce.produce(producer, catalog, bad_home, fixtures=fixtures, log=print)
    # every format of each (the converters' too), the bad ones all SAVE_FAILED
    assert (summary.computed, summary.crashes) == (sum(len(f.formats) for f in fixtures), 1)
    consume.consume(producer, [producer], catalog, bad_home, fixtures=fixtures,
                   loaders=["tf.saved_model.load"], log=print)  # fmt: skip
    got = {c["fixture"]: c for c in results.read_results(bad_home)}
    assert got["raises_on_build"]["status"] == "SAVE_FAILED"
    assert got["raises_on_build"]["exception_type"] == "ValueError"
    assert got["aborts_on_build"]["status"] == "SAVE_FAILED"
    assert got["aborts_on_build"]["error_category"] == "crash"
    assert "SIGABRT" in got["aborts_on_build"]["message"]
    assert got["module_signature"]["status"] == "PASS"


def test_editing_a_fixture_recomputes_only_its_cells(catalog, releases, home, tmp_path):
    from matrix.catalog.fixtures import read_fixture

    edited = tmp_path / "keras_sequential.py"
    # the formats whose bytes a re-save reproduces exactly: a .keras file records its save date,
    # an export() names its functions with the process's trace counters
    source = (PROJECT_ROOT / "fixtures" / "keras_sequential.py").read_text()
    start = source.index("FORMATS = (")
    end = source.index(")", start) + 1
    edited.write_text(source[:start] + 'FORMATS = ("saved_model", "keras_h5")' + source[end:])
    untouched = some_fixtures(["module_signature"])
    cache_home = Home(home.root / "edit", home.envs).ensure()
    consumer = releases[1]

    def run():
        fixtures = [read_fixture(edited), *untouched]
        p = produce.produce(consumer, catalog, cache_home, fixtures=fixtures, log=print)
        c = consume.consume(consumer, [consumer], catalog, cache_home, fixtures=fixtures,
                           log=print)  # fmt: skip
        return (p.computed, p.cached), (c.computed, c.cached)

    first = run()
    artifacts = first[0][0]
    total = first[1][0]
    ours = len([c for c in results.read_results(cache_home) if c["fixture"] == "keras_sequential"])
    assert first == ((artifacts, 0), (total, 0)) and 0 < ours < total
    assert run() == ((0, artifacts), (0, total))
    # a comment: the fixture is saved again, but the files come out byte for byte the same,
    # so no cell is recomputed (cells are keyed by the artifact's content)
    edited.write_text(edited.read_text() + "\n# an edit that changes nothing but the source\n")
    n = len(read_fixture(edited).formats)
    assert run() == ((n, artifacts - n), (0, total))
    # other weights: only keras_sequential's artifacts and their cells are recomputed (a
    # conversion that fails fails the same way: its cell keeps its result)
    edited.write_text(edited.read_text().replace("RandomState(0)", "RandomState(5)"))
    mine = [c for c in results.read_results(cache_home) if c["fixture"] == "keras_sequential"]
    saved = len([c for c in mine if c["status"] != "SAVE_FAILED"])
    assert run() == ((n, artifacts - n), (saved, total - saved))


SCRATCH_FILE = '''"""Reads a file it wrote, by absolute path, instead of carrying it."""
import os

import numpy as np
import tensorflow as tf

KIND = "module"
FORMATS = ("saved_model",)


class Reader(tf.Module):
    def __init__(self, path):
        super(Reader, self).__init__()
        self.path = path

    @tf.function(input_signature=[tf.TensorSpec([None], tf.float32, name="x")])
    def __call__(self, x):
        return {"y": x + tf.strings.to_number(tf.io.read_file(self.path))}


def build():
    with open("value.txt", "w") as f:
        f.write("2.5")
    return Reader(os.path.abspath("value.txt"))


def inputs():
    return {"x": np.array([1.0, 2.0, 3.0], "float32")}
'''

TRACED_ONCE = '''"""A tf.function without input signature: only the traced shapes are saved."""
import numpy as np
import tensorflow as tf

KIND = "module"
FORMATS = ("saved_model",)


class Doubler(tf.Module):
    @tf.function
    def __call__(self, x):
        return 2.0 * x


def build():
    return Doubler()


def inputs():
    return {"x": np.ones((3, 2), "float32")}
'''


def test_harness_rules_catch_untracked_files_and_frozen_batch_sizes(releases, catalog, home,
                                                                    tmp_path):  # fmt: skip
    """The producer's scratch folder is gone and loads read a copy; the reference batch differs
    from the batch the model was first called with."""
    from matrix.catalog.fixtures import read_fixture

    (tmp_path / "reads_scratch_file.py").write_text(SCRATCH_FILE)
    (tmp_path / "traced_once.py").write_text(TRACED_ONCE)
    fixtures = [read_fixture(tmp_path / "reads_scratch_file.py"),
                read_fixture(tmp_path / "traced_once.py")]  # fmt: skip
    rules_home = Home(home.root / "rules", home.envs).ensure()
    release = releases[0]
    produce.produce(release, catalog, rules_home, fixtures=fixtures, log=print)
    consume.consume(release, [release], catalog, rules_home, fixtures=fixtures,
                   loaders=["tf.saved_model.load()(x)"], log=print)  # fmt: skip
    got = {c["fixture"]: c for c in results.read_results(rules_home)}
    assert got["reads_scratch_file"]["artifact_status"] == "OK"  # saving works…
    assert got["reads_scratch_file"]["status"] == "ERROR"  # …but the file stayed behind
    assert "value.txt" in got["reads_scratch_file"]["message"]
    assert got["reads_scratch_file"]["error_category"] == "missing_asset"
    assert got["reads_scratch_file"]["error_detail"] == "value.txt"
    assert got["traced_once"]["status"] == "ERROR"
    assert got["traced_once"]["error_category"] == "no_matching_function"


@pytest.mark.parametrize("minor", VERSIONS)
def test_weights_are_overwritten_before_a_restore(catalog, home, minor):
    """A restore that restores nothing must not pass on the weights build() set: the loaders
    overwrite every float variable first, in Keras 2 (tf.DType) and Keras 3 (dtype strings)."""
    env = ensure_env(catalog.select([minor])[0], catalog, home)
    script = (
        "import numpy as np\n"
        "from matrix.guest.envinfo import import_tensorflow\n"
        "from matrix.guest.calling import perturb\n"
        "from matrix.guest.runtime import load_fixture\n"
        f"m = load_fixture({str(PROJECT_ROOT / 'fixtures' / 'keras_sequential.py')!r}).build()\n"
        "before = [w.copy() for w in m.get_weights()]\n"
        "perturb(m)\n"
        "print(all(not np.allclose(a, b) for a, b in zip(before, m.get_weights())))\n"
    )
    out = subprocess.run([str(env.python), "-c", script], env=env.process_env(),
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert out.stdout.strip().splitlines()[-1:] == ["True"], out.stderr[-2000:]
