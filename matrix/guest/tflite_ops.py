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


def _names():
    for module in ("tensorflow.lite.python.schema_py_generated",
                   "tensorflow_core.lite.python.schema_py_generated"):  # fmt: skip
        try:
            enum = importlib.import_module(module).BuiltinOperator
        except (ImportError, AttributeError):
            continue
        return dict((v, k) for k, v in vars(enum).items() if k.isupper() and isinstance(v, int))
    return {}


def operator_codes(data):
    """[{"op": "FULLY_CONNECTED", "version": 9, "kind": "builtin"|"custom"|"flex"}, …]."""
    data = bytes(data)
    model = _u32(data, 0)
    at = _field(data, model, 1)
    if at is None:
        return []
    names = _names()
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
            entry.update(op=names.get(value, "BUILTIN_%d" % value), kind="builtin")
        found.append(entry)
    return found
