"""Which environments a loader cannot tell apart (plan/sharing.py), on the committed locks."""

import re

from matrix.catalog import load_catalog
from matrix.catalog.registry import loader
from matrix.plan.sharing import dependency_graph, pinned, reachable, sampled, seen_by
from matrix.store.layout import PROJECT_ROOT

LOCKS = PROJECT_ROOT / "matrix" / "catalog" / "locks"


def lock(name):
    return (LOCKS / f"{name}.txt").read_text()


def installed(text, extra=None):
    return {**pinned(text), **(extra or {})}


def seen(name, loader_name, python="3.12.1", env=(), extra=None):
    catalog = load_catalog()
    release = catalog.select([name])[0]
    text = lock(release.name)
    return seen_by(python=python, packages=installed(text, extra), lock_text=text,
                   runtime=release.package, imports=loader(loader_name).imports,
                   env=env or release.env, sharing=catalog.sharing)  # fmt: skip


def test_the_lock_gives_who_depends_on_whom():
    graph = dependency_graph(lock("tf-2.16+keras3.0"))
    assert graph["keras"] == {"tensorflow-cpu"}
    assert graph["dm-tree"] == {"keras"}
    assert {"keras", "tensorboard", "tensorflow-cpu", "dm-tree"} <= graph["absl-py"]


def test_what_only_keras_needs_is_out_of_sight_of_tensorflow():
    graph = dependency_graph(lock("tf-2.16+keras3.0"))
    tf_side = reachable(["tensorflow-cpu"], graph, hidden={"keras"})
    assert "dm-tree" not in tf_side and "keras" not in tf_side
    assert {"numpy", "h5py", "protobuf", "ml-dtypes"} <= tf_side
    assert "dm-tree" in reachable(["tensorflow-cpu"], graph)


def test_a_keras_variant_looks_like_its_base_to_tensorflows_loaders_only():
    for name in ("tf.saved_model.load", "tf1.Session", "saved_model_cli run"):
        assert seen("2.16", name) == seen("2.16+keras3.0", name), name
    assert seen("2.16", "keras.load_model") != seen("2.16+keras3.0", "keras.load_model")


def test_another_python_a_variable_or_an_undeclared_loader_shares_nothing():
    assert seen("2.16", "tf.saved_model.load") != seen(
        "2.16", "tf.saved_model.load", python="3.12.2"
    )
    assert loader("tf.loadGraphModel (TF.js)").imports is None  # npm packages: not in a lock
    # a variable TensorFlow reads changes what it sees; one only Keras reads does not
    tf_var = seen("2.16", "tf.saved_model.load", env=(("TF_ENABLE_ONEDNN_OPTS", "0"),))
    assert tf_var != seen("2.16", "tf.saved_model.load")
    keras_var = seen("2.16", "tf.saved_model.load", env=(("KERAS_BACKEND", "jax"),))
    assert keras_var == seen("2.16", "tf.saved_model.load")
    assert seen("2.16", "keras.load_model", env=(("KERAS_BACKEND", "jax"),)) != seen(
        "2.16", "keras.load_model"
    )


def test_a_package_installed_beside_the_lock_is_seen_only_by_who_imports_it():
    hub = {"tensorflow-hub": "0.16.1"}
    assert seen("2.16", "tf.saved_model.load", extra=hub) == seen("2.16", "tf.saved_model.load")
    assert seen("2.16", "hub.load", extra=hub) != seen("2.16", "hub.load")


def test_the_sample_is_the_same_cells_every_run_and_about_one_in_n():
    keys = [f"{i:064x}" for i in range(4000)]
    picked = [k for k in keys if sampled(k, "2.16+keras3.0", 20)]
    assert picked == [k for k in keys if sampled(k, "2.16+keras3.0", 20)]
    assert 120 < len(picked) < 290
    assert not any(sampled(k, "x", 0) for k in keys)


def test_imports_is_no_part_of_a_loaders_key_so_its_published_cells_stay():
    from matrix.catalog import registry

    src = (PROJECT_ROOT / "matrix/guest/loaders/tf1_session.py").read_bytes()
    bare = re.sub(rb"(?m)^IMPORTS = .*\n", b"", src)
    assert bare != src
    assert registry.loader_sha(bare) == registry.loader_sha(src)
    assert registry.loader_sha(bare + b"# a real edit\n") != registry.loader_sha(src)
    assert registry.loader("tf1.Session").sha256 == registry.loader_sha(src)


def test_identities_are_what_the_load_sees_and_an_addon_or_fixture_import_is_seen():
    from matrix.plan.sharing import Identities

    catalog = load_catalog()

    def of(name):
        release = catalog.select([name])[0]
        text = lock(release.name)
        return Identities(python="3.12.1", packages=pinned(text), lock_text=text,
                          runtime=release.package, env=release.env,
                          sharing=catalog.sharing)  # fmt: skip

    base, variant = of("2.16"), of("2.16+keras3.0")
    assert base(()) == variant(()) and base(None) is None
    assert base(("keras", "tf-keras")) != variant(("keras", "tf-keras"))
    # a fixture's code that requires Keras, or an add-on the artifact imports, is seen
    assert base((), requires=("keras>=3",)) != variant((), requires=("keras>=3",))
    assert base((), addons=("tensorflow_text",)) == base(("tensorflow-text",))


def test_a_forced_requirement_keeps_the_lock_cut_off(monkeypatch):
    import subprocess

    from matrix.run import envs

    seen = []

    def fake(cmd, **kw):
        seen.append(cmd)
        return subprocess.CompletedProcess(cmd, 0, stdout="numpy==2.1.3\n", stderr="")

    catalog = load_catalog()
    release = catalog.select(["2.15+numpy2"])[0]
    monkeypatch.setattr(envs.subprocess, "run", fake)
    monkeypatch.setattr(envs, "lock_path", lambda r, h=None: PROJECT_ROOT / ".matrix" / "x.txt")
    monkeypatch.setattr(envs.Path, "write_text", lambda self, text, encoding=None: None)
    monkeypatch.setattr(envs.Path, "mkdir", lambda self, **kw: None)
    envs.compile_lock(release, catalog)
    assert "--override" in seen[0] and "--exclude-newer" in seen[0]
