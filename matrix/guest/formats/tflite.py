"""TFLiteConverter: the model as a .tflite flatbuffer (float32, no quantization, TFLite builtin
ops only: the converter's defaults), converted by the producer's own TensorFlow from the
SavedModel it writes (`tf.saved_model.save`). Every fixture saved as a SavedModel is converted.
"""

import os
import shutil
import tempfile

from matrix.guest.formats.saved_model import save as save_saved_model
from matrix.guest.tfcompat import tf2
from matrix.guest.tflite_ops import operator_codes

DOC = "tf.lite.TFLiteConverter.from_saved_model(dir).convert() (float32)"
CONTAINER = "tflite"
KINDS = ("keras", "module", "object")
REQUIRES = ()
ORDER = 90
DERIVED_FROM = "saved_model"


def save(tf, obj, directory, fixture):
    return convert(tf, obj, directory, fixture)


def convert(tf, obj, directory, fixture, configure=None):
    """Save `obj` as a SavedModel in scratch space, convert it (`configure(tf, converter)` sets
    the options of a variant), write model.tflite."""
    scratch = tempfile.mkdtemp(prefix="tfmatrix-tflite-")
    try:
        entry = save_saved_model(tf, obj, scratch, fixture)
        converter = tf2(tf).lite.TFLiteConverter.from_saved_model(os.path.join(scratch, entry))
        if configure is not None:
            configure(tf2(tf), converter)
        flatbuffer = converter.convert()
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    with open(os.path.join(directory, "model.tflite"), "wb") as f:
        f.write(flatbuffer)
    return "model.tflite"


def describe(tf, path):
    """What the manifest records beside the file: the op codes and versions it needs."""
    with open(path, "rb") as f:
        return {"tflite_ops": operator_codes(f.read())}
