"""What people hit with a model like this, each with a one-line fix (no TensorFlow needed)."""

from __future__ import annotations

from dataclasses import dataclass

from matrix.check.model import SAVED_MODEL, TFLITE, Model
from matrix.check.runtimes import Runtimes


@dataclass(frozen=True)
class Lint:
    rule: str
    message: str
    fix: str

    def as_dict(self) -> dict:
        return dict(self.__dict__)


def lint(model: Model, rt: Runtimes | None = None) -> list[Lint]:
    out: list[Lint] = []
    if model.format == SAVED_MODEL:
        out += _saved_model(model, rt)
    if model.format == TFLITE:
        out += _tflite(model)
    out += _keras(model)
    return out


def _tflite(model: Model) -> list[Lint]:
    """Ops a standalone TFLite runtime (a phone's, LiteRT, tflite-runtime) does not have."""
    out = []
    flex = sorted({op["op"] for op in model.tflite_ops if op["kind"] == "flex"})
    if flex:
        out.append(Lint(
            "tflite_flex_ops",
            f"needs select TensorFlow ops (Flex): {', '.join(flex)}; LiteRT and tflite-runtime "
            "refuse it (measured: tflite_select_tf_ops), TensorFlow's own interpreter runs it",
            "convert without SELECT_TF_OPS (replace the op), or link the Flex delegate "
            "(tensorflow-lite-select-tf-ops) into the app's runtime",
        ))  # fmt: skip
    custom = sorted({op["op"] for op in model.tflite_ops if op["kind"] == "custom"})
    if custom:
        out.append(Lint(
            "tflite_custom_ops",
            f"needs custom ops: {', '.join(custom)}; no runtime has them unless registered",
            "register each op's kernel with the interpreter (an op resolver)",
        ))  # fmt: skip
    return out


def _saved_model(model: Model, rt: Runtimes | None) -> list[Lint]:
    out = []
    for asset in model.assets:
        if asset.startswith("/"):
            out.append(
                Lint(
                    "asset_absolute",
                    f"asset {asset!r} is named by an absolute path",
                    "save with tf.saved_model.Asset (or a TextFileInitializer on a "
                    "relative path) so the file travels in assets/",
                )
            )
        elif asset not in model.asset_files:
            out.append(
                Lint(
                    "asset_missing",
                    f"the graph names asset {asset!r}, assets/ has no such file",
                    "copy the file into the SavedModel's assets/ folder, "
                    "or save again with the file present",
                )
            )
    names = [s.name for s in model.signatures]
    if "serving_default" not in names:
        out.append(
            Lint(
                "no_serving_default",
                f"no 'serving_default' signature (has: {', '.join(names) or 'none'})",
                "save with signatures="
                "{'serving_default': f.get_concrete_function(spec)}: TF Serving and "
                "saved_model_cli call that one by default",
            )
        )
    for s in model.signatures:
        for t in s.inputs:
            if t.shape is None and not s.name.startswith("__"):
                out.append(
                    Lint(
                        "unknown_rank",
                        f"input {t.name!r} of signature {s.name!r} has an unknown rank",
                        "give the tf.TensorSpec a shape (None for "
                        "each free dimension): callers and converters need the rank",
                    )
                )
    gpu = sorted(op for op in model.ops if op.startswith("Cudnn"))
    if gpu:
        out.append(
            Lint(
                "gpu_only_ops",
                f"ops only a GPU build runs: {', '.join(gpu)}",
                "save from a model whose RNN layers use the generic kernel (e.g. "
                "LSTM(..., recurrent_dropout>0) or run on CPU when saving)",
            )
        )
    addon = sorted(op for op in model.ops if ">" in op)
    if addon:
        out.append(
            Lint(
                "addon_ops",
                f"ops of an add-on library: {', '.join(addon)}",
                "every loader needs the add-on built for its TF, imported before "
                "loading (e.g. import tensorflow_text)",
            )
        )
    if rt and model.tensorflow_version and model.graph_producer:
        recorded = ".".join(model.tensorflow_version.split(".")[:2])
        runtime = rt.runtimes.get(recorded)
        if runtime and model.graph_producer > runtime.producer:
            out.append(
                Lint(
                    "version_disagrees",
                    f"the file records TF "
                    f"{model.tensorflow_version}, but its GraphDef producer "
                    f"{model.graph_producer} is newer than that TF writes "
                    f"({runtime.producer})",
                    "trust the producer number: a newer "
                    "TensorFlow wrote it (the recorded string can be stale)",
                )
            )
    return out


def _keras(model: Model) -> list[Lint]:
    out = []
    lambdas = [layer.name for layer in model.layers if layer.class_name == "Lambda"]
    if lambdas:
        out.append(
            Lint(
                "lambda_layer",
                f"Lambda layers: {', '.join(lambdas)} (Python "
                "bytecode: refused in safe mode, tied to the Python minor that saved "
                "it)",
                "replace each Lambda by a small registered Layer subclass",
            )
        )
    custom = sorted(
        {
            layer.registered_name or layer.class_name
            for layer in model.layers
            if (layer.module and not layer.module.startswith("keras"))
            or (layer.registered_name and ">" in layer.registered_name)
        }
    )
    if custom:
        out.append(
            Lint(
                "custom_objects",
                f"classes no Keras has built in: {', '.join(custom)}",
                "load with custom_objects={...} (or register them with "
                "keras.saving.register_keras_serializable) in every loader",
            )
        )
    return out
