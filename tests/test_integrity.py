"""An artifact whose files changed after it was written is never loaded (no TensorFlow here)."""

import json

from matrix.catalog import TFRelease
from matrix.catalog.fixtures import Fixture
from matrix.guest import protocol
from matrix.store.artifacts import list_artifacts, reusable
from matrix.store.integrity import damage, file_hashes
from matrix.store.layout import Home


def write_artifact(home, release, fx, fmt):
    d = home.artifact_dir(release.name, fx.name, fmt)
    (d / "artifact" / "saved_model" / "variables").mkdir(parents=True)
    (d / "artifact" / "saved_model" / "saved_model.pb").write_bytes(b"x" * 1000)
    (d / "artifact" / "saved_model" / "variables" / "v.data").write_bytes(b"y" * 100)
    task = {"fixture": fx.name, "format": fmt, "produce_key": "k", "producer": {"minor": "2.15"}}
    manifest = protocol.new_manifest(task, {}, protocol.Status.OK)
    manifest["files"] = file_hashes(d / "artifact")
    protocol.seal_manifest(manifest, protocol.files_digest(manifest["files"]))
    (d / "manifest.json").write_text(json.dumps(manifest))
    return d, manifest


def test_a_truncated_file_is_found_and_the_artifact_left_out(tmp_path):
    home = Home(tmp_path).ensure()
    release = TFRelease(version="2.15.1", python="3.11", package="tensorflow-cpu")
    fx = Fixture("fx", tmp_path / "fx.py", "module", ("saved_model",), "doc", "sha")
    d, manifest = write_artifact(home, release, fx, "saved_model")
    assert damage(d, manifest) is None
    assert len(list_artifacts(home, [release], [fx], broken=[])) == 1
    pb = d / "artifact" / "saved_model" / "saved_model.pb"
    pb.write_bytes(pb.read_bytes()[:300])
    assert damage(d, manifest) == "changed: saved_model/saved_model.pb"
    broken = []
    assert list_artifacts(home, [release], [fx], broken=broken) == []
    assert broken == [{"producer": "2.15", "fixture": "fx", "format": "saved_model",
                       "damage": "changed: saved_model/saved_model.pb"}]  # fmt: skip
    (d / "artifact" / "saved_model" / "variables" / "v.data").unlink()
    assert "missing: saved_model/variables/v.data" in damage(d, manifest)
    # and a producer does not keep it: it is written again
    assert not reusable(d / "manifest.json", manifest.get("produce_key"), 180)


def test_an_artifact_of_another_schema_or_shape_is_produced_again_not_loaded(tmp_path):
    home = Home(tmp_path).ensure()
    release = TFRelease(version="2.15.1", python="3.11", package="tensorflow-cpu")
    fx = Fixture("fx", tmp_path / "fx.py", "module", ("saved_model",), "doc", "sha")
    d, manifest = write_artifact(home, release, fx, "saved_model")
    for change in ({"schema": protocol.SCHEMA_VERSION - 1}, {"files": None}, {"status": "PASS"}):
        (d / "manifest.json").write_text(json.dumps(dict(manifest, **change)))
        assert list_artifacts(home, [release], [fx]) == [], change
