"""Is reports/ up to date? Standard library only, so nox can tell before installing pandas.

The report depends on the stored results, the report code, the tool's commit and the selected
versions; a fingerprint of those (file sizes and modification times, not contents: cheap) is
kept next to the store after each rendering.
"""

from __future__ import annotations

import hashlib
import subprocess
from pathlib import Path

from matrix.store.layout import PROJECT_ROOT, Home

OUTPUTS = ("index.html", "compatibility.md", "findings.md", "compatibility.png", "heatmaps.png",
           "results.csv.gz", "results.json", "compat.json")  # fmt: skip
_HERE = Path(__file__).parent
# every module and template of the report: editing one renders the report again
REPORT_CODE = (*sorted(_HERE.glob("*.py")), *sorted((_HERE / "templates").glob("*")))
# what the report describes: fixtures, formats and loaders (their claims and docs)
DECLARED = ("fixtures/*.py", "matrix/guest/formats/*.py", "matrix/guest/loaders/*.py",
            "matrix/catalog/causes.toml")  # fmt: skip


def out_dir_for(versions: list[str], published: list[str], home: Home) -> Path:
    """reports/ for the published version set (`published`); a run on a subset writes beside
    its store (.matrix/report/), so that it never overwrites the full report."""
    if set(versions) == set(published):
        return PROJECT_ROOT / "reports"
    return home.report


def _git(*args: str) -> str:
    out = subprocess.run(["git", *args], cwd=PROJECT_ROOT, capture_output=True, text=True)
    return out.stdout.strip()


def tool_commit() -> str:
    """The last commit of the tool's code (commits of reports/ alone do not count, or
    committing a report would make it stale); '(dirty)' when tracked code differs from it."""
    dirty = _git(
        "status", "--porcelain", "--untracked-files=no", "--", ".", ":!reports", ":!README.md"
    )
    commit = _git("log", "-1", "--format=%h", "--", ".", ":!reports", ":!README.md")
    return commit + (" (dirty)" if dirty else "")


def fingerprint(home: Home, versions: list[str], out_dir: Path) -> str:
    h = hashlib.sha256(" ".join(versions).encode())
    h.update(tool_commit().encode())
    for path in REPORT_CODE:
        h.update(path.read_bytes())
    for pattern in DECLARED:
        for path in sorted(PROJECT_ROOT.glob(pattern)):
            h.update(path.read_bytes())
    for path in sorted(home.results.glob("*.json*")):
        st = path.stat()
        h.update(f"{path.name}:{st.st_size}:{st.st_mtime_ns}".encode())
    for name in (*OUTPUTS, "history.csv"):  # history.csv is an input: the trend
        path = out_dir / name
        h.update(f"{name}:{path.stat().st_mtime_ns if path.exists() else 0}".encode())
    return h.hexdigest()


def _marker(home: Home, out_dir: Path) -> Path:
    return home.report_marker(out_dir)


def is_fresh(home: Home, versions: list[str], out_dir: Path) -> bool:
    marker = _marker(home, out_dir)
    return marker.exists() and marker.read_text() == fingerprint(home, versions, out_dir)


def mark_fresh(home: Home, versions: list[str], out_dir: Path) -> None:
    home.root.mkdir(parents=True, exist_ok=True)
    _marker(home, out_dir).write_text(fingerprint(home, versions, out_dir))
