"""A load that segfaults, as a broken native kernel would (tests the supervisor)."""

import ctypes

NAME = "fault.segfault"
DOC = "reads address 0"
CONTAINERS = ("savedmodel",)
KINDS = ("keras", "module", "graph", "object")
REQUIRES = ()
KERAS = None
ORDER = 901
FAULT = True


def load(tf, path, inputs, case):
    ctypes.string_at(0)
