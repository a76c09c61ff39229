"""The matrix engine: produce artifacts in one environment, consume them in another.

Everything is cached by content (the keys are made in `plan.py`): an artifact by its
producer environment and the source of its fixture and format; a cell by the artifact's
content and origin, the consumer environment and the loader's source.
A rerun with nothing changed starts no TensorFlow process; a new TF version computes only its
own row and column; an edited fixture recomputes only that fixture's cells.
"""

from __future__ import annotations

import datetime as _dt
import json
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from functools import partial
from pathlib import Path
from typing import Callable

from matrix import registry
from matrix.availability import facts_of
from matrix.catalog import Catalog, TFRelease
from matrix.envs import Environment, EnvUnavailable, ensure_env, read_stamp
from matrix.fixtures import Fixture, load_fixtures
from matrix.guest import protocol
from matrix.guest.protocol import ConsumeTask, ProduceTask
from matrix.home import Home
from matrix.integrity import damage
from matrix.plan import Artifact, CellPlan, plan_artifacts, plan_cells
from matrix.progress import Progress
from matrix.records import ANSWER_FIELDS, CellRecord
from matrix.registry import LoaderSpec
from matrix.store import ResultStore, exclusive_lock, read_jsonl
from matrix.supervisor import WorkerStartFailed, run_tasks

DEFAULT_CELL_TIMEOUT = float(os.environ.get("TFMATRIX_CELL_TIMEOUT", "180"))
# packages copied into every result record (the full list is in the environment record)
KEY_PACKAGES = ("tensorflow", "tensorflow-cpu", "tf-nightly", "keras", "tf-keras", "numpy",
                "protobuf", "h5py", "tensorboard")  # fmt: skip

Log = Callable[[str], None]


def _now() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds")


# --------------------------------------------------------------------------- environments


def env_record_path(home: Home, release: TFRelease) -> Path:
    return home.results / f"{release.name}.env.json"


def open_env(
    release: TFRelease, catalog: Catalog, home: Home, log: Log
) -> tuple[Environment | None, str]:
    """(environment, "OK"), or (None, why not) after recording it: the run goes on."""
    record: dict = {"release": release.version, "minor": release.minor, "checked_at": _now()}
    try:
        env = ensure_env(release, catalog, home, log=log)
    except EnvUnavailable as exc:
        record.update(status=exc.category, reason=exc.reason)
        log(f"{release.name}: skipped, {exc.category}: {exc.reason}")
        env = None
    except Exception as exc:  # a bug or an OS problem: still only this version is lost
        record.update(status="ENV_ERROR", reason=f"{type(exc).__name__}: {exc}"[:400])
        log(f"{release.name}: skipped, {record['reason']}")
        env = None
    else:
        record.update(status="OK", env_id=env.env_id, info=env.info)
    _write_env_record(home, release, record)
    return env, record["status"]


def _write_env_record(home: Home, release: TFRelease, record: dict) -> None:
    path = env_record_path(home, release)
    try:
        previous = json.loads(path.read_text())
    except (OSError, ValueError):
        previous = {}
    previous["checked_at"] = record["checked_at"]
    if previous != record:  # unchanged records stay untouched: the report is then up to date
        protocol.write_json_atomic(str(path), record)


def _worker_failed(home: Home, release: TFRelease, env: Environment, exc: Exception, log: Log):
    """The environment installs but its worker cannot start: recorded like an install failure."""
    reason = str(exc)[:400]
    log(f"{release.name}: skipped, WORKER_START_FAILED: {reason}")
    _write_env_record(home, release, {
        "release": release.version, "minor": release.minor, "checked_at": _now(),
        "status": "WORKER_START_FAILED", "reason": reason, "env_id": env.env_id,
        "info": env.info,
    })  # fmt: skip
    return "WORKER_START_FAILED"


# --------------------------------------------------------------------------- producing


@dataclass
class StepSummary:
    name: str
    computed: int = 0
    cached: int = 0
    worker_starts: int = 0
    import_seconds: list[float] = field(default_factory=list)
    cell_seconds: list[float] = field(default_factory=list)
    crashes: int = 0
    timeouts: int = 0
    peak_rss_kb: int = 0
    shared_loads: int = 0  # cells answered by another producer's byte-identical artifact
    broken: list[dict] = field(default_factory=list)  # artifacts left out: files changed
    unavailable: str | None = None


