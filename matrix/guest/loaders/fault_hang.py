"""A load that hangs (tests the supervisor)."""

import time

NAME = "fault.hang"
DOC = "sleeps forever"
CONTAINERS = ("savedmodel",)
KINDS = ("keras", "module", "graph", "object")
REQUIRES = ()
KERAS = None
ORDER = 902
FAULT = True


def load(tf, path, inputs, case):
    while True:
        time.sleep(60)
