"""The host <-> guest contract, in one place: schema version, statuses, the messages and the
artifact manifest (standard library only, Python 3.7+).

The host imports this module too, so it must stay free of TensorFlow and numpy.
Bump SCHEMA_VERSION when a message or manifest changes shape; bump HARNESS_VERSION when the
guest's behaviour changes in a way that can change a result (it is part of every cache key).

Messages are dataclasses; on the wire they are JSON lines of `asdict(...)` with a "type"
(tasks: "op"). Unknown fields are ignored by `from_dict`, so either side may add optional ones.
"""

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field, fields
from typing import Any, Dict, Optional

from matrix.guest.vocabulary import ATTEMPTED, CELL_STATUSES, LOADED, Status  # noqa: F401

SCHEMA_VERSION = 2
HARNESS_VERSION = "5"
# how artifacts are written (part of every artifact's key): bump it when the producer side
# changes what it saves; cells of artifacts whose bytes did not change are kept
SAVER_VERSION = "2"

MANIFEST_NAME = "manifest.json"
ARTIFACT_SUBDIR = "artifact"


def staging_dir(out_dir, pid):
    """Where a worker writes an artifact before it replaces `out_dir` whole."""
    return "%s.new-%d" % (out_dir, pid)


def staging_pattern(name):
    """A glob for what a dead worker left of artifact `name` (beside it)."""
    return name + ".new-*"


def from_dict(cls, data):
    """`cls(**data)` keeping only the fields `cls` has (the other side may know more); a
    missing required field is ProtocolMismatch."""
    names = set(f.name for f in fields(cls))
    try:
        return cls(**dict((k, v) for k, v in data.items() if k in names))
    except TypeError as exc:
        raise ProtocolMismatch("%s: %s" % (cls.__name__, exc))


# ------------------------------------------------------------------------------ hello


@dataclass
class Hello:
    """The worker's first line: who it is. The host refuses a worker of another schema or
    harness (its guest code is another version's: its cells would be another experiment)."""

    schema: int
    harness: str
    pid: int
    info: Dict[str, Any] = field(default_factory=dict)  # envinfo: versions, import time, …
    type: str = "hello"


class ProtocolMismatch(ValueError):
    pass


def check_hello(data):
    """The Hello in `data`, or ProtocolMismatch with one line saying what differs."""
    if not isinstance(data, dict) or data.get("type") != "hello":
        raise ProtocolMismatch("the worker's first line is not a hello: %.200r" % (data,))
    hello = from_dict(Hello, data)
    if (hello.schema, hello.harness) != (SCHEMA_VERSION, HARNESS_VERSION):
        raise ProtocolMismatch(
            "the worker speaks schema %s, harness %s; this host schema %s, harness %s (its "
            "guest code is another version's)"
            % (hello.schema, hello.harness, SCHEMA_VERSION, HARNESS_VERSION)
        )
    return hello


# ------------------------------------------------------------------------------ tasks


@dataclass
class ProduceTask:
    id: int
    fixture: str
    fixture_path: str
    format: str
    format_module: str
    out_dir: str
    produce_key: str
    kind: Optional[str] = None  # the fixture's KIND, as the host read it
    producer: Dict[str, Any] = field(default_factory=dict)  # minor, env_id
    # a converter installed beside TF for this format: name, version, path (put on sys.path)
    converter: Dict[str, Any] = field(default_factory=dict)
    op: str = "produce"


@dataclass
class ConsumeTask:
    id: int
    loader: str
    loader_module: str
    artifact_dir: str
    fixture_path: Optional[str] = None  # for loaders that rebuild or import the fixture's code
    op: str = "consume"


@dataclass
class CheckTask:
    """`check PATH`: load a user's model (no manifest) with one loader, feed it the inputs in
    `inputs_path` (an .npz; a key "SIGNATURE/NAME" feeds that signature, a plain "NAME" the
    loader's call), write what it returns to `outputs_path` (an .npz: "call/0", …, and
    "SIGNATURE/0", … when `every_signature`). The host compares the outputs across versions."""

    id: int
    loader: str
    loader_module: str
    model_path: str
    inputs_path: str
    outputs_path: str
    kind: str = "keras"  # what the host read: "keras", "module" or "graph"
    call: str = "list"  # the calling convention (calling.py)
    addons: list = field(default_factory=list)  # modules to import first (an add-on variant's)
    addon_ops: list = field(default_factory=list)  # the model's ops only an add-on defines
    unsafe: bool = False  # Keras 3 safe mode off (Lambda layers' bytecode is run)
    every_signature: bool = False  # also call every signature of tf.saved_model.load
    call_signature: Optional[str] = None  # the signature the loaders call (fed the call's inputs)
    op: str = "check"


# the outputs file's (and the inputs file's) group for the loader's own call; no signature is
# named so: "SIGNATURE/0" keys are that signature's outputs
CALL_GROUP = ":call"


def task_of(data):
    """A task message as its typed record (None for `exit`)."""
    op = data.get("op")
    if op == "exit":
        return None
    kinds = {"produce": ProduceTask, "consume": ConsumeTask, "check": CheckTask}
    if op not in kinds:
        raise ProtocolMismatch("unknown op %r" % (op,))
    return from_dict(kinds[op], data)


# ------------------------------------------------------------------------------ answers


