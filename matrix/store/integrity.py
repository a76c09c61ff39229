"""Is an artifact still what its producer wrote? Its manifest holds the sha256 of every file;
a copy that travelled (a CI upload, a disk that filled up) is checked before it is used, so a
truncated file is never recorded as an incompatibility between two versions."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from matrix.guest.protocol import ARTIFACT_SUBDIR, file_hashes

# (artifact dir, its files' sizes and mtimes) -> their hashes: each artifact is read once per
# process, however many consumers a run checks it for
_checked: dict[tuple, dict[str, str]] = {}


def _hashes_once(root: Path) -> dict[str, str]:
    files = sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []
    stats = tuple((p.as_posix(), p.stat().st_size, p.stat().st_mtime_ns) for p in files)
    key = (root.as_posix(), stats)
    if key not in _checked:
        _checked[key] = file_hashes(root) if files else {}
    return _checked[key]


def damage(directory: Path, manifest: Mapping) -> str | None:
    """What differs from the manifest (one line), or None when every file is as written."""
    expected = manifest.get("files") or {}
    actual = _hashes_once(directory / ARTIFACT_SUBDIR) if expected else {}
    missing = sorted(set(expected) - set(actual))
    changed = sorted(k for k in set(expected) & set(actual) if expected[k] != actual[k])
    extra = sorted(set(actual) - set(expected))
    parts = [f"{label}: {', '.join(names[:3])}" + (" …" if len(names) > 3 else "")
             for label, names in (("missing", missing), ("changed", changed), ("extra", extra))
             if names]  # fmt: skip
    return "; ".join(parts) or None
