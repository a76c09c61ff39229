"""The fixture runtime inside a worker: a fixture's file executed afresh for each cell, the
guest's format and loader modules, and calling what a fixture built."""

import importlib
import importlib.util
import os
import sys

from matrix.guest.arrays import flatten_outputs
from matrix.guest.calling import call, convention

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


def live_call(tf, module, obj, inputs):
    """Call the object the fixture built, as its `call()` says or by its calling convention."""
    if hasattr(module, "call"):
        return flatten_outputs(module.call(obj, inputs))
    return call(tf, obj, convention(module), inputs, keras_model=module.KIND == "keras")
