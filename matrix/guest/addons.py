"""Add-on op libraries (tensorflow-text, …): which ops of a SavedModel come from them, and
importing them where they are installed, as a user who has them does before loading.

A fixture names the add-on modules it uses in ADDONS. The producer records, per artifact, the
ops of its graph that core TensorFlow does not have (`addon_ops`); a consumer that fails on one
of those ops has not loaded the add-on (category `addon_op_missing`), which is another failure
than an op a newer TensorFlow introduced (`missing_op`).
"""

import importlib
import os


class AddonImportError(Exception):
    """The add-on is installed but cannot be imported here (e.g. built for another TF)."""


def import_addons(names):
    """Import each add-on that is installed; (name, installed) pairs. An add-on that is
    installed but fails to import raises AddonImportError with its message."""
    found = []
    for name in names:
        try:
            importlib.import_module(name)
        except ImportError as exc:
            if getattr(exc, "name", None) == name or "No module named '%s'" % name in str(exc):
                found.append((name, False))
                continue
            raise AddonImportError("import %s failed: %s" % (name, exc))
        except Exception as exc:  # tf.errors.NotFoundError: undefined symbol, …
            raise AddonImportError("import %s failed: %s: %s" % (name, type(exc).__name__, exc))
        found.append((name, True))
    return found


def graph_ops(saved_model_dir):
    """(op types used by a SavedModel's graphs and function bodies, names of its library
    functions): a node calling a library function names the function, not an op."""
    from tensorflow.core.protobuf import saved_model_pb2

    sm = saved_model_pb2.SavedModel()
    with open(os.path.join(saved_model_dir, "saved_model.pb"), "rb") as f:
        sm.ParseFromString(f.read())
    ops, functions = set(), set()
    for mg in sm.meta_graphs:
        ops.update(n.op for n in mg.graph_def.node)
        for fn in mg.graph_def.library.function:
            functions.add(fn.signature.name)
            ops.update(n.op for n in fn.node_def)
    return ops, functions


def addon_ops(tf, saved_model_dir, addons):
    """{op: add-on(s)} for the ops of the SavedModel that core TensorFlow does not define
    (tf.raw_ops lists the core ops)."""
    ops, functions = graph_ops(saved_model_dir)
    core = set(dir(tf.raw_ops))
    return dict((op, "|".join(addons)) for op in sorted(ops - core - functions))
