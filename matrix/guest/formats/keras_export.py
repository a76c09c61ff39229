"""model.export(dir): an inference-only SavedModel with a serving_default endpoint."""

import os

DOC = "model.export(dir) (inference SavedModel)"
CONTAINER = "savedmodel"
KINDS = ("keras",)
REQUIRES = ("keras>=2.13",)
ORDER = 50


def save(tf, obj, directory, fixture):
    obj.export(os.path.join(directory, "exported"))
    return "exported"
