"""TFLite in the matrix (issue: converters and edge runtimes): the `tflite` format converted by
the producer's own TF, its op codes and versions in the manifest, `tf.lite.Interpreter` of
another TF running it, outputs compared like every cell's. LiteRT and TF.js: test_edge.py."""

import json

import pytest

pytestmark = pytest.mark.tf
FIXTURE = "tflite_gelu_batch_matmul"


def test_the_manifest_names_each_op_and_its_version(matrix_run, home, releases):
    for release in releases:
        manifest = json.loads(
            (home.artifact_dir(release.name, FIXTURE, "tflite") / "manifest.json").read_text()
        )
        assert manifest["status"] == "OK", manifest.get("message")
        ops = {o["op"]: o for o in manifest["tflite_ops"]}
        assert {"BATCH_MATMUL", "GELU"} <= set(ops), ops
        assert all(o["kind"] == "builtin" and o["version"] >= 1 for o in ops.values())


def test_each_interpreter_runs_what_the_other_tf_converted(matrix_run, home, releases):
    from matrix.store import results

    got = {
        (c["producer"], c["consumer"]): c
        for c in results.read_results(home)
        if c["fixture"] == FIXTURE and c["format"] == "tflite"
    }
    names = [r.minor for r in releases]
    for producer in names:
        for consumer in names:
            cell = got[(producer, consumer)]
            assert cell["loader"] == "TFLite Interpreter"
            assert cell["status"] == "PASS", cell  # outputs within tolerance of the producer's
            assert cell["max_abs_error"] is not None and cell["max_abs_error"] < 1e-4
