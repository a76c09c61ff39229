"""A load that raises an error that looks like a missing op (tests the supervisor)."""

NAME = "fault.raise"
DOC = "raises"
CONTAINERS = ("savedmodel",)
KINDS = ("keras", "module", "graph", "object")
REQUIRES = ()
KERAS = None
ORDER = 903
FAULT = True


def load(tf, path, inputs, case):
    raise RuntimeError("Op type not registered 'FaultInjected' (deliberate test failure)")
