"""The compatibility report: Markdown, HTML, CSV/JSON data and a heat map, from stored results.

`python -m matrix.report [--versions 2.12 2.21] [--out reports]`. Host side: pandas
aggregates, tabulate renders the Markdown tables, matplotlib draws the picture.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import gzip
import json
import os
import platform
from pathlib import Path

import pandas as pd
from tabulate import tabulate

from matrix import freshness, registry
from matrix.catalog import load_catalog
from matrix.engine import env_record_path, read_results
from matrix.fixtures import load_fixtures
from matrix.guest.protocol import ATTEMPTED, LOADED
from matrix.home import PROJECT_ROOT, Home, default_home
from matrix.merge import missing_consumers
from matrix.spans import minor_key as _version_key
from matrix.spans import ranges as _ranges

CELL_KEYS = ["producer", "consumer", "fixture", "format", "loader"]
COLUMNS = [
    "producer", "producer_tf", "producer_keras", "consumer", "consumer_tf", "consumer_keras",
    "consumer_python", "fixture", "format", "loader", "status", "error_category",
    "error_detail", "exception_type", "message", "returned", "max_abs_error", "load_seconds",
    "wall_seconds", "finished_at", "artifact_status", "artifact_sha256", "consumer_env_id", "key",
]  # fmt: skip


# the committed dataset: what a cell says, without timings and machine-specific keys (those
# stay in the store, .matrix/results), so a rerun with the same outcomes rewrites nothing
PUBLISHED = [
    "producer", "producer_tf", "producer_keras", "consumer", "consumer_tf", "consumer_keras",
    "fixture", "format", "loader", "artifact_status", "status", "error_category",
    "error_detail", "exception_type", "message", "returned", "max_abs_error",
]  # fmt: skip


def catalog_data() -> dict:
    """Fixtures, formats and loaders with what they declare: the legend of the dataset."""
    return {
        "fixtures": {f.name: {"kind": f.kind, "formats": list(f.formats), "doc": f.doc,
                              "requires": list(f.requires), "claim": f.claim}
                     for f in load_fixtures()},
        "formats": {k: {"doc": v.doc, "container": v.container, "requires": list(v.requires)}
                    for k, v in registry.formats().items()},
        "loaders": {k: {"doc": v.doc, "reads": list(v.containers), "requires": list(v.requires)}
                    for k, v in registry.loaders().items()},
    }  # fmt: skip


def load_frame(home: Home, versions: list[str]) -> pd.DataFrame:
    """One row per cell (latest result), restricted to the selected versions."""
    df = pd.DataFrame(read_results(home))
    if df.empty:
        return pd.DataFrame(columns=COLUMNS)
    for col in COLUMNS:
        if col not in df:
            df[col] = None
    df = df[df["producer"].isin(versions) & df["consumer"].isin(versions)]
    df = df.sort_values("finished_at").drop_duplicates(CELL_KEYS, keep="last")
    return df.sort_values(
        CELL_KEYS, key=lambda s: s.map(_version_key) if s.name in ("producer", "consumer") else s
    ).reset_index(drop=True)


def environments(home: Home, versions: list[str]) -> list[dict]:
    catalog = load_catalog().by_minor()
    missing = set(missing_consumers(home))
    rows = []
    for minor in versions:
        release = catalog[minor]
        try:
            record = json.loads(env_record_path(home, release).read_text())
        except (OSError, ValueError):
            record = {"status": "NOT_RUN", "reason": "no run has checked this environment"}
        if minor in missing:  # a CI shard that sent nothing: its column is missing, not passing
            record = dict(record, status="MISSING_SHARD",
                          reason="the consumer job of this version sent no results")  # fmt: skip
        info = record.get("info", {})
        rows.append({
            "tf": minor, "release": release.version, "package": release.package,
            "python": info.get("python", release.python), "status": record.get("status"),
            "tensorflow": info.get("tensorflow"), "keras": info.get("keras"),
            "numpy": info.get("numpy"), "import_seconds": info.get("import_seconds"),
            "reason": record.get("reason", ""), "pins": ", ".join(release.pins + release.no_deps),
            "env_id": record.get("env_id"), "packages": info.get("packages", {}),
        })  # fmt: skip
    return rows


def cell_texts(df: pd.DataFrame) -> pd.Series:
    """Per (producer, consumer): '7/9 missing_op' = passes / attempted and the most common
    failure category; 'n/a' where no loader applies. Vectorised: the full matrix has ~10k rows."""
    pair = ["producer", "consumer"]
    tried = df[df["status"].isin(ATTEMPTED)].assign(ok=lambda d: d["status"] == "PASS")
    counts = tried.groupby(pair)["ok"].agg(["sum", "size"])
    text = counts["sum"].astype(int).astype(str) + "/" + counts["size"].astype(str)
    failed = tried[~tried["ok"]]
    category = failed["error_category"].fillna(failed["status"].str.lower())
    dominant = (
        failed.assign(category=category)
        .groupby([*pair, "category"])
        .size()
        .reset_index(name="n")
        .sort_values(["n", "category"], ascending=[False, True])
        .drop_duplicates(pair)
        .set_index(pair)["category"]
    )
    text = text.add(" " + dominant, fill_value="").str.strip()
    every_pair = df.groupby(pair).size().index
    return text.reindex(every_pair).fillna("n/a")


def pivot(
    df: pd.DataFrame, versions: list[str], unavailable: dict[str, str] | None = None
) -> pd.DataFrame:
    """Producer x consumer cell texts. A version whose environment could not be made shows
    why (e.g. INSTALL_FAILED) across its row and column instead of vanishing."""
    unavailable = unavailable or {}
    table = cell_texts(df).unstack("consumer") if len(df) else pd.DataFrame()
    shown = _shown(df, versions, unavailable)
    table = table.reindex(index=shown, columns=shown).astype(object).fillna("")
    for v, status in unavailable.items():
        if v in table.index:
            table.loc[v, :] = status
            table.loc[:, v] = status
    return table


def unavailable_envs(envs: list[dict]) -> dict[str, str]:
    return {e["tf"]: e["status"] for e in envs if e["status"] not in ("OK", "NOT_RUN")}


def pass_rate(df: pd.DataFrame, versions: list[str]) -> pd.DataFrame:
    tried = df[df["status"].isin(ATTEMPTED)]
    rate = (
        tried.assign(ok=tried["status"] == "PASS")
        .groupby(["producer", "consumer"])["ok"]
        .mean()
        .unstack("consumer")
    )
    present = _shown(df, versions)
    return rate.reindex(index=present, columns=present)


def _shown(df: pd.DataFrame, versions: list[str], also=()) -> list[str]:
    """The selected versions that have results (or are in `also`), in catalog order."""
    seen = set(df["producer"]) | set(df["consumer"])
    return [v for v in versions if v in seen or v in also]


def boundaries(df: pd.DataFrame, versions: list[str]) -> pd.DataFrame:
    """Per error category: how many cells, which producers and consumers, one real message."""
    failed = df[df["status"].isin(("MISMATCH", "ERROR", "CRASH", "TIMEOUT", "SAVE_FAILED"))]
    rows = []
    for category, group in failed.groupby(failed["error_category"].fillna("unclassified")):
        ex = group.iloc[0]
        rows.append({
            "category": category,
            "cells": len(group),
            "saved by": _ranges(set(group["producer"]), versions),
            "loaded by": _ranges(set(group["consumer"]), versions),
            "loaders": ", ".join(sorted(set(group["loader"]))),
            "example": f"{ex.producer} → {ex.consumer}, {ex.fixture}/{ex.format}, {ex.loader}",
            "message": _one_line(ex.message),
        })  # fmt: skip
    return pd.DataFrame(rows).sort_values("cells", ascending=False) if rows else pd.DataFrame()


def stamp(df: pd.DataFrame) -> dict:
    """Date of the newest result (not of rendering: a no-change rerun rewrites nothing),
    the machine, and the tool's commit."""

    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) // (1024 * 1024)
    except (OSError, ValueError, IndexError):
        mem = None
    return {
        "generated_at": str(df["finished_at"].max())
        if len(df)
        else _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"{mem} GiB RAM, {platform.platform()}",
        "commit": freshness.tool_commit(),
    }


