"""tf.train.Checkpoint(model=obj).read(prefix) into the object rebuilt from the fixture's code."""

from matrix.guest.calling import call, first_rows, perturb
from matrix.guest.tfcompat import tf2

NAME = "tf.train.Checkpoint.read"
DOC = "obj = build() (the user's code); tf.train.Checkpoint(model=obj).read(prefix)"
CONTAINERS = ("checkpoint",)
KINDS = ("keras", "module")
REQUIRES = ()
KERAS = "tf.keras"
ORDER = 90


def load(tf, path, inputs, case):
    code = case.fixture()
    obj = code.build()
    keras_model = case.kind == "keras"
    call(tf, obj, case.call_style, first_rows(inputs), keras_model=keras_model)
    perturb(obj)
    checkpoint = tf2(tf).train.Checkpoint(model=obj)
    # read() where it exists (TF >= 2.4?), else restore(): both match by object graph
    status = (checkpoint.read if hasattr(checkpoint, "read") else checkpoint.restore)(path)
    status.assert_existing_objects_matched()
    case.returned = type(obj).__name__
    return call(tf, obj, case.call_style, inputs, keras_model=keras_model)
