"""Formats: how a fixture object is written to disk. Each saver returns the entry path
(relative to the artifact directory) that loaders are given."""

import os


def tf2(tf):
    """The TF2 API namespace (in TF 1.15 `tf.saved_model.save/load` are the v1 functions)."""
    compat = getattr(tf, "compat", None)
    return getattr(compat, "v2", tf) if compat is not None else tf


def save_saved_model(tf, obj, directory):
    path = os.path.join(directory, "saved_model")
    tf2(tf).saved_model.save(obj, path)
    return "saved_model"


def save_keras_h5(tf, obj, directory):
    path = os.path.join(directory, "model.h5")
    obj.save(path)
    return "model.h5"


SAVERS = {
    "saved_model": save_saved_model,
    "keras_h5": save_keras_h5,
}
