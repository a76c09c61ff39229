"""The consumer's own TFLite converter on the producer's SavedModel, then the consumer's own
interpreter on the result: does TF Y's converter read what TF X saved, and does its file run?
A conversion that fails is this cell's error, with the converter's message."""

import os
import shutil
import tempfile

from matrix.guest.loaders import tflite_interpreter
from matrix.guest.tfcompat import tf2

NAME = "TFLiteConverter here, then its Interpreter"
DOC = "TFLiteConverter.from_saved_model(dir).convert() in this TF, run by this TF's interpreter"
CONTAINERS = ("tflite_source",)
KINDS = ("keras", "module", "object")
REQUIRES = ("tensorflow",)
KERAS = None
IMPORTS = ()  # beyond the runtime: who shares its outcome
ORDER = 91


def load(tf, path, inputs, case):
    flatbuffer = tf2(tf).lite.TFLiteConverter.from_saved_model(path).convert()
    scratch = tempfile.mkdtemp(prefix="tfmatrix-convert-")
    try:
        converted = os.path.join(scratch, "model.tflite")
        with open(converted, "wb") as f:
            f.write(flatbuffer)
        outputs = tflite_interpreter.load(tf, converted, inputs, case)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    case.returned = "converted here (%d bytes), Interpreter" % len(flatbuffer)
    return outputs
