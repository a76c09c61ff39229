"""saved_model_cli run --dir DIR --tag_set serve --signature_def serving_default: the command
line tool users reach for first, run in-process (its own code path, its own argument parser)."""

import inspect
import os
import shutil
import tempfile

import numpy as np

from matrix.guest.calling import SignatureError, match_inputs

NAME = "saved_model_cli run"
DOC = (
    "saved_model_cli run --dir DIR --tag_set serve --signature_def serving_default "
    "--inputs x=x.npy --outdir OUT (outputs compared from OUT/*.npy)"
)
CONTAINERS = ("savedmodel",)
KINDS = ("keras", "module", "graph", "object")
REQUIRES = ()
KERAS = None
IMPORTS = ()  # beyond the runtime: who shares its outcome
ORDER = 35


def load(tf, path, inputs, case):
    from tensorflow.python.tools import saved_model_cli as cli

    work = tempfile.mkdtemp(prefix="tfmatrix-cli-")
    try:
        names = _signature_inputs(tf, cli, path)
        feed = match_inputs(names, inputs)
        specs = []
        for i, (key, value) in enumerate(sorted(feed.items())):
            filename = os.path.join(work, "in%d.npy" % i)
            np.save(filename, value)
            specs.append("%s=%s" % (key, filename))
        out = os.path.join(work, "out")
        argv = [
            "run",
            "--dir",
            path,
            "--tag_set",
            "serve",
            "--signature_def",
            "serving_default",
            "--inputs",
            ";".join(specs),
            "--outdir",
            out,
        ]
        args = cli.create_parser().parse_args(argv)
        if inspect.signature(args.func).parameters:
            args.func(args)  # TF <= 2.11: argparse
        else:
            args.func()  # TF >= 2.12: absl flags, set by the parser
        case.returned = "cli"
        files = sorted(f for f in os.listdir(out) if f.endswith(".npy"))
        return [np.load(os.path.join(out, f), allow_pickle=True) for f in files]
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _signature_inputs(tf, cli, path):
    """The serving signature's input keys, read as the CLI reads them (the MetaGraphDef)."""
    signatures = cli.get_signature_def_map(path, "serve")
    if "serving_default" not in signatures:
        raise SignatureError(
            "no 'serving_default' signature (signatures: %s)" % ", ".join(sorted(signatures))
        )
    return sorted(signatures["serving_default"].inputs.keys())
