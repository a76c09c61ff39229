"""Find a Python interpreter of a given minor version, wherever the user keeps it.

Looked for, in order: `TFMATRIX_PYTHON_3_7`-style overrides, `python3.7` on PATH, pyenv's
versions folder (pyenv's shims only answer for the *active* versions, so PATH alone misses
them), uv-managed or otherwise uv-discoverable interpreters, and finally a download by uv when
downloads are allowed (`TFMATRIX_DOWNLOAD_PYTHON`, or nox's `--download-python`).
Every candidate is run once to confirm its version: a stale shim is not an interpreter.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

_PROBE = "import sys; print('%d.%d' % sys.version_info[:2])"


def _reports_version(exe: str | Path, minor: str) -> bool:
    try:
        out = subprocess.run([str(exe), "-c", _PROBE], capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and out.stdout.strip() == minor


def _pyenv_root() -> Path | None:
    root = os.environ.get("PYENV_ROOT")
    if root:
        return Path(root)
    default = Path.home() / ".pyenv"
    if default.is_dir():
        return default
    if shutil.which("pyenv"):
        out = subprocess.run(["pyenv", "root"], capture_output=True, text=True)
        if out.returncode == 0 and out.stdout.strip():
            return Path(out.stdout.strip())
    return None


def _pyenv_candidates(minor: str) -> list[Path]:
    root = _pyenv_root()
    if root is None:
        return []
    found = []
    # newest patch first: 3.7.16 before 3.7.9
    dirs = sorted(
        (root / "versions").glob(f"{minor}.*"),
        key=lambda p: [int(x) if x.isdigit() else 0 for x in p.name.split(".")],
        reverse=True,
    )
    for d in dirs:
        exe = d / "bin" / f"python{minor}"
        if exe.exists():
            found.append(exe)
    return found


def _uv_find(minor: str, download: bool) -> Path | None:
    uv = shutil.which("uv")
    if uv is None:
        return None
    if download:
        subprocess.run([uv, "python", "install", minor], capture_output=True, text=True)
    out = subprocess.run(
        [uv, "python", "find", "--no-project", minor], capture_output=True, text=True
    )
    if out.returncode == 0 and out.stdout.strip():
        return Path(out.stdout.strip())
    return None


def downloads_allowed() -> bool:
    value = os.environ.get("TFMATRIX_DOWNLOAD_PYTHON") or os.environ.get(
        "NOX_DOWNLOAD_PYTHON", "auto"
    )
    return value.lower() in ("auto", "always", "1", "yes", "true")


@functools.cache
def find_python(minor: str) -> Path | None:
    """Path of a working `python<minor>`, or None when none can be found or fetched."""
    override = os.environ.get("TFMATRIX_PYTHON_" + minor.replace(".", "_"))
    candidates: list[str | Path] = [override] if override else []
    on_path = shutil.which(f"python{minor}")
    if on_path:
        candidates.append(on_path)
    candidates.extend(_pyenv_candidates(minor))
    for exe in candidates:
        if _reports_version(exe, minor):
            return Path(exe)
    for download in (False, downloads_allowed()):
        found = _uv_find(minor, download)
        if found and _reports_version(found, minor):
            return found
    return None


def put_on_path(minors: list[str]) -> None:
    """Make `python3.X` of pyenv's versions folder findable on PATH (for nox's own sessions,
    which look on PATH only, where pyenv's shims answer only for the active versions)."""
    for minor in minors:
        found = shutil.which(f"python{minor}")
        if found is None or not _reports_version(found, minor):  # absent, or a stale shim
            for exe in _pyenv_candidates(minor)[:1]:
                os.environ["PATH"] = f"{exe.parent}{os.pathsep}{os.environ.get('PATH', '')}"
