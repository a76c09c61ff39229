"""What a user's model is fed when `check` loads it: the user's own `--inputs FILE.npz`, or
arrays made from the specs the model declares (its signatures, a Keras file's InputLayers) with
a seed that is printed, so a run can be repeated and every version gets the same arrays.

The .npz's keys are the guest's contract (matrix/guest/check.py): a plain NAME feeds the
loader's call (the serving signature, or the Keras model), "SIGNATURE/NAME" one signature.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from matrix.check.model import SAVED_MODEL, TFLITE, Model, ModelError, Signature, TensorSpec

SERVING = "serving_default"
# what an unknown dimension becomes: a batch of 2 (first), 4 elsewhere; an unknown rank is fed
# a [2, 1] (a guess, said so)
BATCH, OTHER, UNKNOWN_RANK = 2, 4, (2, 1)
NUMPY = {
    "DT_FLOAT": "float32", "DT_DOUBLE": "float64", "DT_HALF": "float16", "DT_INT8": "int8",
    "DT_INT16": "int16", "DT_INT32": "int32", "DT_INT64": "int64", "DT_UINT8": "uint8",
    "DT_UINT16": "uint16", "DT_BOOL": "bool", "DT_STRING": "bytes",
}  # fmt: skip
WORDS = b"the quick brown fox jumps over the lazy dog"


@dataclass
class Inputs:
    arrays: dict[str, np.ndarray]  # the .npz's keys and arrays
    said: list[str]  # one line per group: where the arrays came from
    seed: int | None  # None: the user's file


def _dtype(spec: TensorSpec) -> str | None:
    name = NUMPY.get(spec.dtype, spec.dtype)
    try:
        return name if name == "bytes" else np.dtype(name).name
    except TypeError:
        return None  # DT_VARIANT, DT_RESOURCE, bfloat16, …: nothing numpy makes


def _shape(spec: TensorSpec) -> tuple[int, ...]:
    if spec.shape is None:
        return UNKNOWN_RANK
    return tuple((BATCH if i == 0 else OTHER) if d < 0 else d for i, d in enumerate(spec.shape))


def array(spec: TensorSpec, rng: np.random.RandomState) -> np.ndarray | None:
    dtype, shape = _dtype(spec), _shape(spec)
    if dtype is None:
        return None
    size = math.prod(shape)
    if dtype == "bytes":
        words = WORDS.split()
        return np.array([b" ".join(words[: 1 + i % len(words)]) for i in range(size)],
                        dtype=bytes).reshape(shape)  # fmt: skip
    if dtype == "bool":
        return rng.rand(*shape) > 0.5
    if np.dtype(dtype).kind in "iu":
        return rng.randint(0, 10, size=shape).astype(dtype)  # small: ids of a vocabulary
    return rng.standard_normal(shape).astype(dtype)


def _describe(spec: TensorSpec, arr: np.ndarray) -> str:
    guessed = " (unknown rank: a guess)" if spec.shape is None else ""
    dtype = "string" if arr.dtype.kind == "S" else arr.dtype
    return f"{spec.name} {dtype}{list(arr.shape)}{guessed}"


def call_inputs(model: Model) -> tuple[str | None, tuple[TensorSpec, ...]]:
    """(the signature the loaders call, its inputs): serving_default, else the only signature
    that has inputs; a Keras file's declared inputs."""
    if model.format not in (SAVED_MODEL, TFLITE):
        return None, tuple(model.keras_inputs)
    sigs = {s.name: s for s in model.signatures if not s.name.startswith("__")}
    if SERVING in sigs:
        return SERVING, sigs[SERVING].inputs
    with_inputs = [s for s in sigs.values() if s.inputs]
    return (with_inputs[0].name, with_inputs[0].inputs) if len(with_inputs) == 1 else (None, ())


def made(model: Model, seed: int) -> Inputs:
    """Arrays for the loaders' call and for every signature, from the declared specs."""
    rng = np.random.RandomState(seed)
    arrays: dict[str, np.ndarray] = {}
    said: list[str] = []
    called, call = call_inputs(model)
    groups: list[tuple[str, tuple[TensorSpec, ...]]] = [("", call)]
    sigs: list[Signature] = [s for s in model.signatures if not s.name.startswith("__")]
    # the call's own signature is fed the call's arrays (the guest knows which it is)
    groups += [(s.name, s.inputs) for s in sigs if s.inputs and s.name != called]
    label = f"{called} (the loaders' call)" if called else "the call"
    for group, specs in groups:
        made_here, missing = [], []
        for spec in specs:
            arr = array(spec, rng)
            if arr is None:
                missing.append(f"{spec.name} ({spec.dtype})")
                continue
            arrays[f"{group}/{spec.name}" if group else spec.name] = arr
            made_here.append(_describe(spec, arr))
        if missing:  # a group is fed whole or not at all
            for spec in specs:
                arrays.pop(f"{group}/{spec.name}" if group else spec.name, None)
            said.append(f"{group or label}: not fed, no array for {', '.join(missing)}")
        elif made_here:
            said.append(f"{group or label}: {', '.join(made_here)}")
    return Inputs(arrays, said, seed)


def given(path: Path) -> Inputs:
    """The user's --inputs file: an .npz of plain arrays (no pickles)."""
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {k: data[k] for k in data.files}
    except FileNotFoundError:
        raise ModelError(f"{path}: no such file (--inputs expects an .npz)") from None
    except (OSError, ValueError, EOFError) as exc:
        raise ModelError(
            f"{path}: not a readable .npz of arrays (np.savez writes one): {exc}"
        ) from None
    if not arrays:
        raise ModelError(f"{path}: an .npz with no arrays in it")
    said = [f"{k} {v.dtype}{list(v.shape)}" for k, v in arrays.items()]
    return Inputs(arrays, [f"from {path}: " + ", ".join(said)], None)


def write(inputs: Inputs, path: Path) -> Path:
    np.savez(path, **inputs.arrays)
    return path
