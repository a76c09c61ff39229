"""Static prediction: what each environment of the catalog will say to a model, without
TensorFlow, and the evidence for each prediction.

A SavedModel, from the runtime dumps (matrix/catalog/runtimes.json): an op the environment does
not register (`missing_op`, naming the first release that has it; `addon_op_missing` when only
an add-on variant registers it), an attribute its op does not know there (`op_changed`,
`Op.attr`, naming the first release that knows it; only where the runtime refuses such an
attribute rather than dropping it, which the dump measures: TF ≤ 2.4 refuse), a GraphDef
outside its version window (`graphdef_too_new`). TensorFlow stops at the first such node (a
TF1-style loader meets the main graph first, the TF2 object loader the function library):
the first problem is the category, every problem is listed.

A Keras file (`.keras`, `.h5`, `.weights.h5`), from the matrix's own measurements
(reports/compat.json): what the catalog environment with the same Keras wrote in that format,
per consumer and loader, over every reference model: all load, none load (with the category),
or some (a count). Labelled as such: a prediction from measured reference models, not a
measurement of this one.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from matrix.catalog.names import family
from matrix.check.kerasclasses import KerasClasses
from matrix.check.kerasclasses import load as load_keras_classes
from matrix.check.model import KERAS_H5, KERAS_V3, KERAS_WEIGHTS, SAVED_MODEL, TFLITE, Model
from matrix.check.runtimes import Runtimes
from matrix.check.serving import TFDF_PREFIX, Serving
from matrix.check.serving import load as load_serving
from matrix.guest.vocabulary import LOADED
from matrix.query import consumers, outcomes

# the TensorFlow loaders of a SavedModel, and whether each meets the function library before
# the main graph (the TF2 object loader) or after it (TF1-style loaders). Keras loaders read
# configs and metadata too, in an order that changed between versions: not predicted here.
FUNCTIONS_FIRST = {"tf1.Session": False, "saved_model_cli run": False, "tf.saved_model.load": True}


@dataclass(frozen=True)
class Problem:
    category: str
    detail: str
    message: str  # what the runtime will say, in words


@dataclass
class Prediction:
    environment: str
    tensorflow: str | None
    keras: str | None
    loader: str
    status: str  # PASS (nothing found that stops it), ERROR, NOT_PREDICTED
    category: str | None = None
    detail: str | None = None
    message: str = ""
    evidence: str = ""
    problems: list[Problem] = field(default_factory=list)
    how: str = "predicted"

    def as_dict(self) -> dict:
        return {
            "environment": self.environment,
            "tf": self.tensorflow,
            "keras": self.keras,
            "loader": self.loader,
            "status": self.status,
            "category": self.category,
            "detail": self.detail,
            "how": self.how,
            "message": self.message,
            "evidence": self.evidence,
            "problems": [p.__dict__ for p in self.problems],
        }


def graph_problems(
    model: Model, env: str, rt: Runtimes, functions_first: bool = False
) -> list[Problem]:
    """Every reason `env`'s runtime refuses the graph, in the order TensorFlow meets them: a
    TF1-style loader imports the main graph first, the TF2 object loader the function library
    (measured: what 2.15 wrote fails in ≤ 2.4 on VarHandleOp.debug_name through tf1.Session,
    on DisableCopyOnRead through tf.saved_model.load)."""
    runtime = rt.runtimes[rt.resolve(env)]
    out: list[Problem] = []
    if model.graph_min_consumer is not None and model.graph_min_consumer > runtime.producer:
        out.append(
            Problem(
                "graphdef_too_new",
                str(model.graph_producer),
                f"the GraphDef needs a consumer of version ≥ {model.graph_min_consumer}; "
                f"TF {runtime.tensorflow} is {runtime.producer}",
            )
        )
    if model.graph_producer is not None and model.graph_producer < runtime.min_producer:
        out.append(
            Problem(
                "graphdef_too_old",
                str(model.graph_producer),
                f"TF {runtime.tensorflow} reads GraphDefs of version ≥ "
                f"{runtime.min_producer}, this one is {model.graph_producer}",
            )
        )
    if runtime.producer in model.bad_consumers:
        out.append(
            Problem(
                "graphdef_too_new",
                str(model.graph_producer),
                f"the GraphDef names GraphDef version {runtime.producer} a bad consumer",
            )
        )
    for op, attrs in model.ops_in_order(functions_first):
        if not rt.has_op(env, op):
            if rt.only_in_addons(op) or ">" in op:
                addon = _addon_of(op, rt)
                out.append(
                    Problem(
                        "addon_op_missing",
                        op,
                        f"op {op} is an add-on's ({addon}): install it for this "
                        "TensorFlow and import it before loading",
                    )
                )
            else:
                first = rt.first_with(op)
                since = f"first registered in TF {first}" if first else "in no TF of the catalog"
                out.append(
                    Problem(
                        "missing_op",
                        op,
                        f"op {op} is not registered there ({since})",
                    )
                )
            continue
        if runtime.accepts_unknown_attrs:
            continue  # it drops what it does not know (measured by the dump)
        for attr in sorted(attrs):
            if attr.startswith("_") or rt.has_attr(env, op, attr):
                continue  # `_`-attributes are the runtime's own, never validated
            first = rt.first_with(op, attr)
            since = f"known from TF {first}" if first else "known to no TF of the catalog"
            out.append(
                Problem(
                    "op_changed",
                    f"{op}.{attr}",
                    f"attribute {attr} of {op} is unknown there, and refused ({since})",
                )
            )
    return out


def _addon_of(op: str, rt: Runtimes) -> str:
    """The add-on modules of the environments that register `op` (tensorflow_text)."""
    mods = {m for i in rt.ops.get(op, ()) for m in rt.runtimes[rt.order[i]].imports}
    return ", ".join(sorted(mods)) or "an add-on library"


def _applicable(data: dict | None, fmt: str) -> set[tuple[str, str]]:
    """(consumer, loader) pairs the published matrix loaded `fmt` with (a loader that does not
    exist in a version has no loaded outcome there)."""
    if not data:
        return set()
    return {
        (c, loader)
        for _fx, f, loader, _p, e in outcomes(data)
        if f == fmt and e["status"] in LOADED
        for c in consumers(e, data["versions"])
    }


def saved_model(
    model: Model, envs: list[dict], rt: Runtimes, data: dict | None
) -> list[Prediction]:
    exists = _applicable(data, "saved_model")
    out = []
    for e in envs:
        name = e["name"]
        if rt.resolve(name) is None:
            why = (
                "no runtime dump for this environment (nox -s runtimes)"
                if e.get("status", "OK") == "OK"
                else f"its environment could not be set up: {e.get('reason')}"
            )
            out.append(
                Prediction(
                    name,
                    e.get("tensorflow"),
                    e.get("keras"),
                    "TF loaders",
                    "NOT_PREDICTED",
                    message=why,
                )
            )
            continue
        evidence = (
            f"matrix/catalog/runtimes.json ({rt.dumped}): the ops, attributes and "
            f"GraphDef versions of TF {rt.runtimes[rt.resolve(name)].tensorflow}"
        )
        for loader, functions_first in FUNCTIONS_FIRST.items():
            base = name.partition("+")[0]  # a variant has its release's TensorFlow loaders
            if exists and (name, loader) not in exists and (base, loader) not in exists:
                continue  # the loader does not exist there
            found = graph_problems(model, name, rt, functions_first)
            p = Prediction(
                name,
                e.get("tensorflow"),
                e.get("keras"),
                loader,
                "ERROR" if found else "PASS",
                problems=found,
                evidence=evidence,
            )
            if found:
                p.category, p.detail, p.message = (
                    found[0].category,
                    found[0].detail,
                    found[0].message,
                )
            else:
                p.message = (
                    f"every op ({len(model.ops)}) and attribute known, GraphDef "
                    "version in its window"
                )
            out.append(p)
    return out


SERVING_LOADER = "TF Serving"


def serving(
    model: Model, envs: list[dict], rt: Runtimes, releases: list[Serving]
) -> list[Prediction]:
    """TF Serving of each asked release minor: its TensorFlow's runtime dump, with the ops of
    the add-ons linked into it (the tensorflow-text minor it links, from that minor's +text
    dump; decision forests' SimpleML ops). It imports the graph as tf1.Session does."""
    by_minor = {s.minor: s for s in releases}
    out = []
    for e in envs:
        s = by_minor.get(e["name"])
        if s is None or rt.resolve(s.minor) is None:
            continue
        text_env = f"{s.text_minor}+text" if s.text_minor else None
        text_known = text_env is not None and rt.resolve(text_env) == text_env
        problems = []
        for p in graph_problems(model, s.minor, rt, functions_first=False):
            op = p.detail
            if p.category in ("missing_op", "addon_op_missing"):
                if s.decision_forests and op.startswith(TFDF_PREFIX):
                    continue  # linked (evidence: the BUILD's SUPPORTED_TENSORFLOW_OPS)
                if ">" in op or rt.only_in_addons(op):  # an add-on's op
                    if text_known and rt.has_op(text_env, op):
                        continue
                    linked = f"tensorflow-text {s.text}" if s.text else "no tensorflow-text"
                    if s.links_text and not text_known:
                        p = Problem("addon_op_unknown", op, f"op {op}: TF Serving {s.version} "
                                    f"links {linked}, whose ops were not dumped here")  # fmt: skip
                    else:
                        p = Problem("addon_op_missing", op, f"op {op} is not linked into TF "
                                    f"Serving {s.version} (it links {linked})")  # fmt: skip
            problems.append(p)
        pred = Prediction(
            e["name"], s.version, None, SERVING_LOADER,
            "ERROR" if problems else "PASS", problems=problems,
            evidence=f"{s.evidence} (matrix/catalog/serving.toml); runtimes.json: TF "
            f"{rt.runtimes[s.minor].tensorflow}" + (f" and {text_env}" if text_known else ""),
        )  # fmt: skip
        if problems:
            first = problems[0]
            pred.category, pred.detail, pred.message = first.category, first.detail, first.message
            if first.category == "addon_op_unknown":
                pred.status = "NOT_PREDICTED"
        else:
            pred.message = f"every op ({len(model.ops)}) linked, GraphDef version in its window"
        out.append(pred)
    return out


def _same_keras(version: str | None, data: dict) -> str | None:
    """The catalog environment whose Keras wrote files like this one: same Keras major.minor,
    a release before a variant."""
    if not version:
        return None
    want = ".".join(version.split(".")[:2])
    envs = data.get("environments", {})
    candidates = [
        v
        for v in data.get("versions", [])
        if envs.get(v, {}).get("status") == "OK"
        and ".".join((envs[v].get("keras") or "").split(".")[:2]) == want
    ]
    candidates.sort(key=lambda v: (family(v) != "release", v))
    return candidates[0] if candidates else None


def keras_file(model: Model, envs: list[dict], data: dict) -> list[Prediction]:
    """From the published cells of the catalog environment with the same Keras."""
    producer = _same_keras(model.keras_version, data)
    out = []
    if producer is None:
        for e in envs:
            out.append(
                Prediction(
                    e["name"],
                    e.get("tensorflow"),
                    e.get("keras"),
                    "keras loaders",
                    "NOT_PREDICTED",
                    message=f"no environment of the published "
                    f"matrix has Keras {model.keras_version or '(not recorded)'}",
                )
            )
        return out
    fmt = {KERAS_V3: "keras_v3", KERAS_H5: "keras_h5", KERAS_WEIGHTS: "keras_weights"}[model.format]
    # consumer -> loader -> the loaded outcomes of what `producer` wrote as `fmt`
    by_cell: dict[str, dict[str, list[dict]]] = {}
    for _fx, f, loader, p, entry in outcomes(data):
        if f == fmt and p == producer and entry["status"] in LOADED:
            for c in consumers(entry, data["versions"]):
                by_cell.setdefault(c, {}).setdefault(loader, []).append(entry)
    keras = data["environments"][producer].get("keras")
    for e in envs:
        for loader, loaded in sorted(by_cell.get(e["name"], {}).items()):
            passed = sum(x["status"] == "PASS" for x in loaded)
            evidence = (
                f"reports/compat.json: what TF {producer} (Keras {keras}) wrote as "
                f"{fmt}, {len(loaded)} reference models"
            )
            p = Prediction(
                e["name"], e.get("tensorflow"), e.get("keras"), loader, "PASS", evidence=evidence
            )
            if passed < len(loaded):
                why = Counter(
                    (x.get("category") or x["status"].lower(), x.get("detail") or "")
                    for x in loaded
                    if x["status"] != "PASS"
                )
                (p.category, detail), _ = min(why.items(), key=lambda kv: (-kv[1], kv[0]))
                p.detail = detail or None
                p.status = "DEPENDS" if passed else "ERROR"
            p.message = f"{passed} of {len(loaded)} reference models load"
            out.append(p)
    return out


def keras_classes(model: Model, found: list[Prediction], known: KerasClasses) -> None:
    """A class the consumer's Keras cannot resolve stops every Keras loader there, whatever the
    reference models did (`unknown_object`, naming the class and the first Keras with it)."""
    evidence = f"matrix/catalog/keras_classes.json ({known.dumped})"
    for p in found:
        problems = []
        for obj in model.layers:
            why = known.unknown(obj, p.environment)
            if why and all(x.detail != obj.class_name for x in problems):
                problems.append(Problem("unknown_object", obj.class_name, why))
        if not problems:
            continue
        p.problems = problems + p.problems
        p.evidence = f"{p.evidence}; {evidence}" if p.evidence else evidence
        if p.status != "ERROR":
            p.status = "ERROR"
            p.category, p.detail, p.message = (
                problems[0].category, problems[0].detail, problems[0].message)  # fmt: skip


def predict(
    model: Model, envs: list[dict], rt: Runtimes | None, data: dict | None
) -> list[Prediction]:
    if model.format == TFLITE:
        return []  # no static reading of TFLite runtimes yet: the real loads answer
    if model.format == SAVED_MODEL:
        if not rt:
            return []
        return saved_model(model, envs, rt, data) + serving(model, envs, rt, load_serving())
    found = keras_file(model, envs, data) if data else []
    known = load_keras_classes()
    if known is not None:
        keras_classes(model, found, known)
    return found
