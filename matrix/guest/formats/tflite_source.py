"""The producer's SavedModel of a model meant for TFLite, kept to be converted elsewhere: the
"convert it on a newer (or older) machine" route, where the TFLite converter of another
TensorFlow reads what this one saved. Made for every fixture saved as `tflite`."""

from matrix.guest.formats.saved_model import save as save_saved_model

DOC = "tf.saved_model.save(obj, dir), for the TFLite converter of another TensorFlow"
CONTAINER = "tflite_source"
KINDS = ("keras", "module", "object")
REQUIRES = ()
ORDER = 89
DERIVED_FROM = "tflite"


def save(tf, obj, directory, fixture):
    return save_saved_model(tf, obj, directory, fixture)
