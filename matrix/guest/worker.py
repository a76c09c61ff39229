"""The long-lived guest process: imports TensorFlow once, then produces or consumes artifacts
one task at a time. This module is the transport; the work is in produce.py and consume.py.

Protocol (see protocol.py): the host writes one JSON task per line on stdin; the worker answers
each with one JSON line on its protocol channel (the original stdout; anything else that writes
to stdout, such as Keras progress bars, is sent to stderr). The first line is a `Hello` with
the environment's versions and the TensorFlow import time.
"""

import faulthandler
import os
import resource
import sys
from dataclasses import asdict

from matrix.guest import protocol
from matrix.guest.check import check_load
from matrix.guest.consume import consume
from matrix.guest.envinfo import describe, import_tensorflow, installed_packages
from matrix.guest.produce import produce
from matrix.guest.protocol import ConsumeAnswer, Status


def main():
    faulthandler.enable()  # a segfault leaves the Python stack on stderr, for the CRASH cell
    channel = os.fdopen(os.dup(1), "w")
    os.dup2(2, 1)  # keep stray prints (progress bars, warnings) off the protocol channel
    sys.stdout = sys.stderr

    def send(message):
        channel.write(protocol.to_wire(message) + "\n")
        channel.flush()

    tf, import_seconds = import_tensorflow()
    info = describe(tf, round(import_seconds, 3))
    info["packages"] = installed_packages()
    send(protocol.Hello(schema=protocol.SCHEMA_VERSION, harness=protocol.HARNESS_VERSION,
                        pid=os.getpid(), info=info))  # fmt: skip
    short_info = dict((k, info[k]) for k in ("python", "tensorflow", "keras", "numpy"))
    for line in sys.stdin:
        if not line.strip():
            continue
        raw = protocol.loads(line)
        try:
            typed = protocol.task_of(raw)
        except protocol.ProtocolMismatch as exc:
            answer = ConsumeAnswer(id=raw.get("id", -1), status=str(Status.ERROR),
                                   error_category="protocol", message=str(exc))  # fmt: skip
        else:
            if typed is None:  # exit
                break
            task = asdict(typed)  # every field, defaults filled in
            if typed.op == "produce":
                answer = produce(tf, short_info, task)
            elif typed.op == "check":
                answer = check_load(tf, task)
            else:
                answer = consume(tf, task)
        answer.maxrss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        send(answer)


if __name__ == "__main__":
    main()
