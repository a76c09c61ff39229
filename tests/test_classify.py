import pytest

from matrix.guest.classify import classify, classify_detail, first_line

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

# (exception type, message, category, detail): recorded from real runs (TF 1.15, 2.15, 2.16,
# 2.21), paths replaced by placeholders as the worker does
DETAILS = [
    # TF 1.x-style loaders append the forward-compatibility note: the op or attribute wins
    ("ValueError", "Converting GraphDef to Graph has failed with an error: 'NodeDef mentions "
     "attr 'debug_name' not in Op<name=VarHandleOp; signature= -> resource:resource'. The "
     "GraphDef was produced by a binary built when GraphDef version was 1645. The difference "
     "between these versions is larger than TensorFlow's forward compatibility guarantee",
     "op_changed", "VarHandleOp.debug_name"),
    ("ValueError", "Converting GraphDef to Graph has failed. The binary trying to import the "
     "GraphDef was built when GraphDef version was 440. The GraphDef was produced by a binary "
     "built when GraphDef version was 1645. The difference between these versions is larger "
     "than TensorFlow's forward compatibility guarantee.", "graphdef_too_new", "1645"),
    ("AttributeError", "module 'tensorflow_core.keras.layers' has no attribute 'Hashing'",
     "api_missing", "layers.Hashing"),
    ("KeyError", "\"Unable to synchronously open object (object 'vars' doesn't exist)\"",
     "weights_layout", "vars"),
    ("KeyError", "'layers'", "config_incompatible", "layers"),
    ("KeyError", "'kernel'", "other", "KeyError"),  # not a config key: stays unexplained
    ("ValueError", "Model <fx.TwoLayerNet object at 0x…> cannot be saved because the input shapes "
     "have not been set. Usually, input shapes are automatically determined from calling .fit() "
     "or .predict().", "not_built", None),
    ("TypeError", "('Keyword argument not understood:', 'output_mode')", "config_incompatible",
     "output_mode"),
    ("ValueError", "Object arrays cannot be loaded when allow_pickle=False", "cli_string_input",
     "allow_pickle"),
    ("ValueError", "You are trying to load a weight file containing 0 layers into a model with 3 "
     "layers.", "checkpoint_mismatch", None),
    ("AddonImportError", "import tensorflow_text failed: NotFoundError: <artifact>/_text_ops.so: "
     "undefined symbol: _ZN10tensorflow", "addon_import_failed", "tensorflow_text"),
    ("NotFoundError", "Op type not registered 'DisableCopyOnRead' in binary running on vm. Make "
     "sure the Op and Kernel are registered", "missing_op", "DisableCopyOnRead"),
    ("ValueError", "NodeDef mentions attr 'debug_name' not in Op<name=VarHandleOp; signature= -> "
     "resource:resource; attr=container:string,default=\"\"", "op_changed",
     "VarHandleOp.debug_name"),
    ("TypeError", "'_UserObject' object is not callable", "not_callable", "_UserObject"),
    ("ValueError", "File format not supported: filepath=<artifact>/artifact/saved_model. Keras 3 "
     "only supports V3 `.keras` files, legacy H5 format files (`.h5` extension).",
     "unsupported_format", "saved_model"),
    ("ValueError", "File format not supported: filepath=<artifact>/artifact/ckpt. Keras 3 only "
     "supports V3 `.keras` files, `.weights.h5` files, legacy H5 format files (`.h5` extension), "
     "or Orbax checkpoints.", "unsupported_format", "ckpt"),
    ("TypeError", "Could not deserialize class 'Functional' because its parent module "
     "keras.src.models.functional cannot be imported. Full object config: {'module': "
     "'keras.src.models.functional'", "unknown_object", "Functional"),
    ("TypeError", "Error when deserializing class 'InputLayer' using config={'batch_shape': "
     "[None, 6], 'dtype': 'float32', 'sparse': False, 'ragged': False, 'name': 'features', "
     "'optional': False}.", "config_incompatible", "InputLayer"),
    ("AssertionError", "Nothing except the root object matched a checkpointed value. Typically "
     "this means that the checkpoint does not match the Python program.",
     "checkpoint_mismatch", None),
    ("FailedPreconditionError", "Graph execution error:\n\nCould not find variable "
     "probs/bias. This could mean that the variable has been deleted.",
     "variable_not_restored", "probs/bias"),
    ("SignatureError", "no 'serving_default' signature (signatures: none)", "no_signature",
     "serving_default"),
    ("ModuleNotFoundError", "No module named 'tensorflow_text'", "missing_dependency",
     "tensorflow_text"),
    ("ValueError", "Unrecognized keyword arguments passed to LSTM: {'time_major': False}",
     "config_incompatible", "time_major"),
    ("InvalidArgumentError", "Exception encountered when calling TFSMLayer.call(). cannot "
     "compute __inference_signature_wrapper_16379 as input #0(zero-based) was expected to be a "
     "half tensor but is a float tensor", "shape_or_dtype", "half expected"),
    ("KeyError", "0", "other", "KeyError"),
    # TFLite, as TF 2.4-2.7's interpreters say it of what 2.21 converted (GELU is code 150)
    ("ValueError", "Op builtin_code out of range: 150. Are you using old TFLite binary with "
     "newer model?Registration failed.", "tflite_op_version", "builtin_code 150"),
    ("RuntimeError", "Didn't find op for builtin opcode 'FULLY_CONNECTED' version '12'. An older "
     "version of this builtin might be supported.", "tflite_op_version", "FULLY_CONNECTED v12"),
    ("RuntimeError", "Encountered unresolved custom op: FlexErf.", "tflite_flex_missing",
     "FlexErf"),
    ("ConverterError", "'tf.Erf' op is neither a custom op nor a flex op",
     "converter_unsupported_op", "Erf"),
    ("InvalidArgumentError", "Output 0 of node 'counter' has a reference type float_ref",
     "ref_variable", "float_ref"),
    # TF 2.15's converter on tflite_select_tf_ops: the op comes lines after the first
    ("ConverterError", "Some ops are not supported by the native TFLite runtime, you can enable "
     "TF kernels fallback using TF Select. See instructions: https://www.tensorflow.org/lite/"
     "guide/ops_select \nloc(fused[\"MatrixInverse:\"]): error: 'tf.MatrixInverse' op is neither "
     "a custom op nor a flex op", "converter_unsupported_op", "MatrixInverse"),
    # tflite-runtime 2.14 on vocab_asset and a Keras model with state (measured 2026-12-02)
    ("RuntimeError", "hashtable need to be initialized before usingNode number 1 "
     "(HASHTABLE_FIND) failed to invoke.", "tflite_resource_uninitialized", "HASHTABLE_FIND"),
    ("RuntimeError", "/tensorflow/tensorflow/lite/kernels/read_variable.cc:67 variable != "
     "nullptr was not true.Node number 4 (READ_VARIABLE) failed to invoke.",
     "tflite_resource_uninitialized", "READ_VARIABLE"),
    # LiteRT 2.3 on what SELECT_TF_OPS converted (measured 2026-12-02)
    ("RuntimeError", "Select TensorFlow op(s), included in the given model, is(are) not "
     "supported by this interpreter. Make sure you apply/link the Flex delegate before "
     "inference.Node number 0 (FlexMatrixInverse) failed to prepare.", "tflite_flex_missing",
     None),
    # TensorFlow.js 4.22 in Node on a layers model converted from a Keras 3 .h5 (measured)
    ("NodeError", "Error: An InputLayer should be passed either a `batchInputShape` or an "
     "`inputShape`.", "tfjs_layer_config", "InputLayer without batchInputShape"),
    # TF.js 1.7 on a layers model of a registered custom layer (TF 2.1, measured)
    ("NodeError", "Error: Unknown layer: tfmatrix>RegisteredScaledDense. This may be due to one "
     "of the following reasons:", "tfjs_layer_config", "tfmatrix>RegisteredScaledDense"),
    ("NodeError", "Error: Unknown data type float16", "tfjs_unsupported_dtype", "float16"),
    ("ValueError", "Unsupported Ops in the model before optimization\nResourceGather",
     "tfjs_converter_unsupported_op", "ResourceGather"),
    # issue 23's failures, as this machine's runs and probes printed them (2026-12-02)
    ("AttributeError", "'str' object has no attribute 'quantization_mode'", "dtype_policy",
     "quantization_mode"),
    ("ValueError", "Only instances of `keras.Layer` can be added to a Sequential model. "
     "Received: <tensorflow_hub.keras_layer.KerasLayer object at 0x7f0c> (of type <class "
     "'tensorflow_hub.keras_layer.KerasLayer'>)", "hub_layer",
     "tensorflow_hub.keras_layer.KerasLayer"),
    ("InvalidArgumentError", "XlaCallModuleOp with version 10 is not supported by this build. "
     "Must be <= 9", "xla_call_module_version", "version 10 > 9"),
    ("InvalidArgumentError", "Cannot deserialize computation", "xla_call_module_version",
     "StableHLO"),
    ("ImportError", "numpy.core.umath failed to import", "numpy_abi", None),
    ("ValueError", "bad marshal data (unknown type code)", "python_incompatible", None),
    ("FailedPreconditionError", "Exception encountered when calling TextVectorization.call(). "
     "{{function_node __wrapped__LookupTableFindV2_device_/job:localhost/replica:0/task:0/"
     "device:CPU:0}} Table not initialized. [Op:LookupTableFindV2] name:", "vocabulary_lost",
     "TextVectorization"),
    ("FailedPreconditionError", "Exception encountered when calling layer 'string_lookup' (type "
     "StringLookup). {{function_node __wrapped__LookupTableFindV2}} Table not initialized.",
     "vocabulary_lost", "string_lookup"),
]  # fmt: skip


