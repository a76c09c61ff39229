"""tf.keras.models.load_model(path, custom_objects=…) after importing the model's code."""

from matrix.guest.loaders.keras_load_model import call_loaded

NAME = "keras.load_model(custom_objects)"
DOC = (
    "import the model's code, then tf.keras.models.load_model(path, compile=False, "
    "custom_objects={...})"
)
CONTAINERS = ("savedmodel", "keras_file")
KINDS = ("keras",)
REQUIRES = ()
FIXTURE_NEEDS = "CUSTOM_OBJECTS"
# runs the fixture's code here: where the fixture cannot be built (its REQUIRES), n/a
IMPORTS_FIXTURE = True
KERAS = "tf.keras"
IMPORTS = ("keras", "tf-keras")  # beyond the runtime: who shares its outcome
ORDER = 50


def load(tf, path, inputs, case):
    code = case.fixture()  # importing it runs any registration, as in the user's program
    objects = dict((name, getattr(code, name)) for name in code.CUSTOM_OBJECTS)
    model = tf.keras.models.load_model(path, compile=False, custom_objects=objects)
    return call_loaded(tf, model, inputs, case)
