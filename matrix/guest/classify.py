"""Turn an exception into an error category the report can group by.

Rules are data: the first rule whose exception-type pattern and message pattern both match
wins. Patterns are matched against the full message (case-insensitive); they quote the words
TensorFlow and Keras really print, so a category can always be traced to its error text.
"""

import re

# (category, exception type regex, message regex)
# fmt: off
RULES = (
    # the GraphDef's producer version is beyond the consumer's forward-compatibility window
    ("graphdef_too_new", r".*", r"larger than TensorFlow's forward compatibility guarantee"),
    ("missing_op", r".*", r"Op type not registered|no kernel|OpKernel was registered"),
    # an op exists but gained attributes/inputs in a newer TF (e.g. VarHandleOp debug_name)
    ("op_changed", r".*", r"NodeDef mentions attr|NodeDef expected inputs|NodeDef missing attr"),
    # tf.saved_model.save of a Keras model: Keras 2 cannot rebuild it without keras_metadata.pb
    ("keras_metadata_missing", r".*", r"lacks the (TF-)?Keras metadata|keras_metadata\.pb"),
    ("not_a_keras_model", r".*", r"'_UserObject' object|_UserObject"),
    ("variable_not_restored", r".*",
     r"Could not find variable|uninitialized value|Attempting to use uninitialized"),
    ("unsupported_format", r".*",
     r"File format not supported|only supports V3 `?\.keras`? files|"
     r"not a SavedModel|SavedModel file does not exist|Unable to (open|synchronously open) file|"
     r"file signature not found|Unknown file format|No file or directory found at|"
     r"is not a zip file|zipfile|unable to load .* as a keras|Keras 3 only supports"),
    ("unknown_object", r".*",
     r"Unknown (layer|object|loss|metric|activation|initializer|regularizer|constraint)|"
     r"Could not locate (class|function)|custom_objects|register_keras_serializable|"
     r"Could not deserialize"),
    # newer Keras writes configs (nested {'class_name': ...}, new keywords) older Keras can't read
    ("config_incompatible", r".*",
     r"Unrecognized keyword arguments|unexpected keyword argument|"
     r"Error when deserializing class|from_config|got an unexpected|class_name"),
    ("config_incompatible", r"JSONDecodeError", r".*"),
    ("missing_asset", r".*", r"asset|vocab(ulary)? file"),
    ("signature", r".*",
     r"signature|serving_default|structured_input_signature|"
     r"Could not find matching (concrete )?function|ConcreteFunction|"
     r"Cannot feed value|No (gradient|variables)"),
    ("proto_parse", r"(DecodeError|ParseError)", r".*"),
    ("proto_parse", r".*",
     r"Error parsing message|Failed to parse|wire type|protocol message|Unknown field"),
    ("missing_variable", r".*", r"Key .* not found in checkpoint|variables|checkpoint"),
    ("shape_or_dtype", r".*",
     r"[Ii]ncompatible shape|expected shape|shape mismatch|Invalid input shape|dtype|"
     r"Expected float|cannot be converted|InvalidArgumentError"),
    ("python_incompatible", r".*",
     r"bad marshal data|code\(\) argument|unknown opcode|Lambda|lambda|marshal"),
    ("missing_dependency", r"(ModuleNotFoundError|ImportError)", r".*"),
)
# fmt: on

_COMPILED = tuple(
    (cat, re.compile(t), re.compile(m, re.IGNORECASE | re.DOTALL)) for cat, t, m in RULES
)


def classify(exc_type, message):
    """Category name for an exception given by its type name and message."""
    for category, type_re, msg_re in _COMPILED:
        if type_re.fullmatch(exc_type or "") and msg_re.search(message or ""):
            return category
    return "other"


_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def first_line(message, limit=300):
    """The most informative single line of an error message."""
    message = _ANSI.sub("", message or "")
    lines = [ln.strip() for ln in (message or "").strip().splitlines() if ln.strip()]
    if not lines:
        return ""
    # TF and Keras often open with a generic line; prefer the first one naming the problem
    generic = re.compile(
        r"^(Graph execution error|Exception encountered when calling|"
        r"Detected at node|Traceback|Node:|\s*File )",
        re.IGNORECASE,
    )
    line = lines[0]
    for candidate in lines:
        if re.search(r"Op type not registered|not supported|Unknown|not found|NodeDef", candidate):
            return candidate[:limit]
    if generic.search(line):
        for candidate in lines[1:]:
            if not generic.search(candidate) and len(candidate) > 10:
                return (line + " " + candidate)[:limit]
    return line[:limit]
