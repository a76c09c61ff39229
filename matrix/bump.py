"""Bring the catalog up to date with PyPI: latest patch of each TensorFlow minor.

    python -m matrix.bump [--cool-off-days 7] [--write]

Skips yanked files and pre-releases, and releases younger than the cool-off (a broken
release is usually yanked or patched within days). Prints the proposed changes; `--write`
edits versions.toml in place (then run `nox -s lock` to re-resolve the locks).
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import re
import urllib.request
from dataclasses import dataclass

from packaging.version import Version

from matrix.catalog import CATALOG_PATH, load_catalog

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
        usable = [
            f for f in files
            if not f.get("yanked") and "manylinux" in f["filename"]
            and "x86_64" in f["filename"]
        ]  # fmt: skip
        if not usable:
            continue
        uploaded = min(
            _dt.datetime.fromisoformat(f["upload_time_iso_8601"].replace("Z", "+00:00"))
            for f in usable
        )
        if now - uploaded < cool_off:
            continue
        tags = set()
        for f in usable:
            m = re.search(r"-cp3(\d+)-", f["filename"])
            if m:
                tags.add(f"3.{m.group(1)}")
        key = (version.major, version.minor)
        if key not in best or version > best[key].version:
            pythons = tuple(sorted(tags, key=lambda p: int(p.split(".")[1])))
            best[key] = Candidate(version, pythons, uploaded)
    return best


def propose(cool_off_days: int = 7, now: _dt.datetime | None = None, fetcher=fetch) -> list[str]:
    """Changes to versions.toml, as human-readable lines."""
    now = now or _dt.datetime.now(_dt.timezone.utc)
    cool_off = _dt.timedelta(days=cool_off_days)
    cpu = linux_candidates(fetcher("tensorflow-cpu"), now, cool_off)
    gpu = linux_candidates(fetcher("tensorflow"), now, cool_off)
    known = {r.minor: r for r in load_catalog().releases if not r.is_nightly}
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


def apply(changes: list[str]) -> str:
    text = CATALOG_PATH.read_text(encoding="utf-8")
    for change in changes:
        m = re.match(r"update (\S+): (\S+) -> (\S+)", change)
        if m:
            text = text.replace(f'version = "{m.group(2)}"', f'version = "{m.group(3)}"', 1)
            continue
        m = re.match(r"add (\S+): (\S+)==(\S+) on Python (\S+)", change)
        if m:
            minor, package, version, python = m.groups()
            block = (
                f'\n[[tf]]\nversion = "{version}"\npython = "{python}"\npackage = "{package}"\n'
                f"# added by matrix.bump: check pins and tf-keras (no_deps) by installing it\n"
            )
            nightly = text.find('[[tf]]\nversion = "nightly"')
            text = text[:nightly] + block.lstrip("\n") + "\n" + text[nightly:]
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cool-off-days", type=int, default=7)
    parser.add_argument("--write", action="store_true")
    args = parser.parse_args()
    changes = propose(args.cool_off_days)
    print("\n".join(changes) or "catalog is up to date")
    if changes and args.write:
        CATALOG_PATH.write_text(apply(changes), encoding="utf-8")
        print(f"wrote {CATALOG_PATH}; now run `nox -s lock` and the tests")


if __name__ == "__main__":
    main()
