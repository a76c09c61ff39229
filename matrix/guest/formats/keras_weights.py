"""model.save_weights("model.weights.h5"): weights only; the architecture is the user's code."""

import os

DOC = 'model.save_weights("model.weights.h5")'
CONTAINER = "h5_weights"
KINDS = ("keras",)
REQUIRES = ()
ORDER = 60


def save(tf, obj, directory, fixture):
    obj.save_weights(os.path.join(directory, "model.weights.h5"))
    return "model.weights.h5"
