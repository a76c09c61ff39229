"""`python -m matrix.guest.tflitedump` in a TensorFlow: {code: name} of its builtin TFLite ops,
as JSON. `matrix/catalog/tflite_builtins.json` is this, run in the newest TF of the catalog, so
that the host (`check` on a .tflite), which has no TensorFlow, names op codes too."""

import json
import sys

import tensorflow as tf

from matrix.guest.tflite_ops import builtin_names


def main():
    names = builtin_names()
    sys.stdout.write(json.dumps({"tensorflow": tf.__version__,
                                 "builtins": dict((str(k), v) for k, v in sorted(names.items()))},
                                indent=1) + "\n")  # fmt: skip


if __name__ == "__main__":
    main()
