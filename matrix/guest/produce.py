"""Producing inside a worker: save one fixture in one format, with its manifest."""

import os
import shutil
import sys
import tempfile
import time
import traceback

from matrix.guest import protocol
from matrix.guest.addons import addon_ops
from matrix.guest.arrays import to_json
from matrix.guest.calling import convention, first_rows
from matrix.guest.classify import error_info
from matrix.guest.protocol import ProduceAnswer, Status
from matrix.guest.reset import reset_state
from matrix.guest.runtime import forget_fixtures, guest_module, live_call, load_fixture


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
        converter = task.get("converter") or {}
        if converter.get("path") and converter["path"] not in sys.path:
            sys.path.append(converter["path"])  # last: the environment's packages come first
        if converter:
            manifest["converter"] = dict((k, converter[k]) for k in ("name", "version"))
        saver = guest_module("formats", task["format_module"])
        # a lossy format (quantization) says how far its outputs may be; else the fixture
        manifest["tolerance"] = getattr(saver, "TOLERANCE", None) or getattr(
            module, "TOLERANCE", None)  # fmt: skip
        os.chdir(scratch)
        obj = module.build()
        inputs = module.inputs()
        small = [k for k, v in inputs.items() if getattr(v, "shape", ())[:1] in ((), (0,), (1,))]
        if small:
            raise ValueError("fixture inputs need a batch of at least 2: %s" % small)
        live_call(tf, module, obj, first_rows(inputs))
        manifest["entry"] = saver.save(tf, obj, art_dir, module)
        if hasattr(saver, "describe"):  # what a format records beside its file (op versions)
            manifest.update(saver.describe(tf, os.path.join(art_dir, manifest["entry"])))
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
