"""Bring the catalog up to date with PyPI: latest patch of each TensorFlow minor.

    tf-compat-matrix bump [--cool-off-days 7] [--write]
    tf-compat-matrix bump --dates      (released.toml: when each installed version came out)

Skips yanked files and pre-releases, and releases younger than the cool-off (a broken
release is usually yanked or patched within days). Prints the proposed changes; `--write`
edits versions.toml in place (then run `nox -s lock` to re-resolve the locks).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import tomlkit
from packaging.utils import InvalidWheelFilename, parse_wheel_filename
from packaging.version import Version

from matrix.catalog import released
from matrix.catalog.releases import CATALOG_PATH, Catalog, load_catalog

PYPI = "https://pypi.org/pypi/{}/json"
NEWEST_PYTHON = (3, 13)  # newest interpreter this tool's machines provide


@dataclass(frozen=True)
class Candidate:
    version: Version
    pythons: tuple[str, ...]  # e.g. ("3.10", "3.11")
    uploaded: _dt.datetime


def fetch(package: str) -> dict:
    with urllib.request.urlopen(PYPI.format(package), timeout=60) as resp:
        return json.load(resp)


def linux_candidates(data: dict, now: _dt.datetime, cool_off: _dt.timedelta) -> dict:
    """{(major, minor): newest usable Candidate} from a PyPI JSON document."""
    best: dict[tuple[int, int], Candidate] = {}
    for text, files in data.get("releases", {}).items():
        try:
            version = Version(text)
        except ValueError:
            continue
        if version.is_prerelease or version.is_devrelease:
            continue
        usable = [f for f in files if not f.get("yanked") and _linux_x86_64(f["filename"])]
        if not usable:
            continue
        uploaded = min(
            _dt.datetime.fromisoformat(f["upload_time_iso_8601"].replace("Z", "+00:00"))
            for f in usable
        )
        if now - uploaded < cool_off:
            continue
        pythons = sorted({p for f in usable for p in _cpythons(f["filename"])}, key=Version)
        key = (version.major, version.minor)
        if key not in best or version > best[key].version:
            best[key] = Candidate(version, tuple(pythons), uploaded)
    return best


def _tags(filename: str) -> frozenset:
    try:
        return parse_wheel_filename(filename)[3]
    except InvalidWheelFilename:  # an sdist, or a name PyPI let through
        return frozenset()


def _linux_x86_64(filename: str) -> bool:
    return any("manylinux" in t.platform and t.platform.endswith("x86_64") for t in _tags(filename))


def _cpythons(filename: str) -> set[str]:
    """'3.12' for a cp312 wheel (the interpreters it installs on)."""
    return {f"3.{t.interpreter[3:]}" for t in _tags(filename) if t.interpreter.startswith("cp3")}


def propose(
    cool_off_days: int = 7,
    now: _dt.datetime | None = None,
    fetcher=fetch,
    catalog: Catalog | None = None,
) -> list[str]:
    """Changes to the catalog (default: versions.toml), as human-readable lines."""
    now = now or _dt.datetime.now(_dt.timezone.utc)
    catalog = catalog or load_catalog()
    cool_off = _dt.timedelta(days=cool_off_days)
    cpu = linux_candidates(fetcher("tensorflow-cpu"), now, cool_off)
    gpu = linux_candidates(fetcher("tensorflow"), now, cool_off)
    known = {r.minor: r for r in catalog.releases if not r.is_nightly and r.kind == "release"}
    changes = []
    for key in sorted(set(cpu) | set(gpu)):
        if key < (1, 15):
            continue
        minor = f"{key[0]}.{key[1]}"
        cand = cpu.get(key) or gpu[key]
        if minor in known:
            if Version(known[minor].version) < cand.version:
                changes.append(f"update {minor}: {known[minor].version} -> {cand.version}")
        else:
            fits = [p for p in cand.pythons if tuple(map(int, p.split("."))) <= NEWEST_PYTHON]
            if fits:
                package = "tensorflow-cpu" if key in cpu else "tensorflow"
                changes.append(f"add {minor}: {package}=={cand.version} on Python {fits[-1]}")
    return changes


def apply(changes: list[str], path: Path = CATALOG_PATH) -> str:
    """The catalog's text with `changes` made, its comments and layout kept (tomlkit)."""
    doc = tomlkit.parse(path.read_text(encoding="utf-8"))
    entries = doc["tf"]
    for change in changes:
        verb, _, rest = change.partition(" ")
        minor, _, what = rest.partition(": ")
        if verb == "update":
            old, _, new = what.partition(" -> ")
            for entry in entries:
                if entry["version"] == old:
                    entry["version"] = new
        elif verb == "add":
            requirement, _, python = what.partition(" on Python ")
            package, _, version = requirement.partition("==")
            entry = tomlkit.table()
            entry.add(tomlkit.comment("added by `tf-compat-matrix bump`: check its pins and "
                                      "tf-keras (no_deps) by installing it"))  # fmt: skip
            entry.update({"version": version, "python": python, "package": package})
            at = next((i for i, e in enumerate(entries) if e["version"] == "nightly"),
                      len(entries))  # fmt: skip
            entries.insert(at, entry)
    return tomlkit.dumps(doc)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--cool-off-days", type=int, default=7,
        help="only releases at least this old (yanks come in the first days; default: 7)",
    )  # fmt: skip
    parser.add_argument("--write", action="store_true", help="edit versions.toml in place")
    parser.add_argument(
        "--dates", action="store_true",
        help="write matrix/catalog/released.toml again: the PyPI upload day of every TensorFlow, "
        "Keras and add-on version the lock files install (the dataset's release dates)",
    )  # fmt: skip


def run(args: argparse.Namespace) -> None:
    if args.dates:
        wanted = released.installed()
        released.RELEASED_PATH.write_text(released.refresh(fetch, wanted), encoding="utf-8")
        print(f"wrote {released.RELEASED_PATH}: {len(wanted)} package versions dated")
        return
    changes = propose(args.cool_off_days)
    print("\n".join(changes) or "catalog is up to date")
    if changes and args.write:
        CATALOG_PATH.write_text(apply(changes), encoding="utf-8")
        print(f"wrote {CATALOG_PATH}; now run `nox -s lock` and the tests")
