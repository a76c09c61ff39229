"""TensorFlow API differences between 1.15 and today, in one place (tf is passed in)."""


def tf2(tf):
    """The TF2 API namespace (in TF 1.15 `tf.saved_model.save/load` are the v1 functions)."""
    compat = getattr(tf, "compat", None)
    return getattr(compat, "v2", tf) if compat is not None else tf
