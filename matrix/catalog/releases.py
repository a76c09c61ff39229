"""The TensorFlow version catalog (`versions.toml`) as typed data, and version selection."""

from __future__ import annotations

import sys
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable

from packaging.version import InvalidVersion, Version

from matrix.catalog.order import minor_key
from matrix.catalog.sharing import Sharing
from matrix.errors import UsageError

if sys.version_info >= (3, 11):
    import tomllib
else:  # nox depends on tomli on older Pythons
    import tomli as tomllib

CATALOG_PATH = Path(__file__).with_name("versions.toml")
# the resolved package set of every release (`nox -s lock` writes them)
LOCKS_DIR = CATALOG_PATH.with_name("locks")


class UnknownVersion(UsageError, ValueError):
    """A version name that is not in the catalog (the message is one line, for users)."""


MAIN_BLOCK = "main"
# what an environment is: a TensorFlow release, the same TF with another Keras beside it, or
# with an add-on op library (its range of versions is read on its own axis); a *runtime* is an
# environment without TensorFlow that only loads (LiteRT, tflite-runtime, TensorFlow.js)
KINDS = ("release", "keras", "addon", "python", "package", "runtime")


@dataclass(frozen=True)
class Block:
    """A set of environments whose rows and columns are crossed: every environment of a block
    loads what every other saved, for the block's formats and fixtures (None: all of them)."""

    name: str
    formats: tuple[str, ...] | None = None
    fixtures: tuple[str, ...] | None = None
    doc: str = ""
    # its formats are crossed in this block only (a converter's output, read by runtimes that
    # are members here), not in `main` nor any other
    exclusive: bool = False
    consumer_kinds: tuple[str, ...] | None = None  # kinds of members that load (None: all)

    def covers(self, fixture: str, fmt: str) -> bool:
        return (self.formats is None or fmt in self.formats) and (
            self.fixtures is None or fixture in self.fixtures
        )


@dataclass(frozen=True)
class TFRelease:
    """One catalog entry: a TensorFlow release and what it takes to install and import it.

    A *variant* is the same TensorFlow with other packages beside it (another Keras, an add-on
    such as tensorflow-text): its own environment, row and column, named `2.18+keras3.6`."""

    version: str
    python: str
    package: str
    pins: tuple[str, ...] = ()
    no_deps: tuple[str, ...] = ()
    env: tuple[tuple[str, str], ...] = ()
    default: bool = True
    prerelease: bool = False
    notes: str = ""
    variant: str = ""  # "" for the TensorFlow itself, e.g. "keras3.6" or "text"
    blocks: tuple[str, ...] = (MAIN_BLOCK,)
    evidence: str = ""  # what installing it showed (variants: why it is in the catalog)
    imports: tuple[str, ...] = ()  # modules that must import beside TF (an add-on's)
    kind: str = "release"  # one of KINDS: data from versions.toml, never guessed from the name
    runtime: str = ""  # a runtime's family ("litert", "tflite-runtime", "tfjs"); "" for a TF
    npm: tuple[str, ...] = ()  # packages npm installs beside it (TensorFlow.js in Node)
    install: str = ""  # a runtime's Python requirement, when it is not `package==version`
    # requirements forced on the resolver whatever TF's metadata says (uv --override): numpy 2
    # beside a TF that declares numpy<2, to record what happens
    overrides: tuple[str, ...] = ()

    @property
    def is_nightly(self) -> bool:
        return self.version == "nightly"

    @property
    def base_minor(self) -> str:
        """`2.12` for 2.12.1 (and for its variants); `litert2.3` for LiteRT 2.3.0."""
        if self.is_nightly:
            return "nightly"
        v = Version(self.version)
        return f"{self.runtime}{v.major}.{v.minor}"

    @property
    def produces_nothing(self) -> bool:
        """A runtime only loads: it has no TensorFlow to save with."""
        return self.kind == "runtime"

    @property
    def minor(self) -> str:
        """The name users select and the report shows: `2.12`, or `2.18+keras3.6`."""
        return f"{self.base_minor}+{self.variant}" if self.variant else self.base_minor

    @property
    def name(self) -> str:
        return f"tf-{self.minor}"

    @property
    def requirement(self) -> str:
        if self.install:
            return self.install
        return self.package if self.is_nightly else f"{self.package}=={self.version}"

    @property
    def sort_key(self) -> tuple:
        return minor_key(self.minor)


