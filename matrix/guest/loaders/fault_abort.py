"""A load that aborts its process (tests the supervisor)."""

import os

NAME = "fault.abort"
DOC = "os.abort()"
CONTAINERS = ("savedmodel",)
KINDS = ("keras", "module", "graph", "object")
REQUIRES = ()
KERAS = None
ORDER = 900
FAULT = True


def load(tf, path, inputs, case):
    os.abort()
