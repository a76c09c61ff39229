"""tf.saved_model.load(dir)(x): the restored object called directly, no signature needed."""

from matrix.guest.calling import call
from matrix.guest.tfcompat import tf2

NAME = "tf.saved_model.load()(x)"
DOC = "obj = tf.saved_model.load(dir); obj(x) (the restored __call__, no signature needed)"
CONTAINERS = ("savedmodel",)
KINDS = ("keras", "module", "object")
REQUIRES = ()
KERAS = None
IMPORTS = ()  # beyond the runtime: who shares its outcome
ORDER = 20


def load(tf, path, inputs, case):
    loaded = tf2(tf).saved_model.load(path)
    case.returned = type(loaded).__name__
    return call(tf, loaded, case.call_style, inputs)
