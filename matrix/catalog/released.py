"""When each package an environment installs was released: data, with PyPI as its evidence.

`released.toml` (beside versions.toml) maps distribution → version → the day its first file was
uploaded to PyPI, for the packages that name an environment (TensorFlow, Keras, the add-ons),
at the exact versions the lock files install. `tf-compat-matrix bump --dates` writes it again
from PyPI's JSON API; the dataset (`compat.json`) carries the dates per environment, so that a
reader can say "what was current in June 2024" without another source.
"""

from __future__ import annotations

import datetime as _dt
import re
import sys
from collections.abc import Callable
from pathlib import Path

import tomlkit
from packaging.version import InvalidVersion, Version

from matrix.catalog.releases import LOCKS_DIR

if sys.version_info >= (3, 11):
    import tomllib
else:  # nox depends on tomli on older Pythons
    import tomli as tomllib

RELEASED_PATH = LOCKS_DIR.with_name("released.toml")
# the distributions whose version names an environment (its TF, its Keras, its add-ons)
DATED = (
    "tensorflow",
    "tensorflow-cpu",
    "keras",
    "tf-keras",
    "tensorflow-text",
    "ai-edge-litert",
    "tflite-runtime",
)
_PINNED = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s;#]+)", re.M)


def load(path: Path = RELEASED_PATH) -> dict[str, dict[str, str]]:
    """{distribution: {version: "YYYY-MM-DD"}} ({} before the first `bump --dates`)."""
    if not path.exists():
        return {}
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    return {name: {v: str(d) for v, d in versions.items()} for name, versions in data.items()}


def installed(locks: Path = LOCKS_DIR) -> set[tuple[str, str]]:
    """(distribution, version) of every DATED package some lock file installs."""
    found = set()
    for lock in locks.glob("*.txt"):
        for name, version in _PINNED.findall(lock.read_text(encoding="utf-8")):
            name = name.lower().replace("_", "-")
            if name in DATED:
                found.add((name, version))
    return found


def first_upload(document: dict, version: str) -> str | None:
    """The day the first file of `version` reached PyPI (a PyPI JSON document), or None."""
    times = [f["upload_time_iso_8601"] for f in document.get("releases", {}).get(version, [])]
    if not times:
        return None
    first = min(_dt.datetime.fromisoformat(t.replace("Z", "+00:00")) for t in times)
    return first.date().isoformat()


def refresh(fetch: Callable[[str], dict], wanted: set[tuple[str, str]]) -> str:
    """released.toml's text for `wanted`, one PyPI request per distribution."""
    doc = tomlkit.document()
    doc.add(tomlkit.comment("Day of the first upload to PyPI of each package version an "
                            "environment installs (its lock file's ==version)."))  # fmt: skip
    doc.add(tomlkit.comment("Written by `tf-compat-matrix bump --dates` from PyPI's JSON API; "
                            "do not edit."))  # fmt: skip
    for name in sorted({n for n, _ in wanted}):
        document = fetch(name)
        table = tomlkit.table()
        for version in sorted((v for n, v in wanted if n == name), key=_version_key):
            day = first_upload(document, version)
            if day:
                table[version] = _dt.date.fromisoformat(day)
        doc[name] = table
    return tomlkit.dumps(doc)


def _version_key(version: str):
    try:
        return (0, Version(version))
    except InvalidVersion:
        return (1, version)


def dates_of(packages: dict[str, str], known: dict[str, dict[str, str]]) -> dict[str, str]:
    """{distribution: day} for the DATED ones among an environment's installed `packages`."""
    return {
        name: known[name][version]
        for name, version in sorted(packages.items())
        if name in DATED and version in known.get(name, {})
    }
