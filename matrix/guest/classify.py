"""Turn an exception into an error category and its detail, for the report to group by.

Rules are data: the first rule whose exception-type pattern and message pattern both match
wins. Patterns are matched against the full message (case-insensitive); they quote the words
TensorFlow and Keras really print, so a category can always be traced to its error text. The
named groups of the message pattern give the detail ("{op}", "{attr} on {op}", ...): what a
user needs to act on. An unmatched error is `other`, detailed by its exception type, so new
categories can be found in the report.
"""

import re

# the harness's own exceptions (calling.SignatureError, addons.AddonImportError): their name
# is the exception type the rules see, whatever they derive from
HARNESS_ERRORS = ("SignatureError", "AddonImportError")

# (category, exception type regex, message regex, detail template)
# fmt: off
RULES = (
    # an add-on (tensorflow-text, …) is installed but cannot be imported: built for another TF
    ("addon_import_failed", r"AddonImportError", r"import (?P<mod>[\w.]+) failed", "{mod}"),
    # TFLite runtimes: an op version newer than the runtime knows, a custom op not registered,
    # select-TF (Flex) ops without the Flex delegate; the converter refusing an op
    ("tflite_op_version", r".*",
     r"Didn't find op for builtin opcode '(?P<op>\w+)' version '(?P<v>\d+)'", "{op} v{v}"),
    # TFLite <= 2.7 meeting an op code it has no name for (GELU is 150, from TFLite 2.8)
    ("tflite_op_version", r".*", r"Op builtin_code out of range: (?P<code>\d+)",
     "builtin_code {code}"),
    ("tflite_flex_missing", r".*",
     r"Select TensorFlow op\(s\)|Regular TensorFlow ops are not supported by this interpreter|"
     r"Encountered unresolved custom op: (?P<op>Flex\w+)", "{op}"),
    ("tflite_custom_op", r".*", r"Encountered unresolved custom op: (?P<op>[\w>.]+)", "{op}"),
    # a table or variable of the file that this runtime never initialized when it ran it
    ("tflite_resource_uninitialized", r".*",
     r"(?:hashtable need to be initialized before using|variable != nullptr was not true)"
     r"\.?\s*(?:Node number \d+ \((?P<op>\w+)\))?", "{op}"),
    # the op is named further down the converter's message than its first line: found first
    ("converter_unsupported_op", r".*",
     r"'tf\.(?P<op>\w+)' op is neither a custom op nor a flex op", "{op}"),
    ("converter_unsupported_op", r".*",
     r"Some ops are not supported by the native TFLite runtime|ConverterError|Some of the "
     r"operators in the model are not supported by the standard TensorFlow Lite runtime", ""),
    # TensorFlow.js (its Error line, from Node): a Keras config its layers cannot rebuild (an
    # InputLayer of Keras 3 has `batch_shape`, not `batchInputShape`), or an op it lacks
    ("tfjs_layer_config", r"NodeError", r"An InputLayer should be passed either a",
     "InputLayer without batchInputShape"),
    ("tfjs_layer_config", r"NodeError", r"Unknown layer: (?P<layer>[\w>.]+)|"
     r"Improper config format|Unknown (?:initializer|regularizer|constraint|activation): "
     r"(?P<what>\w+)", "{layer}{what}"),
    ("tfjs_unsupported_op", r"NodeError", r"Op is not supported: (?P<op>\w+)", "{op}"),
    ("tfjs_unsupported_dtype", r"NodeError", r"Unknown data type (?P<dtype>\w+)", "{dtype}"),
    # the TF.js converter refusing ops it has no TF.js kernel for (it names them next)
    ("tfjs_converter_unsupported_op", r".*",
     r"Unsupported Ops in the model before optimization\s*(?P<ops>[\w, ]*)", "{ops}"),
    # a lookup layer's vocabulary (adapt()ed state) that the file did not bring back
    ("vocabulary_lost", r".*",
     r"(?:calling layer '(?P<layer>\w+)'|calling (?P<cls>\w+)\.call\(\)).*?Table not "
     r"initialized|Table not initialized", "{layer}{cls}"),
    # a JAX export (XlaCallModule holding StableHLO) newer than this TensorFlow's XLA reads
    ("xla_call_module_version", r".*",
     r"XlaCallModuleOp with version (?P<v>\d+) is not supported by this build\. Must be <= "
     r"(?P<max>\d+)", "version {v} > {max}"),
    ("xla_call_module_version", r".*",
     r"Cannot deserialize computation|failed to deserialize portable artifact", "StableHLO"),
    # missing_op and op_changed before graphdef_too_new: TF 1.x-style loaders append the
    # forward-compatibility note to them, and the op (or attribute) is what a user acts on
    ("missing_op", r".*",
     r"Op type not registered '(?P<op>[^']+)'|No OpKernel was registered to support Op "
     r"'(?P<op2>[^']+)'|OpKernel was registered|no kernel", "{op}{op2}"),
    # an op exists but gained attributes/inputs in a newer TF (e.g. VarHandleOp debug_name)
    ("op_changed", r".*",
     r"NodeDef mentions attr '(?P<attr>[^']+)' not in Op<name=(?P<op>[\w>]+)|"
     r"NodeDef expected inputs|NodeDef missing attr '(?P<attr2>[^']+)'", "{op}.{attr}{attr2}"),
    # the GraphDef's producer version is beyond the consumer's forward-compatibility window;
    # the detail is the GraphDef version that wrote it
    ("graphdef_too_new", r".*",
     r"GraphDef producer version (?P<v>\d+)?.*larger than TensorFlow's forward compatibility|"
     r"produced by a binary built when GraphDef version was (?P<v2>\d+)|"
     r"larger than TensorFlow's forward compatibility guarantee", "{v}{v2}"),
    # tf.saved_model.save of a Keras model: Keras 2 cannot rebuild it without keras_metadata.pb
    ("keras_metadata_missing", r".*", r"lacks the (TF-)?Keras metadata|keras_metadata\.pb", ""),
    ("not_callable", r".*", r"'(?P<t>\w+)' object is not callable", "{t}"),
    # a mixed-precision policy written by another Keras: Keras 3 reads a Keras 2 `Policy` as a
    # plain string (then looks up its quantization_mode), an older Keras meets DTypePolicy
    ("dtype_policy", r".*",
     r"object has no attribute '(?P<attr>quantization_mode)'|Could not (?:locate|deserialize) "
     r"class '(?P<cls>(?:DType)?Policy)'|Unknown (?:dtype )?policy:? '?(?P<p>[\w.]+)",
     "{attr}{cls}{p}"),
    # a Keras 2 layer (tf_keras: hub.KerasLayer is one) handed to a Keras 3 model
    ("hub_layer", r".*",
     r"Only instances of `?keras\.Layer`? can be added to a Sequential model\. Received:? "
     r"<?(?P<cls>[\w.]*KerasLayer)?", "{cls}"),
    # numpy 2 under a TensorFlow (or add-on) compiled against numpy 1.x, or the reverse
    ("numpy_abi", r".*",
     r"compiled using NumPy 1\.x cannot be run in\s+NumPy (?P<v>[\d.]+)|_ARRAY_API not found|"
     r"numpy\.core\.(?:multiarray|umath) failed to import|numpy\.dtype size changed", "{v}"),
    # a TF1 graph's reference variables (VariableV2): the TF2 object loader and Keras refuse
    ("ref_variable", r".*", r"has a reference type (?P<t>\w+_ref)", "{t}"),
    ("not_a_keras_model", r".*", r"'(?P<t>_UserObject)' object|_UserObject", "{t}"),
    # Keras 3 refuses Lambda layers (and other bytecode) unless safe_mode=False
    ("unsafe_deserialization", r".*",
     r"deserialization of a `?(?P<what>Lambda)`? layer|safe_mode|unsafe", "{what}"),
    ("python_incompatible", r".*",
     r"bad marshal data|code\(\) argument|unknown opcode|code expected at most|"
     r"marshal", ""),
    # the model's code (rebuilt by the consumer for weights) uses an API this TF lacks
    ("api_missing", r"AttributeError",
     r"module '(?:[\w.]*\.)?(?P<mod>\w+)' has no attribute '(?P<attr>\w+)'", "{mod}.{attr}"),
    # Keras >= 2.13 reads a file named *.weights.h5 in the Keras 3 layout (`vars` groups); one
    # written by an older Keras has the legacy layout (groups by layer name)
    ("weights_layout", r"KeyError", r"object '(?P<obj>vars)' doesn't exist", "{obj}"),
    # a model config written by another Keras lacks a key this Keras looks up
    ("config_incompatible", r"KeyError",
     r"^'(?P<key>layers|config|class_name|module|registered_name|build_config|inbound_nodes|"
     r"batch_input_shape)'$", "{key}"),
    # saving a subclassed model whose input shapes are unknown (never called or built)
    ("not_built", r"ValueError",
     r"input shapes have not been set|has not (yet )?been built|weights? (are|is) not created",
     ""),
    ("variable_not_restored", r".*",
     r"Could not find variable (?P<var>[^\s.]+(\.[^\s.]+)*?)\.? |uninitialized value "
     r"(?P<var2>\S+)|Attempting to use uninitialized", "{var}{var2}"),
    ("checkpoint_mismatch", r".*",
     r"Key (?P<key>\S+) not found in checkpoint|Unresolved object in checkpoint|"
     r"objects? (had attributes which were|could not be) (not )?(restored|loaded)|"
     r"Layer count mismatch|expects? \d+ weights?, but the saved weights have|"
     r"Shapes? .* (are|is) incompatible with|weight file .* contains|"
     r"weight file containing \d+ layers? into a model with \d+ layers?|"
     r"not found in checkpoint|Restoring from checkpoint failed|Nothing except the root object "
     r"matched|not bound to checkpointed values|have no matching checkpointed value", "{key}"),
    ("unsupported_format", r".*",
     r"File format not supported: filepath=\S*?(?P<ext>\.\w+|[\w-]+)\.? |File format not "
     r"supported|only supports V3 `?\.keras`? files|not a SavedModel|SavedModel file does not "
     r"exist|Unable to (open|synchronously open) file|file signature not found|Unknown file "
     r"format|No file or directory found at|is not a zip file|unable to load .* as a keras|"
     r"Keras 3 only supports|Invalid filepath extension|must end in `?\.weights\.h5|"
     r"format .*(is )?not supported|save_format", "{ext}"),
    ("unknown_object", r".*",
     r"Unknown (?:layer|object|loss|metric|activation|initializer|regularizer|constraint)"
     r"(?: type)?:? ?'?(?P<name>[\w.>]+)|Could not locate (?:class|function) '?(?P<name2>[\w.]+)|"
     r"Could not deserialize class '(?P<name3>[\w.]+)'|custom_objects|"
     r"register_keras_serializable|Could not deserialize", "{name}{name2}{name3}"),
    # newer Keras writes configs (nested {'class_name': ...}, new keywords) older Keras can't read
    ("config_incompatible", r".*",
     r"Unrecognized keyword arguments passed to (?P<cls2>\w+): \{'(?P<kw3>\w+)'|"
     r"Unrecognized keyword arguments:?'?,? ?(?:dict_keys\()?\[?'(?P<kw>\w+)'|unexpected keyword "
     r"argument '(?P<kw2>\w+)'|Error when deserializing class '(?P<cls>\w+)'|from_config|"
     r"got an unexpected|class_name", "{kw}{kw2}{kw3}{cls}"),
    ("config_incompatible", r"JSONDecodeError", r".*", ""),
    ("config_incompatible", r"TypeError",
     r"Keyword argument not understood:?'?,? ?'(?P<kw>\w+)'", "{kw}"),
    # saved_model_cli of TF 2.0 reads --inputs .npy files with numpy's default
    # allow_pickle=False: string (object) arrays cannot be fed that way
    ("cli_string_input", r"ValueError", r"Object arrays cannot be loaded when allow_pickle=False",
     "allow_pickle"),
    ("get_config_missing", r"NotImplementedError",
     r"(?P<layer>\w+)? ?(has arguments|must override) .*get_config|get_config", "{layer}"),
    ("missing_asset", r".*",
     r"(?P<file>[\w.-]+\.txt)\b.*(No such file|not found)|(No such file|not found).*?"
     r"(?P<file2>[\w.-]+\.txt)|asset|vocab(ulary)? file", "{file}{file2}"),
    ("no_matching_function", r".*",
     r"Could not find matching (concrete )?function|Cannot find matching function", ""),
    ("no_signature", r"SignatureError", r"no '(?P<sig>\w+)' signature|(?P<sig2>signature)",
     "{sig}{sig2}"),
    ("not_trackable", r".*",
     r"Expected an? (Trackable|object of type `?Trackable)|not a Trackable|"
     r"(?P<t>list|dict|ndarray)' object has no attribute '_", "{t}"),
    ("proto_parse", r"(DecodeError|ParseError)", r".*", ""),
    ("proto_parse", r".*",
     r"Error parsing message|Failed to parse|wire type|protocol message|Unknown field|"
     r"Truncated message|Unexpected end-group tag", ""),
    ("shape_or_dtype", r".*",
     r"expected to be a (?P<want>\w+) tensor but is a (?P<got>\w+) tensor", "{want} expected"),
    ("signature", r".*",
     r"signature|serving_default|structured_input_signature|ConcreteFunction|"
     r"Cannot feed value", ""),
    ("shape_or_dtype", r".*",
     r"[Ii]ncompatible shape|expected shape|shape mismatch|Invalid input shape|dtype|"
     r"Expected float|cannot be converted|InvalidArgumentError", ""),
    ("missing_variable", r".*", r"Key .* not found in checkpoint|variables|checkpoint", ""),
    ("missing_dependency", r"(ModuleNotFoundError|ImportError)",
     r"No module named '(?P<mod>[\w.]+)'|.*", "{mod}"),
)
# fmt: on

