"""Planning, pure: which artifacts a producer writes and which cells a consumer computes, with
their cache keys and every outcome that needs no TensorFlow. No I/O beyond what is passed in,
so it is unit-tested without any environment.

Keys (sha256 of their parts):
- an artifact: producer env id, fixture source, format module source, harness version;
- a cell: the artifact's content hash and origin (producer minor/TF/Keras), fixture, format,
  consumer env id, loader name and module source, harness version;
- a load: the same without the origin: byte-identical artifacts of several producers (the same
  Keras writes the same .h5 under TF 2.16 … 2.21) are loaded once and shown for each producer.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from matrix.catalog.availability import Facts, unmet
from matrix.catalog.fixtures import Fixture
from matrix.catalog.registry import FormatSpec, LoaderSpec, formats
from matrix.catalog.releases import Converter
from matrix.guest.protocol import HARNESS_VERSION, SAVER_VERSION, Status


def sha(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


@dataclass(frozen=True)
class ArtifactPlan:
    fixture: Fixture
    format: FormatSpec
    produce_key: str
    not_applicable: str | None  # why this producer cannot write it at all, or None
    converter: Converter | None = None  # installed beside the producer for this format


def choose_converter(name: str, facts: Facts, converters: Sequence[Converter]) -> Converter | None:
    """The first (newest) converter called `name` whose requirements the producer meets."""
    for c in converters:
        if c.name == name and unmet(c.requires, facts) is None:
            return c
    return None


def plan_artifacts(
    env_id: str,
    facts: Facts,
    fixtures: list[Fixture],
    wanted: Callable[[str, str], bool] | None = None,
    converters: Sequence[Converter] = (),
) -> list[ArtifactPlan]:
    """Every (fixture, format) a producer environment is asked for (`wanted(fixture, format)`:
    what its blocks cover; None: everything). A format or fixture that does not exist in this
    version is NOT_APPLICABLE here, without a worker; so is a format whose converter (data:
    `converters`) has no version that works beside this TensorFlow."""
    plans = []
    known = formats()
    for fx in fixtures:
        for name in fx.formats:
            if wanted is not None and not wanted(fx.name, name):
                continue  # outside every block this environment is in: no artifact at all
            fmt = known[name]
            conv = choose_converter(fmt.converter, facts, converters) if fmt.converter else None
            parts = (env_id, fx.sha256, fmt.sha256, name, HARNESS_VERSION, SAVER_VERSION)
            key = sha(*parts, conv.ident) if conv else sha(*parts)
            why = None
            if fmt.converter and conv is None:
                why = (f"format {name} is not written here: no {fmt.converter} version of "
                       f"the catalog converts beside this TensorFlow")  # fmt: skip
            elif fx.kind not in fmt.kinds:
                why = f"{name} cannot hold a {fx.kind} object"
            else:
                missing = unmet(fmt.requires, facts)
                if missing:
                    why = f"format {name} does not exist here: it {missing}"
                else:
                    missing = unmet(fx.requires, facts)
                    if missing:
                        why = f"fixture {fx.name} cannot be built here: it {missing}"
            plans.append(ArtifactPlan(fx, fmt, key, why, conv))
    return plans


@dataclass(frozen=True)
class Artifact:
    """A produced artifact: where it is, and its manifest (reference arrays left out)."""

    directory: Path
    manifest: Mapping


@dataclass(frozen=True)
class CellPlan:
    key: str
    load_key: str
    artifact: Artifact
    loader: LoaderSpec
    outcome: Mapping | None  # decided without a worker (NOT_APPLICABLE, SAVE_FAILED) or None


def cell_key(manifest: Mapping, consumer_env_id: str, loader: LoaderSpec) -> str:
    producer = manifest.get("producer", {})
    origin = "/".join(str(producer.get(k, "")) for k in ("minor", "tensorflow", "keras"))
    return sha(manifest["content_sha256"], origin, _load_parts(manifest, consumer_env_id, loader))


def share_key(manifest: Mapping, identity: str, loader: LoaderSpec) -> str:
    """The load's key among environments that look alike to the loader (plan/sharing.py)."""
    return sha(_load_parts(manifest, "seen:" + identity, loader))


def _load_parts(manifest: Mapping, consumer_env_id: str, loader: LoaderSpec) -> str:
    return "\x1e".join((manifest["content_sha256"], manifest["fixture"], manifest["format"],
                        consumer_env_id, loader.name, loader.sha256, HARNESS_VERSION))  # fmt: skip


def plan_cells(
    consumer_env_id: str,
    consumer_facts: Facts,
    artifacts: list[Artifact],
    loaders: Mapping[str, LoaderSpec],
    fixtures: Mapping[str, Fixture],
) -> list[CellPlan]:
    """The cells of one consumer: every loader a user would point at each artifact.

    A loader that does not read the artifact's container or kind is no cell at all (nobody
    restores a checkpoint with tf.saved_model.load); one that does but does not exist in this
    version is NOT_APPLICABLE, decided here.
    """
    known = formats()
    cells = []
    for art in artifacts:
        m = art.manifest
        fmt = known.get(m["format"])
        fixture = fixtures.get(m["fixture"])
        for spec in loaders.values():
            if fmt is None or not spec.reads(fmt, m.get("kind")):
                continue
            if spec.fixture_needs and (fixture is None or not fixture.has(spec.fixture_needs)):
                continue
            key = cell_key(m, consumer_env_id, spec)
            load_key = sha(_load_parts(m, consumer_env_id, spec))
            outcome = decided_outcome(m, spec, consumer_facts, fixture)
            cells.append(CellPlan(key, load_key, art, spec, outcome))
    return cells


def decided_outcome(
    manifest: Mapping, loader: LoaderSpec, facts: Facts, fixture: Fixture | None = None
) -> dict | None:
    """The outcome of a cell that needs no load, or None."""
    if manifest.get("status") == Status.NOT_APPLICABLE:
        return {"status": Status.NOT_APPLICABLE.value, "message": manifest.get("message")}
    missing = unmet(loader.requires, facts)
    if missing:
        return {"status": Status.NOT_APPLICABLE.value,
                "message": f"{loader.name} does not exist here: it {missing}"}  # fmt: skip
    if loader.imports_fixture and fixture is not None:
        missing = unmet(fixture.requires, facts)
        if missing:  # the user's code itself cannot run in this version
            return {"status": Status.NOT_APPLICABLE.value,
                    "message": f"{loader.name} rebuilds {fixture.name} from its code, which "
                    f"{missing}"}  # fmt: skip
    if manifest.get("status") != Status.OK:
        return {
            "status": Status.SAVE_FAILED.value,
            "error_category": manifest.get("error_category"),
            "error_detail": manifest.get("error_detail"),
            "exception_type": manifest.get("exception_type"),
            "message": manifest.get("message"),
        }
    return None