@dataclass(frozen=True)
class Converter:
    """A converter that is installed beside a producer's TensorFlow only to write a format
    (tensorflowjs): not in the environment (its lock and id stay as they are) but in a folder
    of its own put on the worker's path. `requires` says beside which TensorFlow this version
    converts (PEP 508 on the producer's facts); `packages` are installed without their
    dependencies (its declared ones drag in jax, flax, decision forests, …)."""

    name: str
    version: str
    requires: tuple[str, ...]
    packages: tuple[str, ...]
    evidence: str = ""
    # modules it imports at start-up but never uses for these conversions (TF Decision Forests,
    # built for one TF only): empty modules, so it starts beside any TensorFlow
    stubs: tuple[str, ...] = ()

    @property
    def ident(self) -> str:
        """What the artifacts it writes are keyed by: a new version or package re-converts."""
        stubs = ("stub:" + s for s in self.stubs)
        return ";".join((self.name, self.version, *self.packages, *stubs))


@dataclass(frozen=True)
class Catalog:
    releases: tuple[TFRelease, ...]
    exclude_newer: str | None = None
    platform: str = "x86_64-manylinux_2_28"
    path: Path = field(default=CATALOG_PATH, compare=False)
    blocks: tuple[Block, ...] = (Block(MAIN_BLOCK),)
    # which Keras 3 releases ran beside which TF, and what TF's metadata admits (evidence)
    keras3_support: tuple[tuple[str, str, str], ...] = ()
    # (environment, why): where `check` loads a model for real when no version is named
    check_spread: tuple[tuple[str, str], ...] = ()
    check_spread_tflite: tuple[tuple[str, str], ...] = ()  # the same, for a .tflite
    converters: tuple[Converter, ...] = ()  # newest first within each name
    # which environments share a loader's outcome ([sharing]; None: every cell is its own)
    sharing: Sharing | None = None

    def block(self, name: str) -> Block:
        return {b.name: b for b in self.blocks}[name]

    def _blocks_for(self, names: Iterable[str], fmt: str) -> list[Block]:
        """The blocks of `names` that may cross `fmt`: only its own where a block claims it."""
        owners = {b.name for b in self.blocks if b.exclusive and b.formats and fmt in b.formats}
        return [self.block(n) for n in names if not owners or n in owners]

    def crosses(self, producer: TFRelease, consumer: TFRelease, fixture: str, fmt: str) -> bool:
        """Does `consumer` load `producer`'s artifact of (fixture, format)? Yes when a block
        that both are in covers it (and lets that kind of environment load)."""
        shared = [b for b in producer.blocks if b in consumer.blocks]
        return any(b.covers(fixture, fmt) and (b.consumer_kinds is None
                                               or consumer.kind in b.consumer_kinds)
                   for b in self._blocks_for(shared, fmt))  # fmt: skip

    def produces(self, producer: TFRelease, fixture: str, fmt: str) -> bool:
        """Is (fixture, format) asked of `producer`: covered by one of its blocks?"""
        return not producer.produces_nothing and any(
            b.covers(fixture, fmt) for b in self._blocks_for(producer.blocks, fmt)
        )

    def peers(self, consumer: TFRelease, selected: Iterable[TFRelease]) -> list[TFRelease]:
        """The producers of `selected` whose artifacts `consumer` loads (a shared block)."""
        return [p for p in selected
                if not p.produces_nothing and set(p.blocks) & set(consumer.blocks)]  # fmt: skip

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
            if key not in minors and key != "nightly" and "+" not in key:
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
    blocks = [Block(MAIN_BLOCK, doc="every TensorFlow: every fixture, format and loader")]
    for name, entry in data.get("blocks", {}).items():
        if name == MAIN_BLOCK:
            continue
        fmts, fxs = entry.get("formats"), entry.get("fixtures")
        kinds = entry.get("consumer_kinds")
        blocks.append(Block(
            name, formats=tuple(fmts) if fmts is not None else None,
            fixtures=tuple(fxs) if fxs is not None else None, doc=entry.get("doc", ""),
            exclusive=bool(entry.get("exclusive", False)),
            consumer_kinds=tuple(kinds) if kinds is not None else None,
        ))  # fmt: skip
    # a block may also name environments of the catalog as members (e.g. the TensorFlow
    # releases an add-on variant is compared with)
    members = {
        name: set(entry.get("members", ())) for name, entry in data.get("blocks", {}).items()
    }
    bases = {r.minor: r for r in releases}
    for entry in data.get("variant", []):
        releases.append(_variant(entry, bases, {b.name for b in blocks}))
    for entry in data.get("runtime", []):
        releases.append(_runtime(entry, {b.name for b in blocks}))
    releases = [
        replace(r, blocks=r.blocks + tuple(sorted(b for b, m in members.items() if r.minor in m
                                                  and b not in r.blocks)))
        for r in releases
    ]  # fmt: skip
    unknown = set().union(*members.values()) - {r.minor for r in releases} if members else set()
    if unknown:
        raise ValueError(f"blocks name environments that are not in the catalog: {sorted(unknown)}")
    releases.sort(key=lambda r: r.sort_key)
    return Catalog(
        releases=tuple(releases),
        exclude_newer=settings.get("exclude_newer"),
        platform=settings.get("platform", "x86_64-manylinux_2_28"),
        path=path,
        blocks=tuple(blocks),
        keras3_support=tuple(
            (tf, v["works"], v["metadata"]) for tf, v in data.get("keras3_support", {}).items()
        ),  # fmt: skip
        check_spread=tuple((k, str(v)) for k, v in data.get("check_spread", {}).items()),
        check_spread_tflite=tuple(
            (k, str(v)) for k, v in data.get("check_spread_tflite", {}).items()
        ),
        converters=tuple(
            Converter(
                str(c["name"]),
                str(c["version"]),
                tuple(c.get("requires", ())),
                tuple(c["packages"]),
                c.get("evidence", ""),
                tuple(c.get("stubs", ())),
            )  # fmt: skip
            for c in data.get("converter", [])
        ),
        sharing=Sharing.from_toml(data["sharing"]) if "sharing" in data else None,
    )


