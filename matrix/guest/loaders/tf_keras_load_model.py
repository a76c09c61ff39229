"""tf_keras.models.load_model(path): Keras 2 installed beside a TF whose tf.keras is Keras 3."""

from matrix.guest.loaders.keras_load_model import call_loaded

NAME = "tf_keras.load_model"
DOC = "tf_keras.models.load_model(path, compile=False): Keras 2 next to TF 2.16+"
CONTAINERS = ("savedmodel", "keras_file")
KINDS = ("keras", "module", "graph", "object")
REQUIRES = ("tf-keras",)
KERAS = "tf_keras"
IMPORTS = ("tf-keras",)  # beyond the runtime: who shares its outcome
ORDER = 60


def load(tf, path, inputs, case):
    import tf_keras

    model = tf_keras.models.load_model(path, compile=False)
    return call_loaded(tf, model, inputs, case)
