"""A TF1 graph written by tf.compat.v1.saved_model.Builder (the fixture's own save())."""

import os

DOC = "tf.compat.v1.saved_model.Builder(dir) … builder.save() (TF1 graph)"
CONTAINER = "savedmodel"
KINDS = ("graph",)
REQUIRES = ()
ORDER = 80


def save(tf, obj, directory, fixture):
    obj.save(os.path.join(directory, "tf1_saved_model"))
    return "tf1_saved_model"
