"""Answers from the published data, without installing anything or importing TensorFlow.

    python -m matrix query loads --saved-by 2.15 [--format saved_model] [--loader L] [--fixture F]
        which TensorFlow versions load what 2.15 saved (and with which loaders)?
    python -m matrix query producers --loaded-by 2.9 [--format F] [--loader L] [--fixture F]
        I must load in 2.9: which producers and formats work?
    python -m matrix query error "Op type not registered 'DisableCopyOnRead' ..."
        what does this message mean, and where does it occur?

Reads reports/compat.json (or --data), with the standard library only, so an answer takes
milliseconds; `error` quotes one real message from results.csv.gz beside it. Unknown versions,
formats, loaders or fixtures are one line and exit status 2.
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

from packaging.version import InvalidVersion, Version

from matrix import PROJECT_ROOT
from matrix.catalog.causes import cause_of
from matrix.catalog.names import ranges
from matrix.errors import UsageError
from matrix.guest.classify import classify_pasted, first_line
from matrix.guest.vocabulary import LOADED

DATA = PROJECT_ROOT / "reports" / "compat.json"


def load(path: Path) -> dict:
    try:
        return json.loads(path.read_text())
    except OSError:
        raise UsageError(f"no published data at {path} (run `nox -s matrix` first)") from None
    except ValueError as exc:
        raise UsageError(f"{path} is not a compatibility dataset ({exc})") from None


def outcomes(data: dict) -> Iterator[tuple[str, str, str, str, dict]]:
    """(fixture, format, loader, producer, outcome) for every outcome of the dataset."""
    for fixture, by_format in data["data"].items():
        for fmt, by_loader in by_format.items():
            for loader, by_producer in by_loader.items():
                for producer, entries in by_producer.items():
                    for entry in entries:
                        yield fixture, fmt, loader, producer, entry


def consumers(entry: dict, order: list[str]) -> list[str]:
    pos = {v: i for i, v in enumerate(order)}
    return [v for first, last in entry["consumers"] for v in order[pos[first] : pos[last] + 1]]


def _check(known: set[str], value: str | None, what: str, order: list[str] | None = None) -> None:
    if value is not None and value not in known:
        listed = [v for v in order if v in known] if order else sorted(known)
        raise UsageError(f"unknown {what} {value!r} (known: {', '.join(listed)})")


def _names(data: dict) -> dict[str, set[str]]:
    names: dict[str, set[str]] = {"fixture": set(), "format": set(), "loader": set()}
    for fixture, by_format in data["data"].items():
        names["fixture"].add(fixture)
        for fmt, by_loader in by_format.items():
            names["format"].add(fmt)
            names["loader"].update(by_loader)
    return names


def _check_names(data: dict, args) -> None:
    """The --format, --loader and --fixture asked for exist in the data (else one line)."""
    names = _names(data)
    for what in ("format", "loader", "fixture"):
        _check(names[what], getattr(args, what, None), what)


def _selected(data: dict, args) -> Iterator[tuple[str, str, str, str, dict]]:
    _check_names(data, args)
    for row in outcomes(data):
        fixture, fmt, loader = row[:3]
        if (args.fixture in (None, fixture) and args.format in (None, fmt)
                and args.loader in (None, loader) and row[4]["status"] in LOADED):  # fmt: skip
            yield row


def on_diagonal(data: dict, fixture: str, fmt: str, loader: str, version: str) -> bool:
    """Does `version` load what it saved itself (the baseline)? A failure elsewhere of a
    fixture that fails there too is not a break between versions: it is marked in the answer,
    never left out of the counts. (No result on the diagonal yet: True.)"""
    for entry in data["data"][fixture][fmt][loader].get(version, []):
        if entry["status"] in LOADED and version in consumers(entry, data["versions"]):
            return entry["status"] == "PASS"
    return True


def version(data: dict, asked: str) -> str:
    """The environment of the published data that `asked` names, as users write it: `2.9`,
    `2.9.3` (the patch tested), `2.9.1` (another patch of that minor: the minor's environment
    answers), `tf 2.9.1`, `tensorflow==2.9.1`, `2.16+keras3.0`. A name the catalog has but the
    published run does not (nightly) says so."""
    order = data["versions"]
    text = re.sub(r"^\s*(tf|tensorflow(-cpu)?)\s*(==|\s)\s*", "", asked.strip(), flags=re.I)
    text = text.removeprefix("tf-").strip()
    if text in order:
        return text
    base, plus, variant = text.partition("+")
    try:
        v = Version(base)
    except InvalidVersion:
        v = None
    if v is not None:
        minor = f"{v.major}.{v.minor}" + plus + variant
        if minor in order:
            return minor
    if text in ("nightly", "tf-nightly") or text in _catalog_names():
        raise UsageError(f"{asked!r} is not in the published data (it is run only when asked "
                         f"for: `nox -s matrix -- --tf {text}`; published: {order[0]} … "
                         f"{order[-1]})")  # fmt: skip
    raise UsageError(f"unknown version {asked!r} (known: {', '.join(order)})")


def _catalog_names() -> set[str]:
    from matrix.catalog import load_catalog

    return {r.minor for r in load_catalog().releases}


def loads(data: dict, args) -> list[str]:
    order = data["versions"]
    asked, p = args.saved_by, version(data, args.saved_by)
    args.saved_by = p
    title = (f"What TensorFlow {p} saved, loaded by each TensorFlow (per consumer: fixtures "
             "that pass of those loaded):")  # fmt: skip
    rows = ((fx, fmt, ld, c, e) for fx, fmt, ld, prod, e in _selected(data, args) if prod == p
            for c in consumers(e, order))  # fmt: skip
    own = _own(data, args, p)
    out = _by_format_and_loader(rows, order, title, own, f"{p} loads its own save")
    return out[:1] + _read_as(data, asked, p) + out[1:]


def _read_as(data: dict, asked: str, minor: str) -> list[str]:
    """A line saying which environment answers for the version asked, when it is not that."""
    tested = (data.get("environments", {}).get(minor) or {}).get("tensorflow")
    if asked.strip() == minor or (tested and asked.strip() == tested):
        return []
    return [f"  ({asked} read as {minor}" + (f": the published run tested {tested})" if tested
            else ")")]  # fmt: skip


def producers(data: dict, args) -> list[str]:
    order = data["versions"]
    asked, c = args.loaded_by, version(data, args.loaded_by)
    args.loaded_by = c
    title = (f"What TensorFlow {c} loads, by who saved it and how (per producer: fixtures that "
             "pass of those loaded):")  # fmt: skip
    rows = ((fx, fmt, ld, p, e) for fx, fmt, ld, p, e in _selected(data, args)
            if c in consumers(e, order))  # fmt: skip
    own = _own(data, args, c)
    out = _by_format_and_loader(rows, order, title, own, f"{c} loads its own save")
    return out[:1] + _read_as(data, asked, c) + out[1:]


def _own(data: dict, args, version: str) -> set[tuple[str, str, str]]:
    """(fixture, format, loader) that `version` does not load from its own save."""
    return {(fx, fmt, ld) for fx, fmt, ld, p, _ in _selected(data, args)
            if p == version and not on_diagonal(data, fx, fmt, ld, version)}  # fmt: skip


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" + ("" if n == 1 else "s")


def _by_format_and_loader(
    rows, order: list[str], title: str, own: set[tuple[str, str, str]], diagonal: str
) -> list[str]:
    """Per (format, loader): the versions on the other side grouped by how many fixtures
    pass of those loaded there, then every failure with its count and versions, then the
    fixtures that fail on the diagonal too (marked, still counted). Counts, not adjectives."""
    groups: dict[tuple[str, str], dict[str, list[tuple[str, dict]]]] = {}
    for fixture, fmt, loader, version, entry in rows:
        groups.setdefault((fmt, loader), {}).setdefault(version, []).append((fixture, entry))
    out = [title]
    for (fmt, loader), by_version in sorted(groups.items()):
        fixtures = {fx for cases in by_version.values() for fx, _ in cases}
        score: dict[tuple[int, int], set[str]] = {}
        why: dict[str, set[str]] = {}  # a failure's cause: the versions where it occurs
        cells: Counter = Counter()  # and its number of cells
        for version, cases in by_version.items():
            passed = sum(e["status"] == "PASS" for _, e in cases)
            score.setdefault((passed, len(cases)), set()).add(version)
            for _, e in cases:
                if e["status"] != "PASS":
                    why.setdefault(_cause(e), set()).add(version)
                    cells[_cause(e)] += 1
        head = f"  {fmt} via {loader} ({_plural(len(fixtures), 'fixture')})"
        if not any(passed for passed, _ in score):
            them = "any of them" if len(fixtures) > 1 else "it"
            head += f": no version loads {them} ({_plural(len(by_version), 'version')} tried)"
        out.append(head + ":")
        for (passed, tried), versions in sorted(score.items(), key=lambda kv: (
                -kv[0][0] / kv[0][1], -kv[0][1], _first(kv[1], order))):  # fmt: skip
            amount = ("passes" if tried == 1 and passed else "fails" if tried == 1
                      else f"all {tried} pass" if passed == tried
                      else f"none of {tried} pass" if not passed
                      else f"{passed} of {tried} pass")  # fmt: skip
            out.append(f"    {amount} in {ranges(versions, order)} "
                       f"({_plural(len(versions), 'version')})")  # fmt: skip
        failures = sum(e["status"] != "PASS" for cases in by_version.values() for _, e in cases)
        if failures:
            out.append(f"    {failures} failed loads:")
            for cause, versions in sorted(why.items(), key=lambda kv: (-cells[kv[0]], kv[0])):
                out.append(f"      {cells[cause]} {cause} in {ranges(versions, order)}")
        unread = sorted(fx for fx in fixtures if (fx, fmt, loader) in own)
        if unread:
            verb = "fails" if len(unread) == 1 else "fail"
            out.append(f"    {_plural(len(unread), 'fixture')} of these also {verb} when "
                       f"{diagonal} this way ({', '.join(unread)}): counted above, "
                       "marked here")  # fmt: skip
    if len(out) == 1:
        out.append("  nothing was loaded for that selection (no loader applies to it)")
    return out


def _cause(e: dict) -> str:
    """'ERROR missing_op DisableCopyOnRead'; crashes and timeouts named as such."""
    said = {"CRASH": " (the process died)", "TIMEOUT": " (no answer in time)"}
    what = "".join(f" {e[k]}" for k in ("category", "detail") if e.get(k))
    return e["status"] + what + said.get(e["status"], "")


def _first(versions: set[str], order: list[str]) -> int:
    return min(order.index(v) for v in versions)


def routes(data: dict, args) -> list[str]:
    """For what fails between two versions, the other formats and loaders of the same
    fixtures that pass between the same two versions: what to do instead, measured."""
    order = data["versions"]
    p, c = version(data, args.saved_by), version(data, args.loaded_by)
    _check_names(data, args)
    cell: dict[tuple[str, str, str], dict] = {}  # (fixture, format, loader) -> outcome
    for fx, fmt, ld, prod, e in outcomes(data):
        if prod == p and e["status"] in LOADED and c in consumers(e, order):
            if args.fixture in (None, fx):
                cell[fx, fmt, ld] = e
    out = [f"Saved by TensorFlow {p}, loaded by TensorFlow {c}"
           + "".join(f", {w} {getattr(args, w)}" for w in ("format", "loader", "fixture")
                     if getattr(args, w))
           + ":"]  # fmt: skip
    out += _read_as(data, args.saved_by, p) + _read_as(data, args.loaded_by, c)
    if not cell:
        return out + ["  nothing was loaded between these two versions (no block crosses them)"]
    asked = {k: e for k, e in cell.items()
             if args.format in (None, k[1]) and args.loader in (None, k[2])}  # fmt: skip
    failing = {k: e for k, e in asked.items() if e["status"] != "PASS"}
    by_way: dict[tuple[str, str], list[dict]] = {}
    for (_fx, fmt, ld), e in asked.items():
        by_way.setdefault((fmt, ld), []).append(e)
    for (fmt, ld), es in sorted(by_way.items()):
        passed = sum(e["status"] == "PASS" for e in es)
        why = Counter(_cause(e) for e in es if e["status"] != "PASS")
        line = f"  {fmt} via {ld}: {passed} of {_plural(len(es), 'fixture')} pass"
        if why:
            line += "; " + ", ".join(f"{n} {cause}" for cause, n in why.most_common(3))
        out.append(line)
    if not failing:
        return out + ["  every load asked about passes: no other route needed"]
    lost = sorted({k[0] for k in failing})
    verb = "fails" if len(lost) == 1 else "fail"
    out.append(f"Routes that work instead, for the {_plural(len(lost), 'fixture')} that {verb} "
               f"that way ({', '.join(lost)}):")  # fmt: skip
    instead: Counter = Counter()
    for fx in lost:
        ways = {(k[1], k[2]) for k, e in cell.items() if k[0] == fx and e["status"] == "PASS"}
        instead.update(ways)
    if not instead:
        out.append(f"  none: no format or loader of these fixtures loads in {c} what {p} saved")
    for (fmt, ld), n in sorted(instead.items(), key=lambda kv: (-kv[1], kv[0])):
        out.append(f"  {fmt} via {ld}: {n} of {len(lost)} pass")
    # a load that needs an add-on passes where the add-on is installed: say where
    addon = {k for k, e in failing.items() if e.get("category") == "addon_op_missing"}
    where = {v for fx, fmt, ld in addon for e in data["data"][fx][fmt][ld].get(p, [])
             if e["status"] == "PASS" for v in consumers(e, order)}  # fmt: skip
    if where:
        ops = sorted({failing[k].get("detail") or "?" for k in addon})
        out.append(f"With the add-on that defines {', '.join(ops)} imported before loading, "
                   f"the same loads pass in: {ranges(where, order)}")  # fmt: skip
    return out


def pasted(args) -> tuple[str, str]:
    """(exception type, text) of what the user gave: the argument, or with `-` (or nothing,
    when something is piped in) a whole traceback from standard input. The type is the one
    given, else the last `SomeError: …` line's."""
    text = args.message
    if text in (None, "-"):
        if text is None and sys.stdin.isatty():
            raise UsageError("paste the message in quotes, or pipe a traceback in with `-`")
        text = sys.stdin.read()
    if not text.strip():
        raise UsageError("no message given (the message, in quotes, or `-` for standard input)")
    kind = args.type
    if not kind:
        for line in reversed(text.strip().splitlines()):
            m = re.match(r"\s*(?:[\w.]+\.)?(\w+(?:Error|Exception|Exit))\b:?", line)
            if m:
                kind = m.group(1)
                break
    return kind or "", text


