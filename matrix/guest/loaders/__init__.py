"""Loaders: one module each. Every module declares, as literals the host reads without
importing TensorFlow:

    NAME        the loader's name in the report ("tf.saved_model.load")
    DOC         one line: what it does, as a user would write it
    CONTAINERS  which artifact containers it reads (see formats/__init__.py)
    KINDS       which fixture objects it applies to
    REQUIRES    PEP 508 requirements on the consumer environment ("keras>=3", "tf-keras"):
                where they are not met, the loader does not exist there (NOT_APPLICABLE,
                decided on the host, no worker)
    FIXTURE_NEEDS  optional: a literal the fixture must declare for this loader to apply
                (e.g. "CUSTOM_OBJECTS"); such loaders import the fixture's code
    KERAS       which Keras module's global state a load leaves behind ("tf.keras",
                "tf_keras" or None): the worker resets it after the cell
    ORDER       position in the report
    FAULT       optional, True: a deliberate failure for the supervisor's tests, active only
                with TFMATRIX_FAULT_LOADERS=1

and `load(tf, path, inputs, case)`: loads the artifact at `path` (a fresh copy), calls it on
the reference inputs and returns the outputs as a flat list; it may set `case.returned` to
the type of what it loaded.
"""
