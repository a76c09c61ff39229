"""Loaders: each takes an artifact path and reference inputs, returns the loaded model's outputs.

A loader raises NotApplicable when it does not exist in this TensorFlow (e.g. `tf_keras`
before TF 2.16); any other exception is a failed load and is classified by the caller.
"""

import gc
import os
import sys
import time

from matrix.guest.arrays import flatten_outputs
from matrix.guest.registry import active_loaders
from matrix.guest.savers import tf2


class NotApplicable(Exception):
    pass


class SignatureError(Exception):
    """The SavedModel loads but has no usable serving signature."""


SERVING_KEY = "serving_default"


def _serving_signature(signatures):
    keys = sorted(signatures.keys())
    if SERVING_KEY not in keys:
        raise SignatureError(
            "no %r signature (signatures: %s)" % (SERVING_KEY, ", ".join(keys) or "none")
        )
    return signatures[SERVING_KEY]


def _match_inputs(names, inputs):
    """{signature input name: reference array}: by name, or positionally for one input."""
    names = list(names)
    if len(names) == 1 and len(inputs) == 1:
        return {names[0]: list(inputs.values())[0]}
    missing = [n for n in names if n not in inputs]
    if missing:
        raise SignatureError(
            "signature inputs %s do not match the model's inputs %s" % (names, list(inputs))
        )
    return dict((n, inputs[n]) for n in names)


def load_tf_saved_model(tf, path, inputs):
    loaded = tf2(tf).saved_model.load(path)
    fn = _serving_signature(loaded.signatures)
    kwargs = fn.structured_input_signature[1]
    feed = _match_inputs(sorted(kwargs), inputs)
    result = fn(**dict((k, tf.constant(v)) for k, v in feed.items()))
    return flatten_outputs(result)


def load_tf1_session(tf, path, inputs):
    v1 = tf.compat.v1
    graph = tf.Graph()
    with graph.as_default():
        with v1.Session(graph=graph) as sess:
            meta_graph = v1.saved_model.loader.load(sess, ["serve"], path)
            sig = _serving_signature(meta_graph.signature_def)
            feed_names = _match_inputs(sorted(sig.inputs.keys()), inputs)
            feed = dict(
                (graph.get_tensor_by_name(sig.inputs[k].name), v) for k, v in feed_names.items()
            )
            keys = sorted(sig.outputs.keys())
            fetches = [graph.get_tensor_by_name(sig.outputs[k].name) for k in keys]
            return list(sess.run(fetches, feed_dict=feed))


def _call_keras(tf, model, inputs):
    values = [tf.constant(v) for v in inputs.values()]
    result = model(values[0] if len(values) == 1 else values, training=False)
    return flatten_outputs(result)


def load_keras(tf, path, inputs):
    model = tf.keras.models.load_model(path, compile=False)
    return _call_keras(tf, model, inputs)


def load_tf_keras(tf, path, inputs):
    try:
        import tf_keras
    except ImportError as exc:
        if getattr(exc, "name", None) != "tf_keras":
            raise  # installed but broken: a real failure, not an absent loader
        raise NotApplicable(
            "tf_keras is not installed here (before TF 2.16, Keras 2 is tf.keras itself)"
        )
    model = tf_keras.models.load_model(path, compile=False)
    return _call_keras(tf, model, inputs)


def fault_abort(tf, path, inputs):
    os.abort()


def fault_segfault(tf, path, inputs):
    import ctypes

    ctypes.string_at(0)  # reads address 0: SIGSEGV, as a broken native kernel would


def fault_hang(tf, path, inputs):
    while True:
        time.sleep(60)


def fault_raise(tf, path, inputs):
    raise RuntimeError("Op type not registered 'FaultInjected' (deliberate test failure)")


# name (as in registry.py) -> function
FUNCTIONS = {
    "tf.saved_model.load": load_tf_saved_model,
    "tf1.Session": load_tf1_session,
    "keras.load_model": load_keras,
    "tf_keras.load_model": load_tf_keras,
    "fault.abort": fault_abort,
    "fault.segfault": fault_segfault,
    "fault.hang": fault_hang,
    "fault.raise": fault_raise,
}


def get_loader(name):
    if name in active_loaders() and name in FUNCTIONS:
        return FUNCTIONS[name]
    raise ValueError("unknown loader %r (registry.py and loaders.py disagree)" % name)


# Loaders whose objects live in a Keras module's global state (layer name counters,
# custom-object registry, the Keras 2 graph). The TF loaders keep nothing global: the loaded
# object or the Session's private Graph is dropped with the cell.
KERAS_OF_LOADER = {
    "keras.load_model": "tf.keras",
    "tf_keras.load_model": "tf_keras",
}
GC_EVERY = 64  # cells; a full collection with TensorFlow loaded costs ~0.1 s, so amortise it

_cells_since_gc = [0]


def reset_state(tf, loader=None):
    """Forget what a cell left behind, so results do not depend on load order.

    `loader=None` resets every Keras (used after producing, which builds Keras models).
    """
    wanted = KERAS_OF_LOADER.get(loader) if loader else "all"
    for name, keras in (("tf.keras", _tf_keras_api(tf, wanted)), ("tf_keras", _maybe_tf_keras())):
        if keras is None or wanted not in ("all", name):
            continue
        _clear_session(keras)
        try:
            keras.utils.get_custom_objects().clear()
        except Exception:
            pass
    _cells_since_gc[0] += 1
    if _cells_since_gc[0] >= GC_EVERY:
        _cells_since_gc[0] = 0
        gc.collect()


def _clear_session(keras):
    try:
        keras.backend.clear_session(free_memory=False)  # Keras 3: skip its gc.collect()
    except TypeError:
        keras.backend.clear_session()
    except Exception:
        pass


def _tf_keras_api(tf, wanted):
    if wanted not in ("all", "tf.keras"):
        return None  # touching tf.keras would import Keras 3 for nothing
    return getattr(tf, "keras", None)


def _maybe_tf_keras():
    return sys.modules.get("tf_keras")
