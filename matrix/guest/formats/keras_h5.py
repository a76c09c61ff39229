"""model.save("model.h5"): the legacy HDF5 file (architecture, weights, no TF graph)."""

import os

DOC = 'model.save("model.h5") (legacy HDF5)'
CONTAINER = "keras_file"
KINDS = ("keras",)
REQUIRES = ()
ORDER = 30


def save(tf, obj, directory, fixture):
    obj.save(os.path.join(directory, "model.h5"))
    return "model.h5"
