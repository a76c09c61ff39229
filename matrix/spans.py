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


def family(minor: str) -> str:
    """What kind of environment a name is: '' for a TensorFlow release, 'keras' for
    2.18+keras3.6, 'text' for 2.18+text (the variant without its version)."""
    return re.sub(r"[\d.]+$", "", minor.partition("+")[2])


def ranges(found: Iterable[str], order: list[str]) -> str:
    """'1.15–2.9, 2.12': the versions of `order` that are in `found`, neighbours joined into a
    range ('' when none is). Each kind of environment is read on its own, releases first:
    '2.12–2.21, 2.12+text–2.21+text' (a range of releases is not cut at every 2.16+keras3.0
    between them, and a range of text variants not at every 2.13)."""
    wanted = set(found)
    kinds = sorted({family(v) for v in wanted})
    return ", ".join(_joined(wanted, [v for v in order if family(v) == kind]) for kind in kinds)


def _joined(wanted: set[str], order: list[str]) -> str:
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
