"""The matrix engine: produce artifacts in one environment, consume them in another.

Everything is cached by content:
- an artifact by (producer env id, fixture source hash, format, harness version);
- a cell by (artifact content hash and origin, consumer env id, loader, harness version).
A rerun with nothing changed starts no TensorFlow process; a new TF version computes only its
own row and column; an edited fixture recomputes only that fixture's cells.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from matrix.catalog import Catalog, TFRelease
from matrix.envs import Environment, EnvUnavailable, ensure_env, read_stamp
from matrix.fixtures import Fixture, load_fixtures
from matrix.guest import protocol
from matrix.guest.registry import active_loaders, loader_applies
from matrix.home import Home
from matrix.progress import Progress
from matrix.store import ResultStore, exclusive_lock, read_jsonl
from matrix.supervisor import WorkerStartFailed, run_tasks

DEFAULT_CELL_TIMEOUT = float(os.environ.get("TFMATRIX_CELL_TIMEOUT", "180"))
# packages copied into every result record (the full list is in the environment record)
KEY_PACKAGES = ("tensorflow", "tensorflow-cpu", "tf-nightly", "keras", "tf-keras", "numpy",
                "protobuf", "h5py", "tensorboard")  # fmt: skip

Log = Callable[[str], None]


def _sha(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


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
    unavailable: str | None = None


def artifact_dir(home: Home, release: TFRelease, fixture: str, fmt: str) -> Path:
    return home.artifacts / release.name / fixture / fmt


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
    with exclusive_lock(home.artifacts / f"{release.name}.lock", log):
        tasks = []
        for fx in fixtures:
            for fmt in fx.formats:
                key = _sha(env.env_id, fx.sha256, fmt, protocol.HARNESS_VERSION)
                out = artifact_dir(home, release, fx.name, fmt)
                manifest = out / protocol.MANIFEST_NAME
                if manifest.exists() and json.loads(manifest.read_text()).get("produce_key") == key:
                    summary.cached += 1
                    continue
                tasks.append({
                    "op": "produce", "id": len(tasks), "fixture": fx.name, "format": fmt,
                    "kind": fx.kind,
                    "fixture_path": str(fx.path), "out_dir": str(out), "produce_key": key,
                    "producer": {"minor": release.minor, "env_id": env.env_id},
                })  # fmt: skip
        if not tasks:
            return summary
        progress = Progress(summary.name, len(tasks), log)

        def on_result(task: dict, answer: dict) -> None:
            if answer["status"] in ("CRASH", "TIMEOUT"):
                _write_failed_manifest(task, answer, env)
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


def _write_failed_manifest(task: dict, answer: dict, env: Environment) -> None:
    """A producer that crashed or hung while saving still leaves a manifest that says so."""
    out = Path(task["out_dir"])
    shutil.rmtree(out / protocol.ARTIFACT_SUBDIR, ignore_errors=True)
    for staging in out.parent.glob(out.name + ".new-*"):  # what the dead worker left
        shutil.rmtree(staging, ignore_errors=True)
    out.mkdir(parents=True, exist_ok=True)
    protocol.write_json_atomic(str(out / protocol.MANIFEST_NAME), {
        "schema": protocol.SCHEMA_VERSION, "harness": protocol.HARNESS_VERSION,
        "fixture": task["fixture"], "format": task["format"], "kind": task["kind"],
        "produce_key": task["produce_key"],
        "producer": dict(task["producer"], **{k: env.info.get(k) for k in
                                              ("python", "tensorflow", "keras", "numpy")}),
        "status": protocol.SAVE_FAILED, "error_category": answer["error_category"],
        "exception_type": None, "message": answer["message"], "files": {},
        "content_sha256": _sha("failed", task["produce_key"], answer["message"]),
    })  # fmt: skip


# --------------------------------------------------------------------------- consuming


def results_path(home: Home, release: TFRelease) -> Path:
    return home.results / f"{release.name}.jsonl"


def list_artifacts(
    home: Home, producers: list[TFRelease], fixtures: list[Fixture]
) -> list[tuple[Path, dict]]:
    """(artifact dir, manifest) of every current artifact of the given producers."""
    found = []
    for producer in producers:
        for fx in fixtures:
            for fmt in fx.formats:
                d = artifact_dir(home, producer, fx.name, fmt)
                try:
                    manifest = json.loads((d / protocol.MANIFEST_NAME).read_text())
                except (OSError, ValueError):
                    continue  # not produced (environment unavailable): no cells
                if manifest.get("schema") != protocol.SCHEMA_VERSION or not all(
                    k in manifest for k in ("content_sha256", "fixture", "format", "status")
                ):
                    continue  # written by another version of this tool: produce it again
                manifest.pop("inputs", None)
                manifest.pop("outputs", None)
                found.append((d, manifest))
    return found


@dataclass(frozen=True)
class Cell:
    key: str
    directory: Path
    manifest: dict
    loader: str


def plan_cells(
    consumer_env_id: str, artifacts: list[tuple[Path, dict]], loaders: list[str]
) -> list[Cell]:
    """Every (artifact, loader) cell of one consumer, with its cache key.

    The key names the artifact by content (files and reference data) *and* by where it came
    from: two producers can write byte-identical files (Keras 3.15 writes the same H5 under
    TF 2.16 to 2.21), and each must still get its own cell in the report; a producer whose
    TF or Keras changed is a new experiment even if its files did not change.
    """
    return [
        Cell(_cell_key(manifest, consumer_env_id, loader), directory, manifest, loader)
        for directory, manifest in artifacts
        for loader in loaders
    ]


def _cell_key(manifest: dict, consumer_env_id: str, loader: str) -> str:
    producer = manifest.get("producer", {})
    origin = "/".join(str(producer.get(k, "")) for k in ("minor", "tensorflow", "keras"))
    return _sha(
        manifest["content_sha256"], origin, manifest["fixture"], manifest["format"],
        consumer_env_id, loader, protocol.HARNESS_VERSION,
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
    """Load every artifact of `producers` with every loader in `release`'s environment."""
    summary = StepSummary(f"consume {release.name}")
    home.ensure()
    fixtures = load_fixtures() if fixtures is None else fixtures
    loaders = active_loaders() if loaders is None else loaders
    artifacts = list_artifacts(home, producers, fixtures)
    store = ResultStore(results_path(home, release))
    with store.lock(log):
        done = finished_keys(store, timeout)
        env, status = open_env(release, catalog, home, log)
        if env is None:
            summary.unavailable = status
            return summary
        base_consumer = {
            "consumer": release.minor,
            "consumer_tf": env.info.get("tensorflow"),
            "consumer_keras": env.info.get("keras"),
            "consumer_python": env.info.get("python"),
            "consumer_env_id": env.env_id,
            "consumer_packages": {
                k: v for k, v in env.info.get("packages", {}).items() if k in KEY_PACKAGES
            },
        }
        tasks: list[dict] = []
        records: dict[int, dict] = {}
        try:
            for cell in plan_cells(env.env_id, artifacts, loaders):
                if cell.key in done:
                    summary.cached += 1
                    continue
                record = _base_record(cell.key, cell.manifest, cell.loader, base_consumer)
                reason = _not_attempted(cell.manifest, cell.loader)
                if reason is not None:
                    record.update(reason)
                    store.append(record)
                    summary.computed += 1
                    continue
                records[len(tasks)] = record
                tasks.append({"op": "consume", "id": len(tasks), "loader": cell.loader,
                              "artifact_dir": str(cell.directory)})  # fmt: skip
            if tasks:
                progress = Progress(summary.name, len(tasks), log)

                def on_result(task: dict, answer: dict) -> None:
                    record = records[task["id"]]
                    for k in (
                        "status",
                        "error_category",
                        "exception_type",
                        "message",
                        "detail",
                        "max_abs_error",
                        "load_seconds",
                        "wall_seconds",
                        "attempts",
                    ):
                        record[k] = answer.get(k)
                    record["timeout_seconds"] = timeout
                    record["finished_at"] = _now()
                    store.append(record)
                    summary.computed += 1
                    if answer.get("load_seconds") is not None:
                        summary.cell_seconds.append(answer["load_seconds"])
                    progress.advance()
                    if overall is not None:
                        overall.advance()

                _supervise(summary, "consume", env, tasks, on_result, timeout, home, log)
        finally:
            store.close()
    return summary


