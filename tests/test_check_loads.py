"""`check PATH` loading a user's model for real (issue: check PATH, point 3): the loaders of the
catalog in installed environments, every signature called, outputs compared across versions,
each measurement beside its prediction."""

import json
import subprocess
import sys

import numpy as np
import pytest

from matrix.check import inputs, measure, model
from matrix.guest import protocol

pytest.importorskip("tensorboard.compat.proto.meta_graph_pb2")
HALF_PLUS_TWO = "saved_model_half_plus_two_tf2_cpu/00000123"  # TF 2.14, y = 0.5x + 2
RUST_KERAS = "rust_keras_single_input_saved_model"  # TF 2.3: [[.1 .2 .3 .4 .5]] -> [[0.50030786]]


def cli(*args):
    return subprocess.run([sys.executable, "-m", "matrix", "check", *args],
                          capture_output=True, text=True, timeout=900)  # fmt: skip


def test_made_inputs_follow_the_specs_and_the_seed():
    spec = model.TensorSpec
    m = model.Model(path=".", format=model.SAVED_MODEL, signatures=[
        model.Signature("serving_default", (spec("x", "DT_FLOAT", (-1, 3)),), ()),
        model.Signature("ids", (spec("t", "DT_STRING", (-1,)), spec("n", "DT_INT64", ())), ()),
        model.Signature("odd", (spec("v", "DT_VARIANT", (-1,)),), ()),
        model.Signature("rankless", (spec("x", "DT_FLOAT", None),), ()),
    ])  # fmt: skip
    a, b, c = inputs.made(m, 0), inputs.made(m, 0), inputs.made(m, 1)
    assert a.arrays["x"].shape == (2, 3) and a.arrays["x"].dtype == np.float32
    assert np.array_equal(a.arrays["x"], b.arrays["x"]) and not np.array_equal(
        a.arrays["x"], c.arrays["x"])  # fmt: skip
    assert a.arrays["ids/t"].dtype.kind == "S" and a.arrays["ids/n"].shape == ()
    assert "odd/v" not in a.arrays and any("no array for v (DT_VARIANT)" in s for s in a.said)
    assert a.arrays["rankless/x"].shape == (2, 1) and any("a guess" in s for s in a.said)


def test_keras_inputs_are_read_from_the_config():
    k3 = {"class_name": "Functional", "config": {"input_layers": [["a", 0, 0], ["b", 0, 0]],
          "layers": [{"class_name": "InputLayer", "config": {"name": n, "batch_shape": [None, 4],
                      "dtype": "float32"}} for n in ("b", "a")]}}  # fmt: skip
    assert [s.name for s in model.keras_inputs(k3)] == ["a", "b"]
    k2 = {
        "class_name": "Sequential",
        "config": {
            "layers": [
                {"class_name": "Dense", "config": {"name": "d", "batch_input_shape": [None, 5]}}
            ]
        },
    }
    assert model.keras_inputs(k2) == [model.TensorSpec("d", "float32", (-1, 5))]
    built = {"class_name": "MyModel", "config": {}, "build_config": {"input_shape": [None, 7]}}
    assert model.keras_inputs(built)[0].shape == (-1, 7)


def test_measurement_and_prediction_are_compared_never_hidden():
    m = measure.Measured("2.9", "2.9.3", None, "tf1.Session", "ERROR", "missing_op", "X")
    said = {"status": "ERROR", "category": "missing_op", "detail": "X"}
    assert measure.agreement(m, said, static=True) == "agrees"
    assert measure.agreement(m, dict(said, detail="Y"), static=True) == "disagrees"
    assert measure.agreement(m, dict(said, status="PASS"), static=True) == "disagrees"
    other = measure.Measured("2.9", "2.9.3", None, "tf1.Session", "ERROR", "asset_missing")
    assert measure.agreement(other, {"status": "PASS"}, static=True) == "beyond"
    assert measure.agreement(other, {"status": "PASS"}, static=False) == "disagrees"
    loaded = measure.Measured("2.9", "2.9.3", None, "tf1.Session", "PASS")
    assert measure.agreement(loaded, said, static=True) == "disagrees"
    assert measure.agreement(loaded, {"status": "DEPENDS"}, static=False) is None


def test_the_check_task_is_part_of_the_contract():
    task = protocol.task_of({"op": "check", "id": 3, "loader": "l", "loader_module": "m",
                             "model_path": "p", "inputs_path": "i", "outputs_path": "o",
                             "future_field": 1})  # fmt: skip
    assert isinstance(task, protocol.CheckTask) and task.kind == "keras" and not task.unsafe
    assert protocol.ANSWERS["check"] is protocol.CheckAnswer


def test_bad_inputs_files_are_one_line(tmp_path, wild_dir):
    path = str(wild_dir / HALF_PLUS_TWO)
    junk = tmp_path / "x.npz"
    junk.write_bytes(b"not a zip")
    for given, words in ((tmp_path / "missing.npz", "no such file"), (junk, "not a readable")):
        out = cli(path, "--tf", "2.15", "--inputs", str(given))
        assert out.returncode == 2 and out.stderr.count("\n") == 1, out.stderr
        assert words in out.stderr and "Traceback" not in out.stderr


