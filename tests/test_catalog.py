import pytest
from packaging.requirements import Requirement
from packaging.version import Version

from matrix.catalog import UnknownVersion, load_catalog
from matrix.catalog.order import minor_key


def test_one_entry_per_minor_from_1_15_to_newest():
    cat = load_catalog()
    minors = [r.minor for r in cat.releases if not r.is_nightly and r.kind == "release"]
    assert minors[0] == "1.15"
    assert len(minors) == len(set(minors))
    versions = [Version(m) for m in minors]
    assert versions == sorted(versions)
    # every 2.x minor in between is present
    twos = [v.minor for v in versions if v.major == 2]
    assert twos == list(range(twos[0], twos[-1] + 1))


def test_entries_are_valid_requirements_and_pythons():
    for r in load_catalog().releases:
        Requirement(r.requirement)
        for pin in r.pins + r.no_deps:
            Requirement(pin)
        assert Version(r.python) >= Version("3.7")


def test_selection_by_minor_exact_version_and_default():
    cat = load_catalog()
    assert [r.minor for r in cat.select(["2.12.1", "tf-1.15"])] == ["1.15", "2.12"]
    default = cat.select(None)
    assert "nightly" not in [r.minor for r in default]
    assert [r.minor for r in cat.select(["nightly"])] == ["nightly"]
    assert len(cat.select(["all"])) == len(cat.releases)
    with pytest.raises(UnknownVersion, match="not in the catalog"):
        cat.select(["3.99"])
    with pytest.raises(UnknownVersion, match="'foo'"):
        cat.select(["foo"])


def test_keras3_releases_bring_tf_keras_without_deps():
    for r in load_catalog().releases:
        if r.kind != "runtime" and not r.is_nightly and Version(r.version) >= Version("2.16"):
            assert any(p.startswith("tf-keras==") for p in r.no_deps), r.version


def test_import_failures_are_summarised_by_their_exception_line():
    from matrix.run.envs import _last_line

    protobuf = (
        'Traceback (most recent call last):\n  File "x.py", line 1, in <module>\n'
        "TypeError: Descriptors cannot be created directly.\n"
        "If this call came from a _pb2.py file, your generated code is out of date.\n"
        "More information: https://developers.google.com/protocol-buffers/docs/news/"
    )
    assert _last_line(protobuf) == "TypeError: Descriptors cannot be created directly."
    uv = (
        "  × No solution found when resolving dependencies:\n  ╰─▶ Because there is no\n"
        "      version of tensorflow-cpu==2.99.0, we can conclude that it is unsatisfiable."
    )
    assert "tensorflow-cpu==2.99.0" in _last_line(uv)


def test_runtimes_only_load_what_their_blocks_name_and_say_what_installing_them_showed():
    cat = load_catalog()
    runtimes = [r for r in cat.releases if r.kind == "runtime"]
    assert {r.runtime for r in runtimes} == {"litert", "tflite-runtime", "tfjs"}
    producers = [r for r in cat.releases if r.kind == "release"]
    for r in runtimes:
        assert r.evidence and "2026-" in r.evidence, r.minor
        assert r.minor == f"{r.runtime}{Version(r.version).major}.{Version(r.version).minor}"
        assert ("TFMATRIX_RUNTIME", r.runtime) in r.env  # the guest imports no TensorFlow
        assert all(cat.block(b).formats for b in r.blocks), r.minor  # never every format
        assert cat.peers(r, runtimes) == [] and not cat.produces(r, "keras_sequential", "tflite")
        assert cat.peers(r, producers)  # it loads what the releases save
    assert minor_key("nightly") < minor_key("litert1.0") < minor_key("litert2.3")
    assert minor_key("tflite-runtime2.9") < minor_key("tflite-runtime2.14")


def test_every_variant_says_what_installing_it_showed_and_joins_a_block():
    cat = load_catalog()
    variants = [r for r in cat.releases if r.variant]
    for r in variants:
        assert r.evidence and "2026-" in r.evidence, r.minor  # dated evidence, from a real install
        assert r.blocks and all(cat.block(b) for b in r.blocks), r.minor
        assert r.minor == f"{r.base_minor}+{r.variant}"
    for block in cat.blocks:
        members = [r for r in cat.releases if block.name in r.blocks]
        assert members, block.name
