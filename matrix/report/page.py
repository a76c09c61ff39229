"""`reports/index.html`: one self-contained page (no network, no CDN) from the results alone.

The cells travel inside the page as index-coded rows (every string once, in a table),
gzip-compressed and base64-encoded (`pack`; the browser's DecompressionStream reads them: 5.5 MB
of JSON are 0.2 MB so, and the page has room for many times today's cells). The findings are
rendered here from `matrix.report.findings`; the template (`templates/index.html.j2`, Jinja2)
holds the markup and the style, `templates/page.js` the script that draws the picker, the grids,
the drill-down and the small multiples.
"""

from __future__ import annotations

import base64
import gzip
import io
import json
from pathlib import Path
from typing import Any

import jinja2
import pandas as pd
from markdown_it import MarkdownIt

from matrix.catalog.names import family
from matrix.catalog.releases import KINDS
from matrix.guest.vocabulary import ATTEMPTED
from matrix.report import findings

TEMPLATES = Path(__file__).parent / "templates"
# the columns of one embedded case, in order (strings are indexes into `strings`); the
# failure's columns come last, so that a passing case's trailing zeros can be left off
CASE = ["producer", "consumer", "fixture", "format", "loader", "status", "returned",
        "max_abs_error", "error_category", "error_detail", "message", "computed_in"]  # fmt: skip

# the environments table, here and in compatibility.md
ENV_COLUMNS = ["tf", "release", "package", "python", "status", "tensorflow", "keras", "add-ons",
               "numpy", "pins", "blocks", "reason"]  # fmt: skip


def embedded(df: pd.DataFrame, order: list[str]) -> dict[str, Any]:
    """The attempted cells (NOT_APPLICABLE is left out: a case that does not exist has
    nothing to inspect), compactly: every string once in a table; the cases grouped by
    (producer, consumer), each pair once with its number of cases; each case the indexes of
    its other columns, without trailing zeros. `decode` gives the full rows back."""
    cells = findings.canonical(df[df["status"].isin(ATTEMPTED)].reindex(columns=CASE), order)
    strings: dict[str, int] = {"": 0}

    def code(value) -> int:
        text = "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value)
        return strings.setdefault(text, len(strings))

    pairs: list[list[int]] = []
    rows: list[list[int]] = []
    for (p, c), group in cells.groupby(["producer", "consumer"], sort=False):
        pairs.append([code(p), code(c), len(group)])
        for row in group[CASE[2:]].itertuples(index=False, name=None):
            ints = [code(v) for v in row]
            while ints and ints[-1] == 0:
                ints.pop()
            rows.append(ints)
    return {"columns": CASE, "strings": list(strings), "pairs": pairs, "rows": rows,
            "versions": order}  # fmt: skip


def pack(data: dict[str, Any]) -> str:
    """The page's data as the text of its script element: JSON, gzip (no timestamp: the same
    data gives the same bytes), base64 (which cannot contain `</script>`)."""
    raw = json.dumps(data, separators=(",", ":"), sort_keys=True).encode()
    # GzipFile, not gzip.compress: from Python 3.11 on, gzip.compress lets zlib write the
    # header (OS byte 3), older ones write it themselves (255); GzipFile writes 255 on all
    out = io.BytesIO()
    with gzip.GzipFile(fileobj=out, mode="wb", compresslevel=9, mtime=0) as f:
        f.write(raw)
    return base64.b64encode(out.getvalue()).decode("ascii")


def unpack(text: str) -> dict[str, Any]:
    """`pack` undone (what the page's script does with DecompressionStream)."""
    return json.loads(gzip.decompress(base64.b64decode(text)))


def decode(data: dict[str, Any]) -> list[dict[str, str]]:
    """The embedded cases as full rows (what the page's script does, for tests)."""
    strings, rows, out = data["strings"], iter(data["rows"]), []
    width = len(data["columns"]) - 2
    for p, c, n in data["pairs"]:
        for _ in range(n):
            ints = next(rows)
            values = [p, c, *ints, *[0] * (width - len(ints))]
            out.append(dict(zip(data["columns"], (strings[i] for i in values), strict=True)))
    return out


# the findings' Markdown as HTML; raw HTML in it stays text (messages quote `<locals>`, …)
_MARKDOWN = MarkdownIt("commonmark", {"html": False})


def _markdown_inline(text: str) -> str:
    return _MARKDOWN.renderInline(text)


def trend_points(runs: list[dict]) -> list[dict]:
    """Per run: its date, pass share of the attempted loads, and counts, for the trend."""
    points = []
    for run in runs:
        tried = sum(int(run.get(s, 0)) for s in ("PASS", "MISMATCH", "ERROR", "CRASH", "TIMEOUT"))
        share = int(run.get("PASS", 0)) / tried if tried else 0.0
        points.append(dict(run, share=round(share, 4)))
    return points


def render(
    df: pd.DataFrame,
    order: list[str],
    envs: list[dict],
    meta: dict,
    catalog: dict,
    files: list[tuple[str, str]],
    trend: list[dict] | None = None,
) -> str:
    found = findings.compute(df, order)
    claim_of = {k: v["claim"] for k, v in catalog["fixtures"].items()}
    env_rows = [{k: e.get(k) for k in ENV_COLUMNS} for e in envs]
    data = {
        "cells": embedded(df, order),
        "envs": {
            e["tf"]: {
                "kind": family(e["tf"]),
                "python": e.get("python"),
                "tensorflow": e.get("tensorflow"),
                "keras": e.get("keras"),
                "status": e.get("status"),
                "reason": e.get("reason") or "",
                "packages": e.get("packages") or {},
            }
            for e in envs
        },
        "catalog": catalog,
        "kinds": list(KINDS),
    }
    template = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True, keep_trailing_newline=True
    ).get_template("index.html.j2")
    return template.render(
        meta=meta,
        counts=df["status"].value_counts().to_dict(),
        total=len(df),
        versions=order,
        findings={k: [_markdown_inline(f.sentence) for f in v] for k, v in found.items()},
        routes=[_markdown_inline(line[2:]) for line in findings.routes(df)],
        claims=[
            {
                "fixture": name,
                "claim": claim,
                "measured": [
                    _markdown_inline(ln.strip()[2:]) for ln in findings.claim_lines(df, name, order)
                ],
            }
            for name, claim in claim_of.items()
            if claim and name in set(df["fixture"])
        ],
        envs=env_rows,
        catalog=catalog,
        files=files,
        trend=trend_points(trend or []),
        data=pack(data),
        script=(TEMPLATES / "page.js").read_text(encoding="utf-8"),
    )
