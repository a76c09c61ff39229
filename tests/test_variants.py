"""Environments beyond one per TensorFlow minor: variants (another Keras, an add-on) and the
blocks that decide which rows and columns are crossed, for which formats."""

from functools import partial

import pytest

from matrix.catalog import MAIN_BLOCK, UnknownVersion, load_catalog
from matrix.catalog.availability import facts_of
from matrix.plan.cells import plan_artifacts
from matrix.run.envs import env_id_for, lock_path
from tests.test_plan import fixture

CATALOG = """
[settings]
exclude_newer = "2026-11-16T00:00:00Z"

[blocks.keras]
doc = "every Keras 3 minor on one TensorFlow"
formats = ["keras_v3", "keras_h5"]

[blocks.text]
doc = "the add-on fixture, with and without the add-on"
fixtures = ["text_tok"]
members = ["2.18"]

[[tf]]
version = "2.18.1"
python = "3.12"
package = "tensorflow-cpu"
no_deps = ["tf-keras==2.18.0"]

[[tf]]
version = "2.9.3"
python = "3.10"
package = "tensorflow-cpu"
pins = ["protobuf<=3.20"]

[[variant]]
base = "2.18"
name = "keras3.6"
kind = "keras"
pins = ["keras==3.6.0"]
default = true
evidence = "installed and imported with keras 3.6.0 beside tensorflow-cpu 2.18.1"

[[variant]]
base = "2.18"
name = "text"
kind = "addon"
package = "tensorflow"
no_deps = ["tensorflow-text==2.18.1"]
blocks = ["text"]
imports = ["tensorflow_text"]

[[variant]]
base = "2.18"
name = "keras3.10"
kind = "keras"
pins = ["keras==3.10.0"]
blocks = ["keras"]
"""


@pytest.fixture
def catalog(tmp_path):
    path = tmp_path / "versions.toml"
    path.write_text(CATALOG)
    return load_catalog(path)


def test_a_variant_is_its_own_environment_named_after_its_base(catalog):
    names = [r.minor for r in catalog.releases]
    assert names == ["2.9", "2.18", "2.18+keras3.6", "2.18+keras3.10", "2.18+text"]
    k36 = catalog.by_minor()["2.18+keras3.6"]
    assert (k36.version, k36.python, k36.base_minor, k36.name) == (
        "2.18.1", "3.12", "2.18", "tf-2.18+keras3.6")  # fmt: skip
    assert k36.pins == ("keras==3.6.0",) and k36.no_deps == ("tf-keras==2.18.0",)
    text = catalog.by_minor()["2.18+text"]
    assert text.package == "tensorflow" and text.no_deps == ("tf-keras==2.18.0",
                                                             "tensorflow-text==2.18.1")  # fmt: skip
    assert k36.evidence.startswith("installed and imported")
    assert text.imports == ("tensorflow_text",) and k36.imports == ()


def test_variants_are_selected_by_name_and_only_by_default_when_they_say_so(catalog):
    assert [r.minor for r in catalog.select(None)] == ["2.9", "2.18", "2.18+keras3.6"]
    assert [r.minor for r in catalog.select(["2.18+text", "2.9"])] == ["2.9", "2.18+text"]
    assert [r.minor for r in catalog.select(["2.18.1"])] == ["2.18"]  # the base, not a variant
    with pytest.raises(UnknownVersion, match="2.18\\+keras9"):
        catalog.select(["2.18+keras9"])


def test_a_variant_is_locked_and_keyed_apart_from_its_base(catalog):
    base, variant = catalog.by_minor()["2.18"], catalog.by_minor()["2.18+keras3.6"]
    assert lock_path(base) != lock_path(variant)
    base_id = env_id_for(base, "tensorflow-cpu==2.18.1\nkeras==3.15.1\n")
    variant_id = env_id_for(variant, "tensorflow-cpu==2.18.1\nkeras==3.6.0\n")
    assert base_id != variant_id
    fx = [fixture("keras_sequential", "keras", ("keras_v3",))]
    [a], [b] = (
        plan_artifacts(i, facts_of({"tensorflow": "2.18.1", "keras": "3.6.0"}), fx)
        for i in (base_id, variant_id)
    )
    assert a.produce_key != b.produce_key


def test_blocks_decide_which_environments_meet_and_for_which_formats(catalog):
    by = catalog.by_minor()
    main, k36, k310 = by["2.18"], by["2.18+keras3.6"], by["2.18+keras3.10"]
    assert main.blocks == (MAIN_BLOCK, "text") and k310.blocks == ("keras",)
    assert catalog.crosses(main, k36, "fx", "saved_model")  # the main block: everything
    assert not catalog.crosses(main, k310, "fx", "keras_v3")  # never crossed
    assert catalog.crosses(k310, k310, "fx", "keras_v3")
    assert not catalog.crosses(k310, k310, "fx", "saved_model")  # not a format of the block
    assert catalog.produces(k310, "fx", "keras_h5") and not catalog.produces(k310, "fx", "tf1")
    assert [r.minor for r in catalog.peers(k310, catalog.releases)] == ["2.18+keras3.10"]
    assert "2.18+keras3.10" not in [r.minor for r in catalog.peers(main, catalog.releases)]
    fx = [fixture("keras_sequential", "keras", ("keras_v3", "saved_model"))]
    wanted = partial(catalog.produces, k310)
    planned = plan_artifacts(
        "id", facts_of({"tensorflow": "2.18.1", "keras": "3.10.0"}), fx, wanted
    )
    assert [p.format.name for p in planned] == ["keras_v3"]


def test_a_block_can_cover_one_fixture_with_and_without_the_add_on(catalog):
    by = catalog.by_minor()
    text, base = by["2.18+text"], by["2.18"]
    assert base.blocks == (MAIN_BLOCK, "text")  # a member named by the block
    assert catalog.crosses(text, base, "text_tok", "saved_model")  # without the add-on
    assert catalog.crosses(text, text, "text_tok", "saved_model")  # with it
    assert not catalog.crosses(text, base, "keras_sequential", "saved_model")
    assert catalog.crosses(base, base, "keras_sequential", "saved_model")  # main, as before
    assert [r.minor for r in catalog.peers(text, catalog.releases)] == ["2.18", "2.18+text"]


def test_version_ranges_read_across_variants_of_the_other_kind():
    from matrix.catalog.names import ranges

    order = ["2.15", "2.16", "2.16+keras3.0", "2.16+text", "2.17", "2.17+keras3.4", "2.18"]
    assert ranges({"2.15", "2.16", "2.17", "2.18"}, order) == "2.15–2.18"
    assert ranges({"2.16+keras3.0", "2.17+keras3.4"}, order) == "2.16+keras3.0–2.17+keras3.4"
    assert ranges({"2.16+keras3.0", "2.16+text"}, order) == "2.16+keras3.0, 2.16+text"
    # a mixed set: each kind on its own, releases first
    assert ranges({"2.16", "2.17", "2.16+text", "2.18"}, order) == "2.16–2.18, 2.16+text"
    assert ranges({"2.15", "2.17"}, order) == "2.15, 2.17"  # 2.16 is missing, not a variant
