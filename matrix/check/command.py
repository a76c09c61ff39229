"""`tf-compat-matrix check PATH`: which TensorFlow versions load *this* model, and why not.

    tf-compat-matrix check PATH [--tf 2.9 2.12 …] [--json] [--require 2.9 2.12]

PATH: a SavedModel directory, a `.keras`, `.h5`/`.hdf5`, `.weights.h5`, or a `.zip`/`.tar.gz`
of one. Predicts statically, in seconds and with no TensorFlow installed: a SavedModel from
the runtime dumps of every environment (ops, attributes, GraphDef versions), a Keras file from
the matrix's measurements of files that the same Keras wrote; then lints what people hit.
Every answer says that it is a prediction and names its evidence. Exit status: 0, or 1 when
`--require` names an environment that is not predicted to load it, 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
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
        "the environments to predict for (default: every environment of the published matrix)",
        nargs="+",
    )
    parser.add_argument(
        "--static",
        action="store_true",
        help="predict only, start no TensorFlow (what check does today)",
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


def environments(data: dict, results: dict, asked: list[str] | None) -> list[dict]:
    """The environments to answer for, with their exact TF and Keras: the published run's."""
    known = {e["tf"]: e for e in results.get("environments", [])}
    names = [version(data, a) for a in asked] if asked else data["versions"]
    fields = ("tensorflow", "keras", "status", "reason")
    return [dict({f: known.get(n, {"status": "OK"}).get(f) for f in fields}, name=n) for n in names]


def published(data_dir: Path) -> tuple[dict, dict]:
    """The published dataset and run (compat.json, results.json), read once."""
    return load(data_dir / "compat.json"), load(data_dir / "results.json")


def check(path: Path, data: dict, results: dict, asked: list[str] | None) -> dict:
    envs = environments(data, results, asked)
    with tempfile.TemporaryDirectory(prefix="tfmatrix-check-") as tmp:
        where = path
        if archive.is_archive(path):
            where = archive.model_root(archive.unpack(path, Path(tmp)))
        m = model.read(where)
        rt = runtimes.load() if m.format == model.SAVED_MODEL else None
        verdicts = predict.predict(m, envs, rt, data)
        found = lint.lint(m, rt)
    summary = m.summary()
    summary["path"] = str(path)
    return {
        "schema_version": SCHEMA_VERSION,
        "versions": data["versions"],  # the published order the environments are read in
        "model": summary,
        "results": [v.as_dict() for v in verdicts],
        "lint": [x.as_dict() for x in found],
    }


VERDICT = {"PASS": "loads", "ERROR": "fails", "DEPENDS": "depends", "NOT_PREDICTED": "?"}


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
            key = (r["status"], r["category"], r["detail"], r["message"])
            last = out[-1][1] if out else None
            # a run never joins a release and a variant (2.21–2.16+keras3.0 would mean nothing)
            same = (
                last
                and last["loader"] == r["loader"]
                and family(last["environment"]) == family(r["environment"])
                and pos.get(out[-1][0][-1]["environment"], -2) + 1 == pos.get(r["environment"])
            )
            if same and (last["status"], last["category"], last["detail"], last["message"]) == key:
                out[-1][0].append(r)
            else:
                out.append(([r], r))
    return out


def _span(values: list[str]) -> str:
    values = [v or "?" for v in values]
    return values[0] if values[0] == values[-1] else f"{values[0]}–{values[-1]}"


def _table(report: dict) -> str:
    from tabulate import tabulate

    rows = []
    for group, r in runs(report["results"], report["versions"]):
        rows.append(
            [
                _span([g["environment"] for g in group]),
                _span([g["tf"] for g in group]),
                r["loader"],
                VERDICT.get(r["status"], r["status"]),
                r["category"] or "",
                r["detail"] or "",
                r["message"],
            ]
        )
    return tabulate(
        rows,
        headers=["environments", "TF", "loader", "predicted", "category", "detail", "why"],
        tablefmt="simple",
        disable_numparse=True,
        maxcolwidths=[None] * 6 + [60],
    )


def render(report: dict) -> str:
    m = report["model"]
    head = (
        f"{m['path']}: {m['format']}, recorded TF {m['tensorflow_version'] or '?'}"
        f", Keras {m['keras_version'] or '?'}"
    )
    if m["format"] == model.SAVED_MODEL:
        g = m["graph_def"]
        head += (
            f", GraphDef producer {g['producer']}, {len(m['ops'])} ops, signatures: "
            f"{', '.join(s['name'] for s in m['signatures']) or 'none'}"
        )
    lines = [head, "", _table(report), ""]
    ok = sorted({r["environment"] for r in report["results"] if r["status"] == "PASS"})
    lines.append(
        f"predicted to load in {len(ok)} of "
        f"{len({r['environment'] for r in report['results']})} environments "
        "(static: from the evidence named per line; no TensorFlow was started)"
    )
    if report["lint"]:
        lines += ["", "lint:"]
        lines += [f"  {x['rule']}: {x['message']}. Fix: {x['fix']}" for x in report["lint"]]
    return "\n".join(lines)


def html(report: dict) -> str:
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(Path(__file__).parent / "templates"), autoescape=True
    )
    ok = {r["environment"] for r in report["results"] if r["status"] == "PASS"}
    envs = {r["environment"] for r in report["results"]}
    return env.get_template("check.html.j2").render(
        model=report["model"],
        results=report["results"],
        lint=report["lint"],
        ok=len(ok),
        envs=len(envs),
    )


def run(args: argparse.Namespace) -> int:
    data, results = published(args.data)
    required = [version(data, a) for a in args.require]  # an unknown one fails before any work
    report = check(args.path, data, results, args.tf)
    if args.html:
        try:
            args.html.write_text(html(report), encoding="utf-8")
        except OSError as exc:
            raise UsageError(f"cannot write {args.html}: {exc.strerror}") from None
    print(json.dumps(report, indent=1, ensure_ascii=False) if args.json else render(report))
    ok = {r["environment"] for r in report["results"] if r["status"] == "PASS"}
    missing = [v for v in required if v not in ok]
    if missing:
        print(f"required: {', '.join(missing)} not predicted to load it", file=sys.stderr)
        return 1
    return 0
