"""tf.saved_model.save(obj, dir): a TF2 SavedModel of any trackable (Keras model or tf.Module)."""

import os

from matrix.guest.tfcompat import tf2

DOC = "tf.saved_model.save(obj, dir)"
CONTAINER = "savedmodel"
KINDS = ("keras", "module", "object")
REQUIRES = ()
ORDER = 10


def save(tf, obj, directory, fixture):
    path = os.path.join(directory, "saved_model")
    signatures = getattr(fixture, "SIGNATURES", None)
    if signatures is not None:  # the fixture names its signatures (several, or none default)
        tf2(tf).saved_model.save(obj, path, signatures=signatures(obj))
    else:
        tf2(tf).saved_model.save(obj, path)
    return "saved_model"