def _variant(entry: dict, bases: dict[str, TFRelease], blocks: set[str]) -> TFRelease:
    """A [[variant]] entry: its base TensorFlow's entry, with its own pins (a pin on a package
    the base pins replaces it), packages and blocks."""
    from packaging.requirements import Requirement

    base = bases[str(entry["base"])]

    def names(reqs):
        return {Requirement(r).name for r in reqs}

    pins = tuple(entry.get("pins", ()))
    no_deps = tuple(entry.get("no_deps", ()))
    unknown = set(entry.get("blocks", ())) - blocks
    if unknown:
        raise ValueError(f"variant {entry['name']}: unknown blocks {sorted(unknown)}")
    kind = entry.get("kind")
    if kind not in KINDS[1:]:
        raise ValueError(f"variant {entry['name']}: kind must be one of {KINDS[1:]}, not {kind!r}")
    return replace(
        base,
        variant=str(entry["name"]),
        package=entry.get("package", base.package),
        python=str(entry.get("python", base.python)),  # e.g. where the add-on has no wheel
        pins=tuple(p for p in base.pins if Requirement(p).name not in names(pins)) + pins,
        no_deps=tuple(p for p in base.no_deps if Requirement(p).name not in names(pins + no_deps))
        + no_deps,
        default=entry.get("default", False),
        blocks=tuple(entry.get("blocks", (MAIN_BLOCK,))),
        notes=entry.get("notes", ""),
        evidence=entry.get("evidence", ""),
        imports=tuple(entry.get("imports", ())),
        kind=kind,
        env=tuple(sorted({**dict(base.env), **entry.get("env", {})}.items())),
        overrides=tuple(entry.get("overrides", ())),
    )


def _runtime(entry: dict, blocks: set[str]) -> TFRelease:
    """A [[runtime]] entry: an environment without TensorFlow (`package==version` and its pins,
    `npm` packages beside it), in the blocks of the formats it reads, never a producer."""
    unknown = set(entry.get("blocks", ())) - blocks
    if unknown or not entry.get("blocks"):
        raise ValueError(f"runtime {entry['name']}: blocks must name known blocks, not {unknown}")
    env = dict(entry.get("env", {}))
    env["TFMATRIX_RUNTIME"] = str(entry["name"])  # the guest imports no TensorFlow
    return TFRelease(
        version=str(entry["version"]),
        python=str(entry["python"]),
        package=entry["package"],
        pins=tuple(entry.get("pins", ())),
        env=tuple(sorted(env.items())),
        default=entry.get("default", True),
        notes=entry.get("notes", ""),
        blocks=tuple(entry["blocks"]),
        evidence=entry.get("evidence", ""),
        kind="runtime",
        runtime=str(entry["name"]),
        npm=tuple(entry.get("npm", ())),
        install=entry.get("install", ""),
    )
