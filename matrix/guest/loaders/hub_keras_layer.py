"""tf.keras.Sequential([hub.KerasLayer(path)]): a SavedModel as the first layer of a Keras model.

The TF Hub tutorials' line. Under TF 2.16+ tf.keras is Keras 3 while hub.KerasLayer is a
Keras 2 (tf_keras) layer: the Sequential refuses it, whatever the model.
"""

from matrix.guest.calling import call

NAME = "hub.KerasLayer in tf.keras.Sequential"
DOC = "model = tf.keras.Sequential([hub.KerasLayer(path)]); model(x)"
CONTAINERS = ("savedmodel",)
KINDS = ("keras", "module", "object")
REQUIRES = ("tensorflow-hub",)
IMPORTS = ("tensorflow-hub", "tf-keras", "keras")  # hub imports tf_keras beside TF 2.16+
KERAS = "tf.keras"
ORDER = 26


def load(tf, path, inputs, case):
    import tensorflow_hub as hub

    model = tf.keras.Sequential([hub.KerasLayer(path)])
    case.returned = type(model).__name__
    return call(tf, model, case.call_style, inputs, keras_model=True)
