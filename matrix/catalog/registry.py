"""Formats and loaders as the host knows them: read from their modules' declarations
(`matrix/guest/formats/*.py`, `matrix/guest/loaders/*.py`), never imported.

Adding a format or a loader is adding one module there; nothing here changes.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from matrix.catalog.declared import literals, require, without

GUEST_DIR = Path(__file__).resolve().parent.parent / "guest"
FORMATS_DIR = GUEST_DIR / "formats"
LOADERS_DIR = GUEST_DIR / "loaders"


@dataclass(frozen=True)
class FormatSpec:
    name: str  # the module's name
    doc: str
    container: str
    kinds: tuple[str, ...]
    requires: tuple[str, ...]
    order: int
    sha256: str  # of the module: editing a saver re-produces only its artifacts
    # a converter's output (TFLite, TF.js) made from what this other format writes: every
    # fixture saved in that format is converted too, without naming it (fixtures unchanged)
    derived_from: str | None = None
    converter: str | None = None  # a converter of the catalog it needs beside TF (tensorflowjs)


@dataclass(frozen=True)
class LoaderSpec:
    name: str  # as the report shows it
    module: str  # matrix.guest.loaders.<module>
    doc: str
    containers: tuple[str, ...]
    kinds: tuple[str, ...]
    requires: tuple[str, ...]
    fixture_needs: str | None
    keras: str | None
    order: int
    sha256: str  # of the module: editing a loader recomputes only its cells
    fault: bool = False
    imports_fixture: bool = False  # rebuilds the model from the fixture's code
    # what it imports beyond the runtime (IMPORTS: distributions), or None (undeclared): the
    # environments that agree on those packages share its outcome (matrix/plan/sharing.py)
    imports: tuple[str, ...] | None = None

    def reads(self, fmt: FormatSpec, kind: str) -> bool:
        """Does a user point this loader at such an artifact at all (whatever the versions)?"""
        return fmt.container in self.containers and kind in self.kinds


def _sha(source: bytes) -> str:
    return hashlib.sha256(source).hexdigest()


def loader_sha(source: bytes) -> str:
    """A loader's cache key part: its source less IMPORTS (who may share its outcome)."""
    return _sha(without(source, "IMPORTS"))


def _modules(directory: Path) -> list[Path]:
    return sorted(p for p in directory.glob("*.py") if not p.name.startswith("_"))


@functools.cache
def formats() -> dict[str, FormatSpec]:
    found = []
    for path in _modules(FORMATS_DIR):
        v, _, source = literals(path)
        require(v, path, "DOC", "CONTAINER", "KINDS", "REQUIRES", "ORDER")
        found.append(FormatSpec(path.stem, v["DOC"], v["CONTAINER"], tuple(v["KINDS"]),
                                tuple(v["REQUIRES"]), v["ORDER"], _sha(source),
                                v.get("DERIVED_FROM"), v.get("CONVERTER")))  # fmt: skip
    known = {f.name for f in found}
    for f in found:
        if f.derived_from is not None and f.derived_from not in known:
            raise ValueError(f"format {f.name}: DERIVED_FROM names no format: {f.derived_from!r}")
    return {f.name: f for f in sorted(found, key=lambda f: (f.order, f.name))}


@functools.cache
def _all_loaders() -> dict[str, LoaderSpec]:
    found = []
    for path in _modules(LOADERS_DIR):
        v, _, source = literals(path)
        require(v, path, "NAME", "DOC", "CONTAINERS", "KINDS", "REQUIRES", "KERAS", "ORDER")
        found.append(LoaderSpec(
            v["NAME"], path.stem, v["DOC"], tuple(v["CONTAINERS"]), tuple(v["KINDS"]),
            tuple(v["REQUIRES"]), v.get("FIXTURE_NEEDS"), v["KERAS"], v["ORDER"],
            loader_sha(source), bool(v.get("FAULT", False)),
            bool(v.get("IMPORTS_FIXTURE", False)),
            tuple(v["IMPORTS"]) if "IMPORTS" in v else None,
        ))  # fmt: skip
    names = [spec.name for spec in found]
    if len(set(names)) != len(names):
        raise ValueError(f"two loader modules declare the same NAME: {sorted(names)}")
    return {s.name: s for s in sorted(found, key=lambda s: (s.order, s.name))}


def loaders(include_faults: bool | None = None) -> dict[str, LoaderSpec]:
    """The loaders of this run, in report order. The fault loaders (which abort, hang, …) exist
    only for the supervisor's tests: on with TFMATRIX_FAULT_LOADERS=1."""
    if include_faults is None:
        include_faults = os.environ.get("TFMATRIX_FAULT_LOADERS") == "1"
    return {n: s for n, s in _all_loaders().items() if include_faults or not s.fault}


def loader(name: str) -> LoaderSpec:
    try:
        return _all_loaders()[name]
    except KeyError:
        raise KeyError(f"unknown loader {name!r} (known: {', '.join(_all_loaders())})") from None
