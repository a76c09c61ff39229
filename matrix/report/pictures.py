"""Heat maps (matplotlib, PNG): the overall pass share, and small multiples per (format, loader).

Green = every load passed, red = none, counting every load (as the page does); grey = none
passed and every failure also fails on the diagonal (the consumer cannot load it even when its
own version saved it), so that is not a break between versions. Releases come first, then the
variants, with a line between them.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pandas as pd

from matrix.catalog.names import apart, kind_rank
from matrix.report.findings import tried


def _pyplot():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def baseline_unread(t: pd.DataFrame) -> pd.Series:
    """Per tried row: does the same load fail on the diagonal, i.e. when the consumer loads
    what its own version saved (same fixture, format and loader)? (A load with no diagonal
    to compare with is not marked.)"""
    cols = ["fixture", "format", "loader", "consumer"]
    diag = t[t["producer"] == t["consumer"]]
    reads = diag.groupby(cols)["passed"].any()
    key = pd.MultiIndex.from_frame(t[cols])
    known = reads.reindex(key)
    return pd.Series((known == False).to_numpy(dtype=bool), index=t.index)  # noqa: E712 (NaN stays False)


def share(t: pd.DataFrame, versions: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """(pass share of every load, unread mask) as producer × consumer arrays in `versions`
    order. Unread: no load passes and every failure also fails on the diagonal (as on the page:
    marked, never left out of the share)."""
    t = t.assign(unread=baseline_unread(t))
    g = t.groupby(["producer", "consumer"])
    grid = lambda s: s.unstack("consumer").reindex(index=versions, columns=versions)  # noqa: E731
    rate = grid(g["passed"].mean()).to_numpy(dtype=float)
    unread = grid((~g["passed"].any()) & g["unread"].all()).fillna(False).to_numpy(dtype=bool)
    return rate, unread


def _groups(versions: list[str]) -> list[int]:
    """Where one kind of environment ends and the next begins (for separator lines)."""
    ranks = [kind_rank(v) for v in versions]
    return [i for i in range(1, len(ranks)) if ranks[i] != ranks[i - 1]]


def _draw(ax, rate, unread, versions, labels: bool) -> object:
    im = ax.imshow(np.where(unread, np.nan, rate), cmap="RdYlGn", vmin=0, vmax=1,
                   interpolation="nearest")  # fmt: skip
    ax.imshow(np.where(unread, 0.5, np.nan), cmap="Greys", vmin=0, vmax=1, interpolation="nearest")
    n = len(versions)
    ax.plot([-0.5, n - 0.5], [-0.5, n - 0.5], color="black", linewidth=0.4, alpha=0.5)
    for i in _groups(versions):
        ax.axhline(i - 0.5, color="black", linewidth=0.8)
        ax.axvline(i - 0.5, color="black", linewidth=0.8)
    if labels:
        ax.set_xticks(range(n), versions, rotation=90, fontsize=7)
        ax.set_yticks(range(n), versions, fontsize=7)
    else:  # the first and last environment of each axis, as on the page's small multiples
        ends = [0, n - 1] if n > 1 else [0]
        ax.set_xticks(ends, [versions[i] for i in ends], fontsize=5)
        ax.set_yticks(ends, [versions[i] for i in ends], fontsize=5)
        ax.tick_params(length=1, pad=1)
    return im


def _shown(t: pd.DataFrame, versions: list[str]) -> list[str]:
    return apart([v for v in versions if v in set(t["producer"]) | set(t["consumer"])])


def overall(df: pd.DataFrame, versions: list[str], path: Path) -> None:
    plt = _pyplot()
    t = tried(df)
    shown = _shown(t, versions)
    rate, unread = share(t, shown)
    fig, ax = plt.subplots(figsize=(1.5 + 0.32 * len(shown), 1.3 + 0.3 * len(shown)))
    im = _draw(ax, rate, unread, shown, labels=True)
    ax.set_xlabel("loaded by TensorFlow (releases, then Keras variants, then add-on variants)")
    ax.set_ylabel("saved by TensorFlow")
    ax.set_title(
        "share of every load that passes, over every fixture, format and loader\n"
        "grey: none passes and every failure also fails on the diagonal (not read at all)",
        fontsize=9,
    )
    fig.colorbar(im, ax=ax, fraction=0.04)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def multiples(df: pd.DataFrame, versions: list[str], path: Path) -> None:
    """One small heat map per (format, loader) that was attempted, on one sheet."""
    plt = _pyplot()
    t = tried(df)
    shown = _shown(t, versions)
    pairs = sorted(t.groupby(["format", "loader"]).groups)
    cols = min(6, len(pairs)) or 1
    rows = max(1, math.ceil(len(pairs) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(2.2 * cols, 2.6 * rows + 0.8), squeeze=False)
    for ax in axes.flat[len(pairs) :]:
        ax.axis("off")
    for k, (ax, (fmt, loader)) in enumerate(zip(axes.flat, pairs, strict=False)):
        sub = t[(t["format"] == fmt) & (t["loader"] == loader)]
        rate, unread = share(sub, shown)
        _draw(ax, rate, unread, shown, labels=False)
        ax.set_title(f"{fmt}\n{loader}", fontsize=7)
        if k % cols == 0:
            ax.set_ylabel("saved by", fontsize=6, labelpad=0)
        ax.set_xlabel("loaded by", fontsize=6, labelpad=0)
    fig.suptitle(
        "share of every load that passes, per format × loader; rows saved by, columns loaded by\n"
        "(releases, then variants, lines between); grey: not read even on the diagonal",
        fontsize=9,
    )
    # the title's own band: it overprinted the first row of captions
    fig.tight_layout(rect=(0, 0, 1, 1 - 0.7 / (2.6 * rows + 0.8)))
    fig.savefig(path, dpi=80)
    plt.close(fig)