@pytest.mark.tf
def test_every_wild_model_loads_as_predicted_in_two_versions(wild_dir, catalog, releases, home):
    """Each model of ../shared/wild-savedmodels loaded by every applicable loader of TF 2.15 and
    2.16: a measured verdict per loader, none that contradicts the static prediction, and the
    outputs checked where the model's function is known."""
    from matrix.check import command, predict, runtimes

    data, results = command.published(command.PUBLISHED)
    rt = runtimes.load()
    seen = 0
    for pb in sorted(wild_dir.rglob("saved_model.pb")):
        m = model.read(pb.parent)
        envs = command.environments(data, results, [r.minor for r in releases])
        predicted = [p.as_dict() for p in predict.predict(m, envs, rt, data)]
        found = measure.measure(m, releases, inputs.made(m, 0), catalog, home, log=print)
        measure.join(found, predicted, static=True)
        where = pb.parent.relative_to(wild_dir)
        assert {f.environment for f in found} == {r.minor for r in releases}, where
        for f in found:
            assert f.agreement != "disagrees", (where, f)
            assert f.status != "ENV_FAILED", (where, f)
        if str(where) == HALF_PLUS_TWO:
            x = inputs.made(m, 0).arrays["x"]
            for f in found:
                if f.loader == "tf.saved_model.load":
                    assert f.status == "PASS", f
                    assert np.allclose(f._arrays[protocol.CALL_GROUP][0], 0.5 * x + 2), f._arrays
                    assert {s["name"] for s in f.signatures} >= {"serving_default"}
        seen += 1
    assert seen == 7


@pytest.mark.tf
def test_given_inputs_and_expected_outputs_are_checked(wild_dir, tmp_path, releases):
    """The Rust example's own numbers: fed [[.1 .2 .3 .4 .5]], it must give 0.50030786; a wrong
    expectation is a MISMATCH with its error, the JSON says how each line was obtained."""
    np.savez(tmp_path / "in.npz", test_in_input=np.array([[0.1, 0.2, 0.3, 0.4, 0.5]], "float32"))
    np.savez(tmp_path / "good.npz", y=np.array([[0.50030786]], "float32"))
    np.savez(tmp_path / "bad.npz", y=np.array([[0.7]], "float32"))
    path = str(wild_dir / RUST_KERAS)
    tfs = [r.minor for r in releases]
    base = [path, "--tf", *tfs, "--inputs", str(tmp_path / "in.npz"), "--json"]
    page = tmp_path / "check.html"
    good = json.loads(
        cli(*base, "--expect", str(tmp_path / "good.npz"), "--html", str(page)).stdout
    )
    html = page.read_text()
    assert "Loaded for real" in html and "st-PASS" in html and "compared with --expect" in html
    by = {(r["environment"], r["loader"], r["how"]): r for r in good["results"]}
    for tf in tfs:
        r = by[(tf, "tf.saved_model.load", "measured")]
        assert r["status"] == "PASS" and r["reference"] == "--expect", r
        assert by[(tf, "tf.saved_model.load", "predicted")]["status"] == "PASS"
    out = cli(*base, "--expect", str(tmp_path / "bad.npz"), "--require", tfs[0])
    assert out.returncode == 1 and "does not load it" in out.stderr, out.stderr
    bad = json.loads(out.stdout)
    r = next(r for r in bad["results"] if r["loader"] == "tf.saved_model.load")
    assert r["status"] == "MISMATCH" and r["max_abs_error"] == pytest.approx(0.2, abs=1e-3)


@pytest.mark.tf
def test_check_of_a_catalog_artifact_agrees_with_the_matrix(matrix_run, home, releases, catalog):
    """What the small real matrix measured for an artifact (every consumer × loader) is what
    `check` measures for the same files: the same status and category."""
    import glob

    store = {}
    for f in glob.glob(str(home.results / "*.jsonl")):
        for line in open(f):
            c = json.loads(line)
            store[(c["producer"], c["fixture"], c["format"], c["consumer"], c["loader"])] = c
    compared = 0
    for fixture, fmt, entry in (("keras_functional", "keras_v3", "*.keras"),
                                ("module_signature", "saved_model", "saved_model.pb")):  # fmt: skip
        found = list(home.artifact_dir(releases[0].name, fixture, fmt).rglob(entry))
        assert found, (fixture, fmt)
        path = found[0] if entry.startswith("*") else found[0].parent
        m = model.read(path)
        got = measure.measure(m, releases, inputs.made(m, 0), catalog, home, log=print)
        for g in got:
            cell = store.get((releases[0].minor, fixture, fmt, g.environment, g.loader))
            if cell is None or g.status == "NOT_APPLICABLE":
                continue
            want = "PASS" if cell["status"] == "PASS" else cell["status"]
            have = "PASS" if g.status in ("PASS", "MISMATCH") else g.status  # no reference here
            category = cell.get("error_category") if want != "PASS" else None
            assert (have, g.category if have != "PASS" else None) == (want, category), (g, cell)
            compared += 1
    assert compared >= 6, compared


@pytest.mark.tf
def test_ctrl_c_stops_the_loads_and_shows_what_finished(wild_dir, releases):
    """SIGINT while the workers load: they are ended, what finished is printed, exit 130."""
    import os
    import signal
    import time

    proc = subprocess.Popen(
        [sys.executable, "-m", "matrix", "check", str(wild_dir / HALF_PLUS_TWO), "--tf",
         *[r.minor for r in releases]],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
    )  # fmt: skip
    time.sleep(6)  # the workers are importing TensorFlow or loading by now
    os.kill(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 130, (proc.returncode, out[-2000:], err[-2000:])
    assert "stopped: the loads that finished are shown" in err and "Traceback" not in err
    assert out.startswith(str(wild_dir / HALF_PLUS_TWO))