def artifact_dir(home: Home, release: TFRelease, fixture: str, fmt: str) -> Path:
    return home.artifacts / release.name / fixture / fmt


def _reusable(manifest_path: Path, key: str, timeout: float) -> bool:
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


def produce(
    release: TFRelease,
    catalog: Catalog,
    home: Home,
    *,
    fixtures: list[Fixture] | None = None,
    timeout: float = DEFAULT_CELL_TIMEOUT,
    log: Log = print,
) -> StepSummary:
    """Save every fixture in every format it declares, in `release`'s environment."""
    summary = StepSummary(f"produce {release.name}")
    env, status = open_env(release, catalog, home.ensure(), log)
    if env is None:
        summary.unavailable = status
        return summary
    fixtures = load_fixtures() if fixtures is None else fixtures
    producer = {"minor": release.minor, "env_id": env.env_id}
    with exclusive_lock(home.artifacts / f"{release.name}.lock", log):
        tasks = []
        wanted = partial(catalog.produces, release)
        for plan in plan_artifacts(env.env_id, facts_of(env.info), fixtures, wanted):
            out = artifact_dir(home, release, plan.fixture.name, plan.format.name)
            if _reusable(out / protocol.MANIFEST_NAME, plan.produce_key, timeout):
                summary.cached += 1
                continue
            task = ProduceTask(
                id=len(tasks), fixture=plan.fixture.name, fixture_path=str(plan.fixture.path),
                format=plan.format.name, format_module=plan.format.name, out_dir=str(out),
                produce_key=plan.produce_key, kind=plan.fixture.kind, producer=producer,
            )  # fmt: skip
            if plan.not_applicable:  # decided here: no worker needed
                _write_host_manifest(asdict(task), env, protocol.Status.NOT_APPLICABLE,
                                     {"message": plan.not_applicable})  # fmt: skip
                summary.computed += 1
                continue
            tasks.append(asdict(task))
        if not tasks:
            return summary
        progress = Progress(summary.name, len(tasks), log)

        def on_result(task: dict, answer: dict) -> None:
            if answer["status"] in ("CRASH", "TIMEOUT"):
                _write_host_manifest(task, env, protocol.Status.SAVE_FAILED, {
                    "error_category": answer["error_category"], "message": answer["message"],
                    "timeout_seconds": timeout,
                })  # fmt: skip
            summary.computed += 1
            progress.advance()

        _supervise(summary, "produce", env, tasks, on_result, timeout, home, log)
    return summary


def _supervise(summary, step, env, tasks, on_result, timeout, home, log) -> None:
    """Run the tasks in `env`'s worker and put the supervisor's figures into `summary`."""
    try:
        stats = run_tasks(
            env, tasks, on_result, timeout=timeout,
            log_path=home.logs / f"{step}-{env.release.name}.log",
        )  # fmt: skip
    except WorkerStartFailed as exc:
        summary.unavailable = _worker_failed(home, env.release, env, exc, log)
        return
    summary.worker_starts, summary.import_seconds = stats.worker_starts, stats.import_seconds
    summary.crashes, summary.timeouts = stats.crashes, stats.timeouts
    summary.peak_rss_kb = stats.peak_rss_kb


