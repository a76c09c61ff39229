"""The operator codes of a .tflite flatbuffer: which builtin ops (and which version of each),
custom ops and Flex (select TF) ops a model needs from its runtime.

Read by hand from the flatbuffer (standard library only), so that it works in every TF of the
catalog, with or without TF's generated schema module; the builtin ops' names come from that
module where this TF ships it (BuiltinOperator), else they are `BUILTIN_<code>`.

    Model:        field 1 operator_codes: [OperatorCode]
    OperatorCode: field 0 deprecated_builtin_code: int8, 1 custom_code: string,
                  2 version: int32 = 1, 3 builtin_code: int32
"""

import importlib
import struct

CUSTOM = 32  # BuiltinOperator.CUSTOM
FLEX_PREFIX = "Flex"  # a select-TF op is a custom op named Flex<TF op>


def _u32(data, at):
    return struct.unpack_from("<I", data, at)[0]


def _field(data, table, index):
    """The absolute position of field `index` of the table at `table`, or None if absent."""
    vtable = table - struct.unpack_from("<i", data, table)[0]
    size = struct.unpack_from("<H", data, vtable)[0]
    slot = 4 + 2 * index
    if slot >= size:
        return None
    offset = struct.unpack_from("<H", data, vtable + slot)[0]
    return table + offset if offset else None


def _vector(data, at):
    start = at + _u32(data, at)
    return start + 4, _u32(data, start)


def _string(data, at):
    start, length = _vector(data, at)
    return data[start : start + length].decode("utf-8", "replace")


def builtin_names():
    for module in ("tensorflow.lite.python.schema_py_generated",
                   "tensorflow_core.lite.python.schema_py_generated"):  # fmt: skip
        try:
            enum = importlib.import_module(module).BuiltinOperator
        except (ImportError, AttributeError):
            continue
        return dict((v, k) for k, v in vars(enum).items() if k.isupper() and isinstance(v, int))
    return {}


def operator_codes(data, names=None):
    """[{"op": "FULLY_CONNECTED", "code": 9, "version": 9, "kind": "builtin"}, …] (kind:
    builtin, custom or flex; code: the builtin operator code an old runtime reports). Builtin
    names from `names` ({code: name}), else from this TensorFlow's schema (in a guest; the
    host passes its dump and so never looks for TensorFlow)."""
    data = bytes(data)
    model = _u32(data, 0)
    at = _field(data, model, 1)
    if at is None:
        return []
    names = builtin_names() if names is None else names
    start, count = _vector(data, at)
    found = []
    for i in range(count):
        element = start + 4 * i
        code = element + _u32(data, element)
        deprecated = _field(data, code, 0)
        builtin = _field(data, code, 3)
        version = _field(data, code, 2)
        value = max(struct.unpack_from("<b", data, deprecated)[0] if deprecated else 0,
                    struct.unpack_from("<i", data, builtin)[0] if builtin else 0)  # fmt: skip
        entry = {"version": struct.unpack_from("<i", data, version)[0] if version else 1}
        if value == CUSTOM:
            custom = _field(data, code, 1)
            name = _string(data, custom) if custom else "?"
            entry.update(op=name, kind="flex" if name.startswith(FLEX_PREFIX) else "custom")
        else:
            entry.update(op=names.get(value, "BUILTIN_%d" % value), kind="builtin", code=value)
        found.append(entry)
    return found


# TensorType, by value (schema.fbs): the numpy dtype names the harness uses
TENSOR_TYPES = {0: "float32", 1: "float16", 2: "int32", 3: "uint8", 4: "int64", 5: "string",
                6: "bool", 7: "int16", 8: "complex64", 9: "int8", 10: "float64"}  # fmt: skip


def _ints(data, at, fmt="<i"):
    start, count = _vector(data, at)
    return [struct.unpack_from(fmt, data, start + 4 * i)[0] for i in range(count)]


def _tables(data, at):
    start, count = _vector(data, at)
    return [start + 4 * i + _u32(data, start + 4 * i) for i in range(count)]


def _tensor(data, tensor):
    """{name, dtype, shape}: the shape signature (-1 where a dimension is dynamic) if the
    converter wrote one, else the static shape."""
    at = _field(data, tensor, 7) or _field(data, tensor, 0)
    kind = _field(data, tensor, 1)
    name = _field(data, tensor, 3)
    return {
        "name": _string(data, name) if name else "",
        "dtype": TENSOR_TYPES.get(struct.unpack_from("<b", data, kind)[0] if kind else 0, "?"),
        "shape": _ints(data, at) if at else [],
    }


def signatures(data):
    """[{name, inputs: [{name, dtype, shape}], outputs: [...]}, …]: the file's signature defs
    (TF >= 2.5's converter writes them), else its first subgraph's inputs and outputs under
    the name "" (what an interpreter without signatures is fed).

        Model:        field 2 subgraphs: [SubGraph], 7 signature_defs: [SignatureDef]
        SubGraph:     field 0 tensors: [Tensor], 1 inputs: [int], 2 outputs: [int]
        Tensor:       field 0 shape: [int], 1 type: byte, 3 name: string, 7 shape_signature
        SignatureDef: field 0 inputs: [TensorMap], 1 outputs, 2 signature_key, 4 subgraph_index
        TensorMap:    field 0 name: string, 1 tensor_index: uint
    """
    data = bytes(data)
    model = _u32(data, 0)
    at = _field(data, model, 2)
    graphs = _tables(data, at) if at else []

    def tensors_of(graph):
        at = _field(data, graph, 0)
        return _tables(data, at) if at else []

    found = []
    at = _field(data, model, 7)
    for sig in _tables(data, at) if at else []:
        index = _field(data, sig, 4)
        graph = graphs[_u32(data, index) if index else 0]
        tensors = tensors_of(graph)
        entry = {"name": _string(data, _field(data, sig, 2)) if _field(data, sig, 2) else ""}
        for key, slot in (("inputs", 0), ("outputs", 1)):
            maps = _field(data, sig, slot)
            entry[key] = []
            for m in _tables(data, maps) if maps else []:
                index = _field(data, m, 1)
                t = _tensor(data, tensors[_u32(data, index) if index else 0])
                t["name"] = _string(data, _field(data, m, 0))
                entry[key].append(t)
        found.append(entry)
    if found or not graphs:
        return found
    tensors = tensors_of(graphs[0])
    entry = {"name": ""}
    for key, slot in (("inputs", 1), ("outputs", 2)):
        at = _field(data, graphs[0], slot)
        entry[key] = [_tensor(data, tensors[i]) for i in (_ints(data, at) if at else [])]
    return [entry]


def min_runtime_version(data):
    """The converter's own claim of the oldest runtime that runs the file (its metadata entry
    "min_runtime_version", e.g. "2.3.0"), or None where it wrote none.

        Model:    field 4 buffers: [Buffer], 6 metadata: [Metadata]
        Metadata: field 0 name: string, 1 buffer: uint;  Buffer: field 0 data: [ubyte]
    """
    data = bytes(data)
    model = _u32(data, 0)
    at, buffers = _field(data, model, 6), _field(data, model, 4)
    if at is None or buffers is None:
        return None
    pool = _tables(data, buffers)
    for entry in _tables(data, at):
        name = _field(data, entry, 0)
        if not name or _string(data, name) != "min_runtime_version":
            continue
        index = _field(data, entry, 1)
        raw = _field(data, pool[_u32(data, index) if index else 0], 0)
        if raw is None:
            return None
        start, length = _vector(data, raw)
        return data[start : start + length].split(b"\0")[0].decode("ascii", "replace") or None
    return None