def error(data: dict, args) -> list[str]:
    kind, text = pasted(args)
    category, detail = classify_pasted(kind, text)
    order = data["versions"]
    # an op the consumer lacks reads the same whether a newer TF or an add-on defines it: what
    # the matrix recorded for cells of this op says which (TFText>… ops: addon_op_missing)
    wanted = {category, "addon_op_missing"} if category == "missing_op" else {category}
    found = [(fx, fmt, ld, p, e) for fx, fmt, ld, p, e in outcomes(data)
             if e.get("category") in wanted]  # fmt: skip
    same = [r for r in found if r[4].get("detail") == detail]
    found = same if detail and same else found
    recorded = Counter(r[4].get("category") for r in found
                       for _ in consumers(r[4], order))  # fmt: skip
    if recorded:
        category = min(recorded, key=lambda c: (-recorded[c], c))
        found = [r for r in found if r[4].get("category") == category]
    out = [f"category: {category}" + (f" ({detail})" if detail else "")]
    cause = cause_of(category)
    if cause:
        out += [f"  why: {cause.why}", f"  what to do: {cause.fix}"]
    if category == "other":
        return out + ["  not a known category: the matrix has not seen this message"]
    if not found:
        return out + ["  the published run has no cell with this error"]
    saved = {r[3] for r in found}
    loaded = {c for r in found for c in consumers(r[4], order)}
    cells = sum(len(consumers(r[4], order)) for r in found)
    out.append(
        f"  {cells} cells: saved by {ranges(saved, order)}, loaded by {ranges(loaded, order)}"
    )
    out.append(f"  loaders: {', '.join(sorted({r[2] for r in found}))}")
    out.append(f"  formats: {', '.join(sorted({r[1] for r in found}))}")
    where = {(p, c, fx, fmt, ld) for fx, fmt, ld, p, e in found for c in consumers(e, order)}
    example = _closest(args.data.with_name("results.csv.gz"), where, first_line(text))
    if example is None:
        fx, fmt, ld, p, e = min(found, key=lambda r: (order.index(r[3]), r[:3]))
        return out + [f"  e.g. {fx}/{fmt} saved by {p}, loaded by {consumers(e, order)[0]} "
                      f"with {ld}"]  # fmt: skip
    (p, c, fx, fmt, ld), message = example
    return out + [f"  e.g. {fx}/{fmt} saved by {p}, loaded by {c} with {ld}: {message[:200]}"]


