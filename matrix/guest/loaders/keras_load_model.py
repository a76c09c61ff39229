"""tf.keras.models.load_model(path): whatever file or directory a user points it at."""

from matrix.guest.calling import call

NAME = "keras.load_model"
DOC = "tf.keras.models.load_model(path, compile=False) (Keras 3 from TF 2.16)"
CONTAINERS = ("savedmodel", "keras_file")
KINDS = ("keras", "module", "graph", "object")
REQUIRES = ()
KERAS = "tf.keras"
IMPORTS = ("keras", "tf-keras")  # tf.keras: Keras 3, or tf_keras with TF_USE_LEGACY_KERAS
ORDER = 40


def load(tf, path, inputs, case):
    model = tf.keras.models.load_model(path, compile=False)
    return call_loaded(tf, model, inputs, case)


def call_loaded(tf, model, inputs, case):
    """Keras 2 returns a restored object, not a Model, for SavedModels it did not write: it is
    called like the original, and what it was is recorded."""
    case.returned = type(model).__name__
    is_model = hasattr(model, "layers") and hasattr(model, "get_config")
    return call(tf, model, case.call_style, inputs, keras_model=is_model)
