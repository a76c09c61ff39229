"""A user's model read on the host, without TensorFlow: what `check` predicts from and lints.

SavedModel directories through TensorFlow's own protos as tensorboard ships them compiled
(`tensorboard.compat.proto`; the file's outer `SavedModel` message is two fields, read here);
`.keras` (a zip: config.json, metadata.json) with zipfile; `.h5`/`.hdf5` with h5py; a `.zip`
or `.tar.gz` of any of these is unpacked first (matrix/check/archive.py). What is read: the ops
and the attributes each node sets, in the graph and in its function library; the GraphDef
versions and the recorded TensorFlow/Keras versions; signatures with their input specs; assets;
Keras class names and modules.

A path that is not a model gives one line (`ModelError`), never a traceback.
"""

from __future__ import annotations

import json
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from matrix.errors import UsageError

SAVED_MODEL = "saved_model"
KERAS_V3 = "keras_v3"
KERAS_H5 = "keras_h5"
TFLITE = "tflite"
KERAS_WEIGHTS = "keras_weights"


class ModelError(UsageError):
    """The path is not a model this tool reads: one line naming it and what was expected."""


@dataclass(frozen=True)
class TensorSpec:
    name: str
    dtype: str  # DT_FLOAT, …
    shape: tuple[int, ...] | None  # None: unknown rank; -1: an unknown dimension


@dataclass(frozen=True)
class Signature:
    name: str
    inputs: tuple[TensorSpec, ...]
    outputs: tuple[TensorSpec, ...]


@dataclass(frozen=True)
class KerasLayer:
    class_name: str
    module: str | None  # Keras 3 records it ("keras.layers"); Keras 2 does not
    registered_name: str | None
    name: str


@dataclass
class Model:
    path: Path
    format: str  # SAVED_MODEL, KERAS_V3, KERAS_H5, KERAS_WEIGHTS
    tensorflow_version: str | None = None  # as the file records it
    keras_version: str | None = None
    graph_producer: int | None = None  # GraphDef versions.producer
    graph_min_consumer: int | None = None
    bad_consumers: tuple[int, ...] = ()
    # op -> the attributes its nodes set, in the order a loader meets them: the main graph
    # (what a TF1-style loader imports first), and the function library (what the TF2 object
    # loader imports first)
    graph_ops: dict[str, set[str]] = field(default_factory=dict)
    function_ops: dict[str, set[str]] = field(default_factory=dict)
    signatures: list[Signature] = field(default_factory=list)
    tags: list[list[str]] = field(default_factory=list)  # per MetaGraph
    assets: list[str] = field(default_factory=list)  # as the graph names them
    asset_files: list[str] = field(default_factory=list)  # under assets/
    keras_metadata: bool = False  # keras_metadata.pb beside a SavedModel (Keras 2 writes it)
    layers: list[KerasLayer] = field(default_factory=list)
    backend: str | None = None
    # a Keras file's inputs as its config declares them (InputLayer shapes, a build config)
    keras_inputs: list[TensorSpec] = field(default_factory=list)
    object_graph: bool = False  # a TF2 object graph (tf.saved_model.save) beside the graph
    # a .tflite: every op code it needs from its runtime, with its version and kind
    tflite_ops: list[dict] = field(default_factory=list)
    tflite_min_runtime: str | None = None  # the converter's own claim (its metadata)

    @property
    def kind(self) -> str:
        """What the catalog's loaders call such an object: a Keras model, a TF2 module, a
        TF1 graph."""
        if self.format == TFLITE:
            return "module"  # what the TFLite interpreter runs: a function of tensors
        if self.format != SAVED_MODEL or self.keras_metadata:
            return "keras"
        return "module" if self.object_graph else "graph"

    @property
    def ops(self) -> dict[str, set[str]]:
        return dict(self.ops_in_order(functions_first=False))

    def ops_in_order(self, functions_first: bool) -> list[tuple[str, set[str]]]:
        """Each op once, with every attribute any of its nodes sets, in the order a loader
        meets it first (functions first: the TF2 object loader)."""
        parts = (self.function_ops, self.graph_ops)
        merged: dict[str, set[str]] = {}
        for part in parts if functions_first else parts[::-1]:
            for op, attrs in part.items():
                merged.setdefault(op, set()).update(attrs)
        return list(merged.items())

    def summary(self) -> dict:
        return {
            "path": str(self.path),
            "format": self.format,
            "tensorflow_version": self.tensorflow_version,
            "keras_version": self.keras_version,
            "graph_def": {
                "producer": self.graph_producer,
                "min_consumer": self.graph_min_consumer,
                "bad_consumers": list(self.bad_consumers),
            },
            "ops": sorted(self.ops),
            "signatures": [
                {
                    "name": s.name,
                    "inputs": [
                        {
                            "name": t.name,
                            "dtype": t.dtype,
                            "shape": None if t.shape is None else list(t.shape),
                        }
                        for t in s.inputs
                    ],
                    "outputs": [t.name for t in s.outputs],
                }
                for s in self.signatures
            ],
            "assets": self.assets,
            "keras_layers": sorted({layer.class_name for layer in self.layers}),
            "tflite_ops": self.tflite_ops,
            "tflite_min_runtime": self.tflite_min_runtime,
            "backend": self.backend,
        }


