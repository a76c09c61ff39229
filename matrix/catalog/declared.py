"""Read what a guest module declares (its module-level literals) without importing it: the host
never imports TensorFlow, and fixtures, formats and loaders import it at the top."""

from __future__ import annotations

import ast
from pathlib import Path
from typing import Any


def literals(path: Path) -> tuple[dict[str, Any], str, bytes]:
    """({NAME: value} of every `NAME = <literal>` at module level, docstring, source)."""
    source = path.read_bytes()
    tree = ast.parse(source, filename=str(path))
    found: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and target.id.isupper():
                try:
                    found[target.id] = ast.literal_eval(node.value)
                except ValueError:
                    pass  # not a literal (a computed constant): not part of the declaration
    return found, (ast.get_docstring(tree) or "").strip(), source


def require(values: dict[str, Any], path: Path, *names: str) -> None:
    missing = [n for n in names if n not in values]
    if missing:
        raise ValueError(f"{path.name} does not declare {', '.join(missing)} as literals")


def without(source: bytes, name: str) -> bytes:
    """The source less the module-level `NAME = ...` statement: for a declaration that says who
    may share an outcome, not what the code does (a loader's IMPORTS is not part of its key)."""
    tree = ast.parse(source)
    lines = source.splitlines(keepends=True)
    for node in tree.body:
        target = node.targets[0] if isinstance(node, ast.Assign) else None
        if isinstance(target, ast.Name) and target.id == name:
            del lines[node.lineno - 1 : node.end_lineno]
            break
    return b"".join(lines)
