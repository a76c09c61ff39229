"""TFLiteConverter allowed to keep TensorFlow ops TFLite has no kernel for ("select TF ops",
run by the Flex delegate): `target_spec.supported_ops = [TFLITE_BUILTINS, SELECT_TF_OPS]`. The
file runs only in an interpreter that links the Flex delegate (TensorFlow's own does)."""

from matrix.guest.formats.tflite import convert, describe  # noqa: F401  (describe: op versions)

DOC = "TFLiteConverter.from_saved_model(dir) with supported_ops=[TFLITE_BUILTINS, SELECT_TF_OPS]"
CONTAINER = "tflite"
KINDS = ("keras", "module", "object")
REQUIRES = ()
ORDER = 92


def _select_ops(tf, converter):
    converter.target_spec.supported_ops = [
        tf.lite.OpsSet.TFLITE_BUILTINS,
        tf.lite.OpsSet.SELECT_TF_OPS,
    ]


def save(tf, obj, directory, fixture):
    return convert(tf, obj, directory, fixture, _select_ops)
