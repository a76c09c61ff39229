"""Loading a user's model inside a worker (`check PATH`): one catalog loader, the inputs the host
wrote, the outputs back to the host, and every signature called.

Unlike a matrix cell there is no manifest and no reference output here: the host made the
inputs (from the signatures' specs with a seed, or the user's --inputs) and compares what each
version returns. The model is loaded from a fresh copy, as a matrix cell is, so an absolute
path to where it was written shows up.
"""

import os
import shutil
import tempfile
import time

import numpy as np

from matrix.guest.addons import import_addons
from matrix.guest.arrays import flatten_outputs
from matrix.guest.calling import SERVING_KEY, call_signature, signature_input_names
from matrix.guest.classify import error_info
from matrix.guest.protocol import CALL_GROUP, CheckAnswer, Status
from matrix.guest.reset import reset_state
from matrix.guest.runtime import guest_module
from matrix.guest.tfcompat import tf2

NOT_CALLED = "NOT_CALLED"


class NoInputs(Exception):
    """There is nothing to call the model with (no spec to make inputs from, no --inputs)."""


class _NoInputs(dict):
    """Inputs that are not there: a loader that loads first and then reaches for them is
    stopped at that point, so the load itself is still measured."""

    def _missing(self, *args, **kwargs):
        raise NoInputs("no inputs to call it with (give --inputs FILE.npz)")

    items = values = keys = __iter__ = __len__ = _missing


class UserCase(object):
    """What a loader may know about the model (see consume.Case): no fixture code."""

    def __init__(self, kind, call_style):
        self.kind = kind
        self.call_style = call_style
        self.returned = None

    def fixture(self):
        raise ValueError("a user's model has no fixture code: this loader needs the model's code")


def read_inputs(path):
    """{group: {name: array}}: "SIGNATURE/NAME" keys by signature, plain names in "call"."""
    groups = {}
    with np.load(path, allow_pickle=False) as data:
        for key in data.files:
            group, _, name = key.partition("/")
            if not name:
                group, name = CALL_GROUP, group
            groups.setdefault(group, {})[name] = data[key]
    return groups


def _storable(value):
    """An output as an array np.savez writes without pickling (strings as bytes)."""
    arr = np.asarray(value)
    if arr.dtype.kind == "O":
        items = [v if isinstance(v, bytes) else str(v).encode() for v in arr.ravel().tolist()]
        arr = np.array(items, dtype=bytes).reshape(arr.shape)
    return arr


def _described(outputs):
    return ["%s%s" % (np.asarray(o).dtype, list(np.asarray(o).shape)) for o in outputs]


def enable_unsafe(tf):
    """Keras 3's safe mode off, for a model the user trusts (`check --unsafe`)."""
    keras = getattr(tf, "keras", None)
    config = getattr(keras, "config", None)
    if config is not None and hasattr(config, "enable_unsafe_deserialization"):
        config.enable_unsafe_deserialization()


def every_signature(tf, path, groups, saved, places, addon_ops, called=SERVING_KEY):
    """Call each signature of `tf.saved_model.load(path)` on its inputs (the one the loaders
    call, `called`, on the call's): one entry each."""
    loaded = tf2(tf).saved_model.load(path)
    found = []
    for name in sorted(loaded.signatures.keys()):
        entry = {"name": name}
        fn = loaded.signatures[name]
        feed = groups.get(name)
        if feed is None and name == called:
            feed = groups.get(CALL_GROUP)
        if feed is None and not signature_input_names(fn):
            feed = {}
        try:
            if feed is None:
                raise NoInputs("no inputs for it (give --inputs with %s/NAME keys)" % name)
            outputs = flatten_outputs(fn()) if not feed else call_signature(tf, fn, feed)
            for i, out in enumerate(outputs):
                saved["%s/%d" % (name, i)] = _storable(out)
            entry.update(status=str(Status.PASS), outputs=_described(outputs))
        except NoInputs as exc:
            entry.update(status=NOT_CALLED, message=str(exc))
        except Exception as exc:
            entry.update(status=str(Status.ERROR), **error_info(exc, places, addon_ops))
        found.append(entry)
    return found


def check_load(tf, task):
    answer = CheckAnswer(id=task["id"])
    loader = None
    copy = tempfile.mkdtemp(prefix="tfmatrix-check-")
    source = task["model_path"].rstrip("/")
    places = ((copy, "<model>"), (source, "<model>"))
    addon_ops = set(task.get("addon_ops") or ())
    start = time.perf_counter()
    saved = {}
    try:
        loader = guest_module("loaders", task["loader_module"])
        path = os.path.join(copy, os.path.basename(source) or "model")
        if os.path.isdir(source):
            shutil.copytree(source, path)
        else:
            shutil.copy2(source, path)
        groups = read_inputs(task["inputs_path"])
        inputs = groups.get(CALL_GROUP)
        case = UserCase(task.get("kind") or "keras", task.get("call") or "list")
        import_addons(task.get("addons") or ())
        if task.get("unsafe"):
            enable_unsafe(tf)
        start = time.perf_counter()
        try:
            outputs = loader.load(tf, path, inputs if inputs else _NoInputs(), case)
            for i, out in enumerate(outputs):
                saved["%s/%d" % (CALL_GROUP, i)] = _storable(out)
            answer.status = str(Status.PASS)  # loaded and returned: the host compares
            answer.outputs = _described(outputs)
        except NoInputs as exc:
            answer.status = NOT_CALLED
            answer.message = str(exc)
        finally:
            answer.returned = case.returned
        answer.load_seconds = round(time.perf_counter() - start, 5)
        if task.get("every_signature"):
            called = task.get("call_signature") or SERVING_KEY
            answer.signatures = every_signature(tf, path, groups, saved, places, addon_ops, called)
    except BaseException as exc:  # a loader may even call sys.exit; it is still one answer
        if isinstance(exc, KeyboardInterrupt):
            raise
        answer.status = str(Status.ERROR)
        for k, v in error_info(exc, places, addon_ops).items():
            setattr(answer, k, v)
    finally:
        if answer.load_seconds is None:
            answer.load_seconds = round(time.perf_counter() - start, 5)
        try:
            np.savez(task["outputs_path"], **saved)
        except Exception as exc:  # an output numpy cannot store: said, the answer stays
            answer.message = (answer.message or "") + " (outputs not stored: %s)" % exc
        shutil.rmtree(copy, ignore_errors=True)
        reset_state(tf, getattr(loader, "KERAS", "all") if loader else "all")
    return answer
