"""tf.saved_model.load(dir).signatures["serving_default"](**inputs): the TF2 serving path."""

from matrix.guest.calling import call_signature, serving_signature
from matrix.guest.tfcompat import tf2

NAME = "tf.saved_model.load"
DOC = 'tf.saved_model.load(dir).signatures["serving_default"](**inputs)'
CONTAINERS = ("savedmodel",)
KINDS = ("keras", "module", "graph", "object")
REQUIRES = ()
KERAS = None
IMPORTS = ()  # beyond the runtime: who shares its outcome
ORDER = 10


def load(tf, path, inputs, case):
    loaded = tf2(tf).saved_model.load(path)
    case.returned = type(loaded).__name__
    # fed by the signature's keyword names (calling.signature_input_names: TF 1.15-2.3 restore
    # a TF1 graph's signatures without a structured input signature)
    return call_signature(tf, serving_signature(loaded.signatures), inputs)
