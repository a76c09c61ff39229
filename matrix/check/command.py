"""`tf-compat-matrix check PATH`: which TensorFlow versions load *this* model, and why not.

    tf-compat-matrix check PATH [--tf 2.9 2.12 …] [--static] [--inputs X.npz] [--json]
                                [--require 2.9 2.12]

PATH: a SavedModel directory, a `.keras`, `.h5`/`.hdf5`, `.weights.h5`, or a `.zip`/`.tar.gz`
of one. Predicts statically for every environment of the published matrix, in seconds and with
no TensorFlow (a SavedModel from the runtime dumps: ops, attributes, GraphDef versions; a Keras
file from the matrix's measurements of files the same Keras wrote); then loads it for real in
the environments of `--tf` (default: the catalog's spread, one on each side of every boundary
the matrix measured) with every applicable loader, calls every signature, compares the outputs
across versions and sets each measurement beside its prediction; then lints what people hit.
Exit status: 0, or 1 when `--require` names an environment that does not load it (measured
where it was loaded, else predicted), 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from matrix import PROJECT_ROOT
from matrix.catalog.names import family
from matrix.catalog.selection import add_versions_option
from matrix.check import archive, lint, model, predict, runtimes
from matrix.errors import UsageError
from matrix.query import load, version

PUBLISHED = PROJECT_ROOT / "reports"
SCHEMA_VERSION = 1


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "path",
        type=Path,
        metavar="PATH",
        help="a SavedModel directory, .keras, .h5/.hdf5, .weights.h5, or a .zip/.tar.gz of one",
    )
    add_versions_option(
        parser,
        "the environments to answer for (default: predicted for every environment of the "
        "published matrix, loaded for real in the spread " + " ".join(spread()) + ", one on "
        "each side of every boundary the matrix measured)",
        nargs="+",
    )
    parser.add_argument(
        "--static",
        action="store_true",
        help="predict only: install nothing, start no TensorFlow",
    )
    parser.add_argument(
        "--inputs",
        type=Path,
        metavar="FILE.npz",
        help="what to feed the model (np.savez: NAME for the serving call, SIGNATURE/NAME "
        "for one signature); default: arrays made from its declared specs with --seed",
    )
    parser.add_argument("--seed", type=int, default=0, help="for the made inputs (default 0)")
    parser.add_argument(
        "--expect",
        type=Path,
        metavar="FILE.npz",
        help="the outputs it must give (in order); default: what the newest environment that "
        "loads it gives, per loader",
    )
    parser.add_argument(
        "--unsafe",
        action="store_true",
        help="Keras safe mode off (runs a Lambda layer's bytecode): only for a model you trust",
    )
    parser.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="per load (default: the matrix's, 180 s); a load past it is TIMEOUT",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="one JSON document on stdout (schema_version 1; see README)",
    )
    parser.add_argument(
        "--require",
        nargs="+",
        metavar="VERSION",
        default=[],
        help="exit 1 unless every one of these environments is predicted to "
        "load it with some loader (a gate for your own CI)",
    )
    parser.add_argument(
        "--html",
        type=Path,
        metavar="OUT",
        help="also write the verdicts as a page in the report's style (self-contained)",
    )
    parser.add_argument(
        "--data",
        type=Path,
        default=PUBLISHED,
        help="the published report's folder (default: reports/)",
    )


def spread(path: Path | None = None) -> list[str]:
    """The catalog's environments for real loads when no --tf is given (versions.toml): for
    a .tflite, the TFLite runtimes' own spread (TF interpreters and standalone runtimes)."""
    from matrix.catalog import load_catalog

    catalog = load_catalog()
    if path is not None and path.name.lower().endswith(".tflite"):
        return [name for name, _why in catalog.check_spread_tflite]
    return [name for name, _why in catalog.check_spread]


def environments(data: dict, results: dict, names: list[str] | None = None) -> list[dict]:
    """The environments to answer for, with their exact TF and Keras: the published run's."""
    known = {e["tf"]: e for e in results.get("environments", [])}
    fields = ("tensorflow", "keras", "status", "reason")
    return [
        dict({f: known.get(n, {"status": "OK"}).get(f) for f in fields}, name=n)
        for n in (names or data["versions"])
    ]


def published(data_dir: Path) -> tuple[dict, dict]:
    """The published dataset and run (compat.json, results.json), read once."""
    return load(data_dir / "compat.json"), load(data_dir / "results.json")


