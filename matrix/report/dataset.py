"""The compatibility dataset (`reports/compat.json`): what others build on.

In the spirit of MDN's browser-compat-data: compact, versioned, documented in
`reports/SCHEMA.md`, checked by `reports/compat.schema.json`. Per fixture, format, loader and
producer: every consumer, in ranges grouped by outcome (what was loaded and how it went, or
why nothing was: not applicable, not crossed, environment failed), failures with their
category and detail; per category its cause and fix; per environment its packages and their
release days. The full rows (messages, errors, returned types) stay in `results.csv.gz`.
"""

from __future__ import annotations

import json
from typing import Any

import pandas as pd

from matrix.catalog import released
from matrix.catalog.causes import causes
from matrix.catalog.names import apart, family
from matrix.guest.vocabulary import ATTEMPTED, UNUSABLE

SCHEMA_VERSION = 2
# what a consumer's entry says when nothing was loaded, apart from one another (as MDN keeps
# "unknown" apart from "unsupported"): the case does not exist there (the loader or format is
# not in that version, the fixture cannot be built), the catalog does not cross these two
# environments (its blocks), or the consumer's environment could not be set up
NOT_APPLICABLE, NOT_CROSSED, ENV_FAILED = "NOT_APPLICABLE", "NOT_CROSSED", "ENV_FAILED"


def spans(found: set[str], order: list[str]) -> list[list[str]]:
    """[[first, last], …]: runs of neighbouring versions of `order` that are in `found`."""
    out: list[list[str]] = []
    last = -2
    for i, v in enumerate(order):
        if v in found:
            if i == last + 1:
                out[-1][1] = v
            else:
                out.append([v, v])
            last = i
    return out


def ranged(order: list[str], down: set[str]) -> list[str]:
    """The dataset's order: releases, then Keras variants, then add-on variants (each in
    version order), environments that could not be set up last, so that a range of one kind is
    not cut at every environment of another kind (interleaved, the file was twice as big)."""
    return sorted(apart(order), key=lambda v: v in down)


def _text(value) -> str | None:
    return None if value is None or pd.isna(value) or value == "" else str(value)


def dataset(
    df: pd.DataFrame, order: list[str], stamp: dict[str, Any], envs: list[dict]
) -> dict[str, Any]:
    """The whole file as a dict (`dumps` gives its stable text). Every (fixture, format, loader)
    with an attempted case has, for each producer with a case of it, outcomes that name every
    consumer of `order` exactly once."""
    df = df.assign(**{c: df.get(c) for c in ("error_category", "error_detail")})
    down = {e["tf"] for e in envs if e.get("status") in UNUSABLE}
    order = ranged(order, down)
    wanted = df.groupby(["fixture", "format", "loader"])["status"].transform(
        lambda s: s.isin(ATTEMPTED).any()
    )
    cells = df[wanted.astype(bool)]
    tree: dict[str, Any] = {}
    groups = cells.groupby(["fixture", "format", "loader", "producer"], sort=True)
    for (fixture, fmt, loader, producer), g in groups:
        outcomes = []
        keyed = g.assign(
            category=g["error_category"].map(_text), detail=g["error_detail"].map(_text)
        ).groupby(["status", "category", "detail"], dropna=False, sort=True)
        for (status, category, detail), h in keyed:
            entry: dict[str, Any] = {
                "status": status,
                "consumers": spans(set(h["consumer"]), order),
            }
            if _text(category):
                entry["category"] = category
            if _text(detail):
                entry["detail"] = detail
            outcomes.append(entry)
        absent = set(order) - set(g["consumer"])
        for status, found in ((ENV_FAILED, absent & down), (NOT_CROSSED, absent - down)):
            if found:
                outcomes.append({"status": status, "consumers": spans(found, order)})
        outcomes.sort(key=lambda e: (e["status"] != "PASS", order.index(e["consumers"][0][0])))
        where = tree.setdefault(fixture, {}).setdefault(fmt, {}).setdefault(loader, {})
        where[producer] = outcomes
    known = released.load()
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": stamp.get("generated_at"),
        "tool_commit": stamp.get("commit"),
        "versions": order,
        "environments": {e["tf"]: _environment(e, known) for e in envs},
        "categories": {
            name: {"why": c.why, "fix": c.fix}
            for name, c in sorted(causes().items())
            if name in set(df["error_category"].dropna())
        },
        "data": tree,
    }


def dumps(data: dict[str, Any]) -> str:
    """The dataset's text, shaped for diffs: one line per key down to a producer, whose
    outcomes stay on one line (a changed cell changes the line of its producer, and only it);
    keys sorted. Every line is valid JSON text inside the whole."""
    top = {k: v for k, v in data.items() if k != "data"}
    head = json.dumps(top, indent=1, sort_keys=True, ensure_ascii=False)
    lines = [head[: head.rindex("}")].rstrip() + ',\n "data": {']
    fixtures = sorted(data["data"])
    for i, fixture in enumerate(fixtures):
        lines.append(f"  {json.dumps(fixture)}: {{")
        formats = data["data"][fixture]
        for j, fmt in enumerate(sorted(formats)):
            lines.append(f"   {json.dumps(fmt)}: {{")
            loaders = formats[fmt]
            for k, loader in enumerate(sorted(loaders)):
                lines.append(f"    {json.dumps(loader)}: {{")
                producers = loaders[loader]
                ordered = sorted(producers, key=lambda p: data["versions"].index(p)
                                 if p in data["versions"] else len(data["versions"]))  # fmt: skip
                for m, producer in enumerate(ordered):
                    body = json.dumps(producers[producer], sort_keys=True, ensure_ascii=False,
                                      separators=(",", ":"))  # fmt: skip
                    comma = "," if m < len(ordered) - 1 else ""
                    lines.append(f"     {json.dumps(producer)}: {body}{comma}")
                lines.append("    }" + ("," if k < len(loaders) - 1 else ""))
            lines.append("   }" + ("," if j < len(formats) - 1 else ""))
        lines.append("  }" + ("," if i < len(fixtures) - 1 else ""))
    lines.append(" }\n}\n")
    return "\n".join(lines)


def _environment(e: dict, known: dict[str, dict[str, str]]) -> dict[str, Any]:
    """An environment as explicit fields, so that a range survives a new variant: its kind,
    the TensorFlow minor it varies (`base`), exact versions, its add-ons with theirs, the day
    each of those came out (`released`, from matrix/catalog/released.toml), and why it could
    not be set up if it could not."""
    addons = {}
    for part in (e.get("add-ons") or "").split(", "):
        name, _, installed = part.strip().partition(" ")
        if name:
            addons[name] = installed or None
    return {
        "kind": family(e["tf"]),
        "base": e["tf"].partition("+")[0],
        "tensorflow": e.get("tensorflow"),
        "keras": e.get("keras"),
        "python": e.get("python"),
        "addons": addons,
        "status": e.get("status"),
        "reason": e.get("reason") or None,
        "released": released.dates_of(e.get("packages") or {}, known),
    }


def consumers_of(
    data: dict[str, Any], fixture: str, fmt: str, loader: str, producer: str, status: str = "PASS"
) -> list[str]:
    """The consumers with `status` for one artifact and loader: how a reader expands ranges."""
    order = data["versions"]
    found: list[str] = []
    for entry in data["data"].get(fixture, {}).get(fmt, {}).get(loader, {}).get(producer, []):
        if entry["status"] == status:
            for first, last in entry["consumers"]:
                found += order[order.index(first) : order.index(last) + 1]
    return found
