"""Formats: one module each, named as the format. Every module declares, as literals the host
reads without importing TensorFlow:

    DOC        one line: the call that writes it
    CONTAINER  what a loader finds on disk: "savedmodel", "keras_file", "h5_weights",
               "checkpoint" (loaders say which containers they read)
    KINDS      which fixture objects it can hold ("keras", "module", "graph", "object")
    REQUIRES   PEP 508 requirements on the producer environment ("keras>=2.12"): where they
               are not met, the format does not exist there and its cells are NOT_APPLICABLE
    ORDER      position in the report

and `save(tf, obj, directory, fixture)`, which writes the artifact into `directory` and
returns the entry path (relative to it) that loaders are given.
"""
