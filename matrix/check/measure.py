"""Real loads of a user's model (`check PATH` without --static): every applicable loader of
the catalog in each selected environment, in the supervised workers the matrix uses (a crash,
a hang or a memory blow-up is that one load's CRASH or TIMEOUT), every signature called, the
outputs compared across versions, and each load set beside what was predicted for it.

Reference outputs: the user's `--expect FILE.npz` when given, else, per loader, what the
newest environment that loaded it with that loader returned (said on every line).
"""

from __future__ import annotations

import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable

import numpy as np
from packaging.version import Version

from matrix.catalog import Catalog, TFRelease, registry
from matrix.catalog.availability import facts_of, unmet
from matrix.catalog.names import family
from matrix.check.inputs import Inputs, call_inputs, write
from matrix.check.model import KERAS_WEIGHTS, SAVED_MODEL, TFLITE, Model
from matrix.guest.arrays import compare
from matrix.guest.protocol import CALL_GROUP, CheckTask
from matrix.run.session import DEFAULT_CELL_TIMEOUT, open_env
from matrix.run.stopping import Stop
from matrix.run.supervisor import WorkerStartFailed, run_tasks
from matrix.store.layout import Home

CONTAINER = {SAVED_MODEL: "savedmodel", KERAS_WEIGHTS: "h5_weights", TFLITE: "tflite"}
# else "keras_file"
# what the static prediction reads (ops, attributes, GraphDef versions): a measured failure of
# another category is beyond what it claims, not a disagreement
STATIC = {"missing_op", "op_changed", "addon_op_missing", "graphdef_too_new", "graphdef_too_old"}
LOADED = ("PASS", "MISMATCH", "NOT_CALLED")


@dataclass
class Measured:
    environment: str
    tensorflow: str | None
    keras: str | None
    loader: str
    status: str  # PASS MISMATCH NOT_CALLED ERROR CRASH TIMEOUT NOT_APPLICABLE
    category: str | None = None
    detail: str | None = None
    message: str = ""
    reference: str | None = None  # what the outputs were compared with
    max_abs_error: float | None = None
    load_seconds: float | None = None
    returned: str | None = None
    outputs: list[str] = field(default_factory=list)
    signatures: list[dict] = field(default_factory=list)
    predicted: dict | None = None  # {status, category, detail} of the same environment+loader
    agreement: str | None = None  # agrees, disagrees, beyond (a kind it does not predict)
    how: str = "measured"
    _arrays: dict = field(default_factory=dict, repr=False)  # the outputs, for comparing

    def as_dict(self) -> dict:
        d = asdict(self)
        d.pop("_arrays")
        d["tf"] = d.pop("tensorflow")
        return d


def loaders_for(model: Model, env_info: dict) -> list[tuple[registry.LoaderSpec, str | None]]:
    """(loader, why it does not apply here or None) for every loader that reads this model's
    container and kind; loaders that need the model's code (custom_objects, build()) cannot be
    run on a model without it and are named once with that reason."""
    container = CONTAINER.get(model.format, "keras_file")
    facts = facts_of(env_info)
    out = []
    for spec in registry.loaders().values():
        if container not in spec.containers or model.kind not in spec.kinds:
            continue
        if spec.imports_fixture or spec.fixture_needs:
            out.append((spec, "needs the model's own code (its classes or its build()), "
                              "which check does not have"))  # fmt: skip
            continue
        out.append((spec, unmet(spec.requires, facts)))
    return out


def _task(i: int, spec, model: Model, inputs_path: Path, out: Path, release,
          addon_ops: list[str], unsafe: bool) -> dict:  # fmt: skip
    return asdict(
        CheckTask(
            id=i, loader=spec.name, loader_module=spec.module, model_path=str(model.path),
            inputs_path=str(inputs_path), outputs_path=str(out / f"{release.name}-{i}.npz"),
            kind=model.kind, call="list" if model.kind == "keras" else "positional",
            addons=list(release.imports), addon_ops=addon_ops, unsafe=unsafe,
            every_signature=spec.name == "tf.saved_model.load",
            call_signature=call_inputs(model)[0],
        )
    )  # fmt: skip


def _outputs(path: str) -> dict[str, list[np.ndarray]]:
    """{group: [output 0, 1, …]} from a guest's outputs file."""
    found: dict[str, dict[int, np.ndarray]] = {}
    try:
        with np.load(path, allow_pickle=False) as data:
            for key in data.files:
                group, _, i = key.rpartition("/")
                found.setdefault(group, {})[int(i)] = data[key]
    except (OSError, ValueError):
        return {}
    return {g: [v[i] for i in sorted(v)] for g, v in found.items()}


