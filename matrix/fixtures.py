"""The fixture catalog (`fixtures/*.py`), read on the host without importing TensorFlow."""

from __future__ import annotations

import ast
import hashlib
from dataclasses import dataclass
from pathlib import Path

from matrix.home import PROJECT_ROOT

FIXTURES_DIR = PROJECT_ROOT / "fixtures"


@dataclass(frozen=True)
class Fixture:
    name: str
    path: Path
    kind: str  # "keras" or "module"
    formats: tuple[str, ...]
    doc: str
    sha256: str  # of the source: changing a fixture re-produces only its artifacts


def _literal(tree: ast.Module, name: str):
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            return ast.literal_eval(node.value)
    raise ValueError(f"fixture does not define {name} as a literal")


def read_fixture(path: Path) -> Fixture:
    source = path.read_bytes()
    tree = ast.parse(source, filename=str(path))
    return Fixture(
        name=path.stem,
        path=path.resolve(),
        kind=_literal(tree, "KIND"),
        formats=tuple(_literal(tree, "FORMATS")),
        doc=(ast.get_docstring(tree) or "").strip().splitlines()[0],
        sha256=hashlib.sha256(source).hexdigest(),
    )


def load_fixtures(directory: Path = FIXTURES_DIR) -> list[Fixture]:
    return [read_fixture(p) for p in sorted(directory.glob("*.py")) if not p.name.startswith("_")]