_COMPILED = tuple(
    (cat, re.compile(t), re.compile(m, re.IGNORECASE | re.DOTALL), d) for cat, t, m, d in RULES
)


def classify_detail(exc_type, message):
    """(category, detail or None) for an exception given by its type name and message."""
    message = message or ""
    for category, type_re, msg_re, template in _COMPILED:
        if not type_re.fullmatch(exc_type or ""):
            continue
        found = msg_re.search(message)
        if found:
            groups = dict((k, v or "") for k, v in found.groupdict().items())
            detail = re.sub(r"\s+", " ", template.format(**groups)).strip(" .") if template else ""
            return category, detail or None
    return "other", exc_type or None


# When the loading process itself dies, no exception reaches the worker: the supervisor records
# `crash` or `timeout`. A message a user pastes (`query error`) is matched against these first.
PROCESS_RULES = (
    ("crash", r"Segmentation fault|SIGSEGV|SIGABRT|SIGBUS|Fatal Python error|core dumped|"
              r"killed by signal"),
    ("timeout", r"no answer after [\d.]+s|timed out"),
)  # fmt: skip


def classify_pasted(exc_type, message):
    """classify_detail for a message as a user saw it, which may be a dying process's."""
    for category, pattern in PROCESS_RULES:
        if re.search(pattern, message or "", re.IGNORECASE):
            return category, None
    return classify_detail(exc_type, message)


