"""Version order and version ranges, as the report, the findings and `query` print them."""

from __future__ import annotations

import functools
from collections.abc import Iterable

from matrix.catalog.order import minor_key  # noqa: F401  (the order, where names are read)
from matrix.catalog.releases import KINDS


@functools.cache
def _catalog_kinds() -> dict[str, str]:
    from matrix.catalog.releases import load_catalog

    return {r.minor: r.kind for r in load_catalog().releases}


def family(minor: str) -> str:
    """What kind of environment a name is (`KINDS`), as the catalog says. A name the catalog
    no longer has (in older published data) is read from its shape: `2.18+keras3.6` or
    `2.21+jax` a Keras variant, `2.15+py3.9` a Python one, `2.18+numpy1` a package's, any
    other `+…` an add-on's."""
    known = _catalog_kinds().get(minor)
    if known:
        return known
    base, _, variant = minor.partition("+")
    if base[:1].isalpha() and base != "nightly":  # litert2.3, tfjs4.22: no TensorFlow
        return "runtime"
    if not variant:
        return "release"
    if variant.startswith(("keras", "jax")):
        return "keras"
    if variant.startswith("py") and variant[2:3].isdigit():
        return "python"
    return "package" if variant.startswith(("numpy", "protobuf")) else "addon"


def kind_rank(minor: str) -> int:
    """Releases first, then Keras variants, then add-on variants."""
    return KINDS.index(family(minor))


def apart(order: list[str]) -> list[str]:
    """`order` with releases first, then Keras variants, then add-on variants, each kind in
    its own order (a stable sort): a variant between two releases cuts every range of
    releases and makes a picture a checkerboard."""
    return sorted(order, key=kind_rank)


def ranges(found: Iterable[str], order: list[str]) -> str:
    """'1.15–2.9, 2.12': the versions of `order` that are in `found`, neighbours joined into a
    range ('' when none is). Each kind of environment is read on its own, releases first:
    '2.12–2.21, 2.12+text–2.21+text' (a range of releases is not cut at every 2.16+keras3.0
    between them, and a range of text variants not at every 2.13)."""
    wanted = set(found)
    kinds = sorted({_axis(v) for v in wanted}, key=lambda k: (KINDS.index(k[0]), k[1]))
    return ", ".join(_joined(wanted, [v for v in order if _axis(v) == kind]) for kind in kinds)


def _axis(minor: str) -> tuple[str, str]:
    """The axis a name is read on: its kind, and for a runtime its family (litert, tfjs, …),
    so that no range runs from one runtime into another."""
    kind = family(minor)
    return (kind, minor.rstrip("0123456789.") if kind == "runtime" else "")


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