def finished_keys(store: ResultStore, timeout: float) -> set[str]:
    """Keys of cells that need no new attempt. A TIMEOUT under a shorter limit than today's
    is tried again: raising TFMATRIX_CELL_TIMEOUT must be able to change the answer."""
    return {
        r["key"]
        for r in read_jsonl(store.path)
        if "key" in r
        and not (r.get("status") == "TIMEOUT" and r.get("timeout_seconds", 0) < timeout)
    }


def _base_record(key: str, manifest: dict, loader: str, consumer: dict) -> dict:
    producer = manifest.get("producer", {})
    return {
        "key": key,
        "schema": protocol.SCHEMA_VERSION,
        "harness": protocol.HARNESS_VERSION,
        "producer": producer.get("minor"),
        "producer_tf": producer.get("tensorflow"),
        "producer_keras": producer.get("keras"),
        "producer_python": producer.get("python"),
        "fixture": manifest["fixture"],
        "format": manifest["format"],
        "kind": manifest.get("kind"),
        "loader": loader,
        "artifact_sha256": manifest["content_sha256"],
        **consumer,
        "status": None,
        "error_category": None,
        "exception_type": None,
        "message": None,
        "max_abs_error": None,
        "load_seconds": None,
        "wall_seconds": None,
        "finished_at": _now(),
    }


