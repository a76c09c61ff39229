"""Version order and version ranges, as the report, the findings and `query` print them."""

from __future__ import annotations

import re
from collections.abc import Iterable


def minor_key(minor: str) -> tuple:
    """Sort key of an environment name: 1.15 < 2.9 < 2.10 < 2.18 < 2.18+keras3.6 <
    2.18+keras3.10 < 2.18+text < nightly (a variant right after its TensorFlow)."""
    base, _, variant = minor.partition("+")
    numbers = (999,) if base == "nightly" else tuple(int(x) for x in base.split("."))
    natural = tuple((0, int(p), "") if p.isdigit() else (1, 0, p)
                    for p in re.split(r"(\d+)", variant) if p)  # fmt: skip
    return (numbers, natural)


def ranges(found: Iterable[str], order: list[str]) -> str:
    """'1.15–2.9, 2.12': the versions of `order` that are in `found`, neighbours joined into a
    range ('' when none is)."""
    wanted = set(found)
    # variants sit right after their base in the order: a set of bases only (or of variants
    # only) reads across the others, so "2.12–2.21" is not cut at every 2.16+keras3.0
    kinds = {"+" in v for v in wanted}
    if len(kinds) == 1:
        order = [v for v in order if ("+" in v) in kinds]
    runs: list[list[str]] = []
    last = -2
    for i, v in enumerate(order):
        if v in wanted:
            if i == last + 1:
                runs[-1].append(v)
            else:
                runs.append([v])
            last = i
    return ", ".join(r[0] if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)
