"""The one order of environment names (releases, their variants, nightly), by `packaging`."""

from __future__ import annotations

import re

from packaging.version import Version


def minor_key(minor: str) -> tuple:
    """The one sort key of environment names: 1.15 < 2.9 < 2.10 < 2.18 < 2.18+keras3.6 <
    2.18+keras3.10 < 2.18+text < 2.18+text2.17 < nightly < litert1.4 < litert2.3 < tfjs4.22 (a
    variant right after its TensorFlow, runtimes without TensorFlow last, by family; versions
    compared as versions, by `packaging`)."""
    base, _, variant = minor.partition("+")
    family, base_number = re.fullmatch(r"([^\d]*)(.*)", base).groups()
    if family and family != "nightly":  # a runtime without TensorFlow (litert2.3): after all TFs
        return (Version("1000"), family, Version(base_number or "0"))
    name, number = re.fullmatch(r"([^\d]*)(.*)", variant).groups()
    return (
        Version("999") if base == "nightly" else Version(base),
        name,
        Version(number) if number else Version("0"),
    )