def measure_env(
    release: TFRelease,
    model: Model,
    inputs_path: Path,
    catalog: Catalog,
    home: Home,
    work: Path,
    *,
    addon_ops: list[str],
    unsafe: bool,
    timeout: float,
    log: Callable[[str], None],
    stop: Stop | None = None,
) -> list[Measured]:
    env, status = open_env(release, catalog, home, log)
    if env is None:
        return [Measured(release.minor, None, None, "every loader", "ENV_FAILED",
                         message=f"its environment could not be set up: {status}")]  # fmt: skip
    tf, keras = env.info.get("tensorflow"), env.info.get("keras")
    out: list[Measured] = []
    tasks: list[dict] = []
    for spec, why in loaders_for(model, env.info):
        if why:
            out.append(Measured(release.minor, tf, keras, spec.name, "NOT_APPLICABLE", message=why))
        else:
            tasks.append(_task(len(tasks), spec, model, inputs_path, work, release, addon_ops,
                               unsafe))  # fmt: skip
    by_id: dict[int, Measured] = {}

    def on_result(task: dict, answer: dict) -> None:
        m = Measured(
            release.minor, tf, keras, task["loader"], answer["status"],
            answer.get("error_category"), answer.get("error_detail"),
            answer.get("message") or "", load_seconds=answer.get("load_seconds"),
            returned=answer.get("returned"), outputs=answer.get("outputs") or [],
            signatures=answer.get("signatures") or [],
        )  # fmt: skip
        m._arrays = _outputs(task["outputs_path"])
        by_id[task["id"]] = m

    try:
        run_tasks(env, tasks, on_result, timeout=timeout, log_path=home.log_file("check",
                  release.name), stop=stop)  # fmt: skip
    except WorkerStartFailed as exc:
        return [Measured(release.minor, tf, keras, "every loader", "ENV_FAILED",
                         message=f"its worker does not start: {exc}")]  # fmt: skip
    for i in range(len(tasks)):
        if i in by_id:
            out.append(by_id[i])
    order = {s.name: s.order for s in registry.loaders().values()}
    return sorted(out, key=lambda m: order.get(m.loader, 0))


def _newest_first(m: Measured) -> tuple:
    """Releases before variants, then the newest TensorFlow first."""
    try:
        v = Version(m.tensorflow or "0")
    except ValueError:
        v = Version("0")
    return (family(m.environment) != "release", [-x for x in v.release])


def compare_outputs(found: list[Measured], expect: list[np.ndarray] | None) -> None:
    """Set PASS/MISMATCH on every load that returned outputs (and on its signatures)."""
    loaded = sorted((m for m in found if m.status == "PASS"), key=_newest_first)
    refs: dict[tuple[str, str], tuple[Measured, list[np.ndarray]]] = {}
    for m in loaded:
        for group, arrays in m._arrays.items():
            refs.setdefault((m.loader, group), (m, arrays))
    for m in loaded:
        if expect is not None:
            ref_name, ref = "--expect", expect
        else:
            owner, ref = refs[(m.loader, CALL_GROUP)] if (m.loader, CALL_GROUP) in refs else (m, [])
            ref_name = f"TF {owner.tensorflow} ({owner.environment}), the newest that loads it"
            if owner is m:
                ref_name += ": the reference"
        ok, err, why = compare(m._arrays.get(CALL_GROUP, []), ref)
        m.reference, m.max_abs_error = ref_name, err
        if not ok:
            m.status, m.category, m.message = "MISMATCH", "numeric_mismatch", why
        for sig in m.signatures:
            if sig.get("status") != "PASS" or (m.loader, sig["name"]) not in refs:
                continue
            owner, ref = refs[(m.loader, sig["name"])]
            ok, err, why = compare(m._arrays.get(sig["name"], []), ref)
            sig["reference"] = f"TF {owner.tensorflow} ({owner.environment})"
            if not ok:
                sig.update(status="MISMATCH", error_category="numeric_mismatch", message=why)


def agreement(m: Measured, predicted: dict | None, static: bool) -> str | None:
    """Does the measurement say what was predicted? `static`: the prediction came from the
    model's graph (it claims nothing about failures of another kind)."""
    if not predicted or predicted["status"] not in ("PASS", "ERROR"):
        return None
    if m.status in ("NOT_APPLICABLE", "ENV_FAILED"):
        return None
    loaded = m.status in LOADED
    if predicted["status"] == "PASS":
        if loaded:
            return "agrees"
        if static and m.category not in STATIC:
            return "beyond"
        return "disagrees"
    if loaded:
        return "disagrees"
    same = (m.category, m.detail) == (predicted["category"], predicted["detail"])
    if static:
        return "agrees" if same else "disagrees"
    return "agrees" if m.category == predicted["category"] else "disagrees"


def join(found: list[Measured], predictions: list[dict], static: bool) -> None:
    by = {(p["environment"], p["loader"]): p for p in predictions}
    for m in found:
        p = by.get((m.environment, m.loader))
        if p is not None:
            m.predicted = {k: p[k] for k in ("status", "category", "detail")}
        m.agreement = agreement(m, m.predicted, static)


def measure(
    model: Model,
    releases: list[TFRelease],
    inputs: Inputs,
    catalog: Catalog,
    home: Home,
    *,
    addon_ops: list[str] = (),
    unsafe: bool = False,
    expect: list[np.ndarray] | None = None,
    timeout: float = DEFAULT_CELL_TIMEOUT,
    jobs: int = 2,
    log: Callable[[str], None] = print,
    stop: Stop | None = None,
) -> list[Measured]:
    """Load `model` in every release (`jobs` environments at a time), outputs compared."""
    found: list[Measured] = []
    lock = threading.Lock()
    with tempfile.TemporaryDirectory(prefix="tfmatrix-check-out-") as tmp:
        work = Path(tmp)
        inputs_path = write(inputs, work / "inputs.npz")

        def one(release: TFRelease) -> None:
            got = measure_env(release, model, inputs_path, catalog, home, work,
                              addon_ops=list(addon_ops), unsafe=unsafe, timeout=timeout,
                              log=log, stop=stop)  # fmt: skip
            with lock:
                found.extend(got)

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            list(pool.map(one, releases))
        compare_outputs(found, expect)
    names = [r.minor for r in releases]
    found.sort(key=lambda m: names.index(m.environment))  # stable: loader order kept
    return found