def _write_host_manifest(task: dict, env: Environment, status: protocol.Status, why: dict) -> None:
    """The manifest of an artifact the worker did not write: a format that does not exist in
    this version (NOT_APPLICABLE), or a save that crashed or hung (SAVE_FAILED)."""
    out = Path(task["out_dir"])
    shutil.rmtree(out / protocol.ARTIFACT_SUBDIR, ignore_errors=True)
    for staging in out.parent.glob(out.name + ".new-*"):  # what a dead worker left
        shutil.rmtree(staging, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    info = {k: env.info.get(k) for k in ("python", "tensorflow", "keras", "numpy")}
    manifest = protocol.new_manifest(task, info, status, **why)
    protocol.seal_manifest(manifest, protocol.files_digest({}))
    protocol.write_json_atomic(str(out / protocol.MANIFEST_NAME), manifest)


# --------------------------------------------------------------------------- consuming


def results_path(home: Home, release: TFRelease) -> Path:
    return home.results / f"{release.name}.jsonl"


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
                d = artifact_dir(home, producer, fx.name, fmt)
                try:
                    manifest = json.loads((d / protocol.MANIFEST_NAME).read_text())
                except (OSError, ValueError):
                    continue  # not produced (environment unavailable): no cells
                if manifest.get("schema") != protocol.SCHEMA_VERSION or not all(
                    k in manifest for k in ("content_sha256", "fixture", "format", "status")
                ):
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


def consume(
    release: TFRelease,
    producers: list[TFRelease],
    catalog: Catalog,
    home: Home,
    *,
    fixtures: list[Fixture] | None = None,
    loaders: list[str] | None = None,
    timeout: float = DEFAULT_CELL_TIMEOUT,
    log: Log = print,
    overall: Progress | None = None,
) -> StepSummary:
    """Load every artifact of `producers` with every loader in `release`'s environment.

    Cells decided without TensorFlow (a loader or format that does not exist in the version,
    a failed save) are written at once; byte-identical artifacts are loaded once per loader.
    """
    summary = StepSummary(f"consume {release.name}")
    home.ensure()
    fixtures = load_fixtures() if fixtures is None else fixtures
    specs = _loader_specs(loaders)
    broken: list[dict] = []
    artifacts = artifacts_for(home, release, producers, catalog, fixtures, broken)
    for b in broken:
        log(f"{release.name}: not loading {b['fixture']}/{b['format']} of tf-{b['producer']}: "
            f"BROKEN_ARTIFACT, its files differ from its manifest ({b['damage']})")  # fmt: skip
    summary.broken = broken
    by_name = {f.name: f for f in fixtures}
    store = ResultStore(results_path(home, release))
    with store.lock(log):
        done = finished_keys(store, timeout)
        env, status = open_env(release, catalog, home, log)
        if env is None:
            summary.unavailable = status
            return summary
        consumer = _consumer_fields(release, env)
        tasks: list[dict] = []
        waiting: dict[int, list[CellRecord]] = {}  # task id -> the cells its load answers
        by_load: dict[str, int] = {}
        try:
            for cell in plan_cells(env.env_id, facts_of(env.info), artifacts, specs, by_name):
                if cell.key in done:
                    summary.cached += 1
                    continue
                record = _new_record(cell, consumer)
                if cell.outcome is not None:
                    store.append(record.update(cell.outcome).to_json())
                    summary.computed += 1
                    continue
                if cell.load_key in by_load:  # the same bytes from another producer
                    waiting[by_load[cell.load_key]].append(record)
                    continue
                fixture = by_name.get(cell.artifact.manifest["fixture"])
                task = ConsumeTask(
                    id=len(tasks), loader=cell.loader.name, loader_module=cell.loader.module,
                    artifact_dir=str(cell.artifact.directory),
                    fixture_path=str(fixture.path) if fixture else None,
                )  # fmt: skip
                by_load[cell.load_key] = task.id
                waiting[task.id] = [record]
                tasks.append(asdict(task))
            if tasks:
                progress = Progress(summary.name, len(tasks), log)

                def on_result(task: dict, answer: dict) -> None:
                    for i, record in enumerate(waiting[task["id"]]):
                        record.update({k: answer.get(k) for k in ANSWER_FIELDS})
                        record.timeout_seconds = timeout
                        record.shared_load = i > 0
                        record.finished_at = _now()
                        store.append(record.to_json())
                        summary.computed += 1
                        summary.shared_loads += i > 0
                    if answer.get("load_seconds") is not None:
                        summary.cell_seconds.append(answer["load_seconds"])
                    progress.advance()
                    if overall is not None:
                        overall.advance()

                _supervise(summary, "consume", env, tasks, on_result, timeout, home, log)
        finally:
            store.close()
    return summary


def _loader_specs(names: list[str] | None) -> dict[str, LoaderSpec]:
    if names is None:
        return registry.loaders()
    return {n: registry.loader(n) for n in names}


def _consumer_fields(release: TFRelease, env: Environment) -> dict:
    return {
        "consumer": release.minor,
        "consumer_tf": env.info.get("tensorflow"),
        "consumer_keras": env.info.get("keras"),
        "consumer_python": env.info.get("python"),
        "consumer_env_id": env.env_id,
        "consumer_packages": {
            k: v for k, v in env.info.get("packages", {}).items() if k in KEY_PACKAGES
        },
    }


def finished_keys(store: ResultStore, timeout: float) -> set[str]:
    """Keys of cells that need no new attempt. A TIMEOUT under a shorter limit than today's
    is tried again: raising TFMATRIX_CELL_TIMEOUT must be able to change the answer."""
    return {
        r["key"]
        for r in read_jsonl(store.path)
        if "key" in r
        and not (r.get("status") == "TIMEOUT" and r.get("timeout_seconds", 0) < timeout)
    }


def _new_record(cell: CellPlan, consumer: dict) -> CellRecord:
    manifest = cell.artifact.manifest
    producer = manifest.get("producer", {})
    return CellRecord(
        key=cell.key,
        producer=producer.get("minor"),
        producer_tf=producer.get("tensorflow"),
        producer_keras=producer.get("keras"),
        producer_python=producer.get("python"),
        fixture=manifest["fixture"],
        format=manifest["format"],
        kind=manifest.get("kind"),
        loader=cell.loader.name,
        artifact_sha256=manifest["content_sha256"],
        artifact_status=manifest["status"],
        finished_at=_now(),
        **consumer,
    )


def read_results(home: Home) -> list[dict]:
    records = []
    for path in sorted(home.results.glob("*.jsonl")):
        records.extend(read_jsonl(path))
    return records


# --------------------------------------------------------------------------- the whole matrix


@dataclass
class MatrixRun:
    produced: list[StepSummary]
    consumed: list[StepSummary]
    produce_seconds: float
    consume_seconds: float


def planned_cells(
    home: Home,
    release: TFRelease,
    artifacts: list[Artifact],
    loaders: dict[str, LoaderSpec],
    fixtures: list[Fixture] | None = None,
) -> list[CellPlan] | None:
    """The cells `release` consumes, from its environment's stamp (no TensorFlow, no
    install); None while the environment does not exist yet."""
    stamp = read_stamp(home, release)
    if stamp is None:
        return None
    by_name = {f.name: f for f in (load_fixtures() if fixtures is None else fixtures)}
    return plan_cells(stamp["env_id"], facts_of(stamp["info"]), artifacts, loaders, by_name)


def pending_loads(
    home: Home,
    releases: list[TFRelease],
    loaders: dict[str, LoaderSpec],
    catalog: Catalog,
    fixtures: list[Fixture] | None = None,
) -> int:
    """Loads of `releases` x `releases` that need a worker (known without starting one)."""
    fixtures = load_fixtures() if fixtures is None else fixtures
    pending = 0
    for release in releases:
        artifacts = artifacts_for(home, release, releases, catalog, fixtures)
        done = finished_keys(ResultStore(results_path(home, release)), DEFAULT_CELL_TIMEOUT)
        pending += len({
            c.load_key for c in planned_cells(home, release, artifacts, loaders, fixtures) or ()
            if c.key not in done and c.outcome is None
        })  # fmt: skip
    return pending


def run_matrix(
    releases: list[TFRelease],
    catalog: Catalog,
    home: Home,
    *,
    jobs: int = os.cpu_count() or 1,
    log: Log = print,
    fixtures: list[Fixture] | None = None,
) -> MatrixRun:
    """Every release saves, then every release loads everything: `jobs` environments at once.

    Threads only supervise; the work is in one TensorFlow worker process per environment.
    """
    from concurrent.futures import ThreadPoolExecutor

    home.ensure()
    fixtures = load_fixtures() if fixtures is None else fixtures

    def guarded(step: Callable[..., StepSummary], release: TFRelease, **kw) -> StepSummary:
        try:
            return step(release, **kw)
        except Exception as exc:  # a bug must cost one environment, not the whole run
            log(f"{release.name}: {step.__name__} failed: {type(exc).__name__}: {exc}")
            return StepSummary(f"{step.__name__} {release.name}", unavailable="ERROR")

    started = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        produced = list(pool.map(
            lambda r: guarded(produce, r, catalog=catalog, home=home, log=log, fixtures=fixtures),
            releases,
        ))  # fmt: skip
    produce_seconds = time.perf_counter() - started
    pending = pending_loads(home, releases, registry.loaders(), catalog, fixtures)
    overall = Progress("matrix", pending, log, every=15)
    started = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        consumed = list(pool.map(
            lambda r: guarded(consume, r, producers=releases, catalog=catalog, home=home,
                              log=log, overall=overall, fixtures=fixtures),
            releases,
        ))  # fmt: skip
    return MatrixRun(produced, consumed, produce_seconds, time.perf_counter() - started)
