"""Every command the README shows in a ```bash block runs, as a user would type it.

Where a command would install TensorFlow, its version selection is swapped for the two versions
of the end-to-end tests (and the store is a temporary one), so that the README's commands are
checked for what they are (options, sessions, chaining) at the cost of a two-version matrix.
"""

import os
import re
import subprocess

import pytest

from matrix.store.layout import PROJECT_ROOT
from tests.conftest import VERSIONS

pytestmark = pytest.mark.tf

TINY = " ".join(VERSIONS)
# the command that runs this very test: running it here would recurse
SELF = "nox -s tests"
# exit statuses a command documents as answers: regress exits 1 when cells changed since the
# published run, which a two-version run of this machine may well show
ANSWERS = {"nox -s regress": {0, 1}}


def readme_commands() -> list[str]:
    text = (PROJECT_ROOT / "README.md").read_text()
    found = []
    for block in re.findall(r"```bash\n(.*?)```", text, re.S):
        for line in block.splitlines():
            command = re.sub(r"\s+#\s.*$", "", line).strip()
            if command and not command.startswith("#"):
                found.append(command)
    return found


def tiny(command: str) -> str:
    """The same command on the tiny version selection."""
    command = re.sub(r"--tf( [\w.]+)+", f"--tf {TINY}", command)
    return re.sub(r'TFMATRIX_VERSIONS=("[^"]*"|\S+)', f'TFMATRIX_VERSIONS="{TINY}"', command)


def test_the_readme_shows_commands():
    commands = readme_commands()
    assert SELF in commands and any(c.startswith("pip install nox uv") for c in commands)
    assert tiny("nox -s matrix -- --tf 2.12 2.21") == f"nox -s matrix -- --tf {TINY}"
    assert tiny("TFMATRIX_VERSIONS=nightly nox -s matrix") == (
        f'TFMATRIX_VERSIONS="{TINY}" nox -s matrix'
    )


@pytest.fixture(scope="module")
def user_env(tmp_path_factory):
    env = dict(os.environ, TFMATRIX_VERSIONS=TINY)
    env["TFMATRIX_HOME"] = str(tmp_path_factory.mktemp("readme-store"))
    env.setdefault("TFMATRIX_ENVS", str(PROJECT_ROOT / ".matrix" / "envs"))
    return env


@pytest.mark.parametrize("command", [c for c in readme_commands() if c != SELF])
def test_a_readme_command_works(command, user_env):
    out = subprocess.run(["bash", "-c", tiny(command)], cwd=PROJECT_ROOT, env=user_env,
                         capture_output=True, text=True, timeout=1800)  # fmt: skip
    ok = ANSWERS.get(command, {0})
    assert out.returncode in ok, (tiny(command), out.stdout[-3000:], out.stderr[-3000:])
    assert "Traceback" not in out.stderr, out.stderr[-3000:]
