"""What this runtime knows, for `check`'s static prediction: every registered op with its
attributes (and which have defaults), the GraphDef version window, and whether it imports a
node with an attribute its op does not know.

    python -m matrix.guest.opdump [MODULE ...]    (JSON on stdout; imports TensorFlow)

MODULEs are imported first (an add-on such as tensorflow_text registers its ops on import), so
that a variant's dump holds the add-on's ops too. Runs on every Python 3.7+ and TF 1.15+.
"""

import importlib
import json
import sys


def _all_ops_serialized():
    """The serialized OpList of every op registered in this process (TF's C API)."""
    try:  # TF >= 2.2
        from tensorflow.python.client import pywrap_tf_session as c_api
    except ImportError:  # TF 1.15 – 2.1
        from tensorflow.python import pywrap_tensorflow as c_api
    buf = c_api.TF_GetAllOpList()
    try:
        return c_api.TF_GetBuffer(buf)
    finally:
        if hasattr(c_api, "TF_DeleteBuffer"):
            c_api.TF_DeleteBuffer(buf)


def accepts_unknown_attrs(tf):
    """Does this runtime import a node with an attribute its op does not know? (TF >= 2.5 drops
    it, older TF refuses: "NodeDef mentions attr ... not in Op". Measured here, not assumed: a
    newer writer's new attribute, e.g. VarHandleOp.debug_name of 2.15, depends on it.)"""
    from tensorflow.core.framework import attr_value_pb2, graph_pb2

    graph_def = graph_pb2.GraphDef()
    node = graph_def.node.add()
    node.name, node.op = "probe", "NoOp"
    node.attr["tfmatrix_unknown_attr"].CopyFrom(attr_value_pb2.AttrValue(s=b"x"))
    try:
        with tf.Graph().as_default():
            tf.compat.v1.import_graph_def(graph_def, name="")
        return True
    except ValueError:
        return False


def dump(modules):
    import tensorflow as tf
    from tensorflow.core.framework import op_def_pb2

    for name in modules:
        importlib.import_module(name)
    ops = op_def_pb2.OpList()
    ops.ParseFromString(_all_ops_serialized())
    version = getattr(tf, "version", tf)
    out = {}
    for op in ops.op:
        # attr -> 1 when it has a default (a NodeDef may leave it out), 0 when it must be set
        out[op.name] = {a.name: int(a.HasField("default_value")) for a in op.attr}
    return {
        "tensorflow": tf.__version__,
        "graph_def": {
            "producer": int(version.GRAPH_DEF_VERSION),
            "min_consumer": int(version.GRAPH_DEF_VERSION_MIN_CONSUMER),
            "min_producer": int(version.GRAPH_DEF_VERSION_MIN_PRODUCER),
        },
        "imports": list(modules),
        "accepts_unknown_attrs": accepts_unknown_attrs(tf),
        "ops": out,
    }


if __name__ == "__main__":
    json.dump(dump(sys.argv[1:]), sys.stdout, sort_keys=True, separators=(",", ":"))
