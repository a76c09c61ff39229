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


def test_a_stale_candidate_is_not_an_interpreter(monkeypatch, tmp_path):
    shim = tmp_path / "python3.6"
    shim.write_text("#!/bin/sh\necho 'pyenv: python3.6: command not found' >&2\nexit 127\n")
    shim.chmod(0o755)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setenv("PYENV_ROOT", str(tmp_path / "nothing"))
    monkeypatch.setenv("TFMATRIX_DOWNLOAD_PYTHON", "never")
    pythons.find_python.cache_clear()
    try:
        assert pythons._reports_version(shim, "3.6") is False
        assert pythons.find_python("3.1") is None
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
