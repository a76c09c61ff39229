"""Runtimes, converters and derived formats, planned without TensorFlow (issue: converters and
edge runtimes): which environments cross which formats, what a converter keys, what the guest
and host say of a runtime."""

from pathlib import Path

import pytest

from matrix.catalog import load_catalog
from matrix.catalog.availability import facts_of
from matrix.catalog.fixtures import Fixture, load_fixtures
from matrix.catalog.releases import Converter
from matrix.plan.cells import choose_converter, plan_artifacts

TF216 = facts_of({"tensorflow": "2.16.2", "keras": "3.15.1", "packages": {}})
TF215 = facts_of({"tensorflow": "2.15.1", "keras": "2.15.0", "packages": {}})
TJS = Converter("tensorflowjs", "4.22.0", ("tensorflow>=2.16",), ("tensorflowjs==4.22.0",))
OLD_TJS = Converter("tensorflowjs", "3.19.0", ("tensorflow<2.12",), ("tensorflowjs==3.19.0",))


def test_a_converter_format_is_added_to_every_fixture_saved_in_its_source():
    by_name = {f.name: f for f in load_fixtures()}
    saved = [f for f in by_name.values() if "saved_model" in f.formats and f.kind != "graph"]
    assert saved and all("tflite" in f.formats and "tfjs_graph" in f.formats for f in saved)
    assert all("tfjs_layers" in f.formats for f in by_name.values() if "keras_h5" in f.formats)
    assert "tflite" not in by_name["tf1_builder_assets"].formats  # no SavedModel, no TFLite
    # the fixtures made for TFLite keep their SavedModel for other converters
    assert "tflite_source" in by_name["tflite_gelu_batch_matmul"].formats


def test_the_converter_is_chosen_by_the_producers_tf_and_keys_its_artifacts():
    fx = Fixture("m", Path("/x/m.py"), "module", ("saved_model", "tfjs_graph"), "d", "sha")
    assert choose_converter("tensorflowjs", TF216, (TJS, OLD_TJS)) == TJS
    assert choose_converter("tensorflowjs", TF215, (TJS, OLD_TJS)) is None
    (plan,) = [p for p in plan_artifacts("env", TF216, [fx], converters=(TJS,))
               if p.format.name == "tfjs_graph"]  # fmt: skip
    assert plan.converter == TJS and plan.not_applicable is None
    newer = Converter("tensorflowjs", "4.23.0", TJS.requires, ("tensorflowjs==4.23.0",))
    (again,) = [p for p in plan_artifacts("env", TF216, [fx], converters=(newer,))
                if p.format.name == "tfjs_graph"]  # fmt: skip
    assert again.produce_key != plan.produce_key  # another converter writes it again
    (none,) = [p for p in plan_artifacts("env", TF215, [fx], converters=(TJS,))
               if p.format.name == "tfjs_graph"]  # fmt: skip
    assert "no tensorflowjs version of the catalog converts beside" in none.not_applicable
    plain = [p for p in plan_artifacts("env", TF216, [fx], converters=(TJS,))
             if p.format.name == "saved_model"]  # fmt: skip
    assert plain[0].converter is None


def test_exclusive_blocks_cross_their_formats_only_there_and_only_into_their_kinds():
    cat = load_catalog()
    r = cat.by_minor()
    # TFLite: every release and the standalone runtimes, not the Keras variants
    assert cat.crosses(r["2.9"], r["litert2.3"], "keras_sequential", "tflite")
    assert cat.crosses(r["2.9"], r["2.15"], "keras_sequential", "tflite")
    assert not cat.crosses(r["2.16"], r["2.16+keras3.0"], "keras_sequential", "tflite")
    assert not cat.produces(r["2.16+keras3.0"], "keras_sequential", "tflite")
    # TF.js: the releases convert, only TF.js loads; a TF.js runtime loads no SavedModel
    assert cat.produces(r["2.16"], "keras_sequential", "tfjs_layers")
    assert cat.crosses(r["2.16"], r["tfjs4.22"], "keras_sequential", "tfjs_layers")
    assert not cat.crosses(r["2.16"], r["2.15"], "keras_sequential", "tfjs_layers")
    assert not cat.crosses(r["2.16"], r["tfjs4.22"], "keras_sequential", "saved_model")
    assert not cat.crosses(r["2.16"], r["litert2.3"], "keras_sequential", "saved_model")
    # the converter of one TF on another's SavedModel: releases only
    assert cat.crosses(r["2.9"], r["2.21"], "tflite_gelu_batch_matmul", "tflite_source")
    assert not cat.crosses(r["2.9"], r["litert2.3"], "tflite_gelu_batch_matmul", "tflite_source")
    # the other blocks are as they were
    assert cat.crosses(r["2.16"], r["2.16+keras3.0"], "keras_sequential", "keras_v3")


def test_every_converter_entry_is_installable_data_with_evidence():
    cat = load_catalog()
    assert cat.converters
    for c in cat.converters:
        assert any(p.startswith(f"{c.name}=={c.version}") for p in c.packages), c
        assert c.requires and c.evidence and "2026-" in c.evidence, c


def test_a_tfjs_environment_has_its_npm_packages_and_node_as_facts():
    facts = facts_of({"tensorflow": None, "node": "20.20.2",
                      "npm": {"@tensorflow/tfjs": "4.22.0", "@tensorflow/tfjs-core": "4.22.0"},
                      "packages": {"numpy": "1.26.4"}})  # fmt: skip
    assert str(facts["tfjs"]) == "4.22.0" and str(facts["node"]) == "20.20.2"
    assert "tensorflow" not in facts


def test_an_old_runtime_names_an_op_by_its_code_and_the_file_says_which():
    from matrix.guest.consume import _op_named

    manifest = {"tflite_ops": [{"op": "BATCH_MATMUL", "code": 126, "version": 4},
                               {"op": "GELU", "code": 150, "version": 1}]}  # fmt: skip
    info = {"error_category": "tflite_op_version", "error_detail": "builtin_code 150"}
    assert _op_named(info, manifest) == "GELU v1 (code 150)"
    assert _op_named(info, {}) == "builtin_code 150"  # a file that did not say: as it was
    placeholder = dict(info, error_detail="builtin_code 127")  # TF 2.3's interpreter
    assert _op_named(placeholder, manifest) == "code 127: GELU v1 (code 150)"
    assert _op_named({"error_category": "other", "error_detail": "x"}, manifest) == "x"


def test_a_native_abort_keeps_its_own_last_words(tmp_path):
    from matrix.run.supervisor import _tail

    log = tmp_path / "w.log"
    log.write_text("W0000 converter warning\nloc(...): error: missing attribute 'value'\n"
                   "LLVM ERROR: Failed to infer result type(s).\nFatal Python error: Aborted\n\n"
                   "Current thread 0x1 (most recent call first):\n")  # fmt: skip
    assert _tail(log) == "LLVM ERROR: Failed to infer result type(s). | Fatal Python error: Aborted"


@pytest.mark.parametrize("args,words", [
    (["--formats", "tflite_nonesuch"], "unknown format tflite_nonesuch"),
    (["--fixtures", "tf1_builder_assets", "--formats", "tflite"], "no fixture is saved as tflite"),
])  # fmt: skip
def test_a_bad_format_selection_is_one_line(args, words):
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-m", "matrix", "run", "--no-report", *args],
                         capture_output=True, text=True, timeout=300)  # fmt: skip
    assert out.returncode == 2 and words in out.stderr, out.stderr
    assert out.stderr.count("\n") == 1
