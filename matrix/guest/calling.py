"""How the harness calls a model: live on the producer, restored on the consumer.

The calling convention is data in the manifest ("call"), so a consumer calls what it
loaded exactly as the producer called the original, without importing the fixture's code
(importing it would register its classes and hide an unknown-class failure).
    "list"        model(x) for one input, model([x1, x2, ...]) for several (Keras default)
    "dict"        model({"name": x, ...})
    "positional"  obj(x1, x2, ...) (tf.Module default)
"""

import re

import numpy as np

from matrix.guest.arrays import flatten_outputs

DEFAULT_CALL = {"keras": "list", "module": "positional", "graph": "positional",
                "object": "positional"}  # fmt: skip


class SignatureError(Exception):
    """The SavedModel loads but has no usable signature for the reference inputs."""


SERVING_KEY = "serving_default"


def convention(fixture):
    return getattr(fixture, "CALL", None) or DEFAULT_CALL.get(fixture.KIND, "positional")


def constant(tf, value):
    return tf.constant(value)


def call(tf, obj, style, inputs, keras_model=False):
    """Call `obj` on the reference inputs (dict name -> numpy) in the given style; outputs as a
    flat list of numpy arrays."""
    tensors = [(k, constant(tf, v)) for k, v in inputs.items()]
    kwargs = {"training": False} if keras_model else {}
    if style == "dict":
        result = obj(dict(tensors), **kwargs)
    elif style == "list":
        values = [t for _, t in tensors]
        result = obj(values[0] if len(values) == 1 else values, **kwargs)
    else:
        result = obj(*[t for _, t in tensors])
    return flatten_outputs(result)


def serving_signature(signatures, key=SERVING_KEY):
    keys = sorted(signatures.keys())
    if key not in keys:
        raise SignatureError("no %r signature (signatures: %s)" % (key, ", ".join(keys) or "none"))
    return signatures[key]


_POSITIONAL_NAME = re.compile(r"^(?P<base>.*?)(_(?P<n>\d+))?$")


def match_inputs(names, inputs):
    """{signature input name: reference array}: by name; positionally for one input; and in
    order where the signature numbers positional inputs itself (Keras 3 names a list of
    inputs "inputs", "inputs_1", … whatever the Input layers were called)."""
    names = list(names)
    if len(names) == 1 and len(inputs) == 1:
        return {names[0]: list(inputs.values())[0]}
    if sorted(names) == sorted(inputs):
        return dict((n, inputs[n]) for n in names)
    numbered = [_POSITIONAL_NAME.match(n) for n in names]
    if len(names) == len(inputs) and len(set(m.group("base") for m in numbered)) == 1:
        ordered = sorted(names, key=lambda n: int(_POSITIONAL_NAME.match(n).group("n") or 0))
        return dict(zip(ordered, inputs.values()))
    raise SignatureError(
        "signature inputs %s do not match the model's inputs %s" % (sorted(names), list(inputs))
    )


def signature_input_names(fn):
    """The keyword names of a restored signature. TF 1.15-2.3 restore a TF1 SavedModel's
    signatures without a structured input signature; their keywords are still known."""
    structured = getattr(fn, "structured_input_signature", None)
    if structured is not None:
        return sorted(structured[1])
    return sorted(getattr(fn, "_arg_keywords", None) or ())


def call_signature(tf, fn, inputs):
    """Call a restored ConcreteFunction signature with keyword tensors."""
    feed = match_inputs(signature_input_names(fn), inputs)
    return flatten_outputs(fn(**dict((k, constant(tf, v)) for k, v in feed.items())))


def variables_of(obj):
    found = getattr(obj, "weights", None)
    if found is None:
        found = getattr(obj, "variables", None) or []
    return list(found)


def perturb(obj, seed=12345):
    """Overwrite every float variable, so that a restore that silently restores nothing shows up
    as MISMATCH instead of passing on the weights build() happened to set."""
    rng = np.random.RandomState(seed)
    for var in variables_of(obj):
        # a tf.DType in TF and Keras 2; a plain string ("float32") for Keras 3 variables
        dtype = np.dtype(getattr(var.dtype, "as_numpy_dtype", var.dtype))
        if dtype.kind != "f":
            continue
        shape = tuple(int(d) for d in var.shape)
        var.assign((rng.standard_normal(shape) * 0.5 + 0.25).astype(dtype))


def first_rows(inputs, n=1):
    """The reference inputs cut to a batch of `n` (the harness's warm-up call)."""
    return dict((k, v[:n]) for k, v in inputs.items())
