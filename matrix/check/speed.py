"""`check`'s speed figure: static prediction of a large SavedModel, no TensorFlow anywhere.

    tf-compat-matrix bench --check [PATH]      (nox -s bench -- --check)

Without PATH, writes a 100 MB SavedModel first (tensorboard's protos: a graph with a large
constant, a variable, a function and a signature, as TF 2.16 writes them), then times `check`
on it in this process and says whether anything imported TensorFlow.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from matrix import PROJECT_ROOT
from matrix.check import command


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def write_large_saved_model(folder: Path, megabytes: int = 100) -> Path:
    from tensorboard.compat.proto import meta_graph_pb2, types_pb2

    mg = meta_graph_pb2.MetaGraphDef()
    mg.meta_info_def.tensorflow_version = "2.16.2"
    mg.meta_info_def.tags.append("serve")
    mg.graph_def.versions.producer = 1766
    const = mg.graph_def.node.add(name="big", op="Const")
    const.attr["dtype"].type = types_pb2.DT_FLOAT
    tensor = const.attr["value"].tensor
    tensor.dtype = types_pb2.DT_FLOAT
    tensor.tensor_shape.dim.add(size=megabytes * (1 << 18))
    tensor.tensor_content = b"\0" * (megabytes << 20)
    var = mg.graph_def.node.add(name="v", op="VarHandleOp")
    var.attr["debug_name"].s = b"v"
    fn = mg.graph_def.library.function.add()
    fn.signature.name = "__inference_call_1"
    fn.node_def.add(name="d", op="DisableCopyOnRead")
    fn.node_def.add(name="m", op="MatMul")
    sig = mg.signature_def["serving_default"]
    sig.inputs["x"].dtype = types_pb2.DT_FLOAT
    sig.inputs["x"].tensor_shape.dim.add(size=-1)
    body = mg.SerializeToString()
    folder.mkdir(parents=True, exist_ok=True)
    # SavedModel { saved_model_schema_version = 1; meta_graphs = 2 }
    (folder / "saved_model.pb").write_bytes(b"\x08\x01\x12" + _varint(len(body)) + body)
    return folder


def run(path: Path | None) -> None:
    given = path
    with tempfile.TemporaryDirectory(prefix="tfmatrix-checkbench-") as tmp:
        if path is None:
            t = time.perf_counter()
            path = write_large_saved_model(Path(tmp) / "large")
            print(
                f"wrote a {(path / 'saved_model.pb').stat().st_size / 1e6:.0f} MB SavedModel "
                f"in {time.perf_counter() - t:.1f}s"
            )
        t = time.perf_counter()
        report = command.check(path, *command.published(command.PUBLISHED), None)
        took = time.perf_counter() - t
    envs = {r["environment"] for r in report["results"]}
    print(
        f"check --static: {took:.2f}s for {len(envs)} environments, {len(report['results'])} "
        f"verdicts; TensorFlow imported: {'yes' if 'tensorflow' in sys.modules else 'no'}"
    )
    loads(path if given else None)


# the shared corpus beside the project, or wherever TFMATRIX_WILD_MODELS points (as the tests)
CORPUS = PROJECT_ROOT.parent / "shared" / "wild-savedmodels"
WILD = Path(os.environ.get("TFMATRIX_WILD_MODELS", CORPUS)) / "saved_model_half_plus_two_tf2_cpu"
WANTED = ("2.15", "2.16", "2.21")  # three installed environments: Keras 2, Keras 3, newest


def loads(path: Path | None) -> None:
    """`check` with real loads in three installed environments, warm (nothing to install)."""
    from matrix.catalog import load_catalog
    from matrix.store.layout import default_home

    path = path or (WILD / "00000123" if WILD.is_dir() else None)
    if path is None:
        print("check with real loads: not measured (no model to load: give PATH)")
        return
    catalog, home = load_catalog(), default_home()
    releases = [r for r in catalog.select(list(WANTED)) if home.env_dir(r.name).is_dir()]
    if not releases:
        print("check with real loads: not measured (none of 2.15 2.16 2.21 is installed)")
        return
    quiet = command.Loads(releases=releases, log=lambda line: None)
    t = time.perf_counter()
    report = command.check(path, *command.published(command.PUBLISHED), None, quiet)
    took = time.perf_counter() - t
    measured = [r for r in report["results"] if r["how"] == "measured"]
    names = ", ".join(r.minor for r in releases)
    print(f"check with real loads in {len(releases)} installed environments ({names}): "
          f"{took:.1f}s, {len(measured)} loads of {path.name}")  # fmt: skip
