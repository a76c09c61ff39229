"""The report's tables: environments, producer x consumer cell texts, pass rates, and the
error categories with their version ranges."""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

from matrix.catalog import load_catalog
from matrix.catalog.names import family
from matrix.catalog.names import ranges as _ranges
from matrix.guest.vocabulary import ATTEMPTED, EnvStatus
from matrix.report import findings
from matrix.store.environments import read_env_record
from matrix.store.layout import Home
from matrix.store.merge import missing_consumers


def addons(imports: Iterable[str], packages: dict[str, str]) -> str:
    """'tensorflow-text 2.12.1': the installed distribution of each add-on module an environment
    imports (a module's distribution is its name with dashes, as for every add-on so far)."""
    dists = [m.replace("_", "-") for m in imports]
    return ", ".join(f"{d} {packages[d]}" if d in packages else d for d in dists)


def environments(home: Home, versions: list[str]) -> list[dict]:
    catalog = load_catalog().by_minor()
    missing = set(missing_consumers(home))
    rows = []
    for minor in versions:
        release = catalog[minor]
        never = {"status": EnvStatus.NOT_RUN.value, "reason": "no run has checked this environment"}
        record = read_env_record(home, release.name) or never
        if minor in missing:  # a CI shard that sent nothing: its column is missing, not passing
            record = dict(record, status=EnvStatus.MISSING_SHARD.value,
                          reason="the consumer job of this version sent no results")  # fmt: skip
        info = record.get("info", {})
        rows.append({
            "tf": minor, "release": release.version,
            "package": ", ".join(p.rpartition("@")[0] for p in release.npm) or release.package,
            "python": info.get("python", release.python), "status": record.get("status"),
            "tensorflow": info.get("tensorflow"), "keras": info.get("keras"),
            "add-ons": addons(release.imports, info.get("packages", {})),
            "numpy": info.get("numpy"), "import_seconds": info.get("import_seconds"),
            "reason": record.get("reason", ""), "pins": ", ".join(release.pins + release.no_deps),
            "blocks": ", ".join(release.blocks), "evidence": release.evidence,
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
    table = table.reindex(index=producers_of(shown), columns=shown).astype(object).fillna("")
    for v, why in unavailable.items():
        if v in table.index:
            table.loc[v, :] = why
            table.loc[:, v] = why
    return table


def unavailable_envs(envs: list[dict]) -> dict[str, str]:
    usable = (EnvStatus.OK, EnvStatus.NOT_RUN)
    return {e["tf"]: e["status"] for e in envs if e["status"] not in usable}


def pass_rate(df: pd.DataFrame, versions: list[str]) -> pd.DataFrame:
    tried = df[df["status"].isin(ATTEMPTED)]
    rate = (
        tried.assign(ok=tried["status"] == "PASS")
        .groupby(["producer", "consumer"])["ok"]
        .mean()
        .unstack("consumer")
    )
    present = _shown(df, versions)
    return rate.reindex(index=producers_of(present), columns=present)


def producers_of(versions: list[str]) -> list[str]:
    """The rows of a grid: every environment but the runtimes, which only load (columns)."""
    return [v for v in versions if family(v) != "runtime"]


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
            "message": findings.one_line(ex.message),
        })  # fmt: skip
    return pd.DataFrame(rows).sort_values("cells", ascending=False) if rows else pd.DataFrame()
