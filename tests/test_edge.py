"""Edge runtimes and converters, for real (issue: converters and edge runtimes): what TF 2.15
and 2.16 convert runs in both TFs' interpreters and in LiteRT (an environment without
TensorFlow), and TensorFlow.js in Node loads what the tensorflowjs converter wrote beside 2.16,
with outputs compared with the producer's like every cell's; the failures are the real ones."""

import shutil

import pytest

pytestmark = [
    pytest.mark.tf,
    pytest.mark.skipif(shutil.which("npm") is None, reason="TensorFlow.js needs Node and npm"),
]
ENVS = ["2.15", "2.16", "litert2.3", "tfjs4.22"]
FIXTURES = ["tflite_gelu_batch_matmul", "module_signature", "keras_sequential"]
FORMATS = ("tflite", "tfjs_graph", "tfjs_layers")


@pytest.fixture(scope="module")
def cells(catalog, tmp_path_factory, home):
    from dataclasses import replace

    from matrix.catalog.fixtures import load_fixtures
    from matrix.run import driver
    from matrix.store import results
    from matrix.store.layout import Home

    edge = Home(tmp_path_factory.mktemp("edge"), home.envs).ensure()
    fixtures = [replace(f, formats=tuple(x for x in f.formats if x in FORMATS))
                for f in load_fixtures() if f.name in FIXTURES]  # fmt: skip
    run = driver.run_matrix(catalog.select(ENVS), catalog, edge, jobs=2, log=print,
                            fixtures=fixtures)  # fmt: skip
    assert [s.unavailable for s in run.produced + run.consumed] == [None] * 8
    return {(c["producer"], c["consumer"], c["fixture"], c["format"]): c
            for c in results.read_results(edge)}  # fmt: skip


def test_two_interpreters_and_litert_run_what_both_tfs_converted(cells):
    for producer in ("2.15", "2.16"):
        for consumer in ("2.15", "2.16", "litert2.3"):
            cell = cells[(producer, consumer, "tflite_gelu_batch_matmul", "tflite")]
            assert cell["loader"] == "TFLite Interpreter"
            assert cell["status"] == "PASS", cell  # outputs within tolerance of the producer's
            assert cell["max_abs_error"] < 1e-4
    # LiteRT has no TensorFlow: it is in the report as an environment of its own kind
    assert cells[("2.16", "litert2.3", "module_signature", "tflite")]["consumer_tf"] is None


def test_tfjs_in_node_loads_a_converted_graph_model_and_checks_outputs(cells):
    cell = cells[("2.16", "tfjs4.22", "module_signature", "tfjs_graph")]
    assert cell["loader"] == "tf.loadGraphModel (TF.js)"
    assert cell["status"] == "PASS", cell
    assert cell["max_abs_error"] < 1e-4


def test_a_keras3_layers_model_fails_in_tfjs_with_its_real_message(cells):
    cell = cells[("2.16", "tfjs4.22", "keras_sequential", "tfjs_layers")]
    assert cell["status"] == "ERROR", cell
    assert cell["error_category"] == "tfjs_layer_config"
    assert "An InputLayer should be passed either a `batchInputShape`" in cell["message"]


def test_no_tensorflowjs_version_of_the_catalog_is_claimed_beside_215_unless_measured(cells):
    cell = cells[("2.15", "tfjs4.22", "module_signature", "tfjs_graph")]
    # either converted for real (and then loaded), or said not to be written: never invented
    assert cell["status"] in ("PASS", "NOT_APPLICABLE", "SAVE_FAILED"), cell
    if cell["status"] == "NOT_APPLICABLE":
        assert "no tensorflowjs version of the catalog" in cell["message"]


def test_a_runtime_never_produces_and_only_reads_its_blocks_formats(cells):
    assert not [k for k in cells if k[0] in ("litert2.3", "tfjs4.22")]
    assert not [k for k in cells if k[1] == "litert2.3" and k[3] != "tflite"]
    assert not [k for k in cells if k[1] in ("2.15", "2.16") and k[3].startswith("tfjs")]


def test_check_loads_a_users_tflite_in_tensorflow_and_in_litert():
    """`check` on a .tflite: TF 2.15's interpreter (which links the Flex delegate) runs the
    select-ops file, LiteRT refuses it with its real message; the plain file runs in both."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    data = Path(__file__).with_name("data")

    def check(name):
        out = subprocess.run([sys.executable, "-m", "matrix", "check", str(data / name), "--tf",
                              "2.15", "litert2.3", "--json"], capture_output=True, text=True,
                             timeout=900)  # fmt: skip
        assert out.returncode == 0, out.stderr
        found = json.loads(out.stdout)["results"]
        return {r["environment"]: r for r in found if r["how"] == "measured"}

    plain = check("module_signature-tf2.16.tflite")
    assert plain["2.15"]["status"] == plain["litert2.3"]["status"] == "PASS", plain
    select = check("tflite_select_tf_ops-tf2.15.tflite")
    assert select["2.15"]["status"] == "PASS", select
    assert select["litert2.3"]["category"] == "tflite_flex_missing", select