def _protos():
    try:
        from tensorboard.compat.proto import meta_graph_pb2, types_pb2
    except ImportError:
        raise UsageError(
            "reading a SavedModel needs tensorboard's compiled TensorFlow protos: "
            "pip install 'tf-compat-matrix[check]'"
        ) from None
    return meta_graph_pb2, types_pb2


def _varint(data: bytes, at: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if at >= len(data):
            raise ValueError("truncated varint")
        byte = data[at]
        at += 1
        value |= (byte & 0x7F) << shift
        shift += 7
        if not byte & 0x80:
            return value, at


def meta_graphs(data: bytes) -> list[bytes]:
    """The serialized MetaGraphDefs of a saved_model.pb: `message SavedModel { int64
    saved_model_schema_version = 1; repeated MetaGraphDef meta_graphs = 2; }`."""
    out, at = [], 0
    while at < len(data):
        key, at = _varint(data, at)
        number, wire = key >> 3, key & 7
        if wire == 0:
            _, at = _varint(data, at)
        elif wire == 2:
            size, at = _varint(data, at)
            if at + size > len(data):
                raise ValueError("truncated field")
            if number == 2:
                out.append(data[at : at + size])
            at += size
        elif wire == 1:
            at += 8
        elif wire == 5:
            at += 4
        else:
            raise ValueError(f"wire type {wire}")
    return out


def _shape(info) -> tuple[int, ...] | None:
    """A TensorInfo's shape; None when unknown (unknown_rank, or no shape recorded at all, as
    TF 1.0 wrote signatures)."""
    if not info.HasField("tensor_shape") or info.tensor_shape.unknown_rank:
        return None
    return tuple(int(d.size) for d in info.tensor_shape.dim)


def read_saved_model(path: Path) -> Model:
    meta_graph_pb2, types_pb2 = _protos()
    pb = path / "saved_model.pb"
    if not pb.is_file():
        if (path / "saved_model.pbtxt").is_file():
            raise ModelError(
                f"{path}: a text SavedModel (saved_model.pbtxt) is not read yet; save it in "
                "binary form (the default of tf.saved_model.save)"
            )
        raise ModelError(f"{path}: no saved_model.pb here: not a SavedModel directory")
    try:
        graphs = []
        for raw in meta_graphs(pb.read_bytes()):
            graphs.append(meta_graph_pb2.MetaGraphDef.FromString(raw))
    except Exception as exc:  # a truncated or corrupt file: protobuf's and ours, one line
        raise ModelError(f"{pb}: not a readable SavedModel (truncated or corrupt: {exc})") from None
    if not graphs:
        raise ModelError(f"{pb}: no MetaGraph inside (an empty or truncated SavedModel)")
    model = Model(path=path, format=SAVED_MODEL)
    dtype = types_pb2.DataType.Name
    for mg in graphs:
        info = mg.meta_info_def
        model.tensorflow_version = model.tensorflow_version or info.tensorflow_version or None
        model.tags.append(list(info.tags))
        model.object_graph = model.object_graph or mg.HasField("object_graph_def")
        versions = mg.graph_def.versions
        model.graph_producer = versions.producer
        model.graph_min_consumer = versions.min_consumer
        model.bad_consumers = tuple(versions.bad_consumers)
        for node in mg.graph_def.node:
            model.graph_ops.setdefault(node.op, set()).update(node.attr.keys())
        for fn in mg.graph_def.library.function:
            for node in fn.node_def:
                model.function_ops.setdefault(node.op, set()).update(node.attr.keys())
        for name, sig in sorted(mg.signature_def.items()):
            model.signatures.append(
                Signature(
                    name,
                    tuple(
                        TensorSpec(k, dtype(v.dtype), _shape(v))
                        for k, v in sorted(sig.inputs.items())
                    ),
                    tuple(
                        TensorSpec(k, dtype(v.dtype), _shape(v))
                        for k, v in sorted(sig.outputs.items())
                    ),
                )
            )
        model.assets += [a.filename for a in mg.asset_file_def]
        # TF 1.x SavedModelBuilder lists them in a collection (AssetFileDef messages in Anys)
        listed = mg.collection_def.get("saved_model_assets")
        for packed in listed.any_list.value if listed is not None else ():
            # (tensorboard's copy of the protos is in package `tensorboard`: Any.Unpack would
            # refuse a `tensorflow.AssetFileDef`, so the bytes are parsed as one directly)
            if packed.type_url.endswith(".AssetFileDef"):
                asset = meta_graph_pb2.AssetFileDef.FromString(packed.value)
                if asset.filename not in model.assets:
                    model.assets.append(asset.filename)
    # function names and the nodes that call them are not ops of any registry
    functions = {fn.signature.name for mg in graphs for fn in mg.graph_def.library.function}
    for name in functions:
        model.graph_ops.pop(name, None)
        model.function_ops.pop(name, None)
    model.keras_metadata = (path / "keras_metadata.pb").is_file()
    assets = path / "assets"
    if assets.is_dir():
        model.asset_files = sorted(
            str(p.relative_to(assets)) for p in assets.rglob("*") if p.is_file()
        )
    return model


def _layers(config) -> list[KerasLayer]:
    """Every layer-like object of a Keras config, however deep (models inside models)."""
    found: list[KerasLayer] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if "class_name" in node and isinstance(node.get("config"), dict):
                found.append(
                    KerasLayer(
                        str(node["class_name"]),
                        node.get("module"),
                        node.get("registered_name"),
                        str(node["config"].get("name", "")),
                    )
                )
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(config)
    return found


def _dtype(value) -> str:
    """A Keras config's dtype: "float32", or Keras 3's DTypePolicy {"config": {"name": …}}."""
    if isinstance(value, dict):
        value = (value.get("config") or {}).get("name", "float32")
    name = str(value or "float32")
    return "float32" if name.startswith("mixed_") else name


def _dims(shape) -> tuple[int, ...] | None:
    if not isinstance(shape, (list, tuple)):
        return None
    return tuple(-1 if d is None else int(d) for d in shape)


def keras_inputs(config) -> list[TensorSpec]:
    """The inputs a Keras config declares, in the model's order: its InputLayers (by
    `input_layers` when it names them), else its first layer's batch input shape, else its
    build config."""
    inner = config.get("config") if isinstance(config, dict) else None
    if not isinstance(inner, dict):
        return []
    layers = inner.get("layers") if isinstance(inner.get("layers"), list) else []
    specs = {}
    for layer in layers:
        cfg = layer.get("config") if isinstance(layer, dict) else None
        if not isinstance(cfg, dict):
            continue
        shape = cfg.get("batch_shape", cfg.get("batch_input_shape"))
        if layer.get("class_name") == "InputLayer" or (shape is not None and not specs):
            if shape is not None:
                name = str(cfg.get("name") or f"input_{len(specs)}")
                specs[name] = TensorSpec(name, _dtype(cfg.get("dtype")), _dims(shape))
    named = inner.get("input_layers")
    if isinstance(named, list) and named:
        # [["a", 0, 0], ["b", 0, 0]], or one input as ["a", 0, 0]
        entries = named if isinstance(named[0], list) else [named]
        ordered = [specs[e[0]] for e in entries if e and e[0] in specs]
        if len(ordered) == len(entries):
            return ordered
    if specs:
        return (
            list(specs.values())[:1]
            if config.get("class_name") == "Sequential"
            else list(specs.values())
        )
    build = config.get("build_config") or {}
    shape = build.get("input_shape") if isinstance(build, dict) else None
    if isinstance(shape, list) and shape and not isinstance(shape[0], (list, dict)):
        return [TensorSpec("input", "float32", _dims(shape))]
    return []


def read_keras_v3(path: Path) -> Model:
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            if "config.json" not in names:
                raise ModelError(f"{path}: a zip without config.json: not a .keras file")
            config = json.loads(archive.read("config.json"))
            meta = json.loads(archive.read("metadata.json")) if "metadata.json" in names else {}
    except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
        raise ModelError(
            f"{path}: not a readable .keras file (truncated or corrupt: {exc})"
        ) from None
    model = Model(path=path, format=KERAS_V3, keras_version=meta.get("keras_version"))
    model.layers = _layers(config)
    model.keras_inputs = keras_inputs(config)
    return model


def read_h5(path: Path) -> Model:
    try:
        import h5py
    except ImportError:
        raise UsageError("reading .h5 needs h5py: pip install 'tf-compat-matrix[check]'") from None
    try:
        with h5py.File(path, "r") as f:
            attrs = {k: _text(v) for k, v in f.attrs.items()}
            weights_only = "model_config" not in attrs
            model = Model(
                path=path,
                format=KERAS_WEIGHTS if weights_only else KERAS_H5,
                keras_version=attrs.get("keras_version"),
                backend=attrs.get("backend"),
            )
            if not weights_only:
                config = json.loads(attrs["model_config"])
                model.layers = _layers(config)
                model.keras_inputs = keras_inputs(config)
            return model
    except (OSError, ValueError) as exc:
        raise ModelError(
            f"{path}: not a readable HDF5 Keras file (truncated or corrupt: {exc})"
        ) from None


def _text(value) -> str:
    return value.decode() if isinstance(value, bytes) else str(value)


BUILTINS = Path(__file__).resolve().parent.parent / "catalog" / "tflite_builtins.json"
# TFLite tensor types as the rest of check names dtypes
DT = {"float32": "DT_FLOAT", "float64": "DT_DOUBLE", "float16": "DT_HALF", "int8": "DT_INT8",
      "int16": "DT_INT16", "int32": "DT_INT32", "int64": "DT_INT64", "uint8": "DT_UINT8",
      "bool": "DT_BOOL", "string": "DT_STRING"}  # fmt: skip


def read_tflite(path: Path) -> Model:
    """A .tflite flatbuffer: its op codes (named from TF's schema, dumped in
    tflite_builtins.json: the host has no TensorFlow) and its signatures."""
    from matrix.guest import tflite_ops

    data = path.read_bytes()
    if len(data) < 8 or data[4:8] != b"TFL3":
        raise ModelError(f"{path}: not a TFLite flatbuffer (no TFL3 identifier): truncated or "
                         "another kind of file")  # fmt: skip
    try:
        names = json.loads(BUILTINS.read_text(encoding="utf-8"))["builtins"]
        ops = tflite_ops.operator_codes(data, {int(k): v for k, v in names.items()})
        sigs = tflite_ops.signatures(data)
        min_runtime = tflite_ops.min_runtime_version(data)
    except (struct.error, IndexError, ValueError, KeyError):
        raise ModelError(f"{path}: a damaged or truncated TFLite flatbuffer ({len(data)} bytes: "
                         "an offset in it points past its end)") from None  # fmt: skip

    def spec(t: dict) -> TensorSpec:
        return TensorSpec(t["name"], DT.get(t["dtype"], t["dtype"]), tuple(t["shape"]))

    return Model(
        path=path, format=TFLITE, tflite_ops=ops, tflite_min_runtime=min_runtime,
        signatures=[Signature(s["name"],  # "": no signature defs, fed by its input tensors
                              tuple(spec(t) for t in s["inputs"]),
                              tuple(spec(t) for t in s["outputs"])) for s in sigs],
    )  # fmt: skip


def read(path: Path) -> Model:
    """The model at `path` (a directory, or a file: its suffix says which reader)."""
    if not path.exists():
        raise ModelError(f"{path}: no such file or directory")
    if path.is_dir():
        if not any(path.iterdir()):
            raise ModelError(
                f"{path}: an empty folder, not a model (expected a SavedModel "
                "directory with saved_model.pb)"
            )
        if (path / "saved_model.pb").exists() or (path / "saved_model.pbtxt").exists():
            return read_saved_model(path)
        if any(path.glob("*.meta")) and any(path.glob("*.index")):
            raise ModelError(
                f"{path}: a TF1 checkpoint with a .meta graph is not read yet; export it as a "
                "SavedModel (tf.compat.v1.saved_model.Builder)"
            )
        raise ModelError(f"{path}: a folder with no model in it (expected saved_model.pb)")
    name = path.name.lower()
    if name.endswith(".tflite"):
        return read_tflite(path)
    if name.endswith(".keras"):
        return read_keras_v3(path)
    if name.endswith((".h5", ".hdf5")):
        return read_h5(path)
    raise ModelError(
        f"{path}: not a model format this tool reads (a SavedModel directory, "
        ".keras, .h5/.hdf5, .weights.h5, .tflite, or a .zip/.tar.gz of one)"
    )