def _closest(cells: Path, where: set[tuple[str, ...]], line: str):
    """((producer, consumer, fixture, format, loader), message) of the published cell among
    `where` whose message reads most like the pasted line (streamed, standard library)."""
    best, score = None, -1
    try:
        with gzip.open(cells, "rt", newline="") as f:
            for row in csv.DictReader(f):
                key = (row["producer"], row["consumer"], row["fixture"], row["format"],
                       row["loader"])  # fmt: skip
                if key in where:
                    shared = len(os.path.commonprefix([row["message"], line]))
                    if shared > score or (shared == score and key < best[0]):
                        best, score = (key, row["message"]), shared
    except (OSError, KeyError, EOFError, csv.Error):
        return None
    return best


def add_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("--data", type=Path, default=DATA,
                   help="a compat.json (default: reports/compat.json)")  # fmt: skip
    sub = p.add_subparsers(dest="question", required=True, metavar="QUESTION")
    a = sub.add_parser("loads", help="which versions load what one version saved",
                       description="Which TensorFlow versions load what one version saved, "
                       "per format and loader, in counts.")  # fmt: skip
    a.add_argument("--saved-by", required=True, metavar="VERSION",
                   help="the TensorFlow that saved the model, e.g. 2.15")  # fmt: skip
    b = sub.add_parser("producers", help="which producers and formats one version loads",
                       description="What one TensorFlow loads, by who saved it and how, "
                       "in counts.")  # fmt: skip
    b.add_argument("--loaded-by", required=True, metavar="VERSION",
                   help="the TensorFlow that must load the model, e.g. 2.9")  # fmt: skip
    for q in (a, b):
        q.add_argument("--format", help="only this format, e.g. saved_model, keras_h5")
        q.add_argument("--loader", help="only this loader, e.g. tf.saved_model.load")
        q.add_argument("--fixture", help="only this reference model, e.g. keras_sequential")
    r = sub.add_parser("routes", help="what works instead of a load that fails between two "
                       "versions", description="For the loads that fail between two versions, "
                       "the other formats and loaders of the same models that pass between "
                       "them, in counts.")  # fmt: skip
    r.add_argument("--saved-by", required=True, metavar="VERSION",
                   help="the TensorFlow that saved the model, e.g. 2.14")  # fmt: skip
    r.add_argument("--loaded-by", required=True, metavar="VERSION",
                   help="the TensorFlow that must load it, e.g. 2.12")  # fmt: skip
    r.add_argument("--format", help="the format that fails, e.g. keras_v3 (default: every one)")
    r.add_argument("--loader", help="the loader that fails, e.g. keras.load_model")
    r.add_argument("--fixture", help="only this reference model, e.g. keras_sequential")
    c = sub.add_parser("error", help="what an error message means and where it occurs",
                       description="Classify a pasted error message into the matrix's "
                       "categories and say where the published run met it.")  # fmt: skip
    c.add_argument("message", nargs="?", default=None,
                   help="the message, in quotes; `-` (or nothing, with a pipe) reads a whole "
                   "traceback from standard input")  # fmt: skip
    c.add_argument("--type", help="the exception type, e.g. NotFoundError")


def run(args: argparse.Namespace) -> None:
    data = load(args.data)
    questions = {"loads": loads, "producers": producers, "routes": routes, "error": error}
    answer = questions[args.question](data, args)
    print("\n".join(answer))
