"""What is installed in this environment: versions of Python, TensorFlow, Keras, numpy, and
every distribution (and npm package). `python -m matrix.guest.envinfo` prints it as JSON
(imports TensorFlow, except in a runtime without it)."""

import json
import os
import platform
import sys
import time


def installed_packages():
    """{name: version} of every installed distribution (no TensorFlow import needed)."""
    try:
        from importlib import metadata
    except ImportError:  # Python < 3.8
        import importlib_metadata as metadata  # type: ignore
    found = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            found[name.lower().replace("_", "-")] = dist.version
    return dict(sorted(found.items()))


def keras_version(tf):
    """Version of the Keras that `tf.keras` resolves to (Keras 3 from TF 2.16)."""
    try:
        keras = tf.keras
        v = getattr(keras, "__version__", None)
        if v:
            return v
        import keras as standalone  # noqa: F401  (TF 2.16+ when tf.keras is a lazy loader)

        return standalone.__version__
    except Exception:
        return None


def describe(tf, import_seconds=None):
    """The environment's versions; `tf` is None in a runtime without TensorFlow (LiteRT,
    tflite-runtime, TensorFlow.js), which says what it is instead."""
    np = sys.modules.get("numpy")
    info = {
        "python": platform.python_version(),
        "tensorflow": tf.__version__ if tf is not None else None,
        "tf_git_version": getattr(getattr(tf, "version", None), "GIT_VERSION", None),
        "keras": keras_version(tf) if tf is not None else None,
        "numpy": np.__version__ if np else None,
        "import_seconds": import_seconds,
        "legacy_keras_env": os.environ.get("TF_USE_LEGACY_KERAS"),
    }
    if runtime_name():
        info["runtime"] = runtime_name()
        info["npm"] = npm_packages()
        if info["npm"]:
            info["node"] = node_version()
    return info


def runtime_name():
    """The runtime family of an environment without TensorFlow (set by the host), or None."""
    return os.environ.get("TFMATRIX_RUNTIME") or None


def node_modules():
    """Where a TensorFlow.js environment's npm packages are: ENV/node/node_modules."""
    return os.path.join(sys.prefix, "node", "node_modules")


def npm_packages():
    """{name: version} of the npm packages installed in this environment (TensorFlow.js)."""
    found = {}
    root = node_modules()
    if not os.path.isdir(root):
        return found
    for scope in sorted(os.listdir(root)):
        names = [scope]
        if scope.startswith("@"):
            names = [scope + "/" + n for n in sorted(os.listdir(os.path.join(root, scope)))]
        for name in names:
            path = os.path.join(root, name, "package.json")
            if os.path.exists(path):
                with open(path) as f:
                    found[name] = json.load(f).get("version")
    return found


def node_version():
    import subprocess

    try:
        out = subprocess.run(["node", "--version"], stdout=subprocess.PIPE, timeout=60)
        return out.stdout.decode().strip().lstrip("v") or None
    except (OSError, subprocess.SubprocessError):
        return None


def import_tensorflow():
    """Import TensorFlow quietly and in eager (TF2) mode; return (tf, seconds). A runtime
    without TensorFlow imports none: (None, 0.0)."""
    if runtime_name():
        import numpy  # noqa: F401  (its version is described; the loaders use it)

        return None, 0.0
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    start = time.time()
    import tensorflow as tf

    if not tf.executing_eagerly():  # TF 1.15: the v2 behaviour the fixtures are written for
        tf.compat.v1.enable_v2_behavior()
    return tf, time.time() - start


def main():
    tf, seconds = import_tensorflow()
    # the environment's add-ons (argv): one that cannot be imported beside this TensorFlow
    # (built for another one) makes the environment IMPORT_FAILED, with its message
    for name in sys.argv[1:]:
        __import__(name)
    info = describe(tf, seconds)
    info["packages"] = installed_packages()
    sys.stdout.write(json.dumps(info, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
