"""keras.layers.TFSMLayer(dir, call_endpoint="serving_default"): Keras 3's way to use a
SavedModel it cannot load as a model."""

from matrix.guest.arrays import flatten_outputs
from matrix.guest.calling import SERVING_KEY, constant, match_inputs, signature_input_names
from matrix.guest.tfcompat import tf2

NAME = "keras.layers.TFSMLayer"
DOC = 'keras.layers.TFSMLayer(dir, call_endpoint="serving_default")(inputs) (Keras 3)'
CONTAINERS = ("savedmodel",)
KINDS = ("keras", "module", "graph", "object")
REQUIRES = ("keras>=3",)
KERAS = "tf.keras"
IMPORTS = ("keras", "tf-keras")  # beyond the runtime: who shares its outcome
ORDER = 70


def load(tf, path, inputs, case):
    layer = tf.keras.layers.TFSMLayer(path, call_endpoint=SERVING_KEY)
    case.returned = type(layer).__name__
    # the endpoint's own input names decide how it is fed, as for the signature loaders
    fn = tf2(tf).saved_model.load(path).signatures[SERVING_KEY]
    feed = match_inputs(signature_input_names(fn), inputs)
    if len(feed) == 1:
        result = layer(constant(tf, list(feed.values())[0]))
    else:
        result = layer(dict((k, constant(tf, v)) for k, v in feed.items()))
    return flatten_outputs(result)