@dataclass
class ErrorInfo:
    error_category: Optional[str] = None
    error_detail: Optional[str] = None  # what the category is about: op, attribute, class, …
    exception_type: Optional[str] = None
    message: Optional[str] = None  # the most informative line of the message
    message_tail: Optional[str] = None  # the end of the full message, for the curious


@dataclass
class ProduceAnswer:
    id: int
    status: str
    content_sha256: Optional[str] = None
    type: str = "result"
    maxrss_kb: Optional[int] = None
    wall_seconds: Optional[float] = None
    attempts: int = 1


@dataclass
class ConsumeAnswer(ErrorInfo):
    id: int = -1
    status: str = ""
    max_abs_error: Optional[float] = None
    returned: Optional[str] = None  # the type of what the loader returned (a Keras model? …)
    load_seconds: Optional[float] = None
    type: str = "result"
    maxrss_kb: Optional[int] = None
    wall_seconds: Optional[float] = None
    attempts: int = 1


@dataclass
class CheckAnswer(ConsumeAnswer):
    """A CheckTask's answer: the status of the loader's call (PASS: it loaded and returned, the
    host then compares; NOT_CALLED: loaded, but there were no inputs to call it with), the
    outputs' dtypes and shapes, and one entry per signature called."""

    outputs: list = field(default_factory=list)  # ["float32[2,1]", …]
    signatures: list = field(default_factory=list)  # [{name, status, error_*, message, outputs}]


ANSWERS = {"produce": ProduceAnswer, "consume": ConsumeAnswer, "check": CheckAnswer}


# ------------------------------------------------------------------------------ manifest


def new_manifest(task, producer_info, status, **extra):
    """The manifest of an artifact. One builder for the worker (saved or failed) and the host
    (crashed, timed out or not applicable); `content_sha256` is added by `seal_manifest`."""
    manifest = {
        "schema": SCHEMA_VERSION,
        "harness": HARNESS_VERSION,
        "fixture": task["fixture"],
        "format": task["format"],
        "kind": task.get("kind"),
        "produce_key": task["produce_key"],
        "producer": dict(task.get("producer") or {}, **(producer_info or {})),
        "status": str(status),
        "files": {},
        "entry": None,
        "inputs": [],
        "outputs": [],
    }
    manifest.update(extra)
    return manifest


# what every sealed manifest has, with its type; the rest is optional and named in
# new_manifest's callers (call, tolerance, addons, addon_ops, error_*, save_seconds, …)
MANIFEST_FIELDS = (
    ("schema", int), ("harness", str), ("fixture", str), ("format", str),
    ("produce_key", str), ("producer", dict), ("status", str), ("files", dict),
    ("inputs", list), ("outputs", list), ("content_sha256", str),
)  # fmt: skip


def check_manifest(data):
    """`data` if it is a sealed manifest of this schema, else ProtocolMismatch saying why (an
    artifact written by another version of the tool is produced again, never loaded)."""
    if not isinstance(data, dict):
        raise ProtocolMismatch("a manifest is a JSON object")
    if data.get("schema") != SCHEMA_VERSION:
        raise ProtocolMismatch(
            "manifest schema %r, this tool's is %s" % (data.get("schema"), SCHEMA_VERSION)
        )
    for name, kind in MANIFEST_FIELDS:
        if not isinstance(data.get(name), kind):
            raise ProtocolMismatch("manifest field %r is not a %s" % (name, kind.__name__))
    if data["status"] not in (Status.OK, Status.SAVE_FAILED, Status.NOT_APPLICABLE):
        raise ProtocolMismatch("manifest status %r is not an artifact's" % data["status"])
    return data


JUDGED = ("entry", "kind", "call", "inputs", "outputs", "status", "tolerance")


def seal_manifest(manifest, files_sha):
    """Add the content hash: what a consumer's result depends on, the files *and* the
    reference data they are judged against (a changed `inputs()` must not reuse results)."""
    judged = dict((k, manifest.get(k)) for k in JUDGED)
    judged["files"] = files_sha
    if manifest.get("status") != Status.OK:  # a failure is identified by what went wrong
        judged["why"] = [manifest.get("error_category"), manifest.get("message")]
    manifest["content_sha256"] = hashlib.sha256(dumps(judged).encode()).hexdigest()
    return manifest


def files_digest(files):
    """One hash over a manifest's {relative path: sha256}."""
    return hashlib.sha256(dumps(files).encode()).hexdigest()


def file_hashes(root):
    """{relative path: sha256} of every file under `root`: what a manifest records (the
    producer) and what an artifact is checked against before it is used (the host)."""
    files = {}
    for dirpath, _, names in os.walk(str(root)):
        for name in names:
            full = os.path.join(dirpath, name)
            h = hashlib.sha256()
            with open(full, "rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    h.update(block)
            files[os.path.relpath(full, str(root)).replace(os.sep, "/")] = h.hexdigest()
    return files


# ------------------------------------------------------------------------------ JSON


def to_wire(message):
    return dumps(asdict(message) if hasattr(message, "__dataclass_fields__") else message)


def dumps(obj):
    """Stable, compact JSON (sorted keys, so hashes of messages are reproducible)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)


def loads(line):
    return json.loads(line)


def write_json_atomic(path, obj):
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        json.dump(obj, f, indent=1, sort_keys=True, default=str)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_json(path):
    with open(path) as f:
        return json.load(f)
