"""tf.train.Checkpoint(model=obj).read(prefix) into the object rebuilt from the fixture's code."""

from matrix.guest.calling import call, first_rows, perturb
from matrix.guest.tfcompat import tf2

NAME = "tf.train.Checkpoint.read"
DOC = (
    "obj = build() (the user's code); tf.train.Checkpoint(model=obj).read(prefix)"
    ".assert_existing_objects_matched(); before TF 2.3, restore(prefix).expect_partial()"
)
CONTAINERS = ("checkpoint",)
KINDS = ("keras", "module")
REQUIRES = ()
# runs the fixture's code here: where the fixture cannot be built (its REQUIRES), n/a
IMPORTS_FIXTURE = True
KERAS = "tf.keras"
IMPORTS = ("keras", "tf-keras")  # the fixture's code builds with tf.keras
ORDER = 90


def load(tf, path, inputs, case):
    code = case.fixture()
    obj = code.build()
    keras_model = case.kind == "keras"
    call(tf, obj, case.call_style, first_rows(inputs), keras_model=keras_model)
    perturb(obj)
    checkpoint = tf2(tf).train.Checkpoint(model=obj)
    if hasattr(checkpoint, "read"):
        checkpoint.read(path).assert_existing_objects_matched()
    else:
        # TF 1.15-2.2: restore() only; its assertions always fail on a checkpoint written by
        # write() (no save_counter in it). The user's call is silent; weights perturbed before
        # restoring make a restore that restores nothing a MISMATCH
        checkpoint.restore(path).expect_partial()
    case.returned = type(obj).__name__
    return call(tf, obj, case.call_style, inputs, keras_model=keras_model)
