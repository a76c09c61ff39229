"""The long-lived guest process: imports TensorFlow once, then produces or consumes artifacts
one task at a time.

Protocol (see protocol.py): the host writes one JSON task per line on stdin; the worker answers
each with one JSON line on its protocol channel (the original stdout; anything else that writes
to stdout, such as Keras progress bars, is sent to stderr). The first line is a `hello` with
the environment's versions and the TensorFlow import time.
"""

import faulthandler
import importlib
import importlib.util
import os
import resource
import shutil
import sys
import tempfile
import time
import traceback
from dataclasses import asdict

from matrix.guest import protocol
from matrix.guest.addons import AddonImportError, addon_ops, import_addons
from matrix.guest.arrays import compare, flatten_outputs, from_json, to_json
from matrix.guest.calling import SignatureError, call, convention, first_rows
from matrix.guest.classify import classify_detail, first_line, normalize
from matrix.guest.envinfo import describe, import_tensorflow, installed_packages
from matrix.guest.protocol import ConsumeAnswer, ProduceAnswer, Status
from matrix.guest.reset import reset_state

_manifests = {}
_modules = {}


def load_fixture(path):
    """Execute the fixture's file afresh: each cell starts with the Keras registry cleared, so
    a registration at import time must run again, as in a new program."""
    # named after the file, not its folder: a Keras file records its classes' module, and
    # what is saved must not depend on where the project is checked out
    name = "tfmatrix_fixture_" + os.path.splitext(os.path.basename(path))[0]
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # Keras may look a registered class's module up by name
    spec.loader.exec_module(module)
    return module


def forget_fixtures():
    """Drop imported fixture code, so the next cell does not find a class it never imported
    (Keras looks classes up by module name in sys.modules)."""
    for name in [n for n in sys.modules if n.startswith("tfmatrix_fixture_")]:
        del sys.modules[name]


def guest_module(package, name):
    key = package + "." + name
    if key not in _modules:
        _modules[key] = importlib.import_module("matrix.guest.%s.%s" % (package, name))
    return _modules[key]


def error_info(exc, places=()):
    """Category, detail and message of an exception. `places` are (path, placeholder) pairs:
    messages name no folder of the machine that ran them, so runs elsewhere read the same."""
    exc_type = type(exc).__name__
    for ours in (SignatureError, AddonImportError):  # the harness's own errors, by their name
        if isinstance(exc, ours):
            exc_type = ours.__name__
    message = normalize(str(exc) or repr(exc))
    for path, placeholder in places:
        message = message.replace(path, placeholder)
    category, detail = classify_detail(exc_type, message)
    return {
        "error_category": category,
        "error_detail": detail,
        "exception_type": type(exc).__name__,
        "message": first_line(message),
        "message_tail": message[-2000:],
    }


def live_call(tf, module, obj, inputs):
    """Call the object the fixture built, as its `call()` says or by its calling convention."""
    if hasattr(module, "call"):
        return flatten_outputs(module.call(obj, inputs))
    return call(tf, obj, convention(module), inputs, keras_model=module.KIND == "keras")


def produce(tf, info, task):
    """Save one fixture in one format. Everything is written to a fresh sibling directory
    that replaces `out_dir` only when complete, so a reader never sees half an artifact.

    The fixture is built and saved with a fresh scratch directory as the working directory,
    deleted right after: a model that still needs a file it wrote there (a vocabulary) fails
    in the consumer, as it would on another machine. The object is first called on a batch of
    one, and the reference outputs are computed after saving on the full batch, so a saved
    signature that froze the batch size shows up."""
    out_dir = task["out_dir"]
    staging = protocol.staging_dir(out_dir, os.getpid())
    if os.path.exists(staging):
        shutil.rmtree(staging)
    art_dir = os.path.join(staging, protocol.ARTIFACT_SUBDIR)
    os.makedirs(art_dir)
    manifest = protocol.new_manifest(task, info, Status.OK)
    start = time.perf_counter()
    scratch = tempfile.mkdtemp(prefix="tfmatrix-scratch-")
    here = os.getcwd()
    try:
        module = load_fixture(task["fixture_path"])
        manifest["kind"] = module.KIND
        manifest["call"] = convention(module)
        manifest["tolerance"] = getattr(module, "TOLERANCE", None)
        saver = guest_module("formats", task["format_module"])
        os.chdir(scratch)
        obj = module.build()
        inputs = module.inputs()
        small = [k for k, v in inputs.items() if getattr(v, "shape", ())[:1] in ((), (0,), (1,))]
        if small:
            raise ValueError("fixture inputs need a batch of at least 2: %s" % small)
        live_call(tf, module, obj, first_rows(inputs))
        manifest["entry"] = saver.save(tf, obj, art_dir, module)
        addons = list(getattr(module, "ADDONS", ()))
        if addons:  # which ops of the saved graph only the add-on defines
            manifest["addons"] = addons
            entry = os.path.join(art_dir, manifest["entry"])
            if os.path.exists(os.path.join(entry, "saved_model.pb")):
                manifest["addon_ops"] = addon_ops(tf, entry, addons)
        outputs = live_call(tf, module, obj, inputs)
        manifest["inputs"] = [to_json(k, v) for k, v in inputs.items()]
        manifest["outputs"] = [to_json("output_%d" % i, v) for i, v in enumerate(outputs)]
    except Exception as exc:
        manifest["status"] = str(Status.SAVE_FAILED)
        manifest.update(error_info(exc, ((staging, "<artifact>"), (scratch, "<scratch>"))))
        manifest["traceback"] = traceback.format_exc()[-4000:]
    finally:
        os.chdir(here)
        shutil.rmtree(scratch, ignore_errors=True)
        forget_fixtures()
        reset_state(tf)
    manifest["save_seconds"] = round(time.perf_counter() - start, 4)
    manifest["files"] = protocol.file_hashes(art_dir)
    protocol.seal_manifest(manifest, protocol.files_digest(manifest["files"]))
    protocol.write_json_atomic(os.path.join(staging, protocol.MANIFEST_NAME), manifest)
    replace_dir(staging, out_dir)
    return ProduceAnswer(id=task["id"], status=manifest["status"],
                         content_sha256=manifest["content_sha256"])  # fmt: skip


