"""The compatibility dataset (`reports/compat.json`): what others build on.

In the spirit of MDN's browser-compat-data: compact, versioned, documented in
`reports/SCHEMA.md`. Per fixture, format, loader and producer: the consumer version ranges
grouped by outcome, and for failures the category and its detail. The full rows (messages,
errors, returned types) stay in `results.csv.gz`.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from matrix.catalog.names import family
from matrix.guest.vocabulary import ATTEMPTED

SCHEMA_VERSION = 1


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


def _text(value) -> str | None:
    return None if value is None or pd.isna(value) or value == "" else str(value)


def dataset(
    df: pd.DataFrame, order: list[str], stamp: dict[str, Any], envs: list[dict]
) -> dict[str, Any]:
    """The whole file as a dict (json.dumps with sort_keys gives stable bytes)."""
    cells = df[df["status"].isin(ATTEMPTED)]
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
        outcomes.sort(key=lambda e: (e["status"] != "PASS", order.index(e["consumers"][0][0])))
        where = tree.setdefault(fixture, {}).setdefault(fmt, {}).setdefault(loader, {})
        where[producer] = outcomes
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": stamp.get("generated_at"),
        "tool_commit": stamp.get("commit"),
        "versions": order,
        "environments": {e["tf"]: _environment(e) for e in envs},
        "data": tree,
    }


def _environment(e: dict) -> dict[str, Any]:
    """An environment as explicit fields, so that a range survives a new variant: its kind,
    the TensorFlow minor it varies (`base`), exact versions, and its add-ons with theirs."""
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