def render_markdown(df, envs, versions, meta) -> str:
    out = ["# TensorFlow SavedModel / Keras compatibility matrix", ""]
    out.append(
        f"Results of {meta['generated_at']} on {meta['machine']}, tool commit `{meta['commit']}`. "
        f"{len(df)} cells: " + ", ".join(f"{k} {v}" for k, v in df["status"].value_counts().items())
    )
    out += [
        "",
        "Rows: the TensorFlow that **saved** the model (producer). Columns: the TensorFlow "
        "that **loaded** it (consumer). A cell reads `passed/attempted` and the most common "
        "failure category; `n/a` = no loader applies. PASS means the model loaded and its "
        "outputs matched the producer's reference outputs (rtol 1e-4, atol 1e-5).",
        "",
    ]

    def table(data, headers="keys", **kw) -> str:
        # versions stay strings: without disable_numparse, 2.10 would print as 2.1
        return tabulate(data, headers, tablefmt="github", disable_numparse=True, **kw)

    out += ["## Environments", ""]
    env_cols = ["tf", "release", "package", "python", "status", "tensorflow", "keras", "numpy",
                "pins", "reason"]  # fmt: skip
    out.append(table([[e[c] for c in env_cols] for e in envs], env_cols))
    unavailable = unavailable_envs(envs)
    out += ["", "## All loaders", "", table(pivot(df, versions, unavailable))]
    for loader, spec in registry.loaders().items():
        sub = df[df["loader"] == loader]
        if not sub.empty:
            out += ["", f"## Loader `{loader}`", "", spec.doc, ""]
            out.append(table(pivot(sub, versions, unavailable)))
    out += ["", "## Error categories, with a real message each", ""]
    b = boundaries(df, versions)
    out.append(table(b, showindex=False) if len(b) else "none")
    out += ["", "## Claims, and what was measured", ""]
    out += render_claims(df, versions) or ["no fixture states a claim"]
    out += ["", "## Fixtures", ""]
    fixture_rows = [[f"`{f.name}`", f.kind, ", ".join(f.formats), ", ".join(f.requires),
                     f.doc] for f in load_fixtures()]  # fmt: skip
    out.append(table(fixture_rows, ["fixture", "kind", "formats", "requires", "what it is"]))
    out += ["", "## Formats and loaders", ""]
    out += [f"- format `{k}`: {v.doc}" + (f" (needs {', '.join(v.requires)})" if v.requires
            else "") for k, v in registry.formats().items()]  # fmt: skip
    out += [f"- loader `{k}`: {v.doc}" + (f" (needs {', '.join(v.requires)})" if v.requires
            else "") for k, v in registry.loaders().items()]  # fmt: skip
    out += [
        "",
        "Raw data: `results.csv.gz` (one row per cell), `results.json` (environments "
        "with their full package lists, the fixtures, formats and loaders, and this stamp).",
        "",
    ]
    return "\n".join(out)


