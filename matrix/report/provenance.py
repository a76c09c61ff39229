"""Where the cells come from: the stamp (date of the newest result, machine, tool commit) and
how complete the run is."""

from __future__ import annotations

import datetime as _dt
import os
import platform
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from matrix.catalog.names import family
from matrix.catalog.names import minor_key as _version_key
from matrix.report import freshness


def stamp(df: pd.DataFrame) -> dict:
    """Date of the newest result (not of rendering: a no-change rerun rewrites nothing),
    the machine, and the tool's commit."""

    try:
        mem = int(Path("/proc/meminfo").read_text().split()[1]) // (1024 * 1024)
    except (OSError, ValueError, IndexError):
        mem = None
    # carried cells (report --carry) have no finish time: the newest measured one counts
    finished = df["finished_at"].dropna().astype(str) if "finished_at" in df else []
    return {
        "generated_at": str(finished.max())
        if len(finished)
        else _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores, "
        f"{mem} GiB RAM, {platform.platform()}",
        "commit": freshness.tool_commit(),
    }


def completeness(
    df: pd.DataFrame, planned: dict[str, Mapping | set | None], unusable: Iterable[str] = ()
) -> str:
    """'complete' when every planned cell has a result, else how far the run got. Where no
    consumer can be planned here (a merge of CI shards: results without environments), it
    cannot be checked, and says so. `unusable`: environments the run tried and could not set
    up (IMPORT_FAILED, …): they have no cells, and the environments table says why."""
    known = {c: keys for c, keys in planned.items() if keys is not None}
    if not known:
        return "unchecked: none of these environments is on this machine (a merge of shards)"
    total = sum(len(k) for k in known.values())
    have = int(df["consumer"].isin(list(known)).sum())
    unknown = sorted(set(planned) - set(known) - set(unusable), key=_version_key)
    if have >= total and not unknown:
        return "complete"
    text = f"INCOMPLETE: {have} of {total} planned cells have results"
    releases = [c for c in known if family(c) == "release"]
    first = {k for c in releases if isinstance(known[c], Mapping)
             for k, p in known[c].items() if family(p) == "release"}  # fmt: skip
    if first and len(releases) < len(known) and first <= set(df["key"]):
        # the driver's first slice is done: releases x releases
        text += "; the releases' slice (every release x release cell) is complete"
    if unknown:
        text += f"; never run on this machine: {', '.join(unknown)}"
    return text + " (the run goes on: `nox -s matrix` resumes it)"
