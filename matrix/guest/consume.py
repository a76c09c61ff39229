"""Consuming inside a worker: load one artifact with one loader, call it, compare."""

import os
import shutil
import tempfile
import time

from matrix.guest import protocol
from matrix.guest.addons import import_addons
from matrix.guest.arrays import compare, from_json
from matrix.guest.classify import error_info
from matrix.guest.protocol import ConsumeAnswer, Status
from matrix.guest.reset import reset_state
from matrix.guest.runtime import forget_fixtures, guest_module, load_fixture

_references = {}


class Reference(object):
    """An artifact's manifest as written, and its reference inputs and outputs as arrays
    (kept beside it, not in it: the manifest stays what the producer wrote)."""

    def __init__(self, manifest):
        self.manifest = manifest
        self.inputs = dict((e["name"], from_json(e)) for e in manifest["inputs"])
        self.outputs = [from_json(e) for e in manifest["outputs"]]


def read_reference(artifact_dir):
    if artifact_dir not in _references:
        path = os.path.join(artifact_dir, protocol.MANIFEST_NAME)
        _references[artifact_dir] = Reference(protocol.read_json(path))
    return _references[artifact_dir]


def read_manifest(artifact_dir):
    return read_reference(artifact_dir).manifest


def manifest_or_none(task):
    try:
        return read_manifest(task["artifact_dir"])
    except Exception:
        return None


class Case(object):
    """What a loader may know about the cell besides the artifact's path."""

    def __init__(self, manifest, fixture_path):
        self.kind = manifest.get("kind")
        self.call_style = manifest.get("call") or "positional"
        self.returned = None
        self._fixture_path = fixture_path

    def fixture(self):
        """The fixture's code, imported in this TensorFlow (for loaders that rebuild the model
        or need its classes). Loaders that must not see it never call this."""
        if not self._fixture_path:
            raise ValueError("this cell has no fixture code to import")
        return load_fixture(self._fixture_path)


# BuiltinOperator.PLACEHOLDER_FOR_GREATER_OP_CODES: what an op code above 127 is written as
# in the old int8 field, which is all that a runtime older than the extended codes reads
EXTENDED_CODES = 127


def _op_named(info, manifest):
    """An old TFLite runtime names an op it does not know by its code ("builtin_code 150"):
    the producer's file says which op that is and at which version ("GELU v1 (code 150)")."""
    detail = info.get("error_detail")
    if info.get("error_category") != "tflite_op_version" or not detail:
        return detail
    if not detail.startswith("builtin_code "):
        return detail
    code = int(detail.split()[1])
    ops = (manifest or {}).get("tflite_ops") or ()
    for op in ops:
        if op.get("code") == code:
            return "%s v%d (code %d)" % (op["op"], op["version"], code)
    if code == EXTENDED_CODES:  # an op whose code does not fit the old int8 field
        above = ["%s v%d (code %d)" % (o["op"], o["version"], o["code"]) for o in ops
                 if (o.get("code") or 0) > EXTENDED_CODES]  # fmt: skip
        if above:
            return "code %d: %s" % (EXTENDED_CODES, ", ".join(above))
    return detail


def consume(tf, task):
    answer = ConsumeAnswer(id=task["id"])
    loader = None
    copy = tempfile.mkdtemp(prefix="tfmatrix-load-")
    start = time.perf_counter()
    try:
        reference = read_reference(task["artifact_dir"])
        manifest = reference.manifest
        loader = guest_module("loaders", task["loader_module"])
        # every load reads a copy in a new directory: absolute paths to where it was written
        # and files that were never part of the artifact are caught
        source = os.path.join(task["artifact_dir"], protocol.ARTIFACT_SUBDIR)
        shutil.copytree(source, os.path.join(copy, protocol.ARTIFACT_SUBDIR))
        path = os.path.join(copy, protocol.ARTIFACT_SUBDIR, manifest["entry"])
        case = Case(manifest, task.get("fixture_path"))
        # a user who has the model's add-on installed imports it before loading
        import_addons(manifest.get("addons") or ())
        start = time.perf_counter()
        try:
            outputs = loader.load(tf, path, reference.inputs, case)
        finally:
            answer.returned = case.returned
        ok, max_err, reason = compare(outputs, reference.outputs, manifest.get("tolerance"))
        answer.max_abs_error = max_err
        if ok:
            answer.status = str(Status.PASS)
        else:
            answer.status = str(Status.MISMATCH)
            answer.error_category = "numeric_mismatch"
            answer.message = reason
    except BaseException as exc:  # a loader may even call sys.exit; it is still one cell
        if isinstance(exc, KeyboardInterrupt):
            raise
        answer.status = str(Status.ERROR)
        places = ((copy, "<artifact>"), (task["artifact_dir"], "<artifact>"))
        addon_ops = (manifest_or_none(task) or {}).get("addon_ops") or {}
        info = error_info(exc, places, addon_ops)
        info["error_detail"] = _op_named(info, manifest_or_none(task))
        for k, v in info.items():
            setattr(answer, k, v)
    finally:
        answer.load_seconds = round(time.perf_counter() - start, 5)
        shutil.rmtree(copy, ignore_errors=True)
        forget_fixtures()
        reset_state(tf, getattr(loader, "KERAS", "all") if loader else "all")
    return answer