def claim_findings(df: pd.DataFrame, fixture: str, versions: list[str]) -> list[str]:
    """What the run measured for one fixture, as Markdown bullet lines: how saving went per
    format, and per loader how many loads passed and why the others failed."""
    sub = df[df["fixture"] == fixture]
    lines = []
    saves = sub.drop_duplicates(["producer", "format"])
    for fmt, group in saves.groupby("format", sort=False):
        exists = group[group["artifact_status"] != "NOT_APPLICABLE"]
        if exists.empty:
            continue
        failed = exists[exists["artifact_status"] == "SAVE_FAILED"]
        line = (
            f"saving as `{fmt}`: succeeded in {len(exists) - len(failed)} of {len(exists)} versions"
        )
        if len(failed):
            ex = failed.iloc[0]
            line += (f"; failed in {_ranges(set(failed['producer']), versions)} "
                     f"(`{ex.error_category}`: {_quote(ex.message)})")  # fmt: skip
        lines.append(line)
    tried = sub[sub["status"].isin(LOADED)]
    for loader, group in tried.groupby("loader", sort=False):
        ok = int((group["status"] == "PASS").sum())
        line = f"loading with `{loader}`: {ok} of {len(group)} loads passed"
        fails = group[group["status"] != "PASS"]
        if len(fails):
            cat = fails["error_category"].fillna(fails["status"].str.lower())
            top = cat.value_counts().index[0]
            ex = fails[cat == top].iloc[0]
            line += (f"; most failures `{top}` ({(cat == top).sum()}), e.g. saved by "
                     f"{ex.producer} loaded by {ex.consumer}: {_quote(ex.message)}")  # fmt: skip
        lines.append(line)
    return [f"  - {ln}" for ln in lines]


def _one_line(message, limit: int = 160) -> str:
    """A message as a Markdown table or list can hold it."""
    return str(message or "")[:limit].replace("|", "\\|").replace("\n", " ")


def _quote(message) -> str:
    return f"“{_one_line(message)}”"


