"""Names the host and guest share: formats, loaders, and which loader applies to what.

Pure data, no TensorFlow: the host imports it to plan cells without starting a TF process.
"""

import os

# How an object is saved. `kinds`: which fixture objects the format can hold.
#   keras  = a Keras model; module = a plain tf.Module
# `savedmodel_dir`: the artifact is a SavedModel directory (TF loaders apply to it).
FORMATS = {
    "saved_model": {
        "kinds": ("keras", "module"),
        "savedmodel_dir": True,
        "doc": "tf.saved_model.save(obj, dir)",
    },
    "keras_h5": {
        "kinds": ("keras",),
        "savedmodel_dir": False,
        "doc": "model.save('model.h5') (legacy HDF5)",
    },
}

# How an artifact is loaded. `formats`: the formats the loader is relevant for;
# `kinds`: the fixture objects it is relevant for (Keras loaders need a Keras model).
LOADERS = {
    "tf.saved_model.load": {
        "formats": ("saved_model",),
        "kinds": ("keras", "module"),
        "doc": "tf.saved_model.load(dir).signatures['serving_default'](x)",
    },
    "tf1.Session": {
        "formats": ("saved_model",),
        "kinds": ("keras", "module"),
        "doc": "tf.compat.v1.saved_model.loader.load(sess, ['serve'], dir) in a Session "
        "(the way TensorFlow Serving loads)",
    },
    "keras.load_model": {
        "formats": ("saved_model", "keras_h5"),
        "kinds": ("keras",),
        "doc": "tf.keras.models.load_model(path, compile=False) (Keras 3 from TF 2.16)",
    },
    "tf_keras.load_model": {
        "formats": ("saved_model", "keras_h5"),
        "kinds": ("keras",),
        "doc": "tf_keras.models.load_model(path, compile=False): Keras 2 next to TF 2.16+",
    },
}

# Loaders that exist only to test the supervisor (a load that kills, hangs or raises).
# They are active only when TFMATRIX_FAULT_LOADERS=1, on the host and in the guest alike.
FAULT_LOADERS = dict(
    (name, {"formats": tuple(FORMATS), "kinds": ("keras", "module"), "doc": doc})
    for name, doc in (
        ("fault.abort", "os.abort()"),
        ("fault.segfault", "reads address 0"),
        ("fault.hang", "sleeps"),
        ("fault.raise", "raises"),
    )
)


def active_loaders():
    """Loader names of this run, in report order."""
    names = list(LOADERS)
    if os.environ.get("TFMATRIX_FAULT_LOADERS") == "1":
        names += list(FAULT_LOADERS)
    return names


def loader_applies(loader, fmt, kind):
    spec = LOADERS.get(loader) or FAULT_LOADERS[loader]
    return fmt in spec["formats"] and kind in spec["kinds"]
