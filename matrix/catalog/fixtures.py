"""The fixture catalog (`fixtures/*.py`), read on the host without importing TensorFlow.

A fixture declares, as literals: KIND, FORMATS (the formats a converter derives from one of
them, such as TFLite from a SavedModel, are added without being named), and optionally
REQUIRES (PEP 508 requirements on the producer environment: the oldest TF or Keras it can be
built in), CLAIM (a widely
repeated claim it tests), CUSTOM_OBJECTS (class names a loader may pass as custom_objects)
and CALL (how the model is called: "list", "dict" or "positional").
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from matrix import PROJECT_ROOT
from matrix.catalog.declared import literals, require

FIXTURES_DIR = PROJECT_ROOT / "fixtures"
KINDS = ("keras", "module", "graph", "object")


@dataclass(frozen=True)
class Fixture:
    name: str
    path: Path
    kind: str
    formats: tuple[str, ...]
    doc: str  # the first line of the docstring: the failure it stands for
    sha256: str  # of the source: changing a fixture re-produces only its artifacts
    requires: tuple[str, ...] = ()
    claim: str | None = None
    declares: frozenset[str] = frozenset()  # every literal it declares (for FIXTURE_NEEDS)

    def has(self, name: str | None) -> bool:
        return name is None or name in self.declares


def read_fixture(path: Path) -> Fixture:
    from matrix.catalog.registry import formats

    values, doc, source = literals(path)
    require(values, path, "KIND", "FORMATS")
    if values["KIND"] not in KINDS:
        raise ValueError(f"{path.name}: KIND must be one of {KINDS}")
    unknown = [f for f in values["FORMATS"] if f not in formats()]
    if unknown:
        raise ValueError(f"{path.name}: unknown formats {unknown} (known: {list(formats())})")
    declared = tuple(values["FORMATS"])
    derived = tuple(
        f.name for f in formats().values()
        if f.derived_from in declared and values["KIND"] in f.kinds and f.name not in declared
    )  # fmt: skip
    return Fixture(
        name=path.stem,
        path=path.resolve(),
        kind=values["KIND"],
        formats=declared + derived,
        doc=doc.splitlines()[0] if doc else "",
        sha256=hashlib.sha256(source).hexdigest(),
        requires=tuple(values.get("REQUIRES", ())),
        claim=values.get("CLAIM"),
        declares=frozenset(values),
    )


def load_fixtures(directory: Path = FIXTURES_DIR) -> list[Fixture]:
    return [read_fixture(p) for p in sorted(directory.glob("*.py")) if not p.name.startswith("_")]