@pytest.mark.parametrize("exc_type,message,category,detail", DETAILS)
def test_the_detail_a_user_acts_on_is_extracted(exc_type, message, category, detail):
    assert classify_detail(exc_type, message) == (category, detail)


@pytest.mark.parametrize("exc_type,message,category", CASES)
def test_real_messages_get_their_category(exc_type, message, category):
    assert classify(exc_type, message) == category


def test_first_line_finds_the_line_that_names_the_problem():
    msg = ("Graph execution error:\n\n<stack traces unavailable>\n/tmp/x/value.txt; "
           "No such file or directory\n\t [[{{node ReadFile}}]]")  # fmt: skip
    assert first_line(msg) == "/tmp/x/value.txt; No such file or directory"


def test_first_line_skips_generic_openers():
    msg = "Graph execution error:\n\nDetected at node 'x'\nCould not find variable dense/kernel."
    assert "Could not find variable" in first_line(msg)
    assert first_line("Op type not registered 'X'\nmore") == "Op type not registered 'X'"


def test_every_category_says_why_and_what_to_do():
    """Truth issue, point 2: each category of the rules and of the harness has its cause and
    fix in plain words (matrix/catalog/causes.toml), and no cause is left over."""
    from matrix.catalog.causes import causes
    from matrix.guest.classify import PROCESS_RULES, RULES
    from matrix.guest.vocabulary import HARNESS_CATEGORIES

    categories = {r[0] for r in RULES} | {r[0] for r in PROCESS_RULES} | set(HARNESS_CATEGORIES)
    assert set(causes()) == categories
    assert all(c.why.strip() and c.fix.strip() for c in causes().values())
