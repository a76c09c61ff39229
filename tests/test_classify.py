import pytest

from matrix.guest.classify import classify, first_line

# Messages as TensorFlow and Keras print them (taken from real runs of this tool).
CASES = [
    (
        "NotFoundError",
        "Op type not registered 'DisableCopyOnRead' in binary running on vm.",
        "missing_op",
    ),
    (
        "ValueError",
        "NodeDef mentions attr 'debug_name' not in Op<name=VarHandleOp; signature= -> "
        "resource:resource>",
        "op_changed",
    ),
    (
        "ValueError",
        "File format not supported: filepath=/x/saved_model. Keras 3 only supports V3 "
        "`.keras` files and legacy H5 format files (`.h5` extension).",
        "unsupported_format",
    ),
    (
        "OSError",
        "SavedModel file does not exist at: /x/model.h5/{saved_model.pbtxt|saved_model.pb}",
        "unsupported_format",
    ),
    (
        "ValueError",
        "('Unrecognized keyword arguments:', dict_keys(['batch_shape', 'optional']))",
        "config_incompatible",
    ),
    (
        "ValueError",
        "Unknown layer: 'MyDense'. Please ensure you are using a `keras.utils.custom_object_scope`",
        "unknown_object",
    ),
    (
        "ValueError",
        "Unable to create a Keras model from SavedModel at /x. This SavedModel was "
        "exported with `tf.saved_model.save`, and lacks the Keras metadata file.",
        "keras_metadata_missing",
    ),
    (
        "FailedPreconditionError",
        "Graph execution error:\n\nCould not find variable "
        "sequential/dense_1/bias. This could mean that the variable has been deleted.",
        "variable_not_restored",
    ),
    ("ModuleNotFoundError", "No module named 'h5py'", "missing_dependency"),
    ("RuntimeError", "something nobody has seen before", "other"),
]


@pytest.mark.parametrize("exc_type,message,category", CASES)
def test_real_messages_get_their_category(exc_type, message, category):
    assert classify(exc_type, message) == category


def test_first_line_skips_generic_openers():
    msg = "Graph execution error:\n\nDetected at node 'x'\nCould not find variable dense/kernel."
    assert "Could not find variable" in first_line(msg)
    assert first_line("Op type not registered 'X'\nmore") == "Op type not registered 'X'"
