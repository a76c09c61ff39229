import os
import sys
from pathlib import Path

from matrix.run import pythons


def test_finds_pyenv_interpreters_without_path(monkeypatch, tmp_path):
    """pyenv shims answer only for active versions; the versions folder is searched directly."""
    minor = "{}.{}".format(*sys.version_info[:2])
    fake_root = tmp_path / "pyenv"
    bindir = fake_root / "versions" / f"{minor}.99" / "bin"
    bindir.mkdir(parents=True)
    (bindir / f"python{minor}").symlink_to(sys.executable)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setenv("PYENV_ROOT", str(fake_root))
    pythons.find_python.cache_clear()
    try:
        found = pythons.find_python(minor)
    finally:
        pythons.find_python.cache_clear()
    assert found == bindir / f"python{minor}"


STALE_SHIM = "#!/bin/sh\necho 'pyenv: python{0}: command not found' >&2\nexit 127\n"


def test_a_stale_pyenv_shim_is_met_and_passed_over(monkeypatch, tmp_path):
    """A shim on PATH for a version pyenv no longer has answers 'command not found': it is
    not an interpreter, and the real one in pyenv's versions folder is found behind it."""
    minor = "{}.{}".format(*sys.version_info[:2])
    shims = tmp_path / "shims"
    shims.mkdir()
    for m in (minor, "3.6"):
        (shims / f"python{m}").write_text(STALE_SHIM.format(m))
        (shims / f"python{m}").chmod(0o755)
    real = tmp_path / "pyenv" / "versions" / f"{minor}.99" / "bin"
    real.mkdir(parents=True)
    (real / f"python{minor}").symlink_to(sys.executable)
    monkeypatch.setenv("PATH", str(shims))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "pyenv"))
    monkeypatch.setenv("TFMATRIX_DOWNLOAD_PYTHON", "never")
    pythons.find_python.cache_clear()
    try:
        assert pythons.find_python("3.6") is None  # only the stale shim: no interpreter
        assert pythons.find_python(minor) == real / f"python{minor}"  # behind the shim
        pythons.put_on_path([minor])  # nox's sessions look on PATH only
        assert os.environ["PATH"].split(os.pathsep)[0] == str(real)
    finally:
        pythons.find_python.cache_clear()


def test_override_variable_wins(monkeypatch):
    minor = "{}.{}".format(*sys.version_info[:2])
    monkeypatch.setenv("TFMATRIX_PYTHON_" + minor.replace(".", "_"), sys.executable)
    pythons.find_python.cache_clear()
    try:
        assert Path(pythons.find_python(minor)) == Path(sys.executable)
    finally:
        pythons.find_python.cache_clear()


def test_an_override_that_is_not_that_python_is_not_taken(monkeypatch, tmp_path):
    """A stale override falls through to the next candidate instead of being trusted."""
    minor = "{}.{}".format(*sys.version_info[:2])
    monkeypatch.setenv("TFMATRIX_PYTHON_" + minor.replace(".", "_"), str(tmp_path / "nope"))
    pythons.find_python.cache_clear()
    try:
        found = pythons.find_python(minor)
    finally:
        pythons.find_python.cache_clear()
    assert found is not None and found != tmp_path / "nope"
    assert pythons._reports_version(found, minor)
