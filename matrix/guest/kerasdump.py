"""What this environment's Keras knows, for `check`'s static prediction of Keras files: the
public classes of each module a config names (layers, models, optimizers, …), by the name a
config writes (`class_name`).

    python -m matrix.guest.kerasdump       (JSON on stdout; imports TensorFlow and its Keras)

The Keras is the one `tf.keras` is (Keras 3 from TF 2.16 unless TF_USE_LEGACY_KERAS). Runs on
every Python 3.7+ and TF 1.15+.
"""

import importlib
import inspect
import json
import sys

MODULES = ("layers", "models", "optimizers", "initializers", "regularizers", "constraints",
           "losses", "metrics", "activations", "callbacks")  # fmt: skip


def _keras(tf):
    keras = tf.keras
    # tf.keras is a lazy loader in some versions: its version is on the real module
    version = getattr(keras, "__version__", None)
    if version is None:
        import keras as real  # noqa: F811 (TF 2.6-2.15 ship keras beside tf.keras)

        version = getattr(real, "__version__", None)
    return keras, version


def keras2_layers():
    """The layer names Keras 2's deserializer resolves (its registry, not the public API: a
    config also names internal classes such as TFOpLambda); None under Keras 3."""
    for name in ("keras.layers.serialization", "keras.src.layers.serialization",
                 "tensorflow.python.keras.layers.serialization"):  # fmt: skip
        try:
            module = importlib.import_module(name)
        except Exception:
            continue
        if hasattr(module, "populate_deserializable_objects"):
            module.populate_deserializable_objects()
            return sorted(k for k in module.LOCAL.ALL_OBJECTS if not k.startswith("_"))
        if hasattr(module, "deserialize") and not hasattr(module, "serialization_lib"):
            # TF 1.15-2.3: deserialize() looks names up in the module's globals
            return sorted(k for k, v in vars(module).items()
                          if inspect.isclass(v) and not k.startswith("_"))  # fmt: skip
    return None


def dump():
    import tensorflow as tf

    keras, version = _keras(tf)
    classes = {}
    for name in MODULES:
        module = getattr(keras, name, None)
        if module is None:
            continue
        found = []
        for attr in dir(module):
            if attr.startswith("_"):
                continue
            try:
                value = getattr(module, attr)
            except Exception:
                continue
            if inspect.isclass(value) or (name == "activations" and callable(value)):
                found.append(attr)
        classes[name] = sorted(found)
    # Functional and Sequential are what a saved config's top level names
    classes.setdefault("models", [])
    for extra in ("Functional", "Sequential", "Model"):
        if extra not in classes["models"]:
            classes["models"].append(extra)
    major = str(version or "").split(".")[0]
    registry = keras2_layers() if major in ("2", "") else None
    return {"tensorflow": tf.__version__, "keras": version, "classes": classes,
            "deserializable_layers": registry}  # fmt: skip


if __name__ == "__main__":
    json.dump(dump(), sys.stdout, sort_keys=True, separators=(",", ":"))