@dataclass
class Loads:
    """What real loads need: the environments (None: predict only) and how to feed the model."""

    releases: list | None = None
    inputs: Path | None = None
    seed: int = 0
    expect: Path | None = None
    unsafe: bool = False
    timeout: float | None = None
    log: Callable[[str], None] = field(default=lambda line: print(line, file=sys.stderr))
    stop: object = None  # the run's Stop, once loading started (set: Ctrl-C or SIGTERM came)


def _addon_ops(m: model.Model, rt: runtimes.Runtimes | None) -> list[str]:
    return sorted(op for op in m.ops if ">" in op or (rt is not None and rt.only_in_addons(op)))


def _measured(m: model.Model, rt, predictions: list[dict], loads: Loads) -> tuple[list, dict]:
    from matrix.catalog import load_catalog
    from matrix.check import inputs, measure
    from matrix.run.stopping import stop_on_signals
    from matrix.store.layout import default_home

    fed = inputs.given(loads.inputs) if loads.inputs else inputs.made(m, loads.seed)
    expect = list(inputs.given(loads.expect).arrays.values()) if loads.expect else None
    extra = {"timeout": loads.timeout} if loads.timeout else {}
    with stop_on_signals(loads.log) as stop:
        loads.stop = stop
        found = measure.measure(
            m, loads.releases, fed, load_catalog(), default_home(),
            addon_ops=_addon_ops(m, rt), unsafe=loads.unsafe, expect=expect, log=loads.log,
            stop=stop, **extra,
        )  # fmt: skip
    measure.join(found, predictions, static=m.format == model.SAVED_MODEL)
    said = {"seed": fed.seed, "from": str(loads.inputs or "made"), "fed": fed.said}
    return [x.as_dict() for x in found], said


def check(
    path: Path, data: dict, results: dict, asked: list[str] | None, loads: Loads | None = None
) -> dict:
    """Predict for the `asked` environments (all: None), load for real in `loads.releases`."""
    envs = environments(data, results, [version(data, a) for a in asked] if asked else None)
    loads = loads or Loads()
    with tempfile.TemporaryDirectory(prefix="tfmatrix-check-") as tmp:
        where = path
        if archive.is_archive(path):
            where = archive.model_root(archive.unpack(path, Path(tmp)))
        m = model.read(where)
        # a runtime without TensorFlow (LiteRT, TF.js) reads only its own formats
        envs = [e for e in envs if m.format == model.TFLITE or family(e["name"]) != "runtime"]
        rt = runtimes.load() if m.format == model.SAVED_MODEL else None
        predictions = [v.as_dict() for v in predict.predict(m, envs, rt, data)]
        found = lint.lint(m, rt)
        measured, fed = _measured(m, rt, predictions, loads) if loads.releases else ([], None)
    summary = m.summary()
    summary["path"] = str(path)
    return {
        "schema_version": SCHEMA_VERSION,
        "versions": data["versions"],  # the published order the environments are read in
        "model": summary,
        "inputs": fed,
        "stopped": bool(loads.stop is not None and loads.stop.is_set()),
        "results": measured + predictions,
        "lint": [x.as_dict() for x in found],
    }


VERDICT = {"PASS": "loads", "ERROR": "fails", "DEPENDS": "depends", "NOT_PREDICTED": "?"}
MEASURED = {"PASS": "loads", "MISMATCH": "wrong outputs", "NOT_CALLED": "loads, not called",
            "ERROR": "fails", "CRASH": "crashes", "TIMEOUT": "hangs", "NOT_APPLICABLE": "n/a",
            "ENV_FAILED": "no environment"}  # fmt: skip
LOADS = ("PASS", "NOT_CALLED")  # a measured load that counts as loading it


def _key(r: dict) -> tuple:
    return (r["status"], r["category"], r["detail"], r["message"], _against(r))


def runs(results: list[dict], order: list[str]) -> list[tuple[list[dict], dict]]:
    """Per loader, neighbouring environments (neighbours in the published order) with the same
    verdict, as (their results, the first one): one table row each."""
    pos = {v: i for i, v in enumerate(order)}
    out: list[tuple[list[dict], dict]] = []
    by_loader: dict[str, list[dict]] = {}
    for r in results:
        by_loader.setdefault(r["loader"], []).append(r)
    for rows in by_loader.values():
        for r in rows:
            last = out[-1][1] if out else None
            # a run never joins a release and a variant (2.21–2.16+keras3.0 would mean nothing)
            same = (
                last
                and last["loader"] == r["loader"]
                and family(last["environment"]) == family(r["environment"])
                and pos.get(out[-1][0][-1]["environment"], -2) + 1 == pos.get(r["environment"])
            )
            if same and _key(last) == _key(r):
                out[-1][0].append(r)
            else:
                out.append(([r], r))
    return out


