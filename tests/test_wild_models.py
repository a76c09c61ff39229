"""Loaders against real SavedModels written by other projects with TF 1.0 to 2.14.

The corpus lives beside the project (../shared/wild-savedmodels); the test skips without it.
Each model computes a known function, so a PASS here means real outputs were checked.
"""

import json
import os
import shutil
from pathlib import Path

import pytest

from matrix.catalog import load_catalog, registry
from matrix.guest import protocol
from matrix.run.envs import ensure_env
from matrix.run.supervisor import run_tasks
from matrix.store.layout import PROJECT_ROOT, Home

pytestmark = pytest.mark.tf

# (model directory, input, expected output), from the corpus README
MODELS = [
    ("saved_model_half_plus_two_cpu/00000123", [[1.0], [2.0], [6.0]], [[2.5], [3.0], [5.0]]),
    ("saved_model_half_plus_three/00000123", [[1.0], [2.0]], [[3.5], [4.0]]),
    ("saved_model_half_plus_two_mlmd/00000123", [[4.0]], [[4.0]]),
    ("saved_model_half_plus_two_tf2_cpu/00000123", [4.0], [4.0]),
]


# A TF 1.0 graph imported whole by the TF2 loader: its ParseExample node (from the
# classify/regress signatures) fails shape inference in today's TF. TF1 sessions load it.
EXPECTED_ERRORS = {("saved_model_half_plus_three/00000123", "tf.saved_model.load"): "Shape must be"}


def array(name, rows):
    nested = isinstance(rows[0], list)
    data = [v for row in rows for v in (row if nested else [row])]
    shape = [len(rows), 1] if nested else [len(rows)]
    return {"name": name, "dtype": "float32", "shape": shape, "data": data}


def wild_artifact(tmp_path, wild_dir, name, x, y):
    """A manifest around a foreign model, as the consumer expects one."""
    d = tmp_path / name.replace("/", "_")
    shutil.copytree(wild_dir / name, d / protocol.ARTIFACT_SUBDIR / "model")
    manifest = {
        "schema": protocol.SCHEMA_VERSION, "fixture": name, "format": "saved_model",
        "kind": "module", "status": "OK", "entry": "model",
        "inputs": [array("x", x)], "outputs": [array("y", y)],
    }  # fmt: skip
    (d / protocol.MANIFEST_NAME).write_text(json.dumps(manifest))
    return d


@pytest.mark.parametrize("minor", ["2.15", "2.16"])
def test_models_from_the_wild_load_and_compute_correctly(wild_dir, tmp_path, minor):
    envs = os.environ.get("TFMATRIX_ENVS") or str(PROJECT_ROOT / ".matrix" / "envs")
    home = Home(tmp_path / "home", envs_root=Path(envs)).ensure()
    catalog = load_catalog()
    env = ensure_env(catalog.select([minor])[0], catalog, home)
    tasks, names = [], {}
    for name, x, y in MODELS:
        artifact = wild_artifact(tmp_path, wild_dir, name, x, y)
        for loader in ("tf.saved_model.load", "tf1.Session"):
            names[len(tasks)] = (name, loader)
            tasks.append({"op": "consume", "id": len(tasks), "loader": loader,
                          "loader_module": registry.loader(loader).module,
                          "artifact_dir": str(artifact)})  # fmt: skip
    answers = {}
    run_tasks(env, tasks, lambda t, a: answers.__setitem__(names[t["id"]], a), timeout=120,
              log_path=home.logs / "wild.log")  # fmt: skip
    for key, answer in answers.items():
        if key in EXPECTED_ERRORS:
            assert answer["status"] == "ERROR", (key, answer)
            assert EXPECTED_ERRORS[key] in answer["message"]
        else:
            assert answer["status"] == "PASS", (key, answer)
