"""tensorflow_hub.load(path), the restored object called: how TF Hub users load a model."""

from matrix.guest.calling import call

NAME = "hub.load"
DOC = "obj = tensorflow_hub.load(path); obj(x)"
CONTAINERS = ("savedmodel",)
KINDS = ("keras", "module", "object")
REQUIRES = ("tensorflow-hub",)
IMPORTS = ("tensorflow-hub", "tf-keras", "keras")  # hub imports tf_keras beside TF 2.16+
KERAS = None
ORDER = 25


def load(tf, path, inputs, case):
    import tensorflow_hub as hub

    loaded = hub.load(path)
    case.returned = type(loaded).__name__
    return call(tf, loaded, case.call_style, inputs)
