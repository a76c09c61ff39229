"""Heat maps (matplotlib, PNG): the overall pass share, and small multiples per (format, loader).

Green = every attempted load passed, red = none; grey = the load fails on the diagonal too
(the consumer cannot load it even when its own version saved it), so that is not a break
between versions.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from matrix.report.findings import tried


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def baseline_unread(t: pd.DataFrame) -> pd.Series:
    """Per tried row: does the same load fail on the diagonal, i.e. when the consumer loads
    what its own version saved (same fixture, format and loader)?"""
    cols = ["fixture", "format", "loader", "consumer"]
    diag = t[t["producer"] == t["consumer"]]
    reads = diag.groupby(cols)["passed"].any()
    key = pd.MultiIndex.from_frame(t[cols])
    return pd.Series(~reads.reindex(key).fillna(True).to_numpy(dtype=bool), index=t.index)


def share(t: pd.DataFrame, versions: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(pass share, unread mask) as producer × consumer arrays in `versions` order."""
    unread = baseline_unread(t)
    read = t[~unread]
    rate = read.groupby(["producer", "consumer"])["passed"].mean().unstack("consumer")
    rate = rate.reindex(index=versions, columns=versions).to_numpy(dtype=float)
    gone = t[unread].groupby(["producer", "consumer"]).size().unstack("consumer")
    gone = gone.reindex(index=versions, columns=versions).notna().to_numpy(dtype=bool)
    gone = gone & np.isnan(rate)  # (no such load at all: an empty, untyped frame before)
    return rate, gone


def _draw(ax, rate, unread, versions, labels: bool) -> object:
    grey = np.where(unread, 0.5, np.nan)
    ax.imshow(grey, cmap="Greys", vmin=0, vmax=1, interpolation="nearest")
    im = ax.imshow(rate, cmap="RdYlGn", vmin=0, vmax=1, interpolation="nearest")
    n = len(versions)
    ax.plot([-0.5, n - 0.5], [-0.5, n - 0.5], color="black", linewidth=0.4, alpha=0.5)
    if labels:
        ax.set_xticks(range(n), versions, rotation=90, fontsize=7)
        ax.set_yticks(range(n), versions, fontsize=7)
    else:
        ax.set_xticks([])
        ax.set_yticks([])
    return im


def overall(df: pd.DataFrame, versions: list[str], path: Path) -> None:
    plt = _pyplot()
    t = tried(df)
    shown = [v for v in versions if v in set(t["producer"]) | set(t["consumer"])]
    rate, unread = share(t, shown)
    fig, ax = plt.subplots(figsize=(1.5 + 0.32 * len(shown), 1 + 0.3 * len(shown)))
    im = _draw(ax, rate, unread, shown, labels=True)
    ax.set_xlabel("loaded by TensorFlow")
    ax.set_ylabel("saved by TensorFlow")
    ax.set_title(
        "share of attempted loads that pass (grey: not read even on the diagonal)", fontsize=9
    )
    fig.colorbar(im, ax=ax, fraction=0.04)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def multiples(df: pd.DataFrame, versions: list[str], path: Path) -> None:
    """One small heat map per (format, loader) that was attempted, on one sheet."""
    plt = _pyplot()
    t = tried(df)
    shown = [v for v in versions if v in set(t["producer"]) | set(t["consumer"])]
    pairs = sorted(t.groupby(["format", "loader"]).groups)
    cols = min(6, len(pairs)) or 1
    rows = max(1, math.ceil(len(pairs) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(2.2 * cols, 2.5 * rows), squeeze=False)
    for ax in axes.flat[len(pairs) :]:
        ax.axis("off")
    for ax, (fmt, loader) in zip(axes.flat, pairs, strict=False):  # axes may outnumber pairs
        sub = t[(t["format"] == fmt) & (t["loader"] == loader)]
        rate, unread = share(sub, shown)
        _draw(ax, rate, unread, shown, labels=False)
        ax.set_title(f"{fmt}\n{loader}", fontsize=7)
    fig.suptitle(
        f"saved by (rows, {shown[0]} at top) × loaded by (columns, {shown[0]} at left): "
        "share of loads that pass; grey: not read even on the diagonal",
        fontsize=9,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=80)
    plt.close(fig)
