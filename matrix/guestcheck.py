"""Check the guest code the way it will run: compiled by the oldest Python in the catalog, and
importing nothing but the standard library, TensorFlow, numpy and itself.

`tf-compat-matrix guestcheck` exits non-zero and names the file on any violation. Of this
project the guest may import only `matrix.guest` (the package root runs too, so it is
compiled with the guest's Python as well).
"""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

from matrix.catalog import load_catalog
from matrix.catalog.fixtures import FIXTURES_DIR
from matrix.run.pythons import find_python
from matrix.store.layout import PROJECT_ROOT

GUEST_DIR = PROJECT_ROOT / "matrix" / "guest"
ALLOWED_THIRD_PARTY = {"tensorflow", "numpy", "tf_keras", "keras", "importlib_metadata"}
_COMPILE = (
    "import sys\n"
    "bad = []\n"
    "for p in sys.argv[1:]:\n"
    "    try:\n"
    "        compile(open(p, encoding='utf-8').read(), p, 'exec')\n"
    "    except SyntaxError as e:\n"
    "        bad.append('%s:%s: %s' % (p, e.lineno, e.msg))\n"
    "print('\\n'.join(bad)); sys.exit(1 if bad else 0)\n"
)


def guest_files() -> list[Path]:
    root = GUEST_DIR.parent / "__init__.py"  # runs before any guest module is imported
    return [root, *sorted(GUEST_DIR.rglob("*.py")), *sorted(FIXTURES_DIR.glob("*.py"))]


def declared_addons(path: Path) -> set[str]:
    """A fixture may import the add-on op libraries it declares in ADDONS and the packages it
    REQUIRES (and only those)."""
    from packaging.requirements import Requirement

    from matrix.catalog.declared import literals

    try:
        values, _, _ = literals(path)
    except (ValueError, SyntaxError):
        return set()
    required = {_module(Requirement(r).name) for r in values.get("REQUIRES", ())}
    return {name.split(".")[0] for name in values.get("ADDONS", ())} | required


def declared_imports(path: Path) -> set[str]:
    """A loader may import the packages it declares in IMPORTS (distribution names)."""
    from matrix.catalog.declared import literals

    try:
        values, _, _ = literals(path)
    except (ValueError, SyntaxError):
        return set()
    return {_module(name) for name in values.get("IMPORTS", ())}


def _module(distribution: str) -> str:
    return distribution.lower().replace("-", "_")


def declared_converter(path: Path) -> set[str]:
    """A format may import the converter it declares in CONVERTER (installed beside TF for it,
    see versions.toml [[converter]]), and only that one."""
    from matrix.catalog.declared import literals

    try:
        values, _, _ = literals(path)
    except (ValueError, SyntaxError):
        return set()
    return {values["CONVERTER"].replace("-", "_")} if values.get("CONVERTER") else set()


def foreign_imports(path: Path) -> list[str]:
    """Top-level imports that are neither stdlib nor allowed in a TF environment."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    allowed = ALLOWED_THIRD_PARTY | (
        declared_addons(path) if path.parent == FIXTURES_DIR else set()
    )
    if path.parent == GUEST_DIR / "formats":
        allowed |= declared_converter(path)
    if path.parent == GUEST_DIR / "loaders":
        allowed |= declared_imports(path)
    bad = []
    for node in ast.walk(tree):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        for name in names:
            top = name.split(".")[0]
            if top == "matrix":
                if name != "matrix.guest" and not name.startswith("matrix.guest."):
                    bad.append(f"{path.relative_to(PROJECT_ROOT)}: imports {name} (host code)")
            elif top not in sys.stdlib_module_names and top not in allowed:
                bad.append(f"{path.relative_to(PROJECT_ROOT)}: imports {name}")
    return bad


def oldest_python() -> str:
    return min(
        (r.python for r in load_catalog().releases), key=lambda v: tuple(map(int, v.split(".")))
    )


def check() -> list[str]:
    files = guest_files()
    problems = [p for f in files for p in foreign_imports(f)]
    minor = oldest_python()
    exe = find_python(minor)
    if exe is None:
        problems.append(f"no Python {minor} found to compile the guest code with")
        return problems
    out = subprocess.run(
        [str(exe), "-c", _COMPILE, *map(str, files)], capture_output=True, text=True
    )
    if out.returncode != 0:
        problems.extend(ln for ln in (out.stdout + out.stderr).splitlines() if ln.strip())
    return problems


def add_arguments(parser) -> None:
    """No options: every guest module and fixture is checked."""


def run(args) -> int:
    problems = check()
    for p in problems:
        print(p)
    print(f"guest code: {len(guest_files())} files, {len(problems)} problems")
    return 1 if problems else 0