def classify(exc_type, message):
    """Category name for an exception given by its type name and message."""
    return classify_detail(exc_type, message)[0]


_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ADDRESS = re.compile(r"\b0x[0-9a-fA-F]{6,}\b")


def normalize(message):
    """A message as it reads on any machine and in any run: no memory addresses
    (`<… object at 0x7f5fa8256c10>` differs from one process to the next)."""
    return _ADDRESS.sub("0x…", message or "")


def first_line(message, limit=300):
    """The most informative single line of an error message."""
    message = _ANSI.sub("", message or "")
    lines = [ln.strip() for ln in (message or "").strip().splitlines() if ln.strip()]
    if not lines:
        return ""
    # TF and Keras often open with a generic line; prefer the first one naming the problem
    generic = re.compile(
        r"^(Graph execution error|Exception encountered when calling|"
        r"Detected at node|Traceback|Node:|\s*File |<stack traces unavailable>)",
        re.IGNORECASE,
    )
    line = lines[0]
    for candidate in lines:
        if re.search(
            r"Op type not registered|not supported|Unknown|not found|NodeDef|"
            r"No such file",
            candidate,
        ):
            return candidate[:limit]
    if generic.search(line):
        for candidate in lines[1:]:
            if not generic.search(candidate) and len(candidate) > 10:
                return (line + " " + candidate)[:limit]
    return line[:limit]


def error_info(exc, places=(), addon_ops=()):
    """Category, detail and message of an exception. `places` are (path, placeholder) pairs:
    messages name no folder of the machine that ran them, so runs elsewhere read the same.
    `addon_ops`: the ops of the artifact that only an add-on defines (from its manifest): a
    missing one of those is `addon_op_missing`, not an op of a newer TensorFlow."""
    exc_type = type(exc).__name__
    for name in HARNESS_ERRORS:  # the harness's own errors, by their name
        if any(k.__name__ == name for k in type(exc).__mro__):
            exc_type = name
    message = normalize(str(exc) or repr(exc))
    for path, placeholder in places:
        message = message.replace(path, placeholder)
    category, detail = classify_detail(exc_type, message)
    if category == "missing_op" and detail in addon_ops:
        category = "addon_op_missing"
    return {
        "error_category": category,
        "error_detail": detail,
        "exception_type": type(exc).__name__,
        "message": first_line(message),
        "message_tail": message[-2000:],
    }
