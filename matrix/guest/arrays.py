"""Reference data in JSON: arrays, output flattening and the numeric comparison."""

import numpy as np

RTOL = 1e-4
ATOL = 1e-5


def to_json(name, value):
    arr = np.asarray(value)
    return {
        "name": name,
        "dtype": str(arr.dtype),
        "shape": list(arr.shape),
        "data": arr.ravel().tolist(),
    }


def from_json(entry):
    return np.asarray(entry["data"], dtype=entry["dtype"]).reshape(entry["shape"])


def _to_numpy(value):
    if hasattr(value, "numpy"):
        return value.numpy()
    return np.asarray(value)


def flatten_outputs(result):
    """Outputs in a canonical order: dict values by sorted key, sequences in order."""
    if isinstance(result, dict):
        return [_to_numpy(result[k]) for k in sorted(result)]
    if isinstance(result, (list, tuple)):
        flat = []
        for item in result:
            flat.extend(flatten_outputs(item))
        return flat
    return [_to_numpy(result)]


def compare(outputs, references):
    """(matches, max_abs_error, reason). Shapes and counts must agree exactly."""
    if len(outputs) != len(references):
        return False, None, "expected %d outputs, got %d" % (len(references), len(outputs))
    worst = 0.0
    for i, (got, want) in enumerate(zip(outputs, references)):
        got = np.asarray(got)
        if got.shape != want.shape:
            return (
                False,
                None,
                "output %d has shape %s, expected %s" % (i, list(got.shape), list(want.shape)),
            )
        if got.size:
            diff = np.abs(got.astype("float64") - want.astype("float64"))
            if np.isnan(diff).any():
                return False, float("nan"), "output %d has NaN (in the output or the reference)" % i
            worst = max(worst, float(diff.max()))
            if not np.allclose(got, want, rtol=RTOL, atol=ATOL):
                return False, worst, "output %d differs by up to %.3g" % (i, worst)
    return True, worst, ""