def _not_attempted(manifest: dict, loader: str) -> dict | None:
    """The outcome of a cell that needs no load: the loader is irrelevant, or the save failed
    (counted only against loaders that would have applied)."""
    if not loader_applies(loader, manifest["format"], manifest.get("kind")):
        return {
            "status": protocol.NOT_APPLICABLE,
            "message": f"{loader} does not load {manifest.get('kind')} models "
            f"saved as {manifest['format']}",
        }
    if manifest.get("status") != "OK":
        return {
            "status": protocol.SAVE_FAILED,
            "error_category": manifest.get("error_category"),
            "exception_type": manifest.get("exception_type"),
            "message": manifest.get("message"),
        }
    return None


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
    home: Home, release: TFRelease, artifacts: list[tuple[Path, dict]], loaders: list[str]
) -> list[Cell] | None:
    """The cells `release` consumes, from its environment's stamp (no TensorFlow, no
    install); None while the environment does not exist yet."""
    stamp = read_stamp(home, release)
    return None if stamp is None else plan_cells(stamp["env_id"], artifacts, loaders)


def pending_loads(home: Home, releases: list[TFRelease], loaders: list[str]) -> int:
    """Cells of `releases` x `releases` that need a worker (known without starting one)."""
    artifacts = list_artifacts(home, releases, load_fixtures())
    pending = 0
    for release in releases:
        done = finished_keys(ResultStore(results_path(home, release)), DEFAULT_CELL_TIMEOUT)
        pending += sum(
            1 for c in planned_cells(home, release, artifacts, loaders) or ()
            if c.key not in done and _not_attempted(c.manifest, c.loader) is None
        )  # fmt: skip
    return pending


def run_matrix(
    releases: list[TFRelease],
    catalog: Catalog,
    home: Home,
    *,
    jobs: int = os.cpu_count() or 1,
    log: Log = print,
) -> MatrixRun:
    """Every release saves, then every release loads everything: `jobs` environments at once.

    Threads only supervise; the work is in one TensorFlow worker process per environment.
    """
    from concurrent.futures import ThreadPoolExecutor

    home.ensure()

    def guarded(step: Callable[..., StepSummary], release: TFRelease, **kw) -> StepSummary:
        try:
            return step(release, **kw)
        except Exception as exc:  # a bug must cost one environment, not the whole run
            log(f"{release.name}: {step.__name__} failed: {type(exc).__name__}: {exc}")
            return StepSummary(f"{step.__name__} {release.name}", unavailable="ERROR")

    started = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        produced = list(pool.map(
            lambda r: guarded(produce, r, catalog=catalog, home=home, log=log), releases
        ))  # fmt: skip
    produce_seconds = time.perf_counter() - started
    overall = Progress("matrix", pending_loads(home, releases, active_loaders()), log, every=15)
    started = time.perf_counter()
    with ThreadPoolExecutor(jobs) as pool:
        consumed = list(pool.map(
            lambda r: guarded(consume, r, producers=releases, catalog=catalog, home=home,
                              log=log, overall=overall),
            releases,
        ))  # fmt: skip
    return MatrixRun(produced, consumed, produce_seconds, time.perf_counter() - started)