def render_claims(df: pd.DataFrame, versions: list[str]) -> list[str]:
    out = []
    for fx in load_fixtures():
        if fx.claim and fx.name in set(df["fixture"]):
            out += [f"- **`{fx.name}`**: claim: *{fx.claim}*. Measured:"]
            out += claim_findings(df, fx.name, versions)
    return out


def render_html(df, envs, versions, meta) -> str:
    rate = pass_rate(df, versions)
    summary = pivot(df, versions, unavailable_envs(envs))

    def color(v):
        if pd.isna(v):
            return "background:#eee"
        return f"background:hsl({int(120 * v)},70%,80%)"

    styled = summary.style.apply(
        lambda col: [color(rate.loc[i, col.name]) if i in rate.index and col.name in rate.columns
                     else "" for i in col.index])  # fmt: skip
    env_table = pd.DataFrame(envs).drop(columns=["packages"]).to_html(index=False)
    fails = boundaries(df, versions)
    return f"""<!doctype html><html><head><meta charset="utf-8">
<title>TensorFlow compatibility matrix</title>
<style>body{{font-family:sans-serif;margin:2em}} table{{border-collapse:collapse;font-size:12px}}
td,th{{border:1px solid #ccc;padding:2px 4px}}</style></head><body>
<h1>TensorFlow compatibility matrix</h1>
<p>Results of {meta["generated_at"]} on {meta["machine"]},
tool commit <code>{meta["commit"]}</code>. Rows save, columns load;
cells are passed/attempted and the dominant failure category.</p>
<h2>All loaders</h2>{styled.to_html()}
<h2>Error categories</h2>{fails.to_html(index=False) if len(fails) else "none"}
<h2>Environments</h2>{env_table}
</body></html>"""


def render_png(df, versions, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rate = pass_rate(df, versions)
    fig, ax = plt.subplots(figsize=(1 + 0.45 * len(rate.columns), 1 + 0.4 * len(rate.index)))
    im = ax.imshow(rate.to_numpy(dtype=float), cmap="RdYlGn", vmin=0, vmax=1)
    ax.set_xticks(range(len(rate.columns)), rate.columns, rotation=90)
    ax.set_yticks(range(len(rate.index)), rate.index)
    ax.set_xlabel("loaded by TensorFlow")
    ax.set_ylabel("saved by TensorFlow")
    ax.set_title("share of attempted loads that pass")
    fig.colorbar(im, ax=ax, fraction=0.04)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def write_report(home: Home, versions: list[str], out_dir: Path, force: bool = False) -> dict:
    """Render every output, unless nothing it depends on changed since the last time."""
    out_dir.mkdir(parents=True, exist_ok=True)
    versions = sorted(versions, key=_version_key)
    if not force and freshness.is_fresh(home, versions, out_dir):
        return {"cells": None, "out": str(out_dir), "up_to_date": True}
    df = load_frame(home, versions)
    envs = environments(home, versions)
    meta = stamp(df)
    published = df[PUBLISHED].sort_values(CELL_KEYS[2:] + CELL_KEYS[:2], kind="stable")
    # gzip with no timestamp in its header: the same cells give the same bytes
    with gzip.GzipFile(out_dir / "results.csv.gz", "wb", mtime=0) as f:
        f.write(published.to_csv(index=False).encode())
    (out_dir / "results.csv").unlink(missing_ok=True)  # the old, uncompressed form
    data = {
        "stamp": meta, "versions": versions, "environments": envs, "catalog": catalog_data(),
        "cells": "results.csv.gz", "cell_columns": PUBLISHED,
    }  # fmt: skip
    (out_dir / "results.json").write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")
    (out_dir / "compatibility.md").write_text(render_markdown(df, envs, versions, meta))
    if not df.empty:
        (out_dir / "compatibility.html").write_text(render_html(df, envs, versions, meta))
        render_png(df, versions, out_dir / "compatibility.png")
    freshness.mark_fresh(home, versions, out_dir)
    return {"cells": len(df), "out": str(out_dir)}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--versions", nargs="*", help="TF minors (default: catalog defaults)")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "reports")
    parser.add_argument("--force", action="store_true", help="render even if up to date")
    args = parser.parse_args(argv)
    versions = [r.minor for r in load_catalog().select(args.versions)]
    print(write_report(default_home(), versions, args.out, force=args.force))


if __name__ == "__main__":
    main()
