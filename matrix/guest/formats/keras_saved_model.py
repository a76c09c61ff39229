"""model.save(dir, save_format="tf"): Keras 2's SavedModel, with keras_metadata.pb."""

import os

DOC = 'model.save(dir, save_format="tf") (Keras 2)'
CONTAINER = "savedmodel"
KINDS = ("keras",)
REQUIRES = ("keras<3",)
ORDER = 20


def save(tf, obj, directory, fixture):
    obj.save(os.path.join(directory, "keras_saved_model"), save_format="tf")
    return "keras_saved_model"
