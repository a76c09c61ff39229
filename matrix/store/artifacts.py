"""Artifacts in the store: which exist and are intact, which may be reused, and the manifest
of one the worker did not write (a format that does not exist in a version, a save that
crashed or hung)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

from matrix.catalog import Catalog, TFRelease
from matrix.catalog.fixtures import Fixture
from matrix.guest import protocol
from matrix.plan.cells import Artifact
from matrix.store.integrity import damage
from matrix.store.layout import Home


def reusable(manifest_path: Path, key: str, timeout: float) -> bool:
    """An artifact is kept when it was made by this key, unless its save timed out under a
    shorter limit than today's (then it is tried again, as a timed-out load is)."""
    try:
        manifest = json.loads(manifest_path.read_text())
    except (OSError, ValueError):
        return False
    if manifest.get("produce_key") != key:
        return False
    if damage(manifest_path.parent, manifest):  # changed since it was written: produce again
        return False
    timed_out = manifest.get("error_category") == "timeout"
    return not (timed_out and manifest.get("timeout_seconds", 0) < timeout)


def write_host_manifest(task: dict, info: dict, status: protocol.Status, why: dict) -> None:
    """The manifest of an artifact the worker did not write: a format that does not exist in
    this version (NOT_APPLICABLE), or a save that crashed or hung (SAVE_FAILED)."""
    out = Path(task["out_dir"])
    shutil.rmtree(out / protocol.ARTIFACT_SUBDIR, ignore_errors=True)
    for staging in out.parent.glob(protocol.staging_pattern(out.name)):  # a dead worker's
        shutil.rmtree(staging, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    short = {k: info.get(k) for k in ("python", "tensorflow", "keras", "numpy")}
    manifest = protocol.new_manifest(task, short, status, **why)
    protocol.seal_manifest(manifest, protocol.files_digest({}))
    protocol.write_json_atomic(str(out / protocol.MANIFEST_NAME), manifest)


def list_artifacts(
    home: Home,
    producers: list[TFRelease],
    fixtures: list[Fixture],
    broken: list[dict] | None = None,
    wanted: Callable[[TFRelease, str, str], bool] | None = None,
) -> list[Artifact]:
    """Every current artifact of the given producers (manifests without reference arrays)
    that `wanted(producer, fixture, format)` asks for (None: all of them).

    With `broken` (a list to fill), every artifact's files are checked against its manifest
    first; one that differs is left out and described there, never loaded."""
    found = []
    for producer in producers:
        for fx in fixtures:
            for fmt in fx.formats:
                if wanted is not None and not wanted(producer, fx.name, fmt):
                    continue
                d = home.artifact_dir(producer.name, fx.name, fmt)
                try:
                    manifest = json.loads((d / protocol.MANIFEST_NAME).read_text())
                except (OSError, ValueError):
                    continue  # not produced (environment unavailable): no cells
                try:
                    protocol.check_manifest(manifest)
                except protocol.ProtocolMismatch:
                    continue  # written by another version of this tool: produce it again
                if broken is not None:
                    what = damage(d, manifest)
                    if what:
                        broken.append({"producer": producer.minor, "fixture": fx.name,
                                       "format": fmt, "damage": what})  # fmt: skip
                        continue
                manifest.pop("inputs", None)
                manifest.pop("outputs", None)
                found.append(Artifact(d, manifest))
    return found


def artifacts_for(
    home: Home,
    consumer: TFRelease,
    producers: list[TFRelease],
    catalog: Catalog,
    fixtures: list[Fixture],
    broken: list[dict] | None = None,
) -> list[Artifact]:
    """What `consumer` loads: the artifacts of the producers it shares a block with, in the
    formats of those blocks (the main block: everything)."""
    return list_artifacts(
        home, catalog.peers(consumer, producers), fixtures, broken,
        wanted=lambda p, fixture, fmt: catalog.crosses(p, consumer, fixture, fmt),
    )  # fmt: skip
