"""Planning without TensorFlow: availability is decided on the host, from data."""

from pathlib import Path

import pytest
from packaging.version import Version

from matrix.catalog import registry
from matrix.catalog.availability import facts_of, unmet
from matrix.catalog.fixtures import Fixture, read_fixture
from matrix.plan.cells import Artifact, plan_artifacts, plan_cells

KERAS2 = facts_of({"tensorflow": "2.15.1", "keras": "2.15.0", "packages": {"numpy": "1.26.4"}})
KERAS3 = facts_of({"tensorflow": "2.16.2", "keras": "3.15.1",
                   "packages": {"tf-keras": "2.16.0", "tf_keras": "2.16.0"}})  # fmt: skip
OLD = facts_of({"tensorflow": "1.15.5", "keras": "2.2.4-tf", "packages": {}})


def fixture(name="fx", kind="keras", formats=("saved_model", "keras_h5"), requires=(),
            declares=()) -> Fixture:  # fmt: skip
    return Fixture(name, Path(f"/x/{name}.py"), kind, tuple(formats), "doc", "sha-" + name,
                   tuple(requires), None, frozenset(declares))  # fmt: skip


def manifest(fx="fx", fmt="saved_model", kind="keras", status="OK", content="c1", minor="2.15"):
    return {"fixture": fx, "format": fmt, "kind": kind, "status": status,
            "content_sha256": content, "producer": {"minor": minor, "tensorflow": minor},
            "error_category": None if status == "OK" else "crash"}  # fmt: skip


def test_versions_that_are_not_pep440_are_still_facts():
    assert OLD["keras"] == Version("2.2.4")
    nightly = facts_of({"tensorflow": "2.23.0-dev20261026", "keras": "3.16.0.dev2026102704"})
    assert nightly["tensorflow"] == Version("2.23.0.dev20261026")
    assert unmet(("keras>=3",), nightly) is None  # a nightly counts as the release it leads to
    assert "not installed" in unmet(("tf-keras",), KERAS2)
    assert "keras 2.15.0" in unmet(("keras>=3",), KERAS2)


def test_a_format_the_producer_lacks_is_not_applicable_before_any_worker():
    fx = fixture(formats=("keras_v3", "keras_saved_model", "keras_h5"))
    old = {p.format.name: p.not_applicable for p in plan_artifacts("env", OLD, [fx])}
    new = {p.format.name: p.not_applicable for p in plan_artifacts("env", KERAS3, [fx])}
    assert "needs keras>=2.12" in old["keras_v3"] and old["keras_h5"] is None
    assert old["keras_saved_model"] is None
    assert new["keras_v3"] is None and "needs keras<3" in new["keras_saved_model"]


def test_a_fixture_states_the_oldest_tf_it_can_be_built_in():
    fx = fixture(requires=("tensorflow>=2.6",))
    assert "cannot be built" in plan_artifacts("env", OLD, [fx])[0].not_applicable
    assert plan_artifacts("env", KERAS2, [fx])[0].not_applicable is None


def test_artifact_keys_follow_env_fixture_and_format():
    a = plan_artifacts("env-a", KERAS2, [fixture()])
    b = plan_artifacts("env-b", KERAS2, [fixture()])
    assert len({p.produce_key for p in a + b}) == 4


def cells_of(facts, manifests, fixtures=None, env="consumer"):
    fixtures = fixtures or (fixture(),)
    arts = [Artifact(Path(f"/a/{i}"), m) for i, m in enumerate(manifests)]
    return plan_cells(env, facts, arts, registry.loaders(False), {f.name: f for f in fixtures})


