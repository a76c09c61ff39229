"""The frame of cells: one row per cell (its latest result), from the store or, where there
is none, from what a report publishes; stored categories read with today's rules."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pandas as pd

from matrix.catalog.names import minor_key as _version_key
from matrix.guest.classify import classify_detail, normalize
from matrix.store.layout import Home
from matrix.store.records import FIELDS
from matrix.store.results import read_results

CELL_KEYS = ["producer", "consumer", "fixture", "format", "loader"]
# every column of a stored cell: the record's fields, defined once (store/records.py)
COLUMNS = list(FIELDS)


# the committed dataset: what a cell says, without timings and machine-specific keys (those
# stay in the store, .matrix/results), so a rerun with the same outcomes rewrites nothing
PUBLISHED = [
    "producer", "producer_tf", "producer_keras", "consumer", "consumer_tf", "consumer_keras",
    "fixture", "format", "loader", "artifact_status", "status", "error_category",
    "error_detail", "exception_type", "message", "returned", "max_abs_error", "computed_in",
]  # fmt: skip
assert set(PUBLISHED) <= set(FIELDS), set(PUBLISHED) - set(FIELDS)


def load_frame(
    home: Home, versions: list[str], planned: dict[str, set[str] | None] | None = None
) -> pd.DataFrame:
    """One row per cell (latest result), restricted to the selected versions and, where
    `planned` knows a consumer's current cell keys, to those (stale results left out)."""
    df = pd.DataFrame(read_results(home))
    if df.empty:
        return pd.DataFrame(columns=COLUMNS)
    for col in COLUMNS:
        if col not in df:
            df[col] = None
    df = df[df["producer"].isin(versions) & df["consumer"].isin(versions)]
    for consumer, keys in (planned or {}).items():
        if keys is not None:
            df = df[(df["consumer"] != consumer) | df["key"].isin(list(keys))]
    df = reclassified(df)
    df = df.sort_values("finished_at").drop_duplicates(CELL_KEYS, keep="last")
    return df.sort_values(
        CELL_KEYS, key=lambda s: s.map(_version_key) if s.name in ("producer", "consumer") else s
    ).reset_index(drop=True)


# "other", and categories whose rule was narrowed after results were stored: a TF 1.x loader's
# "Op type not registered" used to be graphdef_too_new (it carries the compatibility note too)
RECLASSIFIED = ("other", "graphdef_too_new")


def reclassified(df: pd.DataFrame) -> pd.DataFrame:
    """Categories are a pure function of the message: results stored as `other` (or in a
    category whose rule changed since: RECLASSIFIED) get today's rules (the status is not
    touched), and messages lose memory addresses, so that old and new results read alike."""
    df = df.copy()
    df["message"] = df["message"].map(lambda m: normalize(m) if isinstance(m, str) else m)
    other = df["error_category"].isin(RECLASSIFIED)
    if other.any():
        tail = df["message_tail"] if "message_tail" in df else df["message"]
        text = df.loc[other, "message"].fillna("") + "\n" + tail[other].fillna("")
        types = df.loc[other, "exception_type"]
        found = [classify_detail(t, m) for t, m in zip(types, text, strict=True)]
        df.loc[other, "error_category"] = [c for c, _ in found]
        df.loc[other, "error_detail"] = [d for _, d in found]
    # the guest tells an add-on's op from a newer TF's op by the artifact's manifest; a missing
    # op the guest named an add-on's elsewhere in these results is that add-on's here too
    addon = set(df.loc[df["error_category"] == "addon_op_missing", "error_detail"].dropna())
    df.loc[(df["error_category"] == "missing_op") & df["error_detail"].isin(addon),
           "error_category"] = "addon_op_missing"  # fmt: skip
    return df


def published_cells(out_dir: Path) -> int:
    """How many cells `out_dir` publishes (0 when it holds no results.csv.gz)."""
    try:
        with gzip.open(out_dir / "results.csv.gz", "rt", newline="") as f:
            return max(sum(1 for _ in f) - 1, 0)  # no field holds a newline: one line a cell
    except (OSError, EOFError):
        return 0


def read_published(out_dir: Path) -> tuple[pd.DataFrame, list[str], list[dict], dict] | None:
    """The cells, versions, environments and stamp that `out_dir` publishes, as the store
    would give them: what a re-render reads when there is no store (a fresh clone)."""
    try:
        data = json.loads((out_dir / "results.json").read_text())
        df = pd.read_csv(out_dir / "results.csv.gz", dtype=str, keep_default_na=False)
    except (OSError, ValueError, EOFError):
        return None
    df = df.replace("", None)
    # max_abs_error stays the text it was published as: parsing it again gives another last
    # digit with some pandas releases' float parser (8.940696716308595e-08 for …594e-08)
    versions = data["versions"]
    df = df.sort_values(
        CELL_KEYS, key=lambda s: s.map(_version_key) if s.name in ("producer", "consumer") else s
    ).reset_index(drop=True)
    return df, versions, data["environments"], data["stamp"]
