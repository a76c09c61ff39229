"""tf.lite.Interpreter(model_path): the TFLite runtime inside TensorFlow, fed by the model's
signature where the runtime reads signatures (TF >= 2.5), else by its input tensors in order."""

from matrix.guest.calling import SERVING_KEY, match_inputs
from matrix.guest.tfcompat import tf2

NAME = "tf.lite.Interpreter"
DOC = "tf.lite.Interpreter(model_path=f).get_signature_runner()(**inputs) (TF < 2.5: tensors)"
CONTAINERS = ("tflite",)
KINDS = ("keras", "module", "object")
REQUIRES = ()
KERAS = None
ORDER = 90


def load(tf, path, inputs, case):
    interpreter = tf2(tf).lite.Interpreter(model_path=path)
    case.returned = "Interpreter"
    signatures = interpreter.get_signature_list() if hasattr(
        interpreter, "get_signature_list") else {}  # fmt: skip
    if signatures:
        key = SERVING_KEY if SERVING_KEY in signatures else sorted(signatures)[0]
        feed = match_inputs(signatures[key]["inputs"], inputs)
        out = interpreter.get_signature_runner(key)(**feed)  # resizes to the batch given
        return [out[k] for k in sorted(out)]
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
    return [interpreter.get_tensor(d["index"]) for d in outputs]
