"""The host <-> guest contract: schema version, statuses and JSON helpers (stdlib only).

The host imports this module too, so it must stay free of TensorFlow and numpy.
Bump SCHEMA_VERSION when a message or manifest changes shape; bump HARNESS_VERSION when the
guest's behaviour changes in a way that can change a result (it is part of every cache key).
"""

import json
import os

SCHEMA_VERSION = 1
HARNESS_VERSION = "4"

# Cell statuses.
PASS = "PASS"
MISMATCH = "MISMATCH"
ERROR = "ERROR"
CRASH = "CRASH"
TIMEOUT = "TIMEOUT"
NOT_APPLICABLE = "NOT_APPLICABLE"
SAVE_FAILED = "SAVE_FAILED"
STATUSES = (PASS, MISMATCH, ERROR, CRASH, TIMEOUT, NOT_APPLICABLE, SAVE_FAILED)

MANIFEST_NAME = "manifest.json"
ARTIFACT_SUBDIR = "artifact"


def dumps(obj):
    """Stable, compact JSON (sorted keys, so hashes of messages are reproducible)."""
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), default=str)


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
