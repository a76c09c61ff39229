"""The long-lived guest process: imports TensorFlow once, then produces or consumes artifacts
one task at a time.

Protocol (see protocol.py): the host writes one JSON task per line on stdin; the worker answers
each with one JSON line on its protocol channel (the original stdout; anything else that writes
to stdout, such as Keras progress bars, is sent to stderr). The first line is a `hello` with
the environment's versions and the TensorFlow import time.
"""

import faulthandler
import hashlib
import importlib.util
import os
import resource
import shutil
import sys
import time
import traceback

from matrix.guest import protocol
from matrix.guest.arrays import compare, flatten_outputs, from_json, to_json
from matrix.guest.classify import classify, first_line
from matrix.guest.envinfo import describe, import_tensorflow, installed_packages
from matrix.guest.loaders import NotApplicable, SignatureError, get_loader, reset_state
from matrix.guest.savers import SAVERS

_fixture_modules = {}
_manifests = {}


def load_fixture(path):
    if path not in _fixture_modules:
        name = "tfmatrix_fixture_" + hashlib.sha256(path.encode()).hexdigest()[:12]
        spec = importlib.util.spec_from_file_location(name, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        _fixture_modules[path] = module
    return _fixture_modules[path]


def call_live(tf, obj, kind, inputs):
    values = [tf.constant(v) for v in inputs.values()]
    if kind == "keras":
        return flatten_outputs(obj(values[0] if len(values) == 1 else values, training=False))
    return flatten_outputs(obj(*values))


def hash_tree(root):
    """{relative path: sha256} of every file under root, and one hash over all of them."""
    files = {}
    for dirpath, _, names in os.walk(root):
        for name in names:
            full = os.path.join(dirpath, name)
            h = hashlib.sha256()
            with open(full, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
            files[os.path.relpath(full, root).replace(os.sep, "/")] = h.hexdigest()
    overall = hashlib.sha256(protocol.dumps(files).encode()).hexdigest()
    return files, overall


def error_info(exc):
    exc_type = type(exc).__name__
    message = str(exc) or repr(exc)
    category = "signature" if isinstance(exc, SignatureError) else classify(exc_type, message)
    return {
        "error_category": category,
        "exception_type": exc_type,
        "message": first_line(message),
        "detail": message[-2000:],
    }


def produce(tf, info, task):
    """Save one fixture in one format. Everything is written to a fresh sibling directory
    that replaces `out_dir` only when complete, so a reader never sees half an artifact."""
    out_dir = task["out_dir"]
    staging = "%s.new-%d" % (out_dir, os.getpid())
    if os.path.exists(staging):
        shutil.rmtree(staging)
    art_dir = os.path.join(staging, protocol.ARTIFACT_SUBDIR)
    os.makedirs(art_dir)
    manifest = {
        "schema": protocol.SCHEMA_VERSION,
        "harness": protocol.HARNESS_VERSION,
        "fixture": task["fixture"],
        "format": task["format"],
        "kind": task.get("kind"),
        "produce_key": task["produce_key"],
        "producer": dict(task.get("producer", {}), **info),
    }
    start = time.perf_counter()
    try:
        module = load_fixture(task["fixture_path"])
        manifest["kind"] = module.KIND
        obj = module.build()
        inputs = module.inputs()
        outputs = call_live(tf, obj, module.KIND, inputs)
        manifest["inputs"] = [to_json(k, v) for k, v in inputs.items()]
        manifest["outputs"] = [to_json("output_%d" % i, v) for i, v in enumerate(outputs)]
        manifest["entry"] = SAVERS[task["format"]](tf, obj, art_dir)
        manifest["status"] = "OK"
    except Exception as exc:
        manifest["status"] = protocol.SAVE_FAILED
        manifest.update(error_info(exc))
        manifest["traceback"] = traceback.format_exc()[-4000:]
    finally:
        reset_state(tf)
    manifest["save_seconds"] = round(time.perf_counter() - start, 4)
    manifest["files"], files_sha = hash_tree(art_dir)
    manifest["content_sha256"] = content_hash(files_sha, manifest)
    protocol.write_json_atomic(os.path.join(staging, protocol.MANIFEST_NAME), manifest)
    replace_dir(staging, out_dir)
    return {"status": manifest["status"], "content_sha256": manifest["content_sha256"]}


def content_hash(files_sha, manifest):
    """What a consumer's result depends on: the files *and* the reference data they are
    checked against (a changed `inputs()` must not reuse results computed with old ones)."""
    judged = dict((k, manifest.get(k)) for k in ("entry", "kind", "inputs", "outputs", "status"))
    judged["files"] = files_sha
    return hashlib.sha256(protocol.dumps(judged).encode()).hexdigest()


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


def consume(tf, task):
    result = {"status": None, "error_category": None, "exception_type": None, "message": None}
    start = time.perf_counter()
    try:
        manifest = read_manifest(task["artifact_dir"])
        path = os.path.join(task["artifact_dir"], protocol.ARTIFACT_SUBDIR, manifest["entry"])
        loader = get_loader(task["loader"])
        start = time.perf_counter()
        outputs = loader(tf, path, manifest["_inputs"])
        seconds = time.perf_counter() - start
        ok, max_err, reason = compare(outputs, manifest["_outputs"])
        result["max_abs_error"] = max_err
        if ok:
            result["status"] = protocol.PASS
        else:
            result.update(
                status=protocol.MISMATCH, error_category="numeric_mismatch", message=reason
            )
    except NotApplicable as exc:
        seconds = time.perf_counter() - start
        result.update(status=protocol.NOT_APPLICABLE, message=str(exc))
    except BaseException as exc:  # a loader may even call sys.exit; it is still one cell
        if isinstance(exc, KeyboardInterrupt):
            raise
        seconds = time.perf_counter() - start
        result["status"] = protocol.ERROR
        result.update(error_info(exc))
    finally:
        reset_state(tf, task.get("loader"))
    result["load_seconds"] = round(seconds, 5)
    return result


def main():
    faulthandler.enable()  # a segfault leaves the Python stack on stderr, for the CRASH cell
    channel = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # keep stray prints (progress bars, warnings) off the protocol channel
    sys.stdout = sys.stderr

    def send(message):
        channel.write(protocol.dumps(message) + "\n")
        channel.flush()

    tf, import_seconds = import_tensorflow()
    info = describe(tf, round(import_seconds, 3))
    info["packages"] = installed_packages()
    send(
        {
            "type": "hello",
            "schema": protocol.SCHEMA_VERSION,
            "harness": protocol.HARNESS_VERSION,
            "pid": os.getpid(),
            "info": info,
        }
    )
    short_info = dict((k, info[k]) for k in ("python", "tensorflow", "keras", "numpy"))
    for line in sys.stdin:
        if not line.strip():
            continue
        task = protocol.json.loads(line)
        op = task.get("op")
        if op == "exit":
            break
        if op == "produce":
            answer = produce(tf, short_info, task)
        elif op == "consume":
            answer = consume(tf, task)
        else:
            answer = {"status": protocol.ERROR, "message": "unknown op %r" % op}
        answer["id"] = task.get("id")
        answer["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        answer["type"] = "result"
        send(answer)


if __name__ == "__main__":
    main()
