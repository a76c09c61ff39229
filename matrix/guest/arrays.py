"""Reference data in JSON: arrays (numbers and strings), output flattening, and the comparison
with tolerances per dtype."""

import numpy as np

# (rtol, atol) per floating dtype of the reference; integers, booleans and strings are exact
TOLERANCES = {
    "float16": (1e-2, 1e-3),
    "bfloat16": (2e-2, 1e-2),
    "float32": (1e-4, 1e-5),
    "float64": (1e-4, 1e-5),
}
STRING = "string"


def _is_text(arr):
    return arr.dtype.kind in ("O", "S", "U")


def _text(value):
    if isinstance(value, bytes):
        return value.decode("utf-8", "surrogateescape")
    return str(value)


def to_json(name, value):
    arr = np.asarray(value)
    if _is_text(arr):
        data = [_text(v) for v in arr.ravel().tolist()]
        return {"name": name, "dtype": STRING, "shape": list(arr.shape), "data": data}
    return {
        "name": name,
        "dtype": str(arr.dtype),
        "shape": list(arr.shape),
        "data": arr.ravel().tolist(),
    }


def from_json(entry):
    if entry["dtype"] == STRING:
        data = [s.encode("utf-8", "surrogateescape") for s in entry["data"]]
        arr = np.empty(len(data), dtype=object)
        arr[:] = data
        return arr.reshape(entry["shape"])
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


def tolerance(dtype, override=None):
    if override:
        return override["rtol"], override["atol"]
    return TOLERANCES.get(str(dtype), TOLERANCES["float32"])


def compare(outputs, references, override=None):
    """(matches, max_abs_error, reason). Counts and shapes must agree exactly; strings,
    integers and booleans must be equal; floats within the reference dtype's tolerance, with
    NaN and infinities where the reference has them."""
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
        if not got.size:
            continue
        if _is_text(want) or _is_text(got):
            same = [_text(a) == _text(b) for a, b in zip(got.ravel(), want.ravel())]
            if not all(same):
                return False, None, "output %d: %d strings differ" % (i, same.count(False))
            continue
        if want.dtype.kind in ("i", "u", "b") and got.dtype.kind in ("i", "u", "b"):
            if not np.array_equal(got, want):
                diff = np.abs(got.astype("float64") - want.astype("float64"))
                return False, float(diff.max()), "output %d: integers differ" % i
            continue
        g, w = got.astype("float64"), want.astype("float64")
        if not np.array_equal(np.isnan(g), np.isnan(w)):
            return False, float("nan"), "output %d has NaN where the reference has none" % i
        if not np.array_equal(np.isinf(g), np.isinf(w)) or not np.array_equal(
            g[np.isinf(g)], w[np.isinf(w)]
        ):
            return False, float("inf"), "output %d: infinities differ" % i
        finite = np.isfinite(g)
        diff = np.abs(g[finite] - w[finite])
        if diff.size:
            worst = max(worst, float(diff.max()))
        rtol, atol = tolerance(want.dtype, override)
        if not np.allclose(g[finite], w[finite], rtol=rtol, atol=atol):
            return (
                False,
                worst,
                "output %d differs by up to %.3g (rtol %g, atol %g)" % (i, worst, rtol, atol),
            )
    return True, worst, ""
