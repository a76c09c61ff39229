"""model.load_weights(path) into the model rebuilt from the fixture's own code."""

from matrix.guest.calling import call, first_rows, perturb

NAME = "keras.load_weights"
DOC = "model = build() (the user's code); model.load_weights(path)"
CONTAINERS = ("h5_weights", "checkpoint")
KINDS = ("keras",)
REQUIRES = ()
# runs the fixture's code here: where the fixture cannot be built (its REQUIRES), n/a
IMPORTS_FIXTURE = True
KERAS = "tf.keras"
IMPORTS = ("keras", "tf-keras")  # beyond the runtime: who shares its outcome
ORDER = 80


def load(tf, path, inputs, case):
    code = case.fixture()
    model = code.build()
    call(tf, model, case.call_style, first_rows(inputs), keras_model=True)  # create variables
    perturb(model)  # a restore that restores nothing must not pass (Keras 3 dtypes included)
    model.load_weights(path)
    case.returned = type(model).__name__
    return call(tf, model, case.call_style, inputs, keras_model=True)