def test_absent_loaders_are_not_applicable_and_irrelevant_ones_are_no_cells():
    k2 = {c.loader.name: c.outcome for c in cells_of(KERAS2, [manifest()])}
    k3 = {c.loader.name: c.outcome for c in cells_of(KERAS3, [manifest()])}
    assert k2["tf_keras.load_model"]["status"] == "NOT_APPLICABLE"
    assert k2["keras.layers.TFSMLayer"]["status"] == "NOT_APPLICABLE"
    assert k3["tf_keras.load_model"] is None and k3["keras.layers.TFSMLayer"] is None
    assert k2["tf.saved_model.load"] is None and k2["keras.load_model"] is None
    # nobody restores a SavedModel with load_weights, nor an .h5 with tf.saved_model.load
    assert "keras.load_weights" not in k2
    h5 = {c.loader.name for c in cells_of(KERAS2, [manifest(fmt="keras_h5")])}
    assert h5 == {"keras.load_model", "tf_keras.load_model"}
    ckpt = {c.loader.name for c in cells_of(KERAS2, [manifest(fmt="tf_checkpoint")])}
    assert ckpt == {"keras.load_weights", "tf.train.Checkpoint.read"}


def test_custom_object_loaders_apply_only_to_fixtures_with_custom_objects():
    plain = {c.loader.name for c in cells_of(KERAS2, [manifest()])}
    custom = fixture(declares=("KIND", "FORMATS", "CUSTOM_OBJECTS"))
    with_code = {c.loader.name for c in cells_of(KERAS2, [manifest()], (custom,))}
    assert with_code - plain == {"keras.load_model(custom_objects)"}


def test_failed_and_not_applicable_saves_need_no_worker():
    failed = cells_of(KERAS2, [manifest(status="SAVE_FAILED")])
    assert {c.outcome["status"] for c in failed} == {"SAVE_FAILED", "NOT_APPLICABLE"}
    absent = cells_of(KERAS2, [manifest(status="NOT_APPLICABLE")])
    assert {c.outcome["status"] for c in absent} == {"NOT_APPLICABLE"}


def test_byte_identical_artifacts_share_a_load_but_not_a_cell():
    two = cells_of(KERAS3, [manifest(minor="2.17"), manifest(minor="2.18")])
    by_loader = {}
    for c in two:
        by_loader.setdefault(c.loader.name, []).append(c)
    for pair in by_loader.values():
        assert pair[0].load_key == pair[1].load_key and pair[0].key != pair[1].key
    other = cells_of(KERAS3, [manifest(content="c2")])
    assert not {c.load_key for c in other} & {c.load_key for c in two}


def test_every_module_declares_what_the_host_needs():
    fmts, loaders = registry.formats(), registry.loaders(True)
    containers = {f.container for f in fmts.values()}
    assert len(fmts) >= 8 and len(loaders) >= 10
    for spec in loaders.values():
        assert set(spec.containers) <= containers, spec
        for text in spec.requires:
            unmet((text,), KERAS2)  # parses
    assert registry.loaders(False).keys() < loaders.keys()  # faults only when asked for


def test_every_fixture_is_declared_with_known_formats():
    from matrix.catalog.fixtures import FIXTURES_DIR

    for path in sorted(FIXTURES_DIR.glob("*.py")):
        fx = read_fixture(path)
        assert fx.doc, path
        assert fx.formats, path


def test_an_unknown_format_in_a_fixture_is_an_error(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text('"""Bad."""\nKIND = "keras"\nFORMATS = ("onnx",)\n')
    with pytest.raises(ValueError, match="unknown formats"):
        read_fixture(bad)


def test_loaders_that_run_the_fixtures_code_need_what_the_fixture_needs():
    new = fixture(requires=("tensorflow>=2.6",), formats=("keras_weights",))
    art = [manifest(fmt="keras_weights")]
    old = {c.loader.name: c.outcome for c in cells_of(OLD, art, (new,))}
    assert old["keras.load_weights"]["status"] == "NOT_APPLICABLE"
    assert "tensorflow>=2.6" in old["keras.load_weights"]["message"]
    assert {c.loader.name: c.outcome for c in cells_of(KERAS2, art, (new,))} == {
        "keras.load_weights": None
    }
