"""tf.keras.models.model_from_json(json), then model.load_weights(h5): a hand-off in two halves."""

import os

from matrix.guest.calling import call

NAME = "keras.model_from_json + load_weights"
DOC = (
    'model = tf.keras.models.model_from_json(open("model.json").read()); '
    'model.load_weights("model.weights.h5")'
)
CONTAINERS = ("json_weights",)
KINDS = ("keras",)
REQUIRES = ()
KERAS = "tf.keras"
IMPORTS = ("keras", "tf-keras")  # beyond the runtime: who shares its outcome
ORDER = 85


def load(tf, path, inputs, case):
    with open(os.path.join(path, "model.json")) as f:
        model = tf.keras.models.model_from_json(f.read())
    model.load_weights(os.path.join(path, "model.weights.h5"))
    case.returned = type(model).__name__
    return call(tf, model, case.call_style, inputs, keras_model=True)