def _span(values: list[str]) -> str:
    values = [v or "?" for v in values]
    return values[0] if values[0] == values[-1] else f"{values[0]}–{values[-1]}"


def _against(r: dict) -> str:
    """A measurement's prediction, in words, flagged where the two differ."""
    p = r.get("predicted")
    if r.get("how") != "measured":
        return ""
    if not p:
        return "not predicted"
    said = VERDICT.get(p["status"], p["status"])
    if p.get("category"):
        said += f" ({p['category']} {p['detail'] or ''})".replace(" )", ")")
    return {
        "agrees": f"{said}: agrees",
        "disagrees": f"{said}: DISAGREES",
        "beyond": f"{said}: a failure of a kind it does not read",
    }.get(r.get("agreement") or "", said)


def _table(results: list[dict], order: list[str], measured: bool) -> str:
    from tabulate import tabulate

    rows = []
    for group, r in runs(results, order):
        why = r["message"] if len(r["message"]) <= 150 else r["message"][:149] + "…"
        if measured and r.get("reference") and r["status"] == "PASS":
            why = (why + " " if why else "") + f"outputs as {r['reference']}"
        row = [
            _span([g["environment"] for g in group]),
            _span([g["tf"] for g in group]),
            r["loader"],
            (MEASURED if measured else VERDICT).get(r["status"], r["status"]),
            r["category"] or "",
            r["detail"] or "",
            why,
        ]
        rows.append(row + ([_against(r)] if measured else []))
    headers = ["environments", "TF", "loader", "measured" if measured else "predicted",
               "category", "detail", "why"] + (["predicted"] if measured else [])  # fmt: skip
    return tabulate(rows, headers=headers, tablefmt="simple", disable_numparse=True,
                    maxcolwidths=[None] * 6 + [60] + ([30] if measured else []))  # fmt: skip


def _signatures(measured: list[dict]) -> list[str]:
    """Per signature, where calling it did not give what the newest version gives."""
    lines: list[str] = []
    per: dict[str, list[tuple[str, dict]]] = {}
    for r in measured:
        for s in r.get("signatures") or ():
            per.setdefault(s["name"], []).append((r["environment"], s))
    for name, seen in per.items():
        bad = [(e, s) for e, s in seen if s["status"] != "PASS"]
        if not bad:
            lines.append(f"  {name}: called in {len(seen)} environments, the same outputs")
            continue
        kinds: dict[str, list[str]] = {}
        for e, s in bad:
            what = s["status"] if s["status"] == "NOT_CALLED" else (
                s.get("error_category") or s["status"])  # fmt: skip
            kinds.setdefault(f"{what}: {s.get('message') or ''}"[:140], []).append(e)
        said = "; ".join(f"{', '.join(es)}: {k}" for k, es in kinds.items())
        lines.append(f"  {name}: {len(seen) - len(bad)} of {len(seen)} as the newest; {said}")
    return lines


