"""The TensorFlow version catalog (`versions.toml`) as typed data, and version selection."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from packaging.version import InvalidVersion, Version

if sys.version_info >= (3, 11):
    import tomllib
else:  # nox depends on tomli on older Pythons
    import tomli as tomllib

CATALOG_PATH = Path(__file__).with_name("versions.toml")


class UnknownVersion(ValueError):
    """A version name that is not in the catalog (the message is one line, for users)."""


@dataclass(frozen=True)
class TFRelease:
    """One catalog entry: a TensorFlow release and what it takes to install and import it."""

    version: str
    python: str
    package: str
    pins: tuple[str, ...] = ()
    no_deps: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    default: bool = True
    prerelease: bool = False
    notes: str = ""

    @property
    def is_nightly(self) -> bool:
        return self.version == "nightly"

    @property
    def minor(self) -> str:
        """`2.12` for 2.12.1: the name users select and the report shows."""
        if self.is_nightly:
            return "nightly"
        v = Version(self.version)
        return f"{v.major}.{v.minor}"

    @property
    def name(self) -> str:
        return f"tf-{self.minor}"

    @property
    def requirement(self) -> str:
        return self.package if self.is_nightly else f"{self.package}=={self.version}"

    @property
    def sort_key(self) -> Version:
        return Version("999") if self.is_nightly else Version(self.version)


@dataclass(frozen=True)
class Catalog:
    releases: tuple[TFRelease, ...]
    exclude_newer: str | None = None
    platform: str = "x86_64-manylinux_2_28"
    path: Path = field(default=CATALOG_PATH, compare=False)

    def by_minor(self) -> dict[str, TFRelease]:
        return {r.minor: r for r in self.releases}

    def select(self, names: Iterable[str] | None = None) -> list[TFRelease]:
        """Releases named by minor (`2.12`), exact version (`2.12.1`), `all` or `nightly`.

        No names (or `default`) means every release that is on by default.
        """
        wanted = [n for n in (names or []) if n.strip()]
        if not wanted or wanted == ["default"]:
            return [r for r in self.releases if r.default]
        chosen: dict[str, TFRelease] = {}
        minors = self.by_minor()
        for name in wanted:
            if name == "all":
                chosen.update({r.minor: r for r in self.releases})
                continue
            if name == "default":
                chosen.update({r.minor: r for r in self.releases if r.default})
                continue
            key = name.removeprefix("tf-")
            if key not in minors and key != "nightly":
                try:
                    v = Version(key)
                except InvalidVersion:
                    v = None
                key = f"{v.major}.{v.minor}" if v else key
            if key not in minors:
                known = ", ".join(minors)
                raise UnknownVersion(f"TensorFlow {name!r} is not in the catalog (known: {known})")
            chosen[key] = minors[key]
        return sorted(chosen.values(), key=lambda r: r.sort_key)


def load_catalog(path: Path = CATALOG_PATH) -> Catalog:
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    settings = data.get("settings", {})
    releases = []
    for entry in data.get("tf", []):
        releases.append(
            TFRelease(
                version=str(entry["version"]),
                python=str(entry["python"]),
                package=entry["package"],
                pins=tuple(entry.get("pins", ())),
                no_deps=tuple(entry.get("no_deps", ())),
                env=tuple(sorted(entry.get("env", {}).items())),
                default=entry.get("default", True),
                prerelease=entry.get("prerelease", False),
                notes=entry.get("notes", ""),
            )
        )
    releases.sort(key=lambda r: r.sort_key)
    return Catalog(
        releases=tuple(releases),
        exclude_newer=settings.get("exclude_newer"),
        platform=settings.get("platform", "x86_64-manylinux_2_28"),
        path=path,
    )
