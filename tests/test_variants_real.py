"""A real run beyond one environment per minor: TF 2.16 beside its Keras-3.0 variant and its
tensorflow-text variant (the environments of the catalog, installed with uv on first use)."""

import pytest

from matrix.catalog.fixtures import load_fixtures
from matrix.run import driver
from matrix.store import results

pytestmark = pytest.mark.tf

NAMES = ["2.16", "2.16+keras3.0", "2.16+text"]
FIXTURES = ["keras_sequential", "text_whitespace_tokenizer"]


@pytest.fixture(scope="module")
def run(catalog, home):
    releases = catalog.select(NAMES)
    fixtures = [f for f in load_fixtures() if f.name in FIXTURES]
    result = driver.run_matrix(releases, catalog, home, jobs=2, log=print, fixtures=fixtures)
    assert [s.unavailable for s in result.produced + result.consumed] == [None] * 6
    by = {}
    for r in results.read_results(home):
        if r["producer"] in NAMES and r["consumer"] in NAMES:
            by[(r["producer"], r["consumer"], r["fixture"], r["format"], r["loader"])] = r
    return by


def test_a_keras_variant_is_an_environment_and_cells_of_its_own(run):
    mine = [r for k, r in run.items() if k[1] == "2.16+keras3.0"]
    assert mine and {r["consumer_keras"] for r in mine} == {"3.0.5"}
    base = run[("2.16", "2.16", "keras_sequential", "keras_v3", "keras.load_model")]
    variant = run[("2.16", "2.16+keras3.0", "keras_sequential", "keras_v3", "keras.load_model")]
    assert base["consumer_keras"] == "3.15.1" and base["key"] != variant["key"]
    assert base["status"] == "PASS"
    # what Keras 3.0 makes of a .keras file written by Keras 3.15, and the other way round:
    # recorded either way, with the real message when it fails
    back = run[("2.16+keras3.0", "2.16", "keras_sequential", "keras_v3", "keras.load_model")]
    for cell in (variant, back):
        assert cell["status"] in ("PASS", "ERROR", "MISMATCH"), cell
        assert cell["status"] == "PASS" or cell["message"]


def test_an_add_on_op_loads_with_the_add_on_and_is_named_without_it(run):
    key = ("2.16+text", "2.16+text", "text_whitespace_tokenizer", "saved_model")
    assert run[(*key, "tf.saved_model.load")]["status"] == "PASS"
    without = run[("2.16+text", "2.16", "text_whitespace_tokenizer", "saved_model",
                   "tf.saved_model.load")]  # fmt: skip
    assert without["status"] == "ERROR"
    assert without["error_category"] == "addon_op_missing"
    assert without["error_detail"].endswith("WhitespaceTokenizeWithOffsetsV2")
    # where the add-on is missing the fixture cannot be built: not a failed save
    built_without = run[("2.16", "2.16", "text_whitespace_tokenizer", "saved_model",
                         "tf.saved_model.load")]  # fmt: skip
    assert built_without["status"] == "NOT_APPLICABLE"


def test_environments_meet_only_in_the_blocks_they_share(run):
    # the Keras variant is not in the text block, the text variant not in the Keras one
    assert not [k for k in run if {k[0], k[1]} == {"2.16+keras3.0", "2.16+text"}]
    assert not [k for k in run if "2.16+text" in k[:2] and k[2] != "text_whitespace_tokenizer"]


def test_a_load_its_packages_do_not_change_is_computed_once_for_base_and_variant(run):
    # the Keras variant's TensorFlow loaders see what 2.16's see (another Keras only): the
    # base's load answers them, except the sample, loaded again here and agreeing
    tf_side = ("tf.saved_model.load", "tf.saved_model.load()(x)", "tf1.Session",
               "saved_model_cli run")  # fmt: skip
    mine = [r for k, r in run.items() if k[0] == "2.16" and k[1] == "2.16+keras3.0"
            and r["status"] not in ("NOT_APPLICABLE", "SAVE_FAILED")]  # fmt: skip
    shared = [r for r in mine if r["loader"] in tf_side]
    assert shared and all(
        r.get("computed_in") == "2.16" or r.get("share_check") == "agree" for r in shared
    ), [(r["format"], r["loader"], r.get("computed_in"), r.get("share_check")) for r in shared]
    for r in shared:
        base = run[("2.16", "2.16", r["fixture"], r["format"], r["loader"])]
        assert (base["status"], base["error_category"]) == (r["status"], r["error_category"])
    # what Keras reads is this Keras's own: computed here
    keras_side = [r for r in mine if r["loader"].startswith("keras.")]
    assert keras_side and not any(r.get("computed_in") for r in keras_side)
