"""tf.train.Checkpoint(model=obj).write(prefix): variables only, matched by object graph."""

import os

from matrix.guest.tfcompat import tf2

DOC = "tf.train.Checkpoint(model=obj).write(prefix)"
CONTAINER = "checkpoint"
KINDS = ("keras", "module")
REQUIRES = ()
ORDER = 70


def save(tf, obj, directory, fixture):
    tf2(tf).train.Checkpoint(model=obj).write(os.path.join(directory, "ckpt"))
    return "ckpt"