def replace_dir(new, target):
    old = "%s.old-%d" % (target, os.getpid())
    if os.path.exists(target):
        os.rename(target, old)
    os.rename(new, target)
    if os.path.exists(old):
        shutil.rmtree(old)


def read_manifest(artifact_dir):
    if artifact_dir not in _manifests:
        manifest = protocol.read_json(os.path.join(artifact_dir, protocol.MANIFEST_NAME))
        manifest["_inputs"] = dict((e["name"], from_json(e)) for e in manifest["inputs"])
        manifest["_outputs"] = [from_json(e) for e in manifest["outputs"]]
        _manifests[artifact_dir] = manifest
    return _manifests[artifact_dir]


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


def consume(tf, task):
    answer = ConsumeAnswer(id=task["id"])
    loader = None
    copy = tempfile.mkdtemp(prefix="tfmatrix-load-")
    start = time.perf_counter()
    try:
        manifest = read_manifest(task["artifact_dir"])
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
            outputs = loader.load(tf, path, manifest["_inputs"], case)
        finally:
            answer.returned = case.returned
        ok, max_err, reason = compare(outputs, manifest["_outputs"], manifest.get("tolerance"))
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
        info = error_info(exc, places)
        addon_op = (manifest_or_none(task) or {}).get("addon_ops") or {}
        if info["error_category"] == "missing_op" and info["error_detail"] in addon_op:
            # not an op of a newer TensorFlow: one that only the add-on defines
            info["error_category"] = "addon_op_missing"
        for k, v in info.items():
            setattr(answer, k, v)
    finally:
        answer.load_seconds = round(time.perf_counter() - start, 5)
        shutil.rmtree(copy, ignore_errors=True)
        forget_fixtures()
        reset_state(tf, getattr(loader, "KERAS", "all") if loader else "all")
    return answer


def main():
    faulthandler.enable()  # a segfault leaves the Python stack on stderr, for the CRASH cell
    channel = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # keep stray prints (progress bars, warnings) off the protocol channel
    sys.stdout = sys.stderr

    def send(message):
        channel.write(protocol.to_wire(message) + "\n")
        channel.flush()

    tf, import_seconds = import_tensorflow()
    info = describe(tf, round(import_seconds, 3))
    info["packages"] = installed_packages()
    send(protocol.Hello(schema=protocol.SCHEMA_VERSION, harness=protocol.HARNESS_VERSION,
                        pid=os.getpid(), info=info))  # fmt: skip
    short_info = dict((k, info[k]) for k in ("python", "tensorflow", "keras", "numpy"))
    for line in sys.stdin:
        if not line.strip():
            continue
        raw = protocol.loads(line)
        try:
            typed = protocol.task_of(raw)
        except protocol.ProtocolMismatch as exc:
            answer = ConsumeAnswer(id=raw.get("id", -1), status=str(Status.ERROR),
                                   error_category="protocol", message=str(exc))  # fmt: skip
        else:
            if typed is None:  # exit
                break
            task = asdict(typed)  # every field, defaults filled in
            if typed.op == "produce":
                answer = produce(tf, short_info, task)
            else:
                answer = consume(tf, task)
        answer.maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        send(answer)


if __name__ == "__main__":
    main()
