"""The words of the matrix, defined once and used on both sides (standard library only,
Python 3.7+): what a cell, an artifact and an environment can be. Members are `str`s: they
compare equal to, and serialise as, their values, so stored JSON and CSV read alike.

The error categories are the rules of `classify.py` (data), plus the few the harness itself
decides: HARNESS_CATEGORIES.
"""

from enum import Enum


class Status(str, Enum):
    """Outcome of a cell (and, OK / SAVE_FAILED / NOT_APPLICABLE, of producing an artifact)."""

    OK = "OK"  # an artifact was written
    PASS = "PASS"  # loaded, and the outputs matched the producer's
    MISMATCH = "MISMATCH"  # loaded, wrong numbers
    ERROR = "ERROR"  # the load or the call raised
    CRASH = "CRASH"  # the process died
    TIMEOUT = "TIMEOUT"
    NOT_APPLICABLE = "NOT_APPLICABLE"  # this loader/format does not exist in this version
    SAVE_FAILED = "SAVE_FAILED"  # the producer could not save it
    BROKEN_ARTIFACT = "BROKEN_ARTIFACT"  # files differ from the manifest: never a cell result

    def __str__(self):
        return self.value


# the statuses of a cell where a load was tried, and those that count as an attempt in the
# report (a failed save counts against every loader that would have applied); plain strings,
# for `in` and pandas' isin alike
LOADED = ("PASS", "MISMATCH", "ERROR", "CRASH", "TIMEOUT")
ATTEMPTED = LOADED + ("SAVE_FAILED",)
CELL_STATUSES = ATTEMPTED + ("NOT_APPLICABLE",)


class EnvStatus(str, Enum):
    """What making (or finding) an environment showed: its row and column say so."""

    OK = "OK"
    NOT_RUN = "NOT_RUN"  # no run has checked it here
    NO_INTERPRETER = "NO_INTERPRETER"  # its Python is on neither pyenv nor uv
    INSTALL_FAILED = "INSTALL_FAILED"  # uv or pip could not install its lock
    IMPORT_FAILED = "IMPORT_FAILED"  # installed, but TensorFlow or an add-on does not import
    WORKER_START_FAILED = "WORKER_START_FAILED"  # imports, but its worker cannot start
    ENV_ERROR = "ENV_ERROR"  # a bug or an OS problem while making it
    MISSING_SHARD = "MISSING_SHARD"  # a CI consumer job that sent no results

    def __str__(self):
        return self.value


# environments that have no cells because they could not be used (not a gap of the run)
UNUSABLE = ("NO_INTERPRETER", "INSTALL_FAILED", "IMPORT_FAILED", "WORKER_START_FAILED",
            "ENV_ERROR")  # fmt: skip

# categories the harness decides itself, beside the rules of classify.py
HARNESS_CATEGORIES = (
    "crash",  # the worker died (segfault, abort): CRASH
    "timeout",  # no answer in time: TIMEOUT
    "numeric_mismatch",  # loaded, outputs differ: MISMATCH
    "addon_op_missing",  # a missing op that only an add-on defines (from the manifest)
    "other",  # no rule matched: a new category to find
)
