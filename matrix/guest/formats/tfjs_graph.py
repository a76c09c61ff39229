"""The TensorFlow.js converter (`tensorflowjs`, the version the catalog pairs with this
TensorFlow, installed beside it) on the SavedModel the producer writes: a graph model
(model.json + weight shards) of its serving signature. Every SavedModel fixture is converted."""

import os
import shutil
import tempfile

from matrix.guest.formats.saved_model import save as save_saved_model

DOC = "tensorflowjs_converter --input_format=tf_saved_model --output_format=tfjs_graph_model"
CONTAINER = "tfjs_graph"
KINDS = ("keras", "module", "object")
REQUIRES = ()
ORDER = 95
DERIVED_FROM = "saved_model"
CONVERTER = "tensorflowjs"


def run_converter(arguments):
    """The converter's command line, run in this process (TensorFlow is imported already)."""
    from tensorflowjs.converters import converter

    if hasattr(converter, "convert"):
        converter.convert(arguments)
    else:  # the oldest releases only have main(argv), one string
        converter.main([" ".join(arguments)])


def save(tf, obj, directory, fixture):
    scratch = tempfile.mkdtemp(prefix="tfmatrix-tfjs-")
    try:
        entry = save_saved_model(tf, obj, scratch, fixture)
        run_converter(["--input_format=tf_saved_model", "--output_format=tfjs_graph_model",
                       "--signature_name=serving_default", "--saved_model_tags=serve",
                       os.path.join(scratch, entry), directory])  # fmt: skip
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return "model.json"
