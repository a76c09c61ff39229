"""The TFLite interpreter of the environment, on a .tflite file: `tf.lite.Interpreter` in a
TensorFlow, the standalone runtime's own in a runtime environment (its module named by the
catalog: `ai_edge_litert.interpreter` for LiteRT, `tflite_runtime.interpreter`), fed by the
model's signature where the runtime reads signatures (TF >= 2.5), else by its input tensors."""

import importlib
import os

import numpy as np

from matrix.guest.calling import SERVING_KEY, match_inputs
from matrix.guest.tfcompat import tf2

NAME = "TFLite Interpreter"
DOC = (
    "Interpreter(model_path=f).get_signature_runner()(**inputs): tf.lite's in TensorFlow, "
    "ai_edge_litert's in LiteRT, tflite_runtime's in tflite-runtime (no signatures: tensors)"
)
CONTAINERS = ("tflite",)
KINDS = ("keras", "module", "object")
REQUIRES = ()
KERAS = None
IMPORTS = ()  # the runtime's own interpreter (TF's, LiteRT's, tflite-runtime's)
ORDER = 90

# set by the host from the catalog for a runtime environment without TensorFlow
MODULE_VARIABLE = "TFMATRIX_TFLITE_INTERPRETER"


def interpreter_class(tf):
    name = os.environ.get(MODULE_VARIABLE)
    if name:
        return importlib.import_module(name).Interpreter
    return tf2(tf).lite.Interpreter


def load(tf, path, inputs, case):
    interpreter = interpreter_class(tf)(model_path=path)
    case.returned = "Interpreter"
    signatures = interpreter.get_signature_list() if hasattr(
        interpreter, "get_signature_list") else {}  # fmt: skip
    if signatures:
        key = SERVING_KEY if SERVING_KEY in signatures else sorted(signatures)[0]
        feed = match_inputs(signatures[key]["inputs"], inputs)
        out = interpreter.get_signature_runner(key)(**feed)  # resizes to the batch given
        # copies: newer runtimes return views of the interpreter's own buffers, which are
        # freed with it (TF 2.20+, LiteRT 1.3+ gave garbage and NaN read after the return)
        return [np.array(out[k], copy=True) for k in sorted(out)]
    details = sorted(interpreter.get_input_details(), key=lambda d: d["index"])
    values = list(match_inputs([d["name"] for d in details], inputs).values()) if len(
        details) == len(inputs) and len(details) > 1 else list(inputs.values())  # fmt: skip
    for detail, value in zip(details, values):
        interpreter.resize_tensor_input(detail["index"], list(value.shape))
    interpreter.allocate_tensors()
    for detail, value in zip(details, values):
        interpreter.set_tensor(detail["index"], value.astype(detail["dtype"]))
    interpreter.invoke()
    outputs = sorted(interpreter.get_output_details(), key=lambda d: d["name"])
    return [np.array(interpreter.get_tensor(d["index"]), copy=True) for d in outputs]
