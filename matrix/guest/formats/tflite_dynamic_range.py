"""TFLiteConverter with dynamic-range quantization (`optimizations = [Optimize.DEFAULT]`, no
representative data): weights stored as int8, activations float. The outputs differ from the
float model's by the quantization error, so they are compared with a tolerance that says so."""

from matrix.guest.formats.tflite import convert, describe  # noqa: F401  (describe: op versions)

DOC = "TFLiteConverter.from_saved_model(dir) with optimizations=[Optimize.DEFAULT] (int8 weights)"
CONTAINER = "tflite"
KINDS = ("keras", "module", "object")
REQUIRES = ()
ORDER = 91
# int8 weights: a few per cent of the output's scale, not float32's rounding
TOLERANCE = {"rtol": 0.05, "atol": 0.05}


def _quantize(tf, converter):
    converter.optimizations = [tf.lite.Optimize.DEFAULT]


def save(tf, obj, directory, fixture):
    return convert(tf, obj, directory, fixture, _quantize)
