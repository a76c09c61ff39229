"""The TensorFlow.js converter (`tensorflowjs`, the version the catalog pairs with this
TensorFlow) on the Keras model saved as .h5: a layers model (model.json with the Keras
config, weight shards) that TF.js rebuilds layer by layer. Every .h5 fixture is converted."""

import os
import shutil
import tempfile

from matrix.guest.formats.keras_h5 import save as save_h5
from matrix.guest.formats.tfjs_graph import run_converter

DOC = "tensorflowjs_converter --input_format=keras --output_format=tfjs_layers_model (from .h5)"
CONTAINER = "tfjs_layers"
KINDS = ("keras",)
REQUIRES = ()
ORDER = 96
DERIVED_FROM = "keras_h5"
CONVERTER = "tensorflowjs"


def save(tf, obj, directory, fixture):
    scratch = tempfile.mkdtemp(prefix="tfmatrix-tfjs-")
    try:
        entry = save_h5(tf, obj, scratch, fixture)
        run_converter(["--input_format=keras", "--output_format=tfjs_layers_model",
                       os.path.join(scratch, entry), directory])  # fmt: skip
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return "model.json"
