"""TensorFlow.js in Node, for the TF.js loaders: the inputs written as JSON, the model loaded and
called by node/tfjs_load.js with the environment's npm packages (ENV/node/node_modules), the
outputs read back as arrays. A failure in Node raises NodeError with Node's one-line message."""

import json
import os
import shutil
import subprocess
import tempfile

import numpy as np

from matrix.guest.envinfo import node_modules

SCRIPT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "node", "tfjs_load.js")
NODE_TIMEOUT = 150  # seconds; under the host's cell timeout, so a hung Node is this cell's error


class NodeError(RuntimeError):
    """What TensorFlow.js said (its `Error: ...` line)."""


def _entry(name, value):
    arr = np.asarray(value)
    if arr.dtype.kind in ("S", "U", "O"):
        data = [v.decode("utf-8") if isinstance(v, bytes) else str(v) for v in arr.ravel()]
        data = np.array(data, dtype=object).reshape(arr.shape).tolist()
        return {"name": name, "dtype": "string", "shape": list(arr.shape), "data": data}
    return {"name": name, "dtype": str(arr.dtype), "shape": list(arr.shape),
            "data": arr.tolist()}  # fmt: skip


def _array(entry):
    if entry["dtype"] == "string":
        return np.array(entry["data"], dtype=object).astype(bytes)
    return np.array(entry["data"], dtype=entry["dtype"]).reshape(entry["shape"])


def run(kind, model_json, inputs):
    """The outputs of the TF.js model at `model_json` ("graph" or "layers") on `inputs`."""
    work = tempfile.mkdtemp(prefix="tfmatrix-tfjs-")
    try:
        given, got = os.path.join(work, "inputs.json"), os.path.join(work, "outputs.json")
        with open(given, "w") as f:
            json.dump({"inputs": [_entry(k, v) for k, v in inputs.items()]}, f)
        env = dict(os.environ, NODE_PATH=node_modules())
        try:
            done = subprocess.run(["node", SCRIPT, kind, model_json, given, got], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  timeout=NODE_TIMEOUT)  # fmt: skip
        except subprocess.TimeoutExpired:
            raise NodeError("TensorFlow.js did not answer in %d s" % NODE_TIMEOUT)
        if done.returncode != 0:
            lines = done.stderr.decode("utf-8", "replace").strip().splitlines()
            errors = [ln for ln in lines if ln.startswith("Error: ")]
            raise NodeError((errors or lines or ["node exited %d" % done.returncode])[-1])
        with open(got) as f:
            return [_array(e) for e in json.load(f)["outputs"]]
    finally:
        shutil.rmtree(work, ignore_errors=True)
