"""model.save("model.keras"): the Keras v3 zip file (config.json, model.weights.h5)."""

import os

DOC = 'model.save("model.keras") (Keras v3 format)'
CONTAINER = "keras_file"
KINDS = ("keras",)
# Keras 2.12 made ".keras" the v3 format; before, the same call wrote a SavedModel directory
REQUIRES = ("keras>=2.12",)
ORDER = 40


def save(tf, obj, directory, fixture):
    obj.save(os.path.join(directory, "model.keras"))
    return "model.keras"
