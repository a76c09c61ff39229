"""Cells carried over from the published report into a render whose store holds only part of
the matrix (a run of one new fixture, format or loader on a fresh machine).

A published cell is carried only while it is still what a run would compute today: none of the
files it depends on changed since the commit the report was rendered at (its fixture, format
and loader modules, the locks of its producer and consumer environments; a file moved
unchanged counts as unchanged), and the harness and saver versions (part of every cache key)
are the same. Whatever the store has for a cell wins; every carried cell is counted in the
report's stamp. Without git, or without that commit, nothing is carried.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pandas as pd

from matrix.catalog import registry
from matrix.guest.protocol import HARNESS_VERSION, SAVER_VERSION
from matrix.store.layout import PROJECT_ROOT

PROTOCOL = "matrix/guest/protocol.py"


def _git(*args: str, root: Path = PROJECT_ROOT) -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                             timeout=60)  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout if out.returncode == 0 else None


def changed_since(commit: str, root: Path = PROJECT_ROOT) -> set[str] | None:
    """Paths whose content differs between `commit` and the working tree (exact renames are
    unchanged), or None when git cannot say."""
    out = _git("diff", "-M100%", "--name-status", commit, "--", root=root)
    if out is None:
        return None
    changed: set[str] = set()
    for line in out.splitlines():
        parts = line.split("\t")
        if parts[0] == "R100":
            continue
        changed.update(parts[1:])
    untracked = _git("ls-files", "--others", "--exclude-standard", root=root) or ""
    return changed | set(untracked.split())


def same_harness(commit: str, root: Path = PROJECT_ROOT) -> bool:
    text = _git("show", f"{commit}:{PROTOCOL}", root=root)
    if text is None:
        return False
    found = dict(re.findall(r'^(HARNESS_VERSION|SAVER_VERSION) = "([^"]*)"', text, re.M))
    return found == {"HARNESS_VERSION": HARNESS_VERSION, "SAVER_VERSION": SAVER_VERSION}


def stale(published: pd.DataFrame, changed: set[str], commit: str | None = None) -> pd.Series:
    """Per published cell: does a file it depends on differ now (its fixture, format and
    loader modules, its producer's and consumer's locks), or is its format or loader gone?
    A loader module counts by its cache key: a change to its IMPORTS alone (who shares its
    outcome, not what it does) leaves its cells as they are."""
    loaders, formats = registry.loaders(include_faults=True), registry.formats()
    fixtures = {Path(p).stem for p in changed if p.startswith("fixtures/")}
    fmt_gone = {f for f in formats if f"matrix/guest/formats/{f}.py" in changed}
    loader_gone = {
        n for n, s in loaders.items()
        if f"matrix/guest/loaders/{s.module}.py" in changed
        and not _same_key(commit, f"matrix/guest/loaders/{s.module}.py", s.sha256)
    }  # fmt: skip
    envs = {
        Path(p).stem.removeprefix("tf-") for p in changed if p.startswith("matrix/catalog/locks/")
    }
    return (
        published["fixture"].isin(fixtures)
        | ~published["format"].isin(list(formats)) | published["format"].isin(fmt_gone)
        | ~published["loader"].isin(list(loaders)) | published["loader"].isin(loader_gone)
        | published["producer"].isin(envs) | published["consumer"].isin(envs)
    )  # fmt: skip


def _same_key(commit: str | None, path: str, sha256: str) -> bool:
    """Was the loader at `path` in `commit` the same cache key as today's (`sha256`)?"""
    if not commit:
        return False
    text = _git("show", f"{commit}:{path}")
    return text is not None and registry.loader_sha(text.encode()) == sha256


def carry(
    stored: pd.DataFrame, published: pd.DataFrame, commit: str | None, keys: list[str]
) -> tuple[pd.DataFrame, str]:
    """(the published cells to add to `stored`, one line saying what was carried and why
    the rest was not)."""
    none = published.iloc[0:0]
    if published.empty:
        return none, "nothing published to carry"
    if not commit:
        return none, "nothing carried: the published report names no commit"
    if "dirty" in commit:  # rendered from uncommitted code: its commit does not describe it
        return none, f"nothing carried: the published report was rendered from {commit} code"
    changed = changed_since(commit)
    if changed is None:
        return none, f"nothing carried: git cannot compare with {commit}"
    if not same_harness(commit):
        return none, f"nothing carried: the harness changed since {commit}"
    index = pd.MultiIndex.from_frame(published[keys].astype(str))
    measured = index.isin(pd.MultiIndex.from_frame(stored[keys].astype(str))) if len(
        stored) else pd.Series(False, index=published.index).to_numpy()  # fmt: skip
    old = stale(published, changed, commit).to_numpy() & ~measured
    carried = published[~measured & ~old]
    return carried, (
        f"{len(carried)} cells carried from the report of {commit} (their files unchanged "
        f"since); {int(measured.sum())} measured again here, {int(old.sum())} left out as stale"
    )