def render(report: dict) -> str:
    m = report["model"]
    head = (
        f"{m['path']}: {m['format']}, recorded TF {m['tensorflow_version'] or '?'}"
        f", Keras {m['keras_version'] or '?'}"
    )
    if m["format"] == model.TFLITE:  # a flatbuffer records no TensorFlow or Keras version
        ops = [f"{o['op']} v{o['version']}" + ("" if o["kind"] == "builtin" else f" ({o['kind']})")
               for o in m["tflite_ops"]]  # fmt: skip
        head = f"{m['path']}: tflite, ops: {', '.join(ops) or 'none'}"
        if m["tflite_min_runtime"]:
            head += f", the converter's min_runtime_version {m['tflite_min_runtime']}"
        names = [s["name"] or "none (fed by its input tensors)" for s in m["signatures"]]
        head += f", signatures: {', '.join(names) or 'none'}"
    if m["format"] == model.SAVED_MODEL:
        g = m["graph_def"]
        head += (
            f", GraphDef producer {g['producer']}, {len(m['ops'])} ops, signatures: "
            f"{', '.join(s['name'] for s in m['signatures']) or 'none'}"
        )
    lines = [head, ""]
    measured = [r for r in report["results"] if r["how"] == "measured"]
    predicted = [r for r in report["results"] if r["how"] == "predicted"]
    if measured:
        fed = report["inputs"]
        seed = f" (made from its specs, seed {fed['seed']})" if fed["seed"] is not None else ""
        lines += [f"loaded for real{seed}:"] + [f"  {x}" for x in fed["fed"]] + [""]
        lines += [_table(measured, report["versions"], True), ""]
        sigs = _signatures(measured)
        if sigs:
            lines += ["every signature, called through tf.saved_model.load:"] + sigs + [""]
        envs = {r["environment"] for r in measured}
        ok = {r["environment"] for r in measured if r["status"] in LOADS}
        agree = Counter(r["agreement"] for r in measured if r["agreement"])
        lines.append(
            f"measured: loads in {len(ok)} of {len(envs)} environments; against the "
            f"prediction: {agree['agrees']} agree, {agree['disagrees']} disagree, "
            f"{agree['beyond']} fail in a way it does not read"
        )
        lines.append("")
        pairs = {(r["environment"], r["loader"]) for r in measured}
        predicted = [r for r in predicted if (r["environment"], r["loader"]) not in pairs]
        if predicted:
            lines.append("predicted only (what was not loaded here; TF Serving is never run):")
    if predicted:
        lines += [_table(predicted, report["versions"], False), ""]
        ok = {r["environment"] for r in predicted if r["status"] == "PASS"}
        lines.append(
            f"predicted to load in {len(ok)} of {len({r['environment'] for r in predicted})} "
            "environments (static: from the evidence named per line; no TensorFlow was started)"
        )
    elif not measured and m["format"] == model.TFLITE:
        lines.append("no static prediction for a .tflite yet (which op versions each runtime has "
                     "is not dumped): load it for real, without --static")  # fmt: skip
    if report["lint"]:
        lines += ["", "lint:"]
        lines += [f"  {x['rule']}: {x['message']}. Fix: {x['fix']}" for x in report["lint"]]
    return "\n".join(lines)


def loaded_in(report: dict) -> set[str]:
    """The environments that load it: measured where it was loaded for real, else predicted."""
    measured = {r["environment"] for r in report["results"] if r["how"] == "measured"}
    return {
        r["environment"]
        for r in report["results"]
        if (r["how"] == "measured" and r["status"] in LOADS)
        or (r["how"] == "predicted" and r["environment"] not in measured and r["status"] == "PASS")
    }


def html(report: dict) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True
    )
    measured = [r for r in report["results"] if r["how"] == "measured"]
    return env.get_template("check.html.j2").render(
        model=report["model"],
        measured=measured,
        against=_against,
        inputs=report.get("inputs"),
        results=[r for r in report["results"] if r["how"] == "predicted"],
        lint=report["lint"],
        ok=len(loaded_in(report)),
        envs=len({r["environment"] for r in report["results"]}),
    )


def run(args: argparse.Namespace) -> int:
    from matrix.catalog import load_catalog

    data, results = published(args.data)
    required = [version(data, a) for a in args.require]  # an unknown one fails before any work
    if args.html and not args.html.parent.is_dir():
        raise UsageError(f"cannot write {args.html}: no folder {args.html.parent}")
    loads = Loads(inputs=args.inputs, seed=args.seed, expect=args.expect, unsafe=args.unsafe,
                  timeout=args.timeout)  # fmt: skip
    if not args.static:
        loads.releases = load_catalog().select(args.tf or spread(args.path))
    report = check(args.path, data, results, args.tf, loads)
    if args.html:
        try:
            args.html.write_text(html(report), encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.html}: {exc.strerror}") from None
    print(json.dumps(report, indent=1, ensure_ascii=False) if args.json else render(report))
    if report["stopped"]:
        print("stopped: the loads that finished are shown; the rest were not run", file=sys.stderr)
        return loads.stop.exit_status
    measured = {r["environment"] for r in report["results"] if r["how"] == "measured"}
    missing = [
        f"{v} ({'measured' if v in measured else 'predicted'})"
        for v in required
        if v not in loaded_in(report)
    ]
    if missing:
        print(f"required: {', '.join(missing)} does not load it", file=sys.stderr)
        return 1
    return 0
