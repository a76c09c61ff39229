"""Forget what a cell left behind, so results do not depend on load order."""

import gc
import sys

GC_EVERY = 64  # cells; a full collection with TensorFlow loaded costs ~0.1 s, so amortise it

_cells_since_gc = [0]


def reset_state(tf, keras="all"):
    """Clear the session and custom-object registry of the Keras a cell used ("tf.keras",
    "tf_keras"), of every Keras ("all", after producing), or of none (None: the TF loaders keep
    nothing global; the loaded object or the Session's private Graph is dropped with the cell).
    """
    for name, module in (("tf.keras", _tf_keras_api(tf, keras)), ("tf_keras", _maybe_tf_keras())):
        if module is None or keras not in ("all", name):
            continue
        _clear_session(module)
        try:
            module.utils.get_custom_objects().clear()
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
